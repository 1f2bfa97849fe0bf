"""The account stream's own events (websocket.md section 4): the snapshot after subscribing
and the order, position and balance changes, whose payloads are the REST models. Served by
:mod:`aries_async.models.events`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from aries_async.models._account_topics import AccountInfoEvent, NewsEvent, PnlEvent, WatchlistEvent
from aries_async.models._stream_events import ServerErrorMessage, StatusEvent, UnknownEvent
from aries_async.models._summary import items_repr
from aries_async.models._wire import Timestamped
from aries_async.models.accounts import Balance, Position
from aries_async.models.orders import Order

__all__ = ["AccountEvent", "AccountSnapshot", "BalanceEvent", "OrderEvent", "PositionEvent"]


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


AccountEvent = (
    AccountSnapshot
    | OrderEvent
    | PositionEvent
    | BalanceEvent
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
