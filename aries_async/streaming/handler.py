"""What a stream face and a :class:`~aries_async.streaming.connection.Connection` agree on: the
handler protocol the face implements, and the token and connector callables it is given."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol

from websockets.asyncio.client import ClientConnection

from aries_async.models.events import StatusEvent

if TYPE_CHECKING:
    from aries_async.streaming.connection import Connection

__all__ = ["ConnectionHandler", "Connector", "TokenInvalidator", "TokenProvider", "TokenRenewer"]


TokenProvider = Callable[[], Awaitable[str]]
"""Returns a current access token (called before every connection attempt and re-auth)."""

TokenInvalidator = Callable[[str], Awaitable[None]]
"""Told which token the server refused, so the next provider call returns a fresh one."""

TokenRenewer = Callable[[str], Awaitable[str]]
"""Given the token a socket authenticated with, returns another, renewed ahead of its time if
need be (``AuthSession.access_token_other_than``); raises when it cannot. Asked on
``refreshAuth`` when the provider's token is the socket's own: a session that ends with that
token's expiry is not extended by presenting it again."""

Connector = Callable[..., Awaitable[ClientConnection]]
"""``websockets.asyncio.client.connect``-compatible coroutine (tests may wrap it)."""


class ConnectionHandler(Protocol):
    """What a stream face implements to use a :class:`Connection`."""

    def on_open(self, connection: Connection) -> list[str]:
        """Authenticated: return the frames that replay the desired subscriptions."""
        ...

    def on_reauth(self, connection: Connection) -> list[str]:
        """Re-authenticated on the live socket: return the frames that send the desired
        subscriptions again (the server may have dropped them; one that kept them gets a
        repeated subscribe). ``awaited_answers``, when there is one, is asked again after."""
        ...

    def on_message(self, message: Any) -> None:
        """A decoded message that is not a connection control message."""
        ...

    # Optional: ``on_messages(messages: list[Any]) -> None`` takes the data messages of one
    # socket read at once, in order (the connection prefers it to ``on_message``).
    # Optional: ``data_types: frozenset[type]``, the messages that make a connection healthy
    # (see the module docstring); without it any message handed on does.
    # Optional: ``awaited_answers() -> asyncio.Future[None] | None``, called after ``on_open``
    # and ``on_reauth``: a future the handler completes once the server has answered what they
    # sent (the account stream's snapshots); the connection reconnects when it is not done
    # within ``StreamConfig.request_timeout`` (a future cancelled meanwhile is not waited for).

    def on_status(self, event: StatusEvent) -> None:
        """The connection went up or down, or was re-authenticated."""
        ...

    def on_close(self) -> None:
        """The current socket is gone (acknowledged subscriptions are void)."""
        ...

    def on_end(self, error: BaseException | None) -> None:
        """The stream is over: ``None`` for a normal close, else the fatal error."""
        ...
