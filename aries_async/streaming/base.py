"""What the stream faces (market, charts, account) share: their connection, ``async with``,
the counters, the status consumer, per-symbol consumers, and the connection's status and end
callbacks."""

from __future__ import annotations

import time
import typing
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, ClassVar, Self, TypedDict, Unpack

from aries_async._closing import AsyncClosing
from aries_async._deprecation import renamed_arguments
from aries_async._validate import one_or_more, refuse_option_ticker
from aries_async.errors import StreamClosedError
from aries_async.models.events import (
    StatusEvent,
)
from aries_async.streaming.config import StreamConfig
from aries_async.streaming.connection import (
    Connection,
    Connector,
    TokenInvalidator,
    TokenProvider,
    TokenRenewer,
)
from aries_async.streaming.credentials import session_callbacks
from aries_async.streaming.fanout import Consumer, Hub
from aries_async.streaming.protocol import Decoder, normalize_symbol

__all__ = ["STATUS_TYPES", "StreamBase", "StreamOptions"]

STATUS_TYPES: tuple[type[Any], ...] = typing.get_args(StatusEvent)


class StreamOptions(TypedDict, total=False):
    """The keyword arguments every stream takes (:class:`StreamBase`, and the market, charts
    and account streams), each optional.

    Attributes:
        config: timeouts, keep-alive, backoff, buffer bounds (default ``StreamConfig()``).
        invalidate_token: async callable told about a refused token, so that the provider's
            next token is another.
        renew_token: async callable asked on ``refreshAuth`` for a token other than the one
            the socket uses. Without one the socket presents the provider's token again, and
            a server that ends the session with that token closes the socket at its expiry:
            the stream reconnects, a gap the status events tell. Both token callbacks are the
            session's own when ``token_provider`` is ``client.auth.access_token`` (see
            :class:`StreamBase`).
        sleep, rand, connect: injectable for tests.
        monotonic: monotonic seconds (default ``time.monotonic``), for the heartbeat, the
            backoff and the status events' ``at``. Its old name ``clock`` still works for
            one release, with a :class:`DeprecationWarning`.
        wall_clock: Unix seconds, for the status events' ``timestamp`` (default
            ``time.time``; a client's streams get the client's ``wall_clock``).
    """

    config: StreamConfig | None
    invalidate_token: TokenInvalidator | None
    renew_token: TokenRenewer | None
    sleep: Callable[[float], Awaitable[Any]]
    monotonic: Callable[[], float]
    wall_clock: Callable[[], float]
    rand: Callable[[], float]
    connect: Connector | None


