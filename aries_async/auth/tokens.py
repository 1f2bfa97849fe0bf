"""OAuth tokens: a frozen value that knows its expiry and never shows its secrets."""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import attrs

__all__ = ["DEFAULT_REFRESH_SKEW", "Token", "redact"]

DEFAULT_REFRESH_SKEW = 60.0
"""Seconds before expiry at which a token counts as due for refresh (the official SDK uses 60)."""


def redact(secret: str | None) -> str:
    """A stand-in for a secret in logs and reprs; it reveals nothing of the secret."""
    return "<none>" if not secret else "<redacted>"


@attrs.frozen(kw_only=True, repr=False)
class Token:
    """An OAuth access token, with its refresh token, expiry and granted scopes.

    Times are Unix seconds (wall clock) so that a token saved by one process is understood by
    another. ``repr()`` and ``str()`` never show the tokens.

    Example:
        >>> t = Token.from_response({"access_token": "a" * 40, "expires_in": 3600}, now=0)
        >>> t.expires_at
        3600.0
    """

    access_token: str
    token_type: str = "Bearer"  # noqa: S105 - a scheme name, not a secret
    expires_at: float | None = None
    refresh_token: str | None = None
    refresh_expires_at: float | None = None
    scopes: frozenset[str] = frozenset()
    obtained_at: float = 0.0

    @classmethod
    def from_response(
        cls, data: Mapping[str, Any], *, now: float | None = None, previous: Token | None = None
    ) -> Token:
        """Build a token from a token-endpoint JSON body.

        When the response carries no ``refresh_token`` (no rotation) the previous one is kept.
        A response without ``expires_in`` never expires, as in the official SDK.

        Raises:
            ValueError: ``access_token`` is missing or ``token_type`` is not Bearer.
        """
        current = time.time() if now is None else now
        access = data.get("access_token")
        if not isinstance(access, str) or not access:
            raise ValueError("token response has no access_token")
        token_type = str(data.get("token_type") or "Bearer")
        if token_type.lower() != "bearer":
            raise ValueError(f"unsupported token_type {token_type!r}")
        expires_in = _number(data.get("expires_in"))
        refresh = data.get("refresh_token") or (previous.refresh_token if previous else None)
        refresh_in = _number(data.get("refresh_token_expires_in"))
        if refresh_in is not None:
            refresh_expires_at: float | None = current + refresh_in
        elif previous is not None and refresh == previous.refresh_token:
            refresh_expires_at = previous.refresh_expires_at
        else:
            refresh_expires_at = None
        scope_text = data.get("scope")
        if isinstance(scope_text, str) and scope_text.strip():
            scopes = frozenset(scope_text.split())
        elif previous is not None:
            scopes = previous.scopes
        else:
            scopes = frozenset()
        return cls(
            access_token=access,
            token_type="Bearer",  # noqa: S106
            expires_at=None if expires_in is None else current + expires_in,
            refresh_token=str(refresh) if refresh else None,
            refresh_expires_at=refresh_expires_at,
            scopes=scopes,
            obtained_at=current,
        )

    def seconds_left(self, now: float | None = None) -> float | None:
        """Seconds until the access token expires (negative when expired); None if it never does."""
        if self.expires_at is None:
            return None
        return self.expires_at - (time.time() if now is None else now)

    def needs_refresh(self, now: float | None = None, skew: float = DEFAULT_REFRESH_SKEW) -> bool:
        """Whether the access token is expired or within ``skew`` seconds of expiring."""
        left = self.seconds_left(now)
        return left is not None and left <= skew

    @property
    def can_refresh(self) -> bool:
        """Whether a refresh token is present."""
        return bool(self.refresh_token)

    @property
    def expires_at_datetime(self) -> datetime | None:
        """The expiry as an aware UTC datetime."""
        if self.expires_at is None:
            return None
        return datetime.fromtimestamp(self.expires_at, tz=UTC)

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
        scope = data.get("scope") or ""
        return cls(
            access_token=access,
            token_type=str(data.get("token_type") or "Bearer"),
            expires_at=_number(data.get("expires_at")),
            refresh_token=data.get("refresh_token") or None,
            refresh_expires_at=_number(data.get("refresh_expires_at")),
            scopes=frozenset(str(scope).split()),
            obtained_at=_number(data.get("obtained_at")) or 0.0,
        )

    def __repr__(self) -> str:
        expiry = self.expires_at_datetime
        return (
            f"Token(access_token={redact(self.access_token)}, "
            f"refresh_token={redact(self.refresh_token)}, "
            f"expires_at={expiry.isoformat() if expiry else None}, "
            f"scopes={sorted(self.scopes)})"
        )

    __str__ = __repr__


def _number(value: Any) -> float | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
