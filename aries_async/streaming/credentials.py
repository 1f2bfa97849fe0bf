"""Which token a :class:`~aries_async.streaming.connection.Connection` presents: one from the
provider for each new socket and each re-authentication, and the one the current socket last
authenticated with, which is the one a refusal names."""

from __future__ import annotations

from aries_async.errors import AuthError, StreamAuthError
from aries_async.streaming.handler import TokenInvalidator, TokenProvider
from aries_async.streaming.link import LinkFatal

__all__ = ["Credentials"]


class Credentials:
    """The tokens of one connection.

    Args:
        provider: returns a current access token.
        invalidate: told about a refused token (optional).
    """

    def __init__(self, provider: TokenProvider, invalidate: TokenInvalidator | None) -> None:
        self._provider = provider
        self._invalidate = invalidate
        self._socket_token = ""

    async def _token(self) -> str:
        try:
            return await self._provider()
        except (AuthError, StreamAuthError) as exc:
            raise LinkFatal(StreamAuthError(f"no usable credentials: {exc}")) from exc

    async def for_socket(self) -> str:
        """The token for a new socket's authentication.

        Raises:
            LinkFatal: the provider raised an auth error (a revoked grant): the stream is over.
        """
        self._socket_token = token = await self._token()
        return token

    async def for_reauth(self) -> str:
        """The token for a re-authentication on the live socket (a
        :data:`~aries_async.streaming.link.TokenSource`); raises as :meth:`for_socket`."""
        self._socket_token = token = await self._token()
        return token

    async def refused(self) -> None:
        """The server refused the token the socket last presented: tell the invalidator."""
        if self._invalidate is not None:
            await self._invalidate(self._socket_token)
