"""PKCE (RFC 7636), the authorization request's ``state`` and its callback: sans-I/O helpers
of the sign-in."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import string
from urllib.parse import parse_qs, urlsplit

import attrs

from aries_async._validate import printable
from aries_async.errors import AuthorizationDeniedError, StateMismatchError, ValidationError

__all__ = [
    "AuthorizationRequest",
    "callback_code",
    "check_code_verifier",
    "make_pkce_pair",
    "new_state",
    "require_redirect_uri",
    "same_state",
]


@attrs.frozen(kw_only=True, repr=False)
class AuthorizationRequest:
    """What the callback needs: keep it between sending the user away and the redirect back.

    Attributes:
        url: send the user's browser here.
        state: the CSRF value the callback must echo.
        code_verifier: the PKCE verifier (None without PKCE); sent instead of the secret.
        redirect_uri: the redirect URI used (must be sent again at the exchange).
        scopes: the scopes asked for.
    """

    url: str
    state: str
    redirect_uri: str
    code_verifier: str | None = None
    scopes: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"AuthorizationRequest(url={self.url!r}, redirect_uri={self.redirect_uri!r})"


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")


def require_redirect_uri(uri: str) -> str:
    """``uri``, when it can be a redirection endpoint: an absolute URI (a scheme; a host for
    ``http(s)``; an app's own scheme, ``myapp://signed-in``, for a native app), without a
    fragment, space or control character (RFC 6749 3.1.2).

    Raises:
        ValidationError: naming ``redirect_uri``, for anything else: the authorization server
            would refuse it once the user is in the browser.
    """
    parts = urlsplit(uri) if isinstance(uri, str) else None
    if (
        parts is None
        or not _SCHEME.fullmatch(parts.scheme)
        or (parts.scheme.lower() in ("http", "https") and not parts.hostname)
        or (not parts.netloc and parts.path[:1].isdigit())  # localhost:8765/cb: no scheme
        or "#" in uri
        or not printable(uri)
    ):
        raise ValidationError(
            f"redirect_uri must be an absolute URI without a fragment (https://host/path, or "
            f"an app's own scheme), got {uri!r:.80}",
            field="redirect_uri",
        )
    return uri


def new_state() -> str:
    """A fresh ``state`` for an authorization request: 32 URL-safe characters."""
    return secrets.token_urlsafe(24)


def make_pkce_pair() -> tuple[str, str]:
    """A fresh ``(code_verifier, code_challenge)`` pair: 64 URL-safe characters and their S256."""
    verifier = secrets.token_urlsafe(48)  # 64 characters, inside RFC 7636's 43..128
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return verifier, challenge


_VERIFIER_CHARACTERS = frozenset(string.ascii_letters + string.digits + "-._~")


def check_code_verifier(verifier: str) -> None:
    """Refuse a PKCE verifier RFC 7636 (4.1) does not allow: 43 to 128 characters of
    ``A-Z a-z 0-9 - . _ ~``.

    Raises:
        ValidationError: it is shorter, longer, or has another character (not quoted).
    """
    if not 43 <= len(verifier) <= 128 or not _VERIFIER_CHARACTERS.issuperset(verifier):
        raise ValidationError(
            f"a PKCE code_verifier is 43 to 128 characters of A-Z a-z 0-9 - . _ ~ "
            f"(RFC 7636); this one has {len(verifier)} characters",
            field="code_verifier",
        )


def same_state(received: str | None, expected: str) -> bool:
    """Whether a callback's ``state`` is the one issued (constant time; any text accepted)."""
    if received is None:
        return False
    return hmac.compare_digest(received.encode("utf-8", "replace"), expected.encode("utf-8"))


def callback_code(
    callback: str,
    expected: str | None,
    *,
    bare_state: str | None = None,
    check_state: bool = True,
) -> str:
    """The authorization code a callback carries, once its ``state`` is checked.

    Args:
        callback: the URL the browser was redirected to, or a bare code.
        expected: the state issued (None: not known).
        bare_state: the state that came with a bare code, checked when given.
        check_state: compare the states (the CSRF check); False: the caller did.

    Raises:
        ValidationError: a callback that is no text, a callback URL without a code, or whose
            state there is nothing to check against (``expected`` None and ``check_state``).
        StateMismatchError: the state is not the one issued. An error redirect without any
            state is not one: it is a denial.
        AuthorizationDeniedError: the callback carries ``error=...``.
    """
    if not isinstance(callback, str):  # its code is a secret until spent: not shown
        raise ValidationError(
            f"callback must be the redirect URL or the code as text, not {type(callback).__name__}",
            field="callback",
        )
    if "?" not in callback and not callback.startswith(("http://", "https://")):
        if (
            check_state
            and bare_state is not None
            and expected is not None
            and not same_state(bare_state, expected)
        ):
            raise StateMismatchError("the callback's state does not match; nothing was sent")
        return callback
    params = parse_qs(urlsplit(callback).query)
    got_state = params.get("state", [None])[0]
    error = params.get("error", [None])[0]
    if check_state:
        if expected is None:
            raise ValidationError(
                "the callback's state cannot be checked: pass the AuthorizationRequest "
                "(or state=), or check_state=False if you checked it; nothing was sent",
                field="request",
            )
        # An error redirect without state (RFC 6749 4.1.2.1 wants one; oauth.md 2 leaves a
        # denial's parameters open) cannot be checked, but believing it lets nothing in: no
        # code is exchanged, and the user is told why the sign-in ended.
        stateless_error = bool(error) and got_state is None
        if not stateless_error and not same_state(got_state, expected):
            raise StateMismatchError("the callback's state does not match; nothing was sent")
    if error:
        description = params.get("error_description", [""])[0]
        raise AuthorizationDeniedError(
            f"authorization refused: {error}" + (f" ({description})" if description else ""),
            error=error,
        )
    codes = params.get("code")
    if not codes:
        raise ValidationError("the callback URL has no code", field="callback")
    return codes[0]
