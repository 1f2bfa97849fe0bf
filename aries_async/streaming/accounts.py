"""The account-updates stream face: ``async with AccountStream(...) as stream``.

Example:
    >>> async def main(client, account_id) -> None:                        # doctest: +SKIP
    ...     async with client.account_stream(account_id) as stream:
    ...         ack = await client.orders.place(...)
    ...         order = await stream.wait_for_order(ack.cl_ord_id, OrderStatus.FILLED)

Account events are never dropped: each consumer buffers up to
:attr:`StreamConfig.account_buffer` events and fails with
:class:`~aries_async.errors.StreamOverflowError` beyond that. After every reconnect the
``account`` topic is re-subscribed; its fresh snapshot arrives as an
:class:`~aries_async.models.events.AccountSnapshot` with ``resync=True``, followed by a
synthesized :class:`~aries_async.models.events.OrderEvent` (``resync=True``) for every order
that changed while the stream was down.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from types import TracebackType
from typing import Any

from aries_async.errors import StreamClosedError, StreamError
from aries_async.models.accounts import Balance, Position
from aries_async.models.events import (
    AccountSnapshot,
    BalanceEvent,
    OrderEvent,
    PositionEvent,
    ServerErrorMessage,
    StreamConnected,
    StreamDisconnected,
    SubscribeAck,
    UnknownEvent,
)
from aries_async.models.orders import Order, OrderStatus
from aries_async.streaming.config import StreamConfig
from aries_async.streaming.connection import (
    Connection,
    Connector,
    TokenInvalidator,
    TokenProvider,
)
from aries_async.streaming.fanout import Consumer, Hub
from aries_async.streaming.protocol import AccountSubscriptions, encode_account_subscribe

__all__ = ["AccountStream", "account_stream"]

_STATUS_TYPES: tuple[type[Any], ...] = (StreamConnected, StreamDisconnected)
_ALL_TYPES: tuple[type[Any], ...] = (
    AccountSnapshot,
    OrderEvent,
    PositionEvent,
    BalanceEvent,
    StreamConnected,
    StreamDisconnected,
    ServerErrorMessage,
    UnknownEvent,
)


class AccountStream:
    """Orders, positions and balance of one account over ``/v1/accounts/ws``.

    Args:
        url: the accounts websocket URL.
        token_provider: async callable returning an access token (called per attempt).
        account_id: the trading account id.
        config: timeouts, keep-alive, backoff, buffer bounds.
        invalidate_token: async callable told about a refused token (optional).
        sleep, clock, rand, connect: injectable for tests.
    """

    def __init__(
        self,
        url: str,
        token_provider: TokenProvider,
        account_id: str,
        *,
        config: StreamConfig | None = None,
        invalidate_token: TokenInvalidator | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        rand: Callable[[], float] = random.random,
        connect: Connector | None = None,
    ) -> None:
        self.account_id = account_id
        self.config = config or StreamConfig()
        self._hub = Hub()
        self._topics = AccountSubscriptions()
        self._topics.add("account", {"accountId": account_id})
        self._orders: dict[str, Order] = {}
        self._vanished: set[str] = set()
        self._positions: dict[str, Position] = {}
        self._balance: Balance | None = None
        self._snapshot: AccountSnapshot | None = None
        self._changed = asyncio.Event()
        self._snapshots = 0
        self._closed = False
        self._error: BaseException | None = None
        self._connection = Connection(
            url,
            token_provider,
            self,
            config=self.config,
            invalidate_token=invalidate_token,
            sleep=sleep,
            clock=clock,
            rand=rand,
            connect=connect,
            name="accounts",
        )

    # -- context ----------------------------------------------------------------------------

    async def __aenter__(self) -> AccountStream:
        await self._connection.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the stream: the socket and every task stop, iterators end normally."""
        self._closed = True
        await self._connection.close()

    # -- state --------------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        """Whether the socket is up, authenticated and the topic re-subscribed."""
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

    @property
    def snapshot(self) -> AccountSnapshot | None:
        """The latest snapshot (None until the first arrives)."""
        return self._snapshot

    @property
    def orders(self) -> Mapping[str, Order]:
        """Every order seen (snapshot plus events) by ``clOrdId``, in its latest state."""
        return dict(self._orders)

    @property
    def positions(self) -> Mapping[str, Position]:
        """Positions by symbol, latest state."""
        return dict(self._positions)

    @property
    def balance(self) -> Balance | None:
        """The latest balance."""
        return self._balance

    # -- consumers ----------------------------------------------------------------------------

    def _consumer(self, types: Iterable[type[Any]], limit: int | None = None) -> Consumer[Any]:
        if self._closed:
            raise StreamClosedError("the account stream is closed")
        return Consumer(
            self._hub, types, policy="lossless", limit=limit or self.config.account_buffer
        )

    def events(self, *, buffer: int | None = None) -> Consumer[Any]:
        """Every account event in order: snapshots, order/position/balance events, status
        changes (the gap markers), server errors and unknown messages.

        Ends when the stream is closed; raises its fatal error
        (:class:`~aries_async.errors.StreamAuthError`, :class:`~aries_async.errors.
        StreamClosedError`) after the buffered events. Nothing is dropped: more than
        ``buffer`` undelivered events (default :attr:`StreamConfig.account_buffer`) raise
        :class:`~aries_async.errors.StreamOverflowError` to this consumer.
        """
        return self._consumer(_ALL_TYPES, buffer)

    def order_events(self, *, buffer: int | None = None) -> Consumer[OrderEvent]:
        """``account.order`` events (live and resync); ends, raises and bounds like
        :meth:`events`."""
        return self._consumer((OrderEvent,), buffer)

    def position_events(self, *, buffer: int | None = None) -> Consumer[PositionEvent]:
        """``account.position`` events; ends, raises and bounds like :meth:`events`."""
        return self._consumer((PositionEvent,), buffer)

    def balance_events(self, *, buffer: int | None = None) -> Consumer[BalanceEvent]:
        """``account.balance`` events; ends, raises and bounds like :meth:`events`."""
        return self._consumer((BalanceEvent,), buffer)

    def snapshots(self) -> Consumer[AccountSnapshot]:
        """Snapshots: the first, then one after every reconnect (``resync=True``)."""
        return self._consumer((AccountSnapshot,))

    def status(self) -> Consumer[StreamConnected | StreamDisconnected]:
        """Connection status changes (every disconnect and reconnect), in order; ends and
        raises like :meth:`events`; keeps the last :attr:`StreamConfig.status_buffer`."""
        if self._closed:
            raise StreamClosedError("the account stream is closed")
        return Consumer(
            self._hub, _STATUS_TYPES, policy="drop_oldest", limit=self.config.status_buffer
        )

    async def wait_for_order(
        self,
        cl_ord_id: str,
        status: OrderStatus | str | Iterable[OrderStatus | str] = OrderStatus.FILLED,
        *,
        timeout: float | None = None,
    ) -> Order:
        """Wait until order ``cl_ord_id`` reaches ``status`` (or any terminal status).

        Safe against races: an order that already reached the status (the fill came before
        you called) returns at once. Check ``order.ord_status``: a ``REJECTED`` or
        ``CANCELED`` order is returned too, because it will never fill.

        Args:
            cl_ord_id: the id from the order acknowledgement.
            status: one status or several (default ``FILLED``).
            timeout: seconds to wait (None: forever).

        Raises:
            TimeoutError: ``timeout`` passed (``asyncio.TimeoutError`` on Python 3.10).
            StreamError: the order left the working set while the stream was disconnected,
                so its final state is unknown here (ask the order history).
            StreamAuthError, StreamClosedError: the stream failed or was closed.
        """
        wanted = (
            {OrderStatus(status)} if isinstance(status, str) else {OrderStatus(s) for s in status}
        )

        async def wait() -> Order:
            while True:
                order = self._orders.get(cl_ord_id)
                status_now = order.ord_status if order is not None else None
                if (
                    order is not None
                    and status_now is not None
                    and (status_now in wanted or status_now.is_terminal)
                ):
                    return order
                if cl_ord_id in self._vanished:
                    raise StreamError(
                        f"order {cl_ord_id} left the working set while the stream was "
                        "disconnected; check the order history"
                    )
                if self._error is not None:
                    raise self._error
                if self._closed:
                    raise StreamClosedError("the account stream is closed")
                self._changed.clear()
                await self._changed.wait()

        if timeout is None:
            return await wait()
        return await asyncio.wait_for(wait(), timeout)

    # -- ConnectionHandler ----------------------------------------------------------------------

    def on_open(self, connection: Connection) -> list[str]:
        """Re-subscribe every desired topic (called by the connection)."""
        return [
            encode_account_subscribe(connection.ids("sub"), topic, params)
            for topic, params in self._topics.replay()
        ]

    def on_message(self, message: Any) -> None:
        """Track state and publish one decoded message (called by the connection)."""
        kind = type(message)
        if kind is SubscribeAck:
            return
        if kind is AccountSnapshot:
            self._on_snapshot(message)
            return
        if kind is OrderEvent:
            order = message.order
            if order.cl_ord_id:
                self._orders[order.cl_ord_id] = order
                self._vanished.discard(order.cl_ord_id)
        elif kind is PositionEvent:
            if message.position.symbol:
                self._positions[message.position.symbol] = message.position
        elif kind is BalanceEvent:
            self._balance = message.balance
        self._hub.publish(message)
        self._changed.set()

    def _on_snapshot(self, snapshot: AccountSnapshot) -> None:
        resync = self._snapshots > 0
        self._snapshots += 1
        if resync:
            snapshot = AccountSnapshot(
                account_id=snapshot.account_id,
                balance=snapshot.balance,
                positions=snapshot.positions,
                orders=snapshot.orders,
                resync=True,
                raw=snapshot.raw,
            )
        self._snapshot = snapshot
        self._balance = snapshot.balance
        self._positions = {p.symbol: p for p in snapshot.positions if p.symbol}
        changed: list[Order] = []
        present: set[str] = set()
        for order in snapshot.orders:
            if not order.cl_ord_id:
                continue
            present.add(order.cl_ord_id)
            if self._orders.get(order.cl_ord_id) != order:
                changed.append(order)
            self._orders[order.cl_ord_id] = order
            self._vanished.discard(order.cl_ord_id)
        if resync:
            for cl_ord_id, known in self._orders.items():
                status = known.ord_status
                if cl_ord_id not in present and status is not None and not status.is_terminal:
                    self._vanished.add(cl_ord_id)
        self._hub.publish(snapshot)
        if resync:
            for order in changed:
                self._hub.publish(OrderEvent(order=order, resync=True))
        self._changed.set()

    def on_status(self, event: StreamConnected | StreamDisconnected) -> None:
        """Publish a status change."""
        self._hub.publish(event)

    def on_close(self) -> None:
        """Nothing to reset: the snapshot after the next connect resyncs."""

    def on_end(self, error: BaseException | None) -> None:
        """End every consumer and wake order waiters."""
        self._closed = True
        self._error = error
        self._hub.end(error)
        self._changed.set()


def account_stream(
    url: str,
    token_provider: TokenProvider,
    account_id: str,
    *,
    config: StreamConfig | None = None,
    invalidate_token: TokenInvalidator | None = None,
    **kwargs: Any,
) -> AccountStream:
    """Factory for ``AriesClient.account_stream(account_id)``: ``account_stream(endpoints.
    accounts_ws_url, client.auth.access_token, account_id, ...)``. Use with ``async with``."""
    return AccountStream(
        url,
        token_provider,
        account_id,
        config=config,
        invalidate_token=invalidate_token,
        **kwargs,
    )
