"""The simulator's OAuth records: scopes, the registered client, grants, codes and refusals.

Used by :class:`~aries_async.sim.auth.AuthServer`, which keeps them, and by the HTTP and
websocket layers, which read :class:`AccessGrant` and :class:`TokenProblem`.
"""

from __future__ import annotations

import attrs

from aries_async.auth.scopes import ALL_SCOPES

__all__ = [
    "ALL_SCOPES",
    "AccessGrant",
    "AuthorizationCode",
    "OAuthError",
    "RefreshGrant",
    "RegisteredClient",
    "TokenProblem",
]


class OAuthError(Exception):
    """A token-endpoint or authorize failure in RFC 6749 terms.

    Attributes:
        error: the RFC 6749 code (``invalid_grant``, ``invalid_client``...).
        description: human text for ``error_description``.
        status: the HTTP status (400, or 401 for ``invalid_client``).
    """

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status

    def body(self) -> dict[str, str]:
        """The JSON error body."""
        return {"error": self.error, "error_description": self.description}


@attrs.define(kw_only=True)
class RegisteredClient:
    """An OAuth client known to the simulator."""

    client_id: str
    client_secret: str = attrs.field(repr=False)
    redirect_uris: list[str]
    scopes: frozenset[str] = frozenset(ALL_SCOPES)
    name: str = "Aries Simulator App"


@attrs.define(kw_only=True)
class _TokenGrant:
    """What a token stands for: the token (kept out of reprs), whose it is and until when."""

    token: str = attrs.field(repr=False)
    client_id: str
    user_id: int
    scopes: frozenset[str]
    expires_at: float


@attrs.define(kw_only=True)
class AccessGrant(_TokenGrant):
    """What an access token stands for, with the refresh token granted along with it."""

    refresh_token: str | None = attrs.field(default=None, repr=False)
    revoked: bool = False


@attrs.define(kw_only=True)
class RefreshGrant(_TokenGrant):
    """What a refresh token stands for (``valid`` is False once rotated or revoked)."""

    valid: bool = True


@attrs.define(kw_only=True)
class AuthorizationCode:
    """An authorization code, single use, with its PKCE challenge."""

    code: str = attrs.field(repr=False)
    client_id: str
    redirect_uri: str
    scopes: frozenset[str]
    expires_at: float
    challenge: str | None
    method: str | None
    used: bool = False


@attrs.frozen
class TokenProblem:
    """Why a request is refused: ``status`` 401 or 403, a nested-envelope code and message."""

    status: int
    code: str
    message: str
    missing_scope: str | None = None
