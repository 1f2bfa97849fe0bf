"""Option positions past their expiration: settled in cash at their intrinsic value.

The spec says nothing of what becomes of a contract held to its expiration; the simulator
takes the simplest rule that ends the position: at the regular close of the contract's last
trading day (:func:`~aries_async.sim.sessions.contract_close`) it stops trading, and its
position is settled in cash at its intrinsic value at the underlying's close that day --
nothing out of the money, the close less the strike a share for a call in the money, the
strike less the close for a put, x 100 a contract; a long position receives it, a short one
(a contract written) pays it. Exercise and assignment into shares are not simulated.

The settlement books as a closing trade at that price, at the close's time (realized P&L,
no fee, no order) and is announced on the account socket (``account.position`` with
quantity 0, ``account.balance``). It happens on the first tick or request after the close
whose feed has reached it (:meth:`~aries_async.sim.state.State.expire_due`), and before the
next trading day starts on the books (:meth:`~aries_async.sim.state.State.start_days`).
"""

from __future__ import annotations

import functools
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from aries_async.sim.bars import day_epoch
from aries_async.sim.feed import NEW_YORK
from aries_async.sim.option_model import parse_osi
from aries_async.sim.records import SimPosition, price_decimal
from aries_async.sim.sessions import contract_close

if TYPE_CHECKING:
    from aries_async.sim.ledger import Ledger

__all__ = ["settle_expired", "settlement_due"]


@functools.lru_cache(maxsize=1024)
def _closes(symbol: str) -> float | None:
    """When the contract of an OSI ``symbol`` stops trading (Unix seconds), or None."""
    parts = parse_osi(symbol)
    return None if parts is None else contract_close(parts.expiry).timestamp()


def _expired(ledger: Ledger, now: float) -> list[tuple[SimPosition, float]]:
    """The open option positions whose contract stopped trading by ``now``, and when."""
    out = []
    for book in ledger.positions.values():
        for pos in book.values():
            if pos.security_type == "OPTION" and pos.quantity:
                closes = _closes(pos.symbol)
                if closes is not None and closes <= now:
                    out.append((pos, closes))
    return out


def settlement_due(ledger: Ledger, now: float) -> bool:
    """Whether an option position held has reached its contract's expiration by ``now``."""
    return bool(_expired(ledger, now))


def settle_expired(ledger: Ledger, now: float) -> None:
    """Settle every option position whose contract stopped trading by ``now`` (one whose
    underlying the feed has not yet stepped to that close waits for it)."""
    for pos, closes in _expired(ledger, now):
        parts = parse_osi(pos.symbol)
        assert parts is not None  # _closes read it
        if ledger.feed.quote(parts.root).time < closes:
            continue
        day = day_epoch(datetime.fromtimestamp(closes, NEW_YORK).date())
        bars = ledger.feed.bars(parts.root, ("day", 1), day, day)
        if not bars:
            continue
        close, strike = price_decimal(bars[-1].close), Decimal(str(parts.strike))
        value = max(Decimal(0), close - strike if parts.call else strike - close)
        ledger.apply_fill(pos.account_id, pos.symbol, -pos.quantity, value, option=True, at=closes)
        ledger.emit(pos.account_id, "account.position", ledger.position_wire(pos))
        ledger.emit(pos.account_id, "account.balance", ledger.balance_wire(pos.account_id))
