"""Which token a :class:`~aries_async.streaming.connection.Connection` presents: one from the
provider for each new socket and each re-authentication (on ``refreshAuth``, one that is not the
socket's own), and the one the current socket last authenticated with, which is the one a
refusal names."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from aries_async.errors import AuthError, ClientClosedError, StreamAuthError, StreamClosedError
from aries_async.streaming.handler import TokenInvalidator, TokenProvider, TokenRenewer
from aries_async.streaming.link import LinkFatal

__all__ = ["Credentials", "session_callbacks"]

log = logging.getLogger("aries_async.streaming")


def session_callbacks(provider: TokenProvider) -> tuple[TokenInvalidator, TokenRenewer] | None:
    """The invalidation and early renewal of the :class:`~aries_async.auth.session.AuthSession`
    whose ``access_token`` ``provider`` is (``client.auth.access_token``): a stream built from
    its class on that provider presents tokens as the client's own streams do. None for any
    other provider."""
    if "aries_async.auth.session" not in sys.modules:
        return None  # no session was ever made, so the provider is none's (and auth stays unloaded)
    from aries_async.auth.session import AuthSession

    session = getattr(provider, "__self__", None)
    if not isinstance(session, AuthSession) or provider != session.access_token:
        return None
    return session.invalidate, session.access_token_other_than


class Credentials:
    """The tokens of one connection.

    Args:
        provider: returns a current access token.
        invalidate: told about a refused token (optional).
        renew: asked for a token other than the socket's own (optional).
        name: the stream's, for logs.
        unquoted: blanks the stream's tokens out of a text (its decoder's
            :meth:`~aries_async.streaming.protocol.Decoder.unquoted`): a provider's failure may
            quote the token it gave before, and its words end the stream.
    """

    def __init__(
        self,
        provider: TokenProvider,
        invalidate: TokenInvalidator | None,
        renew: TokenRenewer | None = None,
        name: str = "stream",
        unquoted: Callable[[str], str] = str,
    ) -> None:
        self._provider = provider
        self._unquoted = unquoted
        self._invalidate = invalidate
        self._renew = renew
        self._name = name
        self._socket_token = ""

    async def _token(self) -> str:
        try:
            return await self._provider()
        except (AuthError, StreamAuthError) as exc:
            said = self._unquoted(str(exc))
            raise LinkFatal(StreamAuthError(f"no usable credentials: {said}")) from exc
        except ClientClosedError as exc:  # the client that renews the tokens: never again
            raise LinkFatal(StreamClosedError(f"no token: {self._unquoted(str(exc))}")) from exc

    async def for_socket(self) -> str:
        """The token for a new socket's authentication.

        Raises:
            LinkFatal: the provider raised an auth error (a revoked grant), or the client that
                renews the tokens is closed: the stream is over.
        """
        self._socket_token = token = await self._token()
        return token

    async def for_reauth(self) -> str:
        """The token for a re-authentication on the live socket (a
        :data:`~aries_async.streaming.link.TokenSource`); raises as :meth:`for_socket`.

        The provider's, unless it is the one the socket presented already: a session that
        ends with that token's expiry would end all the same, and the connection with it.
        Then the renewer, when there is one, is asked for another; if it fails, the
        provider's token is presented (the session ends at its expiry and a reconnect
        follows, as without a renewer). A failure is logged at WARNING, but a grant refused
        for good (an auth error) at INFO: the reconnect then fails with it, and the stream's
        end is its one WARNING.
        """
        token = await self._token()
        if token == self._socket_token and self._renew is not None:
            try:
                token = await self._renew(token)
            except Exception as exc:  # the token endpoint down, say: the token in hand serves
                # A grant refused for good ends the stream at the session's end, with a
                # WARNING that names the refusal: one WARNING per stream for it, not two.
                # Anything else (the endpoint down) is told here, or not at all.
                refused = isinstance(exc, (AuthError, StreamAuthError))
                log.log(
                    logging.INFO if refused else logging.WARNING,
                    "%s stream: no renewed token for the re-authentication (%s); using the "
                    "current one%s",
                    self._name,
                    type(exc).__name__,
                    " until the session ends" if refused else "",
                )
                token = await self._token()
        self._socket_token = token
        return token

    async def refused(self) -> None:
        """The server refused the token the socket last presented: tell the invalidator."""
        if self._invalidate is not None:
            await self._invalidate(self._socket_token)
