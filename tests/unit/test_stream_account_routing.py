"""Which account a message of a several-account stream belongs to, when the server leaves
the account id out of it."""

from __future__ import annotations

from aries_async.models.accounts import Balance, Position
from aries_async.models.events import AccountSnapshot, OrderEvent
from aries_async.models.orders import Order, OrderStatus
from aries_async.streaming import AccountStream
from aries_async.streaming.protocol import IdFactory


async def _token() -> str:
    return "unused"


def snapshot(account: str | None, *orders: Order, positions: tuple[Position, ...] = ()) -> object:
    return AccountSnapshot(
        account_id="",
        balance=Balance(),
        positions=positions,
        orders=orders,
        raw={"account": account},
    )


async def test_messages_without_an_account_id_find_their_account() -> None:
    stream = AccountStream("ws://127.0.0.1:1", _token, ["A", "B"])
    stream.on_message(
        snapshot(None, Order(cl_ord_id="o1", account_id="B", ord_status=OrderStatus.NEW))
    )
    stream.on_message(snapshot(None, positions=(Position(account_id="A", symbol="KO"),)))
    assert stream.account("B").orders["o1"].ord_status == OrderStatus.NEW
    assert "KO" in stream.account("A").positions
    # An order event without an account goes to the account that knows the order.
    stream.on_message(OrderEvent(order=Order(cl_ord_id="o1", ord_status=OrderStatus.FILLED)))
    assert stream.account("B").orders["o1"].ord_status == OrderStatus.FILLED
    assert "o1" not in stream.account("A").orders
    # One nobody knows is published, not mirrored.
    events = stream.order_events()
    stream.on_message(OrderEvent(order=Order(cl_ord_id="o2", ord_status=OrderStatus.NEW)))
    assert events.pending == 1
    assert all("o2" not in stream.account(a).orders for a in ("A", "B"))
    await stream.aclose()


class _Socket:
    """What ``on_open`` uses of the connection: its ids."""

    ids = IdFactory()


async def test_a_new_socket_awaits_each_snapshot_and_one_of_no_account_answers_them() -> None:
    stream = AccountStream("ws://127.0.0.1:1", _token, ["A", "B"])
    frames = stream.on_open(_Socket())  # type: ignore[arg-type]
    answered = stream.awaited_answers()
    assert len(frames) == 2 and answered is not None
    stream.on_message(snapshot(None, positions=(Position(account_id="A", symbol="KO"),)))
    assert not answered.done()  # B's snapshot is still owed
    stream.on_message(snapshot(None))  # no account can be told from it: answered all the same
    assert answered.done()
    await stream.aclose()
