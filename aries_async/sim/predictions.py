"""Simulated prediction-market orders: placement with idempotency keys, a venue that
acknowledges and fills on the simulator's clock, and the order pages.

Pure state, no HTTP (:mod:`~aries_async.sim.routes_predictions` maps the three
``/v1/predictions/orders`` operations onto it). Everything it returns is in wire form
(``PredOrdersOrder``: decimal strings, RFC 3339 times, optional fields omitted when absent).

Lifecycle, driven by the clock (caught up on every call, so a :class:`ManualClock` and
``Simulator.advance`` move it):

* placed: ``pending_new`` (``sentAt``), answered 202 at once;
* :data:`ACK_DELAY` later the venue acknowledges: ``new`` (``firstAckAt``, ``venueOrderId``,
  an execution report ``new``) and the first fill opportunity;
* then one opportunity every :data:`FILL_INTERVAL` seconds, each offering at most :data:`LOT`
  contracts at the touch (a buy pays the ask, a sell gets the bid, one tick either side of the
  contract's mid): ``partially_filled``, then ``filled``; a limit fills only when the touch
  reaches its price, a stop waits until the mid crosses ``stopPx``, ``market_to_limit`` fills
  at the touch and works its rest as a limit at that price;
* ``ioc`` cancels what the first opportunity leaves, ``fok`` cancels unless it fills whole;
  ``gtd`` expires at ``expireTime``, ``day`` at the end of the New York day (the session rule
  of :mod:`~aries_async.sim.sessions`, with the calendar day as the session); ``gtc`` works
  on.

A contract's YES mid is a deterministic function of the seed, the symbol and the time (between
0.02 and 0.98 dollars, drifting slowly); the NO mid is one dollar minus it.

Idempotency (per user, as the official package documents): a placement repeating a key returns
the order that key placed and places nothing; the same key with other terms is a 400
``INVALID_ORDER``; a refused placement does not use its key up. ``clientOrderRef`` is unique
per account (409 ``CLIENT_ORDER_REF_IN_USE``).
"""

from __future__ import annotations

import hashlib
import math
import uuid
from collections.abc import Collection, Mapping
from decimal import Decimal
from typing import Any

import attrs
import orjson

from aries_async.sim.feed import Clock
from aries_async.sim.predictions_intake import OPEN_STATES, TICK, PredictionOrderError, parse_order
from aries_async.sim.records import decimal_text, rfc3339
from aries_async.sim.sessions import calendar_day_end, next_end

__all__ = [
    "ACK_DELAY",
    "FILL_INTERVAL",
    "LOT",
    "PredictionOrder",
    "PredictionOrderError",
    "PredictionOrders",
]

ACK_DELAY = 1.0
"""Seconds from placement to the venue's acknowledgement."""

FILL_INTERVAL = 2.0
"""Seconds between two fill opportunities of a working order."""

LOT = Decimal(100)
"""Contracts the venue offers an order per fill opportunity."""


