"""What the simulator takes for the opening and closing auctions: the rules of an
``AT_THE_OPENING`` or ``AT_THE_CLOSE`` order that the spec leaves unsaid.

rest.md 6.1 names the two times in force; finance-dev says they "execute at the official market
open (close) price; if it can't fill at open (close), it's cancelled". Neither says until when
one is taken, nor which order types may have one. The simulator reads them as the US
exchanges' rules, the likeliest a US broker forwards, each with a switch of
:class:`~aries_async.sim.faults.Faults` for a server that does otherwise:

* the cut-off: an order for a closing auction is taken until :data:`CLOSE_CUTOFF` before
  the close it belongs to (15:50 New York; 12:50 on an early-close day), one for an opening
  auction until :data:`OPEN_CUTOFF` before the open (09:28); later, until its auction, it is
  refused as a broker refuses an order (a refusing acknowledgement, or a 400 with
  ``rejections_as_http``; in a preview's ``errors``; a replace too).
  ``late_auction_orders``: taken until the auction itself, and it joins it;
* no cancel after the cut-off: from the cut-off until its auction an auction order cannot be
  cancelled (the exchanges keep it in the auction's imbalance); the cancel is refused as a
  cancel of an ended order is (``success: false`` ``REJECTED``, or a 400 ``CANCEL_REJECTED``
  with ``rejections_as_http``), the order left to trade. ``late_auction_cancels`` (or
  ``late_auction_orders``, a server without cut-offs): cancelled until its auction;
* an auction order is a market or a limit one: a ``STOP`` or ``STOP_LIMIT`` is malformed
  (a 400 ``INVALID_FIELD`` naming ``timeInForce``, as an option order's other times in force
  are). ``auction_stops``: taken, the auction's price triggering its stop
  (:mod:`~aries_async.sim.matching`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from aries_async.sim.clock import NEW_YORK
from aries_async.sim.fault_variants import VariantFaults
from aries_async.sim.records import OrderRequestError, SimOrder
from aries_async.sim.sessions import order_deadline

__all__ = ["AUCTIONS", "CLOSE_CUTOFF", "OPEN_CUTOFF", "auction_refusal", "cancel_refusal"]

AUCTIONS = frozenset({"AT_THE_OPENING", "AT_THE_CLOSE"})
"""The times in force that trade in the opening or closing auction only."""

CLOSE_CUTOFF = 600.0
"""Seconds before a close its auction stops taking orders (NYSE's and Nasdaq's 15:50)."""
OPEN_CUTOFF = 120.0
"""Seconds before an open its auction stops taking orders (Nasdaq's 09:28)."""


def auction_refusal(spec: Mapping[str, Any], now: float, faults: VariantFaults) -> str | None:
    """Why an order ``spec`` placed (or replaced) at ``now`` is too late for the auction its
    time in force joins, or None (also for the other times in force).

    Raises:
        OrderRequestError: a stop order for an auction, unless ``faults.auction_stops``.
    """
    tif = spec["tif"]
    if tif not in AUCTIONS:
        return None
    if spec["type"] in ("STOP", "STOP_LIMIT") and not faults.auction_stops:
        raise OrderRequestError(
            "INVALID_FIELD", f"{tif} orders are MARKET or LIMIT orders", "timeInForce"
        )
    deadline = order_deadline(tif, now)
    if deadline is None or faults.late_auction_orders:
        return None
    past = _past_cutoff(tif, deadline[0], now)
    return None if past is None else f"{past[0]}: {tif} orders are taken until {past[1]}"


def cancel_refusal(order: SimOrder, now: float, faults: VariantFaults) -> str | None:
    """Why a cancel of the working ``order`` at ``now`` is refused: an auction order past its
    auction's cut-off (before the auction, or it would have traded); None: it may be cancelled
    (any other order, or ``faults.late_auction_cancels``/``late_auction_orders``)."""
    tif = order.time_in_force
    if tif not in AUCTIONS or order.expires_at is None:
        return None
    if faults.late_auction_cancels or faults.late_auction_orders:
        return None
    past = _past_cutoff(tif, order.expires_at, now)
    return None if past is None else f"{past[0]}: {tif} orders cannot be cancelled after {past[1]}"


def _past_cutoff(tif: str, auction_at: float, now: float) -> tuple[str, str] | None:
    """``("past the closing auction's cut-off", "15:50 New York")`` when ``now`` is past the
    cut-off of the ``tif`` auction held at ``auction_at``; else None."""
    opening = tif == "AT_THE_OPENING"
    cutoff = auction_at - (OPEN_CUTOFF if opening else CLOSE_CUTOFF)
    if now < cutoff:
        return None
    local = datetime.fromtimestamp(cutoff, NEW_YORK).strftime("%H:%M")
    auction = "opening" if opening else "closing"
    return f"past the {auction} auction's cut-off", f"{local} New York"
