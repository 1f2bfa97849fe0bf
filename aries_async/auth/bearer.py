"""The ``Authorization`` header of each call's attempts, from the session's tokens."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING

from aries_async._errors_store import StoreUnavailableError
from aries_async.auth.renewal_outage import named
from aries_async.errors import APIError, TokenRefreshError, TransportError

if TYPE_CHECKING:
    from aries_async.auth.session import AuthSession

__all__ = ["Bearer"]


class Bearer:
    """The ``Authorization`` header for each attempt of one call (the transport's header
    factory), remembering the access token it last handed out: a 401 invalidates that one.

    With a usable token in memory (nearly every call) the header comes back at once, with no
    coroutine to create and await; otherwise it is an awaitable that gets a token first.
    """

    __slots__ = ("_refresh", "_secret", "auth", "used")

    def __init__(self, auth: AuthSession, client_secret: str | None = None) -> None:
        self.auth = auth
        self.used: str | None = None
        self._refresh: str | None = None  # the refresh token of the token last handed out
        self._secret = client_secret

    def __call__(self) -> dict[str, str] | Awaitable[dict[str, str]]:
        token = self.auth.cached()
        if token is None:
            return self._refreshed()
        self.used, self._refresh = token.access_token, token.refresh_token
        return {"Authorization": token.authorization}

    def secrets(self) -> tuple[str | None, ...]:
        """What an answer to the call must not be quoted with: the access token sent, the
        refresh token that came with it and the client secret (None where none is known)."""
        return self.used, self._refresh, self._secret

    async def _refreshed(self) -> dict[str, str]:
        try:
            token = await self.auth.token()
        except StoreUnavailableError:
            raise  # the token store is down: the token endpoint was not asked
        except (TransportError, APIError) as exc:
            # Raised as the call's own error, a token endpoint's 503 or timeout would read as
            # the call's: for an order, "may have been placed", when nothing was sent at all.
            raise TokenRefreshError(
                f"could not get a fresh access token ({named(exc)}); the request was not sent",
                status=exc.status if isinstance(exc, APIError) else None,
            ) from exc
        self.used, self._refresh = token.access_token, token.refresh_token
        return {"Authorization": token.authorization}