@attrs.define(kw_only=True, eq=False)
class PredictionOrder:
    """One prediction-market order: its submitted terms, where it stands and its reports."""

    seq: int
    order_id: str
    user_id: int
    terms: dict[str, Any]
    created_at: float
    expires_at: float | None
    next_at: float
    state: str = "pending_new"
    updated_at: float = 0.0
    cum_qty: Decimal = Decimal(0)
    notional: Decimal = Decimal(0)
    first_ack_at: float | None = None
    closed_at: float | None = None
    working_type: str = ""
    working_price: Decimal | None = None
    triggered: bool = False
    reports: list[dict[str, Any]] = attrs.Factory(list)

    @property
    def is_open(self) -> bool:
        """Whether the order can still execute."""
        return self.state in OPEN_STATES

    @property
    def leaves(self) -> Decimal:
        """What still works (0 once the order is done)."""
        return self.terms["quantity"] - self.cum_qty if self.is_open else Decimal(0)

    def _avg(self) -> str:
        if not self.cum_qty:
            return "0"
        return decimal_text((self.notional / self.cum_qty).quantize(Decimal("0.0001")).normalize())

    def wire(self) -> dict[str, Any]:
        """The ``PredOrdersOrder`` object."""
        t = self.terms
        body: dict[str, Any] = {
            "orderId": self.order_id,
            "accountId": t["accountId"],
            "symbol": t["symbol"],
            "side": t["side"],
            "outcome": t["outcome"],
            "orderType": t["orderType"],
            "timeInForce": t["timeInForce"],
            "quantity": decimal_text(t["quantity"]),
            "state": self.state,
            "certainty": "certain",
            "pendingAction": "none",
            "clOrdId": f"pcl-{self.seq:08d}",
            "cumQty": decimal_text(self.cum_qty),
            "leavesQty": decimal_text(self.leaves),
            "avgPx": self._avg(),
            "workingQuantity": decimal_text(t["quantity"]) if self.first_ack_at else "0",
            "createdAt": rfc3339(self.created_at),
            "updatedAt": rfc3339(self.updated_at),
            "sentAt": rfc3339(self.created_at),
        }
        optional = {
            "price": t["price"],
            "stopPx": t["stopPx"],
            "workingPrice": self.working_price,
        }
        body.update({k: decimal_text(v) for k, v in optional.items() if v is not None})
        if t["expireTime"] is not None:
            body["expireTime"] = rfc3339(t["expireTime"])
        if t["clientOrderRef"] is not None:
            body["clientOrderRef"] = t["clientOrderRef"]
        if self.first_ack_at is not None:
            body["firstAckAt"] = rfc3339(self.first_ack_at)
            body["venueOrderId"] = f"VEN-{self.seq:08d}"
            body["workingOrderType"] = self.working_type
        if self.closed_at is not None:
            body["closedAt"] = rfc3339(self.closed_at)
        return body

    def report(
        self, at: float, exec_type: str, fill: tuple[Decimal, Decimal] | None = None
    ) -> None:
        """Record an execution report of ``exec_type`` at ``at`` (``fill``: quantity, price)."""
        self.updated_at = at
        entry: dict[str, Any] = {
            "execId": f"{self.order_id[:8]}-{len(self.reports) + 1:03d}",
            "execType": exec_type,
            "status": self.state,
            "transactTime": rfc3339(at),
            "cumQty": decimal_text(self.cum_qty),
            "leavesQty": decimal_text(self.leaves),
        }
        if fill is not None:
            entry["lastQty"], entry["lastPx"] = decimal_text(fill[0]), decimal_text(fill[1])
            entry["avgPx"] = self._avg()
        self.reports.append(entry)


