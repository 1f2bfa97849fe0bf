"""The account stream's own events (websocket.md section 4): the snapshot after subscribing
and the order, position and balance changes, whose payloads are the REST models. Served by
:mod:`aries_async.models.events`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from aries_async.models._account_topics import AccountInfoEvent, NewsEvent, PnlEvent, WatchlistEvent
from aries_async.models._stream_events import ServerErrorMessage, StatusEvent, UnknownEvent
from aries_async.models._summary import items_repr
from aries_async.models._wire import Timestamped
from aries_async.models.accounts import Balance, Position
from aries_async.models.orders import Order

__all__ = [
    "AccountEvent",
    "AccountSnapshot",
    "BalanceEvent",
    "GapUnchecked",
    "OrderEvent",
    "PositionEvent",
]


@attrs.frozen(kw_only=True)
class AccountSnapshot(Timestamped):
    """The state of an account right after (re)subscribing: balance, positions, active orders.

    Attributes:
        account_id: the trading account.
        balance: the ``account`` object (balance fields).
        positions: open positions.
        orders: working orders (``ordersV2``).
        resync: True when this snapshot follows a reconnect (compare it with what you had).
        raw: the wire ``data`` object.
        timestamp_ms: the envelope's ``timestamp`` as sent (the raw wire value, Unix epoch
            milliseconds), when sent; :attr:`timestamp` is the same instant as aware UTC.
    """

    account_id: str
    balance: Balance
    positions: tuple[Position, ...] = attrs.field(default=(), repr=items_repr)
    orders: tuple[Order, ...] = attrs.field(default=(), repr=items_repr)
    resync: bool = False
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)
    timestamp_ms: int | None = attrs.field(default=None, eq=False)


@attrs.frozen(kw_only=True)
class OrderEvent(Timestamped):
    """``account.order``: an order changed (new, partially filled, filled, canceled...).

    Attributes:
        order: the order in its new state.
        resync: True when synthesized from a post-reconnect snapshot (the order changed while
            the stream was disconnected), False for a live event.
        timestamp_ms: the envelope's ``timestamp`` as sent (the raw wire value, Unix epoch
            milliseconds), when sent; :attr:`timestamp` is the same instant as aware UTC.
    """

    order: Order
    resync: bool = False
    timestamp_ms: int | None = attrs.field(default=None, eq=False)


@attrs.frozen(kw_only=True)
class PositionEvent(Timestamped):
    """``account.position``: a position changed (``timestamp_ms``, ``timestamp``: as for
    :class:`OrderEvent`)."""

    position: Position
    timestamp_ms: int | None = attrs.field(default=None, eq=False)


@attrs.frozen(kw_only=True)
class BalanceEvent(Timestamped):
    """``account.balance``: the balance changed (``timestamp_ms``, ``timestamp``: as for
    :class:`OrderEvent`)."""

    balance: Balance
    timestamp_ms: int | None = attrs.field(default=None, eq=False)


@attrs.frozen(kw_only=True)
class GapUnchecked:
    """The account stream could not check a gap for orders created in it: orders placed and
    finished while it was down may exist that it never tells.

    After a reconnect whose snapshot lists no terminal order (a server whose snapshot lists
    working orders only, websocket.md 4.3), the stream reads the account's orders over REST
    with its ``reconcile`` hook to find those created while it was down; this event says that
    read kept failing (``reconcile_attempts`` times). The next resync checks again from
    ``since``; meanwhile ``client.orders.active(account_id)`` lists them (the orders whose
    ``created_at`` is ``since`` or later and that the stream does not hold). Delivered by
    :meth:`AccountStream.events() <aries_async.streaming.accounts.AccountStream.events>`, after
    the resync snapshot it is about.

    Attributes:
        account_id: the account.
        since: the orders created from then on (the server's clock, aware UTC) are not known
            to the stream unless it told them.
        until: up to when (the resync snapshot's time, a margin later); None when that
            snapshot carried no time.
        reason: the error of the last failed read.
    """

    account_id: str
    since: datetime
    until: datetime | None
    reason: str


AccountEvent = (
    AccountSnapshot
    | OrderEvent
    | PositionEvent
    | BalanceEvent
    | GapUnchecked
    | AccountInfoEvent
    | PnlEvent
    | WatchlistEvent
    | NewsEvent
    | StatusEvent
    | ServerErrorMessage
    | UnknownEvent
)
"""Everything :meth:`AccountStream.events() <aries_async.streaming.accounts.AccountStream.events>`
can yield."""
