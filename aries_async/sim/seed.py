"""The simulator's seeded past: a few orders and the positions they built (same every run)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING

from aries_async.sim.feed import NEW_YORK
from aries_async.sim.records import SimOrder, price_decimal

if TYPE_CHECKING:
    from aries_async.sim.ledger import Ledger

__all__ = ["seed_history"]


def seed_history(ledger: Ledger) -> None:
    """A few past orders and the positions they built (deterministic per seed)."""
    # The last sessions only: drawing ten years of history would be most of a start's cost.
    closes = ledger.feed.recent_closes("AAPL", 8)
    msft = ledger.feed.recent_closes("MSFT", 6)
    account = "TEST-ACCOUNT-001"
    plan = [
        ("AAPL", "BUY", Decimal(50), closes[-8], "FILLED"),
        ("MSFT", "BUY", Decimal(10), msft[-6], "FILLED"),
        ("MSFT", "SELL", Decimal(10), msft[-3], "FILLED"),
        ("AAPL", "BUY", Decimal(25), closes[-2], "CANCELED"),
        ("AAPL", "BUY", Decimal(25), closes[-2], "SUPERSEDED"),
    ]
    for symbol, side, qty, (day, close), status in plan:
        when = datetime.combine(day, time(10, 15), tzinfo=NEW_YORK).timestamp()
        price = price_decimal(close)
        serial = ledger.next_serial()
        stamp = datetime.fromtimestamp(when, UTC).strftime("%Y%m%d")
        order = SimOrder(
            cl_ord_id=f"SIM-{stamp}-{serial:06d}",
            ord_id=f"ord-{serial:08x}",
            account_id=account,
            client_id="seed-history",
            symbol=symbol,
            side=side,
            type="LIMIT",
            time_in_force="DAY",
            qty=qty,
            price=price,
            stop_price=None,
            status=status,
            created_at=when,
            updated_at=when + 7,
        )
        if status == "FILLED":
            order.cum_qty = qty
            order.avg_price = price
            delta = qty if side == "BUY" else -qty
            ledger.apply_fill(account, symbol, delta, price)
            book = ledger.positions[account].get(symbol)
            if book is not None and book.quantity and book.created_at > when:
                book.created_at = when
        ledger.add_order(order)
    ledger.accounts[account].start_day()
    for pos in ledger.positions[account].values():
        pos.start_day()