class PredictionOrders:
    """Every user's prediction-market orders (see the module docstring).

    Args:
        clock: the time source that drives the venue.
        seed: the seed of the contracts' prices.
    """

    def __init__(self, *, clock: Clock, seed: int = 0) -> None:
        self.clock = clock
        self.seed = seed
        self._orders: list[PredictionOrder] = []
        self._by_id: dict[str, PredictionOrder] = {}
        self._keys: dict[tuple[int, str], tuple[bytes, PredictionOrder]] = {}
        self._refs: dict[tuple[str, str], PredictionOrder] = {}

    # -- prices -----------------------------------------------------------------------------------

    def mid(self, symbol: str, outcome: str, at: float) -> Decimal:
        """The contract's mid price for ``outcome`` (``YES``/``NO``) at ``at``, in dollars."""
        digest = hashlib.sha256(f"{self.seed}:{symbol}".encode()).digest()
        base = 0.1 + 0.8 * int.from_bytes(digest[:4], "big") / 2**32
        phase = digest[4] / 255 * 2 * math.pi
        yes = min(0.98, max(0.02, base + 0.04 * math.sin(at / 900 * 2 * math.pi + phase)))
        price = Decimal(repr(yes)).quantize(TICK)
        return price if outcome.upper() == "YES" else Decimal(1) - price

    # -- placing and reading -----------------------------------------------------------------------

    def place(
        self,
        user_id: int,
        body: Mapping[str, Any],
        *,
        accounts: Collection[str],
        idempotency_key: str | None = None,
    ) -> tuple[PredictionOrder, bool]:
        """Place an order; ``(order, created)`` -- ``created`` is False when ``idempotency_key``
        repeats an earlier placement with the same terms, whose order is returned.

        Raises:
            PredictionOrderError: invalid terms or a reused key (400), a reused
                ``clientOrderRef`` (409).
        """
        now = self.clock.now()
        self.catch_up(now)
        fingerprint = orjson.dumps(dict(body), option=orjson.OPT_SORT_KEYS)
        if idempotency_key is not None:
            earlier = self._keys.get((user_id, idempotency_key))
            if earlier is not None:
                if earlier[0] != fingerprint:
                    raise PredictionOrderError(
                        400,
                        "INVALID_ORDER",
                        "Idempotency-Key was used with different order terms",
                        "Idempotency-Key",
                    )
                return earlier[1], False
        terms = parse_order(body, accounts, now)
        ref = terms["clientOrderRef"]
        if ref is not None and (terms["accountId"], ref) in self._refs:
            raise PredictionOrderError(
                409,
                "CLIENT_ORDER_REF_IN_USE",
                f"clientOrderRef {ref!r} is in use",
                "clientOrderRef",
            )
        order = self._new(user_id, terms, now)
        if ref is not None:
            self._refs[(terms["accountId"], ref)] = order
        if idempotency_key is not None:
            self._keys[(user_id, idempotency_key)] = (fingerprint, order)
        return order, True

    def _new(self, user_id: int, terms: dict[str, Any], now: float) -> PredictionOrder:
        seq = len(self._orders) + 1
        digest = hashlib.sha256(f"{self.seed}:prediction-order:{seq}".encode()).digest()
        order = PredictionOrder(
            seq=seq,
            order_id=str(uuid.UUID(bytes=digest[:16], version=4)),
            user_id=user_id,
            terms=terms,
            created_at=now,
            updated_at=now,
            expires_at=self._expiry(terms, now),
            next_at=now + ACK_DELAY,
            working_type=terms["orderType"],
            working_price=terms["price"],
        )
        self._orders.append(order)
        self._by_id[order.order_id] = order
        return order

    @staticmethod
    def _expiry(terms: Mapping[str, Any], now: float) -> float | None:
        if terms["timeInForce"] == "gtd":
            expiry: float = terms["expireTime"]
            return expiry
        if terms["timeInForce"] == "day":
            return next_end(now, calendar_day_end)
        return None

    def get(self, user_id: int, order_id: str) -> PredictionOrder:
        """The user's order, caught up to the clock.

        Raises:
            PredictionOrderError: 404, no such order of this user.
        """
        self.catch_up(self.clock.now())
        found = self._by_id.get(order_id)
        if found is None or found.user_id != user_id:
            raise PredictionOrderError(
                404, "ORDER_NOT_FOUND", f"order {order_id} not found", "orderId"
            )
        return found

    def page(
        self,
        user_id: int,
        *,
        states: Collection[str] | None = None,
        account_id: str | None = None,
        symbol: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> tuple[list[PredictionOrder], str | None]:
        """One page of the user's orders, newest first, and the cursor of the next (None: the
        last page). ``cursor`` is one returned before.

        Raises:
            PredictionOrderError: 400, a cursor this simulator did not give.
        """
        self.catch_up(self.clock.now())
        before = len(self._orders) + 1
        if cursor is not None:
            if not cursor.startswith("c") or not cursor[1:].isdigit():
                raise PredictionOrderError(400, "INVALID_CURSOR", "unknown cursor", "cursor")
            before = int(cursor[1:])
        chosen = [
            order
            for order in reversed(self._orders[: before - 1])
            if order.user_id == user_id
            and (states is None or order.state in states)
            and account_id in (None, order.terms["accountId"])
            and symbol in (None, order.terms["symbol"])
        ]
        chunk = chosen[:limit]
        following = f"c{chunk[-1].seq}" if len(chosen) > limit else None
        return chunk, following

    # -- the venue ---------------------------------------------------------------------------------

    def catch_up(self, now: float) -> None:
        """Run every due acknowledgement, fill, cancel and expiry up to ``now``."""
        for order in self._orders:
            while order.is_open:
                due, ends = order.next_at, order.expires_at
                if ends is not None and ends <= min(due, now):
                    order.state, order.closed_at = "expired", ends
                    order.report(ends, "expired")
                    break
                if due > now:
                    break
                self._step(order, due)

    def _step(self, order: PredictionOrder, at: float) -> None:
        order.next_at = at + FILL_INTERVAL
        if order.first_ack_at is None:
            order.state, order.first_ack_at = "new", at
            order.report(at, "new")
        self._offer(order, at)
        if order.is_open and order.terms["timeInForce"] in ("ioc", "fok"):
            order.state, order.closed_at = "canceled", at
            order.report(at, "canceled")

    def _offer(self, order: PredictionOrder, at: float) -> None:
        """One fill opportunity: trigger a stop, then fill up to :data:`LOT` at the touch."""
        t = order.terms
        buy = t["side"] == "buy"
        mid = self.mid(t["symbol"], t["outcome"], at)
        if t["stopPx"] is not None and not order.triggered:
            if (mid < t["stopPx"]) if buy else (mid > t["stopPx"]):
                return
            order.triggered = True
            order.working_type = "limit" if t["orderType"] == "stop_limit" else "market_to_limit"
        touch = mid + TICK if buy else mid - TICK
        if order.working_type == "market_to_limit":
            order.working_type, order.working_price = "limit", touch
        limit = order.working_price
        if limit is not None and ((touch > limit) if buy else (touch < limit)):
            return
        size = min(order.leaves, LOT)
        if t["timeInForce"] == "fok" and size < order.leaves:
            return
        order.cum_qty += size
        order.notional += size * touch
        if order.cum_qty >= t["quantity"]:
            order.state, order.closed_at = "filled", at
        else:
            order.state = "partially_filled"
        order.report(at, "trade", (size, touch))
