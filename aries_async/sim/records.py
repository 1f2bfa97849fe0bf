"""The simulated brokerage's records and their wire forms.

Accounts, positions and orders as the ledger keeps them, the errors the order routes map to HTTP
statuses, and the helpers that write decimals and times the way the Aries wire does (decimal
strings, RFC 3339 UTC with milliseconds). Shared by :mod:`~aries_async.sim.ledger`,
:mod:`~aries_async.sim.intake`, :mod:`~aries_async.sim.matching` and
:mod:`~aries_async.sim.state`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, overload

import attrs

__all__ = [
    "ACTIVE_STATUSES",
    "CENT",
    "AccountEvent",
    "AccountNotFoundError",
    "ClientPrice",
    "OrderNotFoundError",
    "OrderRequestError",
    "RefusedRequest",
    "SimAccount",
    "SimOrder",
    "SimPosition",
    "decimal_text",
    "money",
    "parse_rfc3339",
    "price_decimal",
    "rfc3339",
]

ACTIVE_STATUSES = frozenset(
    {"PENDING_NEW", "NEW", "PARTIALLY_FILLED", "PENDING_REPLACE", "PENDING_CANCEL"}
)
"""Statuses of a working order."""

CENT = Decimal("0.01")


def money(value: Decimal) -> str:
    """A money amount as a 2-decimal wire string."""
    text = format(value.quantize(CENT), "f")
    return "0.00" if text == "-0.00" else text


def decimal_text(value: Decimal) -> str:
    """A quantity or price as the shortest exact wire string (``"10"``, ``"228.5"``)."""
    text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    return "0" if text in ("-0", "") else text


def price_decimal(value: float) -> Decimal:
    """A feed price (a float) as the Decimal its shortest repr spells."""
    return Decimal(repr(value))


def rfc3339(when: float) -> str:
    """Unix seconds as an RFC 3339 UTC time with milliseconds and a ``Z``."""
    return (
        datetime.fromtimestamp(when, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


def parse_rfc3339(text: str) -> datetime:
    """An RFC 3339 date-time (``Z`` or an offset) as an aware UTC datetime.

    Raises:
        ValueError: not a date-time, or one without a zone.
    """
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("time zone required")
    return parsed.astimezone(UTC)


class RefusedRequest(Exception):
    """A request the simulator refuses: the HTTP ``status``, the envelope's ``code`` and
    ``message``, and the ``field`` at fault (None: the request as a whole)."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field