class StreamBase(AsyncClosing):
    """A stream face over one :class:`~aries_async.streaming.connection.Connection`.

    Args:
        url: the websocket URL.
        token_provider: async callable returning an access token (called per attempt).
        **options: the keywords :class:`StreamOptions` describes: ``config`` (timeouts,
            keep-alive, backoff, buffer bounds), the token callbacks ``invalidate_token`` and
            ``renew_token``, the clocks ``monotonic`` and ``wall_clock``, and ``sleep``,
            ``rand`` and ``connect`` for tests.

    Given ``client.auth.access_token`` (an :class:`~aries_async.auth.session.AuthSession`'s) as
    ``token_provider``, a stream built from its class gets the session's ``invalidate`` and
    ``access_token_other_than`` as ``invalidate_token`` and ``renew_token`` unless they are
    given (``None`` given: none), as the client's ``market_stream()``, ``chart_stream()`` and
    ``account_stream()`` give them. Another provider gets neither: pass them, or open the
    stream with the client's methods.
    """

    _kind: ClassVar[str]
    """The stream's name in messages ("market", "account")."""
    _task_prefix: ClassVar[str]
    """Its connection's name in logs and task names ("market", "accounts")."""
    _decoder: ClassVar[type[Decoder]] = Decoder
    """What turns its frames into messages."""

    @renamed_arguments(clock="monotonic")
    def __init__(
        self, url: str, token_provider: TokenProvider, **options: Unpack[StreamOptions]
    ) -> None:
        self.config = options["config"] = options.get("config") or StreamConfig()
        session = session_callbacks(token_provider)
        if session is not None:  # a client's token provider: its session's callbacks too
            options.setdefault("invalidate_token", session[0])
            options.setdefault("renew_token", session[1])
        self._hub = Hub()
        self._closed = False
        self._close_hooks: list[Callable[[], None]] = []
        self._monotonic = options.get("monotonic", time.monotonic)
        self._connection = Connection(
            url, token_provider, self, name=self._task_prefix, decoder=self._decoder(), **options
        )

    # -- context ----------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        await self._connection.start()
        return self

    async def aclose(self) -> None:
        """Close the stream: the socket and every task stop, iterators end normally."""
        self._closed = True
        hooks, self._close_hooks = self._close_hooks, []
        for hook in hooks:
            hook()
        await self._connection.close()

    def _on_aclose(self, hook: Callable[[], None]) -> None:
        """Call ``hook`` when :meth:`aclose` starts (once): the client that opened the stream
        lets go of it so, however it is closed."""
        self._close_hooks.append(hook)

    # -- state --------------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        """Whether the socket is up, authenticated and the subscriptions were replayed."""
        return self._connection.connected

    @property
    def reconnects(self) -> int:
        """Successful connections after the first one."""
        return max(0, self._connection.connections - 1)

    @property
    def reauths(self) -> int:
        """Re-authentications on a live socket (after ``refreshAuth``) that succeeded."""
        return self._connection.reauths

    @property
    def malformed(self) -> int:
        """Malformed lines skipped so far (each is logged)."""
        return self._connection.decoder.malformed

    def unquoted(self, text: str) -> str:
        """``text`` without the tokens the stream authenticated with lately, whole or any piece
        of them (``[redacted]`` in their place): for showing what the server sent (an event's
        raw data, where a server may have echoed a token) without them."""
        return self._connection.decoder.unquoted(text)

    @property
    def consumers(self) -> int:
        """Consumers registered on the stream: those not closed, ended or garbage collected."""
        return self._hub.consumers

    def __repr__(self) -> str:
        # What a notebook shows of a stream: its state and what it follows (no credentials).
        state = "closed" if self._closed else "connected" if self.connected else "connecting"
        consumers, reconnects = self.consumers, self.reconnects
        parts = [
            state,
            *self._repr_parts(),
            f"{consumers} consumer{'s' * (consumers != 1)}",
            f"{reconnects} reconnect{'s' * (reconnects != 1)}",
        ]
        return f"<{type(self).__name__} {'; '.join(parts)}>"

    def _repr_parts(self) -> list[str]:
        """What a face adds to its repr (its symbols, its accounts)."""
        return []

    # -- consumers ----------------------------------------------------------------------------

    def status(self) -> Consumer[StatusEvent]:
        """Connection status changes: every disconnect and reconnect, and every
        re-authentication on the live socket (:class:`StreamReauthenticated`), in order.

        Ends when the stream is closed; raises its fatal error after the final
        :class:`StreamDisconnected` (``will_reconnect=False``). Keeps the last
        :attr:`StreamConfig.status_buffer` events (older ones counted in ``.dropped``).
        """
        self._check_open()
        return Consumer(
            self._hub, STATUS_TYPES, policy="drop_oldest", limit=self.config.status_buffer
        )

    def _symbol_consumer(
        self, types: Iterable[type[Any]], symbols: str | Iterable[str] | None, limit: int | None
    ) -> Consumer[Any]:
        """A conflating consumer of ``types`` (of ``symbols`` only, when given), bounded by
        ``limit`` (default :attr:`StreamConfig.market_buffer`)."""
        self._check_open()
        wanted = None if symbols is None else one_or_more(symbols, "symbols")
        if wanted is not None:
            # A contract's O: ticker names no update (they carry its OSI symbol): a consumer
            # of it would wait forever.
            wanted = [
                refuse_option_ticker(normalize_symbol(symbol, "symbols"), field="symbols")
                for symbol in wanted
            ]
        return Consumer(
            self._hub,
            types,
            policy="conflate",
            limit=self.config.market_buffer if limit is None else limit,
            symbols=wanted,
        )

    def _check_open(self) -> None:
        if self._closed:
            raise StreamClosedError(f"the {self._kind} stream is closed")

    # -- ConnectionHandler ----------------------------------------------------------------------

    def on_open(self, connection: Connection) -> list[str]:
        """Authenticated: the frames that replay the desired subscriptions."""
        raise NotImplementedError

    def on_reauth(self, connection: Connection) -> list[str]:
        """Re-authenticated on the live socket: the frames that send the desired subscriptions
        again, those of a new socket's replay unless a face says otherwise."""
        return self.on_open(connection)

    def on_message(self, message: Any) -> None:
        """Track and publish one decoded message."""
        raise NotImplementedError

    def on_close(self) -> None:
        """The socket is gone (nothing to reset unless a face says so)."""

    def on_status(self, event: StatusEvent) -> None:
        """Publish a status change to every consumer that takes it."""
        self._hub.publish(event)

    def on_end(self, error: BaseException | None) -> None:
        """End every consumer."""
        self._closed = True
        self._hub.end(error)
