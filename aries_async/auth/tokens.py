"""OAuth tokens: a frozen value that knows its expiry and never shows its secrets."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import attrs

from aries_async._redaction import SHOWN_RUN, blanked, kind_of, quotes_secret, redact, shown
from aries_async._validate import printable

__all__ = [
    "AUTHORIZATION_CODE",
    "CLIENT_CREDENTIALS",
    "DEFAULT_REFRESH_SKEW",
    "MAX_LIFETIME",
    "SHOWN_RUN",
    "Token",
    "blanked",
    "given_token",
    "quotes_secret",
    "redact",
]

log = logging.getLogger("aries_async.auth")

DEFAULT_REFRESH_SKEW = 60.0
"""Seconds before expiry at which a token counts as due for refresh (the official SDK uses 60).
A token that lives less than twice this long is renewed halfway through its life instead."""

MAX_LIFETIME = 10 * 365 * 86400.0
"""The longest ``expires_in`` taken at its word (ten years); a longer one means no known expiry."""

AUTHORIZATION_CODE = "authorization_code"
"""``Token.grant_type`` of a user's sign-in (renewed with its refresh token)."""
CLIENT_CREDENTIALS = "client_credentials"
"""``Token.grant_type`` of an app token (renewed with the client credentials)."""
REFRESH_WAIT = 120.0
"""The least time a refresh grant or a code exchange is given (``ClientConfig.timeout`` when
longer; no attempt of it is cut at ``attempt_timeout``): a server that rotates refresh tokens
has spent the old one once it grants, as it spends an authorization code, so its answer is the
only copy of the new tokens, lost to a call that stops waiting."""


def _token_text(value: object, name: str) -> None:
    """Refuse a token with a character no token has: a space, a line break or another control
    character (a file or variable read with its trailing newline). Sent,
    it would fail in the HTTP library (a header with a control character) or be refused by
    the server (a refresh token: the grant taken for revoked). The value is a secret: only
    its name is said.

    Raises:
        ValidationError: such a token.
    """
    if isinstance(value, str) and not printable(value):
        from aries_async.errors import ValidationError

        raise ValidationError(
            f"the {name} holds a line break, a space or another character no token has (read "
            "from a file or an environment variable with its trailing newline?): strip it",
            field=name,
        )


