"""An app token shared by a fleet: the one in the store when it will do, else a new one, both
under the store's lock, so that processes starting at once make one token request between
them (:meth:`~aries_async.auth.oauth.OAuth.client_credentials` with ``reuse=True``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aries_async.auth.store import TokenStore
from aries_async.auth.tokens import CLIENT_CREDENTIALS, Token

__all__ = ["NO_APP_TOKEN_YET", "stored_or_new"]

NO_APP_TOKEN_YET = Token(access_token="", grant_type=CLIENT_CREDENTIALS, expires_at=0.0)
"""The grant of a client that gets its app token by itself (``config.app_token``) and has none
in its store yet: the session renews it as an expired app token, refusals remembered alike."""


async def stored_or_new(
    store: TokenStore,
    fetch: Callable[[], Awaitable[Token]],
    *,
    asked: tuple[str, ...] | None,
    now: float,
    skew: float,
) -> Token:
    """Under ``store``'s lock: the token there when it will do, else one from ``fetch``,
    saved there.

    A stored token will do when it is an app token (client credentials), not due for renewal
    at ``now`` (``skew`` seconds ahead, as the session renews), and holds the scopes
    ``asked`` when both are known.
    """
    async with store.lock():
        token = await store.load()
        if token is None or not _will_do(token, asked, now, skew):
            token = await fetch()
            await store.save(token)
    return token


def _will_do(token: Token, asked: tuple[str, ...] | None, now: float, skew: float) -> bool:
    if token.grant_type != CLIENT_CREDENTIALS:
        return False
    if token.needs_refresh(now, token.renewal_margin(skew)):
        return False
    return not (asked and token.scopes) or set(asked) <= token.scopes
