"""The account-updates stream face: ``async with AccountStream(...) as stream``, for one
account or several on one socket, and the ``pnl``, ``watchlist`` and ``news`` topics
(:mod:`~aries_async.streaming.account_topics`).

Example:
    >>> async def main(client, account_id) -> None:                        # doctest: +SKIP
    ...     async with client.account_stream(account_id) as stream:
    ...         ack = await client.orders.place(...)
    ...         order = await stream.wait_for_order(ack, OrderStatus.FILLED)

Account events are never dropped: each consumer buffers up to
:attr:`StreamConfig.account_buffer` events and fails with
:class:`~aries_async.errors.StreamOverflowError` beyond that. After every reconnect (and every
re-authentication: a server may drop the subscriptions then; but not an account that socket
refused) the ``account`` topic of every account is re-subscribed; each account's fresh snapshot
arrives as
an :class:`~aries_async.models.events.AccountSnapshot` with ``resync=True`` (a socket that does
not bring every snapshot within :attr:`StreamConfig.request_timeout` is replaced by a new one,
which asks again), followed by a
synthesized :class:`~aries_async.models.events.OrderEvent` (``resync=True``) for every order
of that account that changed while the stream was down (:mod:`~aries_async.streaming.
account_book` keeps each account's state).

Orders that finished while the stream was down may be missing from that snapshot (the spec
leaves UNCERTAIN whether it lists today's terminal orders). Such an order -- known as working,
absent from the resync snapshot -- is looked up over REST by the ``reconcile`` hook (for
example ``client.orders.reconcile``) in a task the stream owns; what the lookup finds is
published as ``OrderEvent(resync=True)`` after the snapshot and its changed-order events. An
order that cannot be resolved (the lookup keeps failing, does not find it, or no hook was
given) is published as :class:`OrderStateUnknown`, and :meth:`AccountStream.wait_for_order`
raises :class:`OrderStateUnknownError` for it.

An order placed *and* finished while the stream was down is in no such snapshot, and the
stream never knew it. So a resync snapshot that lists no terminal order (it may list working
orders only) is swept (:mod:`~aries_async.streaming.gap_sweep`): the hook, given
``changed_since`` (an :class:`OrderListing`, as ``client.orders.reconcile`` is), reads the
account's orders since then in the same request as the lookup above, and each order created or
changed (a replacement) since the stream's last sync point (the previous snapshot's server
time, a second earlier) that the stream does not hold is published as
``OrderEvent(resync=True)`` after the snapshot and its changed-order events, and held
(``stream.orders``, ``wait_for_order``). A snapshot that lists a terminal order lists
today's: it costs no read. A sweep whose read keeps failing
(``reconcile_attempts``, spaced by the reconnect backoff) is published as
:class:`~aries_async.models.events.GapUnchecked` to :meth:`AccountStream.events`, and the
next resync sweeps again from the same point: a gap is never silent.

The limits: without a hook, or with one that does not take ``changed_since`` (written for
``reconcile(account_id, orders)``: it is called so, as before), nothing is swept, and an order
begun and ended in the gap is not told: :meth:`AccountStream.wait_for_order` on it still finds
it over REST with such a hook, and without one waits on the stream only (give it a
``timeout``); compare ``stream.orders`` with ``client.orders.active()`` after a
:class:`~aries_async.models.events.StreamConnected` with ``reconnect=True`` to find such
orders yourself. ``client.orders.reconcile`` reads the history too for a gap that began
before the orders' day (midnight in New York), whose active orders no longer list it.
An order that ended within a second before the stream opened may be told at the first swept
resync; one whose snapshot carries no time widens that to an hour (see
:mod:`~aries_async.streaming.gap_sweep`).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Iterable
from types import TracebackType
from typing import Any, Unpack

from aries_async._settings import count_setting
from aries_async.errors import OrderStateUnknownError
from aries_async.models._summary import counted
from aries_async.models.events import (
    AccountEvent,
    AccountInfoEvent,
    AccountSnapshot,
    BalanceEvent,
    GapUnchecked,
    NewsEvent,
    OrderEvent,
    PnlEvent,
    PositionEvent,
    ServerErrorMessage,
    StatusEvent,
    StreamConnected,
    StreamDisconnected,
    SubscribeAck,
    UnknownEvent,
    WatchlistEvent,
)
from aries_async.streaming.account_book import account_ids_of
from aries_async.streaming.account_books import AccountBooks
from aries_async.streaming.account_topics import AccountTopics
from aries_async.streaming.base import STATUS_TYPES, StreamBase, StreamOptions
from aries_async.streaming.config import StreamConfig
from aries_async.streaming.connection import (
    Connection,
    TokenInvalidator,
    TokenProvider,
)
from aries_async.streaming.fanout import Consumer
from aries_async.streaming.lookup import OrderListing, OrderLookup, OrderStateUnknown
from aries_async.streaming.order_wait import OrderWaiting
from aries_async.streaming.protocol import AccountRequests, AccountSubscriptions
from aries_async.streaming.protocol.account_events import prepare_account_decoding

__all__ = [
    "AccountStream",
    "GapUnchecked",
    "OrderListing",
    "OrderLookup",
    "OrderStateUnknown",
    "OrderStateUnknownError",
    "account_stream",
]

log = logging.getLogger("aries_async.streaming")

_ORDER_TYPES: tuple[type[Any], ...] = (OrderEvent, OrderStateUnknown)
_TOPIC_TYPES: tuple[type[Any], ...] = (AccountInfoEvent, PnlEvent, WatchlistEvent, NewsEvent)
_ALL_TYPES: tuple[type[Any], ...] = (
    AccountSnapshot,
    OrderEvent,
    OrderStateUnknown,
    GapUnchecked,
    PositionEvent,
    BalanceEvent,
    *_TOPIC_TYPES,
    *STATUS_TYPES,
    ServerErrorMessage,
    UnknownEvent,
)


class AccountStream(StreamBase, AccountBooks, AccountTopics, OrderWaiting):
    """Orders, positions and balance of one account or several over ``/v1/accounts/ws``, and
    the ``pnl``, ``watchlist`` and ``news`` topics.

    Args:
        url: the accounts websocket URL.
        token_provider: async callable returning an access token (called per attempt).
        accounts: the trading account id, or several: each gets its ``account``
            subscription on the one socket, re-sent after every reconnect.
        reconcile: looks up orders that left the working set while the stream was down
            (see :data:`OrderLookup`); without it they are reported as
            :class:`OrderStateUnknown` at once. One that also takes ``changed_since``
            (:class:`OrderListing`) finds the orders placed and finished while the stream
            was down, which a snapshot of working orders leaves out (see the module
            docstring).
        reconcile_attempts: failed lookups in a row (spaced by the reconnect backoff) before
            the orders are reported as :class:`OrderStateUnknown` (and a sweep of the gap as
            :class:`~aries_async.models.events.GapUnchecked`). An order reported so is
            looked up again at the next reconnect, then with 2, 4, 8... up to 64 reconnects
            in between, until its state is known.
        **options: the keywords :class:`~aries_async.streaming.base.StreamOptions` describes:
            ``config``, the token callbacks, the clocks, the seams for tests.

    Memory: per account, :attr:`orders` holds every working order and the latest
    :attr:`StreamConfig.terminal_orders_kept` terminal ones (and those being waited for); a
    resync does not tell a forgotten one again, :meth:`wait_for_order` looks it up over REST.
    Orders reported :class:`OrderStateUnknown` stay until resolved, up to
    :attr:`StreamConfig.unknown_orders_kept`; see :mod:`~aries_async.streaming.mirror` for
    those of a status the client does not know.
    A removed account's order ids are kept until it is added again: a late order event of it
    that names no account is placed, and dropped, by its order.

    Raises:
        ConfigurationError: ``reconcile_attempts`` not a whole number of at least 1.
        ValidationError: no account, or an empty account id.
    """

    data_types: frozenset[type[Any]] = frozenset(
        {AccountSnapshot, OrderEvent, PositionEvent, BalanceEvent, *_TOPIC_TYPES}
    )
    """Messages that make a connection healthy (see :mod:`~aries_async.streaming.connection`)."""

    _kind = "account"
    _task_prefix = "accounts"

    def __init__(
        self,
        url: str,
        token_provider: TokenProvider,
        accounts: str | Iterable[str],
        *,
        reconcile: OrderLookup | None = None,
        reconcile_attempts: int = 3,
        **options: Unpack[StreamOptions],
    ) -> None:
        count_setting(reconcile_attempts, "reconcile_attempts")
        ids = account_ids_of(accounts)
        super().__init__(url, token_provider, **options)
        self.account_id = ids[0]
        """The first account: the one :attr:`snapshot`, :attr:`orders`... describe."""
        self._changed = asyncio.Event()
        self._online = asyncio.Event()  # set while connected: the books' timed lookups
        self._topics = AccountSubscriptions()
        self._pnl = {}
        self._opening = {}
        self._requests = AccountRequests()
        self._answered = None
        self._removed = {}
        self._book_options: dict[str, Any] = {
            "reconcile": reconcile,
            "attempts": reconcile_attempts,
            "config": self.config,
            "sleep": options.get("sleep", asyncio.sleep),
            "rand": options.get("rand", random.random),
            "publish": self._hub.publish,
            "changed": self._changed.set,
            "spawn": self._connection.spawn,
            "online": self._online,
            "wall_clock": options.get("wall_clock", time.time),
        }
        self._books = {}
        for account_id in ids:
            self._add_book(account_id)
        self._error: BaseException | None = None
        self._error_tb: TracebackType | None = None

    def _repr_parts(self) -> list[str]:
        return [counted("account", self.account_ids, len(self.account_ids))]

    # -- consumers ----------------------------------------------------------------------------

    def _consumer(self, types: Iterable[type[Any]], limit: int | None = None) -> Consumer[Any]:
        self._check_open()
        return Consumer(
            self._hub,
            types,
            policy="lossless",
            limit=self.config.account_buffer if limit is None else limit,
        )

    def events(self, *, buffer: int | None = None) -> Consumer[AccountEvent]:
        """Every account event in order, of every account: snapshots, order/position/balance
        events (with :class:`OrderStateUnknown` for a missed order change that could not be
        looked up, and :class:`~aries_async.models.events.GapUnchecked` for a gap whose
        orders could not be read), ``account.info``, the other topics' events, status changes
        (the gap markers), server errors and unknown messages: an
        :data:`~aries_async.models.events.AccountEvent`.

        Ends when the stream is closed; raises its fatal error
        (:class:`~aries_async.errors.StreamAuthError`, :class:`~aries_async.errors.
        StreamClosedError`) after the buffered events. Nothing is dropped: more than
        ``buffer`` undelivered events (default :attr:`StreamConfig.account_buffer`) raise
        :class:`~aries_async.errors.StreamOverflowError` to this consumer.
        """
        return self._consumer(_ALL_TYPES, buffer)

    def order_events(self, *, buffer: int | None = None) -> Consumer[OrderEvent]:
        """``account.order`` events: live ones, resync ones (``resync=True``: the order changed
        while the stream was down) and :class:`OrderStateUnknown` for an order whose missed
        change could not be looked up. Ends, raises and bounds like :meth:`events`."""
        return self._consumer(_ORDER_TYPES, buffer)

    def position_events(self, *, buffer: int | None = None) -> Consumer[PositionEvent]:
        """``account.position`` events; ends, raises and bounds like :meth:`events`."""
        return self._consumer((PositionEvent,), buffer)

    def balance_events(self, *, buffer: int | None = None) -> Consumer[BalanceEvent]:
        """``account.balance`` events; ends, raises and bounds like :meth:`events`."""
        return self._consumer((BalanceEvent,), buffer)

    def snapshots(self) -> Consumer[AccountSnapshot]:
        """Snapshots of every account: the first, then one after every reconnect
        (``resync=True``)."""
        return self._consumer((AccountSnapshot,))

    # -- accounts added and removed -----------------------------------------------------------

    def _drop_book(self, account_id: str) -> list[asyncio.Task[None]]:
        lookups = super()._drop_book(account_id)
        self._answer(account_id=account_id)  # the snapshot a new socket waits for, no longer
        return lookups

    # -- ConnectionHandler ----------------------------------------------------------------------

    def on_open(self, connection: Connection) -> list[str]:
        """Re-subscribe every account and topic (called by the connection)."""
        return self._replay(connection, refused=True)

    def on_reauth(self, connection: Connection) -> list[str]:
        """Re-authenticated on the live socket: re-subscribe every account and topic but
        those this socket refused (see :attr:`refused_topics`)."""
        return self._replay(connection, refused=False)

    def awaited_answers(self) -> asyncio.Future[None] | None:
        """Done once every account subscribed on the new socket (or again after a
        re-authentication) has its snapshot (or was refused); the connection reconnects when
        that takes over ``request_timeout``."""
        return self._answered

    def on_message(self, message: Any) -> None:
        """Track state and publish one decoded message (called by the connection)."""
        kind = type(message)
        if kind is SubscribeAck:
            self._acknowledged(message.request_id)
            return
        if self._removed and (account := self._removed_account_of(message)) is not None:
            log.debug("%s of removed account %s dropped", kind.__name__, account)
            return
        if (
            kind is AccountSnapshot
            or kind is OrderEvent
            or kind is PositionEvent
            or (kind is BalanceEvent)
        ):
            book = self._book_of(message)
            if book is None:
                self._hub.publish(message)
                if kind is AccountSnapshot:  # answered, whichever account it is (logged)
                    self._answer(every=True)
            elif kind is AccountSnapshot:
                book.on_snapshot(message)
                self._answer(account_id=book.account_id)
            else:
                book.apply(message)
        else:
            if kind is PnlEvent:
                self._track_pnl(message)
            if kind is not ServerErrorMessage or self._refusal(message):
                self._hub.publish(message)
        self._changed.set()

    def on_status(self, event: StatusEvent) -> None:
        """Publish a status change; note whether the stream is connected (the timed lookups
        of the accounts' orders wait while it is not)."""
        super().on_status(event)
        if type(event) is StreamConnected:
            self._online.set()
        elif type(event) is StreamDisconnected:
            self._online.clear()

    def on_end(self, error: BaseException | None) -> None:
        """End every consumer and wake order waiters (the order lookups, tasks of the
        connection, stop with it)."""
        super().on_end(error)
        self._error = error
        self._error_tb = error.__traceback__ if error is not None else None
        self._changed.set()


def account_stream(
    url: str,
    token_provider: TokenProvider,
    accounts: str | Iterable[str],
    *,
    config: StreamConfig | None = None,
    invalidate_token: TokenInvalidator | None = None,
    reconcile: OrderLookup | None = None,
    **kwargs: Any,
) -> AccountStream:
    """Factory for ``AriesClient.account_stream(account_id, ...)``: ``account_stream(endpoints.
    accounts_ws_url, client.auth.access_token, accounts, reconcile=client.orders.reconcile,
    renew_token=client.auth.access_token_other_than, ...)``. Use with ``async with``; see
    :class:`AccountStream` for the arguments (the invalidator and renewer, given none, as it
    derives them)."""
    if invalidate_token is not None:
        kwargs["invalidate_token"] = invalidate_token
    return AccountStream(
        url, token_provider, accounts, config=config, reconcile=reconcile, **kwargs
    )


prepare_account_decoding()
