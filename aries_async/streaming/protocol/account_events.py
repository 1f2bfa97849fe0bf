"""The account socket's events from their wire payloads (websocket.md section 4): the
snapshot, the order, position and balance changes (their payloads the REST models, built by
the one converter), ``account.info``, and the other topics' events.

Apart from :mod:`.decoder` so that a market or chart stream builds none of this (nor the REST
models and the converter behind it): the account stream's module imports it, in the worker
thread that opens the stream, and builds the converter's decoders then
(:func:`prepare_account_decoding`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aries_async.models._converter import converter, structure
from aries_async.models._wire import to_str
from aries_async.models.accounts import Balance, Position
from aries_async.models.events import (
    AccountInfoEvent,
    AccountSnapshot,
    BalanceEvent,
    OrderEvent,
    PositionEvent,
)
from aries_async.models.orders import Order
from aries_async.streaming.protocol.topics import decode_topic_event, topic_of

__all__ = ["account_event", "prepare_account_decoding"]


def prepare_account_decoding() -> None:
    """Build the converter's decoders of the account messages (orders, positions, balance)
    now. cattrs writes and compiles them on first use, some 20 ms of CPU: the account stream's
    module does it at import (which the client runs in a worker thread) rather than at the
    first snapshot, on the event loop."""
    for cls in (list[Order], list[Position], Order, Position, Balance):
        converter.get_structure_hook(cls)


def account_event(payload: Mapping[str, Any]) -> Any:
    """The event of an account socket's ``payload``; None when it is none the SDK knows.

    Raises:
        Exception: the payload does not fit its model (cattrs raises several types).
    """
    data = payload.get("data")
    name = payload.get("name")
    stamp = payload.get("timestamp")
    stamp = stamp if isinstance(stamp, int) else None
    topic = topic_of(payload.get("topic"))
    if topic is not None and topic != "account":
        return decode_topic_event(topic, payload)
    if topic is None or not isinstance(data, dict):
        return None
    if name == "account.info":
        # An id is text or a number: an object or a list is none (to_str), the event goes on.
        account_id = to_str(data.get("accountId"))
        return AccountInfoEvent(account_id=account_id, data=data, timestamp_ms=stamp)
    if name == "account.order":
        return OrderEvent(order=structure(data, Order), timestamp_ms=stamp)
    if name == "account.position":
        return PositionEvent(position=structure(data, Position), timestamp_ms=stamp)
    if name == "account.balance":
        return BalanceEvent(balance=structure(data, Balance), timestamp_ms=stamp)
    if name is None and ("ordersV2" in data or "positions" in data or "account" in data):
        account = data.get("account") or {}
        return AccountSnapshot(
            account_id=to_str(account.get("accountId")) or "",
            balance=structure(account, Balance),
            positions=tuple(structure(data.get("positions") or [], list[Position])),
            orders=tuple(structure(data.get("ordersV2") or [], list[Order])),
            raw=data,
            timestamp_ms=stamp,
        )
    return None