class OrderRequestError(Exception):
    """A 400: the request is malformed. ``code`` goes into the nested envelope."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class AccountNotFoundError(KeyError):
    """No such account for this user (404)."""


class OrderNotFoundError(KeyError):
    """No order with that ``clOrdId`` in the account (404)."""


@attrs.frozen
class AccountEvent:
    """One change of an account, as the account websocket sends it.

    Attributes:
        name: ``account.order``, ``account.position`` or ``account.balance``.
        account_id: the trading account id.
        data: the wire object (``TradeOrderV2``, ``AccountPosition`` or the v2 balance).
        time: Unix seconds.
    """

    name: str
    account_id: str
    data: dict[str, Any]
    time: float


@attrs.define(kw_only=True)
class SimAccount:
    """A trading account."""

    account_id: str
    broker_account_id: str
    is_sim: bool
    account_type: str
    account_class: str
    status: str = "OPEN"
    cash: Decimal
    start_of_day_cash: Decimal
    realized_pl: Decimal = Decimal(0)
    day_realized_pl: Decimal = Decimal(0)
    value_bought: Decimal = Decimal(0)
    value_sold: Decimal = Decimal(0)

    def start_day(self) -> None:
        """A new trading day: its start-of-day cash is the cash now, its day figures zero."""
        self.start_of_day_cash = self.cash
        self.day_realized_pl = self.value_bought = self.value_sold = Decimal(0)

    def wire(self) -> dict[str, Any]:
        """The ``AccountItem`` of ``GET /v2/users/me/accounts``."""
        return {
            "trading_account_id": self.account_id,
            "broker_account_id": self.broker_account_id,
            "status": self.status,
            "is_sim": self.is_sim,
            "account_type": self.account_type,
            "account_class": self.account_class,
        }


@attrs.define(kw_only=True)
class SimPosition:
    """A net position in one symbol."""

    account_id: str
    symbol: str
    quantity: Decimal
    average_price: Decimal
    created_at: float
    security_type: str = "EQUITY"
    today_realized: Decimal = Decimal(0)
    sod_quantity: Decimal = Decimal(0)
    carried: Decimal = Decimal(0)
    day_quantity: Decimal = Decimal(0)
    day_price: Decimal = Decimal(0)

    def start_day(self) -> None:
        """A new trading day: what is held now is carried into it, nothing realized yet.

        The day's figures split the position in two: ``carried``, what is left of the
        start-of-day quantity ``sod_quantity`` (valued against the previous close), and
        ``day_quantity``, what was opened today (against ``day_price``, its average price)."""
        self.sod_quantity = self.carried = self.quantity
        self.day_quantity = self.day_price = self.today_realized = Decimal(0)

    def day_pnl(self, price: Decimal, prev_close: Decimal) -> Decimal:
        """Today's open P&L per share: the shares carried from yesterday against the previous
        close, the shares opened today against what they were traded at."""
        return self.carried * (price - prev_close) + self.day_quantity * (price - self.day_price)

    def trade_today(self, delta: Decimal, price: Decimal, prev_close: Decimal) -> Decimal:
        """Book a fill of ``delta`` (signed) at ``price`` in the day's figures, before
        ``quantity`` moves; returns the day's realized P&L per share. A close takes the carried
        shares first (realized against the previous close), then today's (against their price);
        what is left of ``delta`` opens today's, the other way. So the day's realized and open
        P&L add up to the day's change of the position's value less what it traded for."""
        realized = Decimal(0)
        if self.quantity and (self.quantity > 0) != (delta > 0):
            sign = 1 if self.quantity > 0 else -1
            left = abs(delta)
            for ref, held in ((prev_close, "carried"), (self.day_price, "day_quantity")):
                closed = min(left, abs(getattr(self, held)))
                realized += sign * closed * (price - ref)
                setattr(self, held, getattr(self, held) - sign * closed)
                left -= closed
            delta = -sign * left
        if delta:
            total = self.day_quantity + delta
            self.day_price = (self.day_quantity * self.day_price + delta * price) / total
            self.day_quantity = total
        return realized


@attrs.define(kw_only=True)
class SimOrder:
    """An order in the book (``TradeOrderV2`` fields plus matching state).

    ``expires_at`` is when the order expires if still working (Unix seconds; None: no session
    ends it), and ``expiry_text`` the ``text`` it then gets
    (:func:`~aries_async.sim.sessions.order_deadline`). ``notional`` is what its fills traded
    for (quantity x price x contract size) and ``fees_paid`` the ``fees`` they paid
    (:func:`~aries_async.sim.option_fills.order_fees`).
    """

    cl_ord_id: str
    ord_id: str
    account_id: str
    client_id: str
    symbol: str
    side: str
    type: str
    time_in_force: str
    qty: Decimal
    price: Decimal | None
    stop_price: Decimal | None
    status: str
    created_at: float
    updated_at: float
    orig_cl_ord_id: str | None = None
    cum_qty: Decimal = Decimal(0)
    avg_price: Decimal = Decimal(0)
    rej_reason: str = ""
    text: str = ""
    security_type: str = "EQUITY"
    category: str = "EQUITY"
    legs: list[dict[str, Any]] = attrs.Factory(list)
    triggered: bool = False
    seq: int = 0
    expires_at: float | None = None
    expiry_text: str = ""
    notional: Decimal = Decimal(0)
    fees_paid: Decimal = Decimal(0)

    @property
    def leaves_qty(self) -> Decimal:
        """Quantity still working (0 once terminal)."""
        return self.qty - self.cum_qty if self.status in ACTIVE_STATUSES else Decimal(0)

    @property
    def working(self) -> bool:
        """Whether the order can still fill."""
        return self.status in ACTIVE_STATUSES

    def wire(self) -> dict[str, Any]:
        """The ``TradeOrderV2`` object."""
        out: dict[str, Any] = {"clOrdId": self.cl_ord_id}
        if self.orig_cl_ord_id:
            out["origClOrdId"] = self.orig_cl_ord_id
        out.update(
            {
                "ordId": self.ord_id,
                "accountId": self.account_id,
                "clientId": self.client_id,
                "symbol": self.symbol,
                "side": self.side,
                "type": self.type,
                "timeInForce": self.time_in_force,
                "qty": decimal_text(self.qty),
                "price": decimal_text(self.price) if self.price is not None else "",
                "stopPrice": decimal_text(self.stop_price) if self.stop_price is not None else "",
                "ordStatus": self.status,
                "cumQty": decimal_text(self.cum_qty),
                "leavesQty": decimal_text(self.leaves_qty),
                "avgPrice": decimal_text(self.avg_price),
                "currency": "USD",
                "exDestination": "MNGD",
                "text": self.text,
                "ordRejReason": self.rej_reason,
                "securityType": self.security_type,
                "category": self.category,
                "legs": [dict(leg) for leg in self.legs],
                "createdAt": rfc3339(self.created_at),
                "updatedAt": rfc3339(self.updated_at),
            }
        )
        return out


class ClientPrice:
    """A price of the walk (a float field) as a client reads it: the ``Decimal`` of the JSON
    number the simulator writes for it (its shortest ``repr``)."""

    def __init__(self, field: str) -> None:
        self.field = field
        self.__doc__ = f":attr:`{field}` as a client reads it."

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> ClientPrice: ...
    @overload
    def __get__(self, instance: object, owner: type | None = None) -> Decimal: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        return price_decimal(getattr(instance, self.field))