@attrs.frozen(kw_only=True, repr=False)
class Token:
    """An OAuth access token, with its refresh token, expiry and granted scopes.

    Times are Unix seconds (wall clock) so that a token saved by one process is understood by
    another. ``repr()`` and ``str()`` never show the tokens, and never raise.

    ``expires_in`` in a token response is read as follows: a positive number of seconds up to
    :data:`MAX_LIFETIME` is the lifetime; 0 or a negative number means expired on arrival;
    a missing value, anything that is not a finite number (``"NaN"``, ``"inf"``) or more than
    :data:`MAX_LIFETIME` (``1e12``) means no known expiry: the token is used until the server
    refuses it (401), then renewed.

    ``grant_type`` records how the grant was obtained (:data:`AUTHORIZATION_CODE` or
    :data:`CLIENT_CREDENTIALS`) and is kept across refreshes and in token files, so that an app
    token is renewed with the client credentials. It is None when unknown (a token built by
    hand or saved by an older version); such a token is renewed with its refresh token if it
    has one, and is never swapped for an app token: that could change whose accounts a program
    acts on.

    Example:
        >>> t = Token.from_response({"access_token": "a" * 40, "expires_in": 3600}, now=0)
        >>> t.expires_at
        3600.0
    """

    access_token: str = attrs.field(validator=lambda _t, a, v: _token_text(v, a.name))
    token_type: str = "Bearer"  # noqa: S105 - a scheme name, not a secret
    expires_at: float | None = None
    refresh_token: str | None = attrs.field(
        default=None, validator=lambda _t, a, v: _token_text(v, a.name)
    )
    refresh_expires_at: float | None = None
    scopes: frozenset[str] = frozenset()
    obtained_at: float = 0.0
    grant_type: str | None = None

    @classmethod
    def from_response(
        cls,
        data: Mapping[str, Any],
        *,
        now: float | None = None,
        previous: Token | None = None,
        grant_type: str | None = None,
        asked: Iterable[str] = (),
        secrets: Iterable[str | None] = (),
    ) -> Token:
        """Build a token from a token-endpoint JSON body.

        When the response carries no ``refresh_token`` (no rotation) the previous one is kept.
        A response without ``expires_in`` never expires, as in the official SDK (see the class
        notes for odd values). ``grant_type`` defaults to the previous token's. A response
        without ``scope`` granted the scopes ``asked`` for (RFC 6749 5.1), or, for a
        refresh, the previous token's. ``secrets``: those the grant sent (the client secret,
        a code, a refresh token), which a server may echo: like the answer's own tokens, no
        error or warning quotes a piece of them, and a ``scope`` holding one is not read.

        Raises:
            ValueError: ``access_token`` is missing or ``token_type`` is not Bearer.
        """
        current = time.time() if now is None else now
        # The answer holds secrets, maybe where another field goes (a server that words its
        # grant wrongly): what is wrong is said by field and type, a value quoted only when it
        # is a number or a short word that is none of the answer's tokens.
        access = data.get("access_token")
        if not isinstance(access, str) or not access:
            said = "none" if access is None else kind_of(access)
            raise ValueError(f"token response has no access_token (it is {said})")
        sent = data.get("refresh_token")
        if sent is not None and not isinstance(sent, str):
            log.warning("the token response's refresh_token is %s: not used", kind_of(sent))
            sent = None
        secrets = (access, sent, *secrets)
        token_type = data.get("token_type") or "Bearer"
        if not isinstance(token_type, str) or token_type.lower() != "bearer":
            raise ValueError(f"unsupported token_type ({_shown(token_type, secrets)})")
        expires_in = _lifetime(data.get("expires_in"), "expires_in", secrets)
        refresh = sent or (previous.refresh_token if previous else None)
        refresh_in = _lifetime(
            data.get("refresh_token_expires_in"), "refresh_token_expires_in", secrets
        )
        if refresh_in is not None:
            refresh_expires_at: float | None = current + refresh_in
        elif previous is not None and refresh == previous.refresh_token:
            refresh_expires_at = previous.refresh_expires_at
        else:
            refresh_expires_at = None
        scope_text = data.get("scope")
        if isinstance(scope_text, str) and quotes_secret(scope_text, secrets):
            log.warning("the token response's scope holds a secret: not read")
            scope_text = None
        if isinstance(scope_text, str) and scope_text.strip():
            scopes = frozenset(scope_text.split())
        elif previous is not None:
            scopes = previous.scopes
        else:
            scopes = frozenset(asked)
        return cls(
            access_token=access,
            token_type="Bearer",  # noqa: S106
            expires_at=None if expires_in is None else current + expires_in,
            refresh_token=str(refresh) if refresh else None,
            refresh_expires_at=refresh_expires_at,
            scopes=scopes,
            obtained_at=current,
            grant_type=grant_type or (previous.grant_type if previous else None),
        )

    def seconds_left(self, now: float | None = None) -> float | None:
        """Seconds until the access token expires (negative when expired); None if it never does."""
        if self.expires_at is None:
            return None
        return self.expires_at - (time.time() if now is None else now)

    def refresh_due(self, skew: float = DEFAULT_REFRESH_SKEW) -> float | None:
        """When the token is due for renewal (Unix seconds); None if it never expires.

        That is ``skew`` seconds before expiry, but never earlier than halfway through the
        token's life (when its issue time is known): a 60-second token is renewed after 30
        seconds, not on every call.
        """
        expires_at = self.expires_at
        if expires_at is None:
            return None
        if self.obtained_at > 0:
            skew = min(skew, max(expires_at - self.obtained_at, 0.0) / 2)
        return expires_at - skew

    def renewal_margin(self, skew: float = DEFAULT_REFRESH_SKEW) -> float:
        """How early before its expiry the client renews this token: ``skew`` seconds, or none
        for a token it cannot renew (an access token alone), which it uses to its end."""
        return skew if self.renewable else 0.0

    def needs_refresh(self, now: float | None = None, skew: float = DEFAULT_REFRESH_SKEW) -> bool:
        """Whether the access token is expired or due for renewal (see :meth:`refresh_due`)."""
        due = self.refresh_due(skew)
        return due is not None and (time.time() if now is None else now) >= due

    @property
    def can_refresh(self) -> bool:
        """Whether a refresh token is present."""
        return bool(self.refresh_token)

    @property
    def renewable(self) -> bool:
        """Whether the client can get a new access token for this grant by itself: with the
        refresh token, or with the client credentials for an app token."""
        return self.can_refresh or self.grant_type == CLIENT_CREDENTIALS

    @property
    def expires_at_datetime(self) -> datetime | None:
        """The expiry as an aware UTC datetime (None when it never expires or is not a time a
        datetime can hold)."""
        if self.expires_at is None:
            return None
        try:
            return datetime.fromtimestamp(self.expires_at, tz=UTC)
        except (OverflowError, ValueError, OSError):
            return None

    @property
    def authorization(self) -> str:
        """The ``Authorization`` header value."""
        return f"Bearer {self.access_token}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict for token stores (contains the secrets: store it carefully)."""
        return {
            "access_token": self.access_token,
            "token_type": self.token_type,
            "expires_at": self.expires_at,
            "refresh_token": self.refresh_token,
            "refresh_expires_at": self.refresh_expires_at,
            "scope": " ".join(sorted(self.scopes)),
            "obtained_at": self.obtained_at,
            "grant_type": self.grant_type,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Token:
        """Inverse of :meth:`to_dict`.

        Raises:
            ValueError: the data is not a saved token.
        """
        access = data.get("access_token")
        if not isinstance(access, str) or not access:
            raise ValueError("saved token has no access_token")
        texts = ("token_type", "refresh_token", "scope", "grant_type")
        odd = [key for key in texts if not isinstance(data.get(key) or "", str)]
        if odd:  # what to_dict writes is text: this was written by something else
            raise ValueError(f"saved token's {', '.join(odd)} is not text")
        scope = data.get("scope") or ""
        secrets = (access, _text(data.get("refresh_token")))
        return cls(
            access_token=access,
            token_type=str(data.get("token_type") or "Bearer"),
            expires_at=_saved_expiry(data, "expires_at", secrets),
            refresh_token=data.get("refresh_token") or None,
            refresh_expires_at=_saved_expiry(data, "refresh_expires_at", secrets),
            scopes=frozenset(str(scope).split()),
            obtained_at=_timestamp(data.get("obtained_at")) or 0.0,
            grant_type=_text(data.get("grant_type")),
        )

    def __repr__(self) -> str:
        expiry = self.expires_at_datetime
        shown = expiry.isoformat() if expiry else self.expires_at
        return (
            f"Token(access_token={redact(self.access_token)}, "
            f"refresh_token={redact(self.refresh_token)}, "
            f"expires_at={shown}, "
            f"scopes={sorted(self.scopes)})"
        )

    __str__ = __repr__


def token_from_variable(value: str, name: str = "ARIES_ACCESS_TOKEN") -> Token:
    """The access token held by the environment variable ``name`` (no expiry or scopes known).

    Raises:
        ValidationError: it holds a character no token has (a trailing newline, say); the
            message names the variable.
    """
    from aries_async.errors import ValidationError

    try:
        return Token(access_token=value)
    except ValidationError as exc:
        raise ValidationError(f"{name}: {exc}", field=name) from None


def given_token(value: object) -> Token | None:
    """``value`` when it is a :class:`Token` or None: what a client or session is given.

    Raises:
        TypeError: anything else, a bare access token string above all (which would otherwise
            fail deep in the session, far from the mistake). The value is a secret: only its
            type is named.
    """
    if value is None or isinstance(value, Token):
        return value
    raise TypeError(
        f"token must be a Token, got {type(value).__name__}: pass a bare access token as "
        "token=Token(access_token=...) (from aries_async import Token); it is not renewed "
        "when it expires"
    )


def _number(value: Any) -> float | None:
    """A finite float, or None for anything else (missing, text, NaN, infinities, booleans)."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _lifetime(value: Any, name: str, secrets: Iterable[str | None] = ()) -> float | None:
    """Seconds from a token response: None when unknown, 0 for zero or negative (an odd
    value is told in a warning, quoted only when it holds none of ``secrets``)."""
    number = _number(value)
    if number is None or number > MAX_LIFETIME:
        if value is not None:
            shown = _shown(value, secrets)
            log.warning("the token response's %s (%s) is no lifetime: no expiry", name, shown)
        return None
    return max(number, 0.0)


_shown = shown  # a token response's odd value: a number or a short word quoted, else its kind


def _timestamp(value: Any) -> float | None:
    """A saved time that a datetime can hold (year 1 to 9999), else None."""
    number = _number(value)
    if number is None or abs(number) > _LAST_TIMESTAMP:
        return None
    return number


def _saved_expiry(data: Mapping[str, Any], key: str, secrets: Iterable[str | None]) -> float | None:
    """The saved expiry ``data[key]``; one that is no time (text, an ISO date, a bool: written
    by something else) is read as an ``expires_in`` that is no lifetime, no known expiry (the
    token is used until the server refuses it, then renewed), with a warning quoting it only
    when it is a number or a short word that is none of the token's ``secrets``."""
    value = data.get(key)
    when = _timestamp(value)
    if when is None and value is not None:
        log.warning(
            "the saved token's %s (%s) is no time: no known expiry (used until the server "
            "refuses it, then renewed)",
            key,
            _shown(value, secrets),
        )
    return when


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


_LAST_TIMESTAMP = 253_402_300_799.0  # 9999-12-31T23:59:59Z
