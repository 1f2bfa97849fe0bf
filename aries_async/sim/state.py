"""The simulated brokerage: one user, two accounts, cash, positions, orders and a matching engine.

Pure state, no HTTP (:mod:`aries_async.sim.app` maps routes onto it). Everything it returns is
already in wire form (dicts with decimal strings, RFC 3339 times), the same shapes REST and the
account websocket use (rest.md sections 2-6, websocket.md section 4).

Orders (rest.md 6.5/6.6):

* ``place`` validates like the server (400 :class:`OrderRequestError` on bad input, price
  precision at most 5 decimals, decimal *strings* only), then accepts the order as ``NEW`` and
  returns the acknowledgement; business rejections (unknown symbol, buying power, position) are
  an ``HTTP 200`` ack with ``success: false``/``REJECTED`` (or a 400 with
  ``rejections_as_http=True`` -- the rest.md UNCERTAIN, as a switch);
* market orders fill at the touch (buy at the ask, sell at the bid) right after acceptance; limit
  orders fill when the touch crosses them, stop orders trigger on the last trade; each step of
  the feed offers only the touch size, so large orders fill partially over several steps;
  ``IOC`` cancels what the first pass cannot fill, ``FOK`` cancels unless all of it can fill;
* ``replace`` gives the order a new ``clOrdId`` (the old one becomes ``REPLACED``), carrying the
  filled quantity over; ``cancel`` marks it ``CANCELED`` and its ack carries a new ``clOrdId``
  (switch ``cancel_assigns_new_id``) with ``origClOrdId`` = the order's id;
* option orders (``legs`` or an OSI symbol) are validated and rest as ``NEW``; they never fill;
* fills move cash and positions (average price, realized P&L) and emit account events.

Account events (for ``/v1/accounts/ws``):
    ``remove = state.listen(account_id, callback)`` calls ``callback(event)`` synchronously
    with an :class:`AccountEvent` (``name`` is ``account.order``, ``account.position`` or
    ``account.balance``; ``data`` is the wire object) for every change of that account.
    ``state.snapshot(account_id)`` gives ``{"account", "positions", "ordersV2"}`` in wire form.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from aries_async.sim.faults import Faults
from aries_async.sim.feed import NEW_YORK, Clock, Feed, QuoteSnapshot, UnknownSymbolError

__all__ = [
    "ACTIVE_STATUSES",
    "AccountEvent",
    "AccountNotFoundError",
    "OrderNotFoundError",
    "OrderRequestError",
    "SimAccount",
    "SimOrder",
    "SimPosition",
    "State",
    "money",
]

ACTIVE_STATUSES = frozenset(
    {"PENDING_NEW", "NEW", "PARTIALLY_FILLED", "PENDING_REPLACE", "PENDING_CANCEL"}
)
"""Statuses of a working order."""

_SIDES = {"BUY", "SELL", "SELL_SHORT", "BUY_TO_COVER"}
_TYPES = {"MARKET", "LIMIT", "STOP", "STOP_LIMIT"}
_TIFS = {"DAY", "GTC", "IOC", "FOK", "EXTENDED_HOURS", "AT_THE_OPENING", "AT_THE_CLOSE"}
_TIF_ALIASES = {"ATO": "AT_THE_OPENING", "ATC": "AT_THE_CLOSE", "EXT": "EXTENDED_HOURS"}
_OSI = re.compile(r"^([A-Z]{1,6})(\d{2})(\d{2})(\d{2})([CP])(\d{8})$")
_CENT = Decimal("0.01")


def money(value: Decimal) -> str:
    """A money amount as a 2-decimal wire string."""
    text = format(value.quantize(_CENT), "f")
    return "0.00" if text == "-0.00" else text


def _dec(value: Decimal) -> str:
    text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    return "0" if text in ("-0", "") else text


def _px(value: float) -> Decimal:
    return Decimal(repr(value))


def _rfc3339(when: float) -> str:
    return (
        datetime.fromtimestamp(when, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


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


@attrs.define(kw_only=True)
class SimOrder:
    """An order in the book (``TradeOrderV2`` fields plus matching state)."""

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
                "qty": _dec(self.qty),
                "price": _dec(self.price) if self.price is not None else "",
                "stopPrice": _dec(self.stop_price) if self.stop_price is not None else "",
                "ordStatus": self.status,
                "cumQty": _dec(self.cum_qty),
                "leavesQty": _dec(self.leaves_qty),
                "avgPrice": _dec(self.avg_price),
                "currency": "USD",
                "exDestination": "MNGD",
                "text": self.text,
                "ordRejReason": self.rej_reason,
                "securityType": self.security_type,
                "category": self.category,
                "legs": [dict(leg) for leg in self.legs],
                "createdAt": _rfc3339(self.created_at),
                "updatedAt": _rfc3339(self.updated_at),
            }
        )
        return out


def _parse_decimal(
    body: Mapping[str, Any],
    field: str,
    *,
    required: bool,
    positive: bool = True,
    max_places: int | None = None,
) -> Decimal | None:
    raw = body.get(field)
    if raw is None or raw == "":
        if required:
            raise OrderRequestError("MISSING_FIELD", f"{field} is required", field)
        return None
    if not isinstance(raw, str):
        raise OrderRequestError("INVALID_FIELD", f"{field} must be a decimal string", field)
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        raise OrderRequestError(
            "INVALID_FIELD", f"{field} is not a decimal number", field
        ) from None
    if not value.is_finite() or (positive and value <= 0):
        raise OrderRequestError("INVALID_FIELD", f"{field} must be positive", field)
    exponent = value.as_tuple().exponent
    if max_places is not None and isinstance(exponent, int) and -exponent > max_places:
        raise OrderRequestError(
            "INVALID_PRICE_PRECISION", f"{field} allows at most {max_places} decimal places", field
        )
    return value


def _enum(
    body: Mapping[str, Any],
    field: str,
    allowed: set[str],
    *,
    required: bool,
    aliases: Mapping[str, str] | None = None,
) -> str | None:
    raw = body.get(field)
    if raw is None or raw == "":
        if required:
            raise OrderRequestError("MISSING_FIELD", f"{field} is required", field)
        return None
    text = str(raw).upper()
    if aliases:
        text = aliases.get(text, text)
    if text not in allowed:
        raise OrderRequestError("INVALID_FIELD", f"{field} must be one of {sorted(allowed)}", field)
    return text


class State:
    """Accounts, positions and orders of the simulated user.

    Args:
        feed: prices for fills and valuations.
        clock: the time source (the feed's clock).
        rejections_as_http: business rejections raise :class:`OrderRequestError` (HTTP 400)
            instead of returning a ``success: false`` acknowledgement.
        cancel_assigns_new_id: cancel acks carry a new ``clOrdId`` (DOCS-new) instead of
            echoing the order's id.
        faults: the simulator's live faults (the state reads
            ``snapshot_working_orders_only``); a private default set when not given.
    """

    def __init__(
        self,
        *,
        feed: Feed,
        clock: Clock,
        rejections_as_http: bool = False,
        cancel_assigns_new_id: bool = True,
        starting_cash: Decimal = Decimal("100000"),
        user_id: int = 1001,
        faults: Faults | None = None,
    ) -> None:
        self.feed = feed
        self.faults = faults if faults is not None else Faults()
        self.clock = clock
        self.rejections_as_http = rejections_as_http
        self.cancel_assigns_new_id = cancel_assigns_new_id
        self.user_id = user_id
        self.user_email = "trader@sim.aries.local"
        self.accounts: dict[str, SimAccount] = {
            "TEST-ACCOUNT-001": SimAccount(
                account_id="TEST-ACCOUNT-001",
                broker_account_id="5SIM0001",
                is_sim=False,
                account_type="INDIVIDUAL",
                account_class="MARGIN",
                cash=starting_cash,
                start_of_day_cash=starting_cash,
            ),
            "TEST-SIM-001": SimAccount(
                account_id="TEST-SIM-001",
                broker_account_id="",
                is_sim=True,
                account_type="",
                account_class="",
                cash=starting_cash,
                start_of_day_cash=starting_cash,
            ),
        }
        self.positions: dict[str, dict[str, SimPosition]] = {a: {} for a in self.accounts}
        self.orders: dict[str, list[SimOrder]] = {a: [] for a in self.accounts}
        self._by_id: dict[tuple[str, str], SimOrder] = {}
        self._listeners: dict[str, list[Callable[[AccountEvent], None]]] = {}
        self._seq = 0
        self._ids = 0
        feed.listen(self._on_tick)
        self._seed_history()

    # -- events ---------------------------------------------------------------------------------

    def listen(
        self, account_id: str, callback: Callable[[AccountEvent], None]
    ) -> Callable[[], None]:
        """Call ``callback(event)`` for every change of ``account_id``.

        Returns:
            A function that removes the listener (idempotent).

        Raises:
            AccountNotFoundError: unknown account.
        """
        self.account(account_id)
        self._listeners.setdefault(account_id, []).append(callback)

        def remove() -> None:
            callbacks = self._listeners.get(account_id, [])
            if callback in callbacks:
                callbacks.remove(callback)

        return remove

    def _emit(self, account_id: str, name: str, data: dict[str, Any]) -> None:
        event = AccountEvent(name, account_id, data, self.clock.now())
        for callback in list(self._listeners.get(account_id, [])):
            callback(event)

    # -- reading --------------------------------------------------------------------------------

    def account(self, account_id: str) -> SimAccount:
        """The account.

        Raises:
            AccountNotFoundError: unknown account.
        """
        found = self.accounts.get(account_id)
        if found is None:
            raise AccountNotFoundError(account_id)
        return found

    def user(self) -> dict[str, Any]:
        """``GET /v1/users/me``."""
        return {
            "id": self.user_id,
            "email": self.user_email,
            "email_verified": True,
            "country": "USA",
            "avatar_url": "",
            "primary_phone_number": "+15555550123",
            "plaid_status": "VERIFIED",
            "account_application": {
                "id": 4242,
                "status": "APPROVED",
                "can_submit": False,
                "missing_fields": [],
                "plaid_link_token": "",
            },
            "created_at": "2025-06-02T14:11:05.157503Z",
            "updated_at": _rfc3339(self.feed.t0),
        }

    def _price(self, symbol: str) -> QuoteSnapshot | None:
        try:
            return self.feed.quote(symbol)
        except UnknownSymbolError:
            return None

    def position_wire(self, pos: SimPosition) -> dict[str, Any]:
        """An ``AccountPosition`` object."""
        out: dict[str, Any] = {
            "accountId": pos.account_id,
            "symbol": pos.symbol,
            "securityType": pos.security_type,
            "quantity": _dec(pos.quantity),
            "averagePrice": _dec(pos.average_price),
        }
        snap = self._price(pos.symbol) if pos.quantity else None
        if snap is not None:
            price = _px(snap.last)
            ref = _px(snap.prev_close)
            out["price"] = _dec(price)
            out["marketValue"] = money(pos.quantity * price)
            out["costBasis"] = money(pos.quantity * pos.average_price)
            out["unrealizedPl"] = money(pos.quantity * (price - pos.average_price))
            carried = min(abs(pos.sod_quantity), abs(pos.quantity))
            opened = abs(pos.quantity) - carried
            sign = 1 if pos.quantity > 0 else -1
            today = sign * (carried * (price - ref) + opened * (price - pos.average_price))
            out["todayPl"] = money(today)
        else:
            out["costBasis"] = money(pos.quantity * pos.average_price)
            out["unrealizedPl"] = "0.00"
            out["todayPl"] = "0.00"
        out["todayRealizedPnL"] = money(pos.today_realized)
        out["createdAt"] = _rfc3339(pos.created_at)
        return out

    def positions_wire(self, account_id: str) -> list[dict[str, Any]]:
        """Every open position of the account.

        Raises:
            AccountNotFoundError: unknown account.
        """
        self.account(account_id)
        return [self.position_wire(p) for p in self.positions[account_id].values() if p.quantity]

    def balance_wire(self, account_id: str) -> dict[str, Any]:
        """The ``AccountBalanceV2`` object, computed from cash, positions and working orders.

        Raises:
            AccountNotFoundError: unknown account.
        """
        acct = self.account(account_id)
        long_value = short_value = cost = unrealized = day_open = sod_value = Decimal(0)
        for pos in self.positions[account_id].values():
            if not pos.quantity:
                continue
            snap = self._price(pos.symbol)
            price = _px(snap.last) if snap else pos.average_price
            prev = _px(snap.prev_close) if snap else pos.average_price
            value = pos.quantity * price
            if value >= 0:
                long_value += value
            else:
                short_value += -value
            cost += abs(pos.quantity) * pos.average_price
            unrealized += pos.quantity * (price - pos.average_price)
            sod_value += pos.sod_quantity * prev
            carried = min(abs(pos.sod_quantity), abs(pos.quantity))
            opened = abs(pos.quantity) - carried
            sign = 1 if pos.quantity > 0 else -1
            day_open += sign * (carried * (price - prev) + opened * (price - pos.average_price))
        equity = acct.cash + long_value - short_value
        working = [o for o in self.orders[account_id] if o.working and o.security_type == "EQUITY"]
        pending_margin = sum(
            (
                o.leaves_qty * (o.price or o.stop_price or Decimal(0))
                for o in working
                if o.side in ("BUY", "BUY_TO_COVER")
            ),
            Decimal(0),
        )
        margin = acct.account_class == "MARGIN" or acct.is_sim
        maint = (long_value + short_value) * Decimal("0.25")
        excess = max(Decimal(0), equity - maint)
        buying_power = excess * 2 if margin else max(Decimal(0), acct.cash)
        today = self._today().isoformat()
        sod_equity = acct.start_of_day_cash + sod_value
        return {
            "accountId": account_id,
            "balance": money(equity),
            "cashBalance": money(acct.cash),
            "netBuyingPower": money(buying_power),
            "stockBuyingPower": money(buying_power),
            "optionBuyingPower": money(excess if margin else max(Decimal(0), acct.cash)),
            "dayTradeBuyingPower": money(excess * 4 if margin else Decimal(0)),
            "dayTradeOvernightRegTBuyingPower": money(buying_power),
            "settledFunds": money(max(Decimal(0), acct.cash)),
            "unsettledFunds": "0.00",
            "heldBackFunds": "0.00",
            "startOfDayCash": money(acct.start_of_day_cash),
            "amountAvailableToWithdraw": money(max(Decimal(0), acct.cash)),
            "fundsAvailableForWithdrawal": money(max(Decimal(0), acct.cash)),
            "intradayMarginBalance": money(min(Decimal(0), acct.cash)),
            "maintReq": money(maint),
            "grossMargin": money(long_value + short_value),
            "credit": "0.00",
            "creditRemaining": "0.00",
            "sma": money(excess),
            "smaCreditRemaining": "0.00",
            "pdt": "0.00",
            "pdtCreditRemaining": "0.00",
            "pendingOrdersCount": len(working),
            "pendingOrdersMarginRequirements": money(pending_margin),
            "costOfPositions": money(cost),
            "openPnl": money(unrealized),
            "unrealizedPl": money(unrealized),
            "realizedPl": money(acct.realized_pl),
            "dayOpenPnl": money(day_open),
            "dayRealizedPnl": money(acct.day_realized_pl),
            "dayTotalPnl": money(day_open + acct.day_realized_pl),
            "valueBought": money(acct.value_bought),
            "valueSold": money(acct.value_sold),
            "sodPositionsMarketValue": money(sod_value),
            "sodTtlEquity": money(sod_equity),
            "sodTtlEquityUpdatedAt": _rfc3339(self._midnight_ny()),
            "sodFundsAvailableDate": today,
            "sodGrossFundsAvailable": money(acct.start_of_day_cash),
            "sodNetFundsAvailable": money(acct.start_of_day_cash),
            "sodMarginTradeBalance": "0.00",
        }

    def snapshot(self, account_id: str) -> dict[str, Any]:
        """The account websocket snapshot ``{"account", "positions", "ordersV2"}``.

        ``ordersV2`` holds what the active-orders list holds (working orders plus today's
        terminal ones), or only the working orders when
        ``faults.snapshot_working_orders_only`` is set (the spec leaves it UNCERTAIN).

        Raises:
            AccountNotFoundError: unknown account.
        """
        orders = self.active_orders(account_id)
        if self.faults.snapshot_working_orders_only:
            orders = [o for o in orders if o.working]
        return {
            "account": self.balance_wire(account_id),
            "positions": self.positions_wire(account_id),
            "ordersV2": [o.wire() for o in orders],
        }

    def _today(self) -> date:
        return datetime.fromtimestamp(self.clock.now(), NEW_YORK).date()

    def _midnight_ny(self) -> float:
        today = self._today()
        return datetime.combine(today, time(0), tzinfo=NEW_YORK).timestamp()

    def active_orders(self, account_id: str) -> list[SimOrder]:
        """Working orders plus today's terminal activity, newest first (``/v2/.../orders``).

        Raises:
            AccountNotFoundError: unknown account.
        """
        self.account(account_id)
        midnight = self._midnight_ny()
        orders = [o for o in self.orders[account_id] if o.working or o.updated_at >= midnight]
        return sorted(orders, key=lambda o: (o.created_at, o.seq), reverse=True)

    def history(
        self, account_id: str, start: float, end: float, *, ascending: bool
    ) -> list[SimOrder]:
        """Orders created in ``[start, end]``, without ``SUPERSEDED`` rows.

        Raises:
            AccountNotFoundError: unknown account.
        """
        self.account(account_id)
        orders = [
            o
            for o in self.orders[account_id]
            if start <= o.created_at <= end and o.status != "SUPERSEDED"
        ]
        return sorted(orders, key=lambda o: (o.created_at, o.seq), reverse=not ascending)

    def order(self, account_id: str, cl_ord_id: str) -> SimOrder:
        """An order by its current ``clOrdId``.

        Raises:
            OrderNotFoundError: no such order in the account.
        """
        found = self._by_id.get((account_id, cl_ord_id))
        if found is None:
            raise OrderNotFoundError(cl_ord_id)
        return found

    def find_by_client_id(self, client_id: str) -> list[SimOrder]:
        """Every order (all accounts) tagged with ``clientId``."""
        return [o for orders in self.orders.values() for o in orders if o.client_id == client_id]

    # -- writing --------------------------------------------------------------------------------

    def _next_ids(self) -> tuple[str, str]:
        self._ids += 1
        stamp = datetime.fromtimestamp(self.clock.now(), UTC).strftime("%Y%m%d")
        return f"SIM-{stamp}-{self._ids:06d}", f"ord-{self._ids:08x}"

    def _account_field(self, body: Mapping[str, Any]) -> str:
        account_id = body.get("tradingAccountId") or body.get("accountId")
        if not account_id or not isinstance(account_id, str):
            raise OrderRequestError(
                "MISSING_FIELD", "tradingAccountId or accountId is required", "tradingAccountId"
            )
        if len(account_id) > 50:
            raise OrderRequestError(
                "INVALID_FIELD", "tradingAccountId is too long", "tradingAccountId"
            )
        self.account(account_id)
        return account_id

    def _parse_order(self, body: Mapping[str, Any]) -> dict[str, Any]:
        account_id = self._account_field(body)
        symbol = body.get("symbol")
        if not isinstance(symbol, str) or not symbol.strip():
            raise OrderRequestError("MISSING_FIELD", "symbol is required", "symbol")
        symbol = symbol.strip().upper()
        if len(symbol) > 21:
            raise OrderRequestError("INVALID_FIELD", "symbol must be 1-21 characters", "symbol")
        side = _enum(body, "side", _SIDES, required=True)
        order_type = _enum(body, "type", _TYPES, required=True)
        tif = _enum(body, "timeInForce", _TIFS, required=True, aliases=_TIF_ALIASES)
        qty = _parse_decimal(body, "qty", required=True)
        price = _parse_decimal(
            body, "price", required=order_type in ("LIMIT", "STOP_LIMIT"), max_places=5
        )
        stop = _parse_decimal(
            body, "stopPrice", required=order_type in ("STOP", "STOP_LIMIT"), max_places=5
        )
        client_id = body.get("clientId") or ""
        if not isinstance(client_id, str) or len(client_id) > 50:
            raise OrderRequestError(
                "INVALID_FIELD", "clientId must be a string of at most 50 characters", "clientId"
            )
        legs = self._parse_legs(body, symbol)
        if legs and tif not in ("DAY", "GTC"):
            raise OrderRequestError(
                "INVALID_FIELD", "options orders accept timeInForce DAY or GTC", "timeInForce"
            )
        return {
            "account_id": account_id,
            "symbol": symbol,
            "side": side,
            "type": order_type,
            "tif": tif,
            "qty": qty,
            "price": price if order_type in ("LIMIT", "STOP_LIMIT") else None,
            "stop": stop if order_type in ("STOP", "STOP_LIMIT") else None,
            "client_id": client_id,
            "legs": legs,
        }

    def _parse_legs(self, body: Mapping[str, Any], symbol: str) -> list[dict[str, Any]]:
        raw = body.get("legs")
        if raw in (None, []):
            match = _OSI.match(symbol)
            if not match:
                return []
            root, yy, mm, dd, cp, strike = match.groups()
            return [
                {
                    "symbol": root,
                    "side": "BUY" if body.get("side") in ("BUY", "BUY_TO_COVER") else "SELL",
                    "ratioQty": "1",
                    "positionEffect": "OPEN",
                    "securityType": "OPTION",
                    "putCall": "CALL" if cp == "C" else "PUT",
                    "strikePrice": _dec(Decimal(strike) / 1000),
                    "maturity": f"20{yy}-{mm}-{dd}",
                }
            ]
        if not isinstance(raw, list) or not 1 <= len(raw) <= 4:
            raise OrderRequestError("INVALID_FIELD", "legs must hold 1 to 4 legs", "legs")
        legs = []
        for leg in raw:
            if not isinstance(leg, dict):
                raise OrderRequestError("INVALID_FIELD", "each leg must be an object", "legs")
            sec = _enum(leg, "securityType", {"CS", "OPT"}, required=True)
            side = _enum(
                leg, "side", {"BUY", "SELL"}, required=True, aliases={"B": "BUY", "S": "SELL"}
            )
            ratio = _parse_decimal(leg, "ratioQty", required=True)
            effect = _enum(
                leg,
                "positionEffect",
                {"OPEN", "CLOSE"},
                required=True,
                aliases={"O": "OPEN", "C": "CLOSE"},
            )
            out: dict[str, Any] = {
                "symbol": str(leg.get("symbol") or symbol),
                "side": side,
                "ratioQty": _dec(ratio or Decimal(1)),
                "positionEffect": effect,
                "securityType": "OPTION" if sec == "OPT" else "EQUITY",
            }
            if sec == "OPT":
                put_call = _enum(
                    leg,
                    "putCall",
                    {"CALL", "PUT"},
                    required=True,
                    aliases={"C": "CALL", "P": "PUT"},
                )
                strike = _parse_decimal(leg, "strikePrice", required=True, max_places=5)
                maturity = leg.get("maturity")
                try:
                    date.fromisoformat(str(maturity))
                except ValueError:
                    raise OrderRequestError(
                        "INVALID_FIELD", "maturity must be YYYY-MM-DD", "maturity"
                    ) from None
                out.update(
                    {
                        "putCall": put_call,
                        "strikePrice": _dec(strike or Decimal(0)),
                        "maturity": str(maturity),
                    }
                )
            legs.append(out)
        return legs

    def _new_order(
        self, spec: Mapping[str, Any], *, status: str, orig: str | None = None
    ) -> SimOrder:
        cl_ord_id, ord_id = self._next_ids()
        now = self.clock.now()
        self._seq += 1
        legs = spec["legs"]
        category = "EQUITY" if not legs else ("SINGLE_LEG" if len(legs) == 1 else "MULTI_LEG")
        order = SimOrder(
            cl_ord_id=cl_ord_id,
            ord_id=ord_id,
            account_id=spec["account_id"],
            client_id=spec["client_id"],
            symbol=spec["symbol"],
            side=spec["side"],
            type=spec["type"],
            time_in_force=spec["tif"],
            qty=spec["qty"],
            price=spec["price"],
            stop_price=spec["stop"],
            status=status,
            created_at=now,
            updated_at=now,
            orig_cl_ord_id=orig,
            security_type="OPTION" if legs else "EQUITY",
            category=category,
            legs=list(legs),
            seq=self._seq,
        )
        self.orders[order.account_id].append(order)
        self._by_id[(order.account_id, order.cl_ord_id)] = order
        return order

    def _reject_reason(self, spec: Mapping[str, Any]) -> str | None:
        if spec["legs"]:
            return None
        info = self.feed.symbols.get(spec["symbol"])
        if info is None:
            return f"unknown symbol {spec['symbol']}"
        if not info.tradable:
            return f"{spec['symbol']} is not tradable"
        held = self.positions[spec["account_id"]].get(info.symbol)
        held_qty = held.quantity if held else Decimal(0)
        side, qty = spec["side"], spec["qty"]
        if side == "SELL" and qty > max(held_qty, Decimal(0)):
            return "insufficient position to sell; use SELL_SHORT"
        if side == "BUY_TO_COVER" and qty > max(-held_qty, Decimal(0)):
            return "no short position to cover"
        if side in ("BUY", "BUY_TO_COVER"):
            snap = self.feed.quote(info.symbol)
            price = spec["price"] or spec["stop"] or _px(snap.ask)
            power = Decimal(self.balance_wire(spec["account_id"])["netBuyingPower"])
            if qty * price > power:
                return "insufficient buying power"
        return None

    def _ack(self, order: SimOrder, *, success: bool, text: str) -> dict[str, Any]:
        return {
            "success": success,
            "clOrdId": order.cl_ord_id,
            "status": order.status,
            "symbol": order.symbol,
            "side": order.side,
            "qty": _dec(order.qty),
            "cumQty": _dec(order.cum_qty),
            "leavesQty": _dec(order.leaves_qty),
            "avgPrice": _dec(order.avg_price),
            "text": text,
            "ordRejReason": order.rej_reason,
            "transactTime": _rfc3339(order.updated_at),
        }

    def place(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /v1/orders``: validate, accept, acknowledge, then match.

        Returns:
            The ``OrdResponse`` acknowledgement (state at acceptance, before any fill).

        Raises:
            OrderRequestError: malformed request (or a rejection with ``rejections_as_http``).
            AccountNotFoundError: unknown account.
        """
        spec = self._parse_order(body)
        reason = self._reject_reason(spec)
        if reason is not None and self.rejections_as_http:
            raise OrderRequestError("ORDER_REJECTED", reason)
        order = self._new_order(spec, status="REJECTED" if reason else "NEW")
        if reason is not None:
            order.rej_reason = reason
            order.text = "Order rejected"
            self._emit(order.account_id, "account.order", order.wire())
            return self._ack(order, success=False, text="Order rejected")
        ack = self._ack(order, success=True, text="Order accepted")
        self._emit(order.account_id, "account.order", order.wire())
        self._start_working(order)
        return ack

    def preview(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /v1/orders/preview``: estimated cost and blocking errors, nothing is placed.

        Raises:
            OrderRequestError: malformed request.
            AccountNotFoundError: unknown account.
        """
        spec = self._parse_order(body)
        reason = self._reject_reason(spec)
        price = spec["price"] or spec["stop"]
        if price is None:
            snap = self._price(spec["symbol"])
            if snap is not None:
                price = _px(snap.ask if spec["side"] in ("BUY", "BUY_TO_COVER") else snap.bid)
        multiplier = Decimal(100) if spec["legs"] else Decimal(1)
        cost = spec["qty"] * (price or Decimal(0)) * multiplier
        fees = (
            Decimal(0)
            if spec["side"] in ("BUY", "BUY_TO_COVER")
            else (cost * Decimal("0.0000278")).quantize(_CENT)
        )
        out: dict[str, Any] = {
            "estimatedCost": money(cost),
            "estimatedMargin": "0.00",
            "commission": "0.00",
            "fees": money(fees),
            "buyingPowerImpact": money(
                cost + fees if spec["side"] in ("BUY", "BUY_TO_COVER") else Decimal(0)
            ),
            "numDayTrades": 0,
            "warnRuleId": "0",
            "warnings": []
            if spec["type"] != "MARKET"
            else ["market orders may fill at a worse price"],
            "errors": [reason] if reason else [],
        }
        if spec["legs"]:
            out.update(
                {
                    "optionFees": "0.65",
                    "optionPremium": money(cost),
                    "optionRequirement": money(cost),
                }
            )
        return out

    def replace(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /v1/orders/replace``: the order gets a new ``clOrdId``; the old one is dead.

        Raises:
            OrderRequestError: malformed request.
            AccountNotFoundError, OrderNotFoundError: unknown account or order.
        """
        account_id = self._account_field(body)
        orig_id = body.get("origClOrdId")
        if not isinstance(orig_id, str) or not 1 <= len(orig_id) <= 100:
            raise OrderRequestError("MISSING_FIELD", "origClOrdId is required", "origClOrdId")
        old = self.order(account_id, orig_id)
        symbol = str(body.get("symbol") or "").upper()
        if symbol and symbol != old.symbol:
            raise OrderRequestError(
                "INVALID_FIELD", "symbol must match the original order", "symbol"
            )
        merged: dict[str, Any] = {
            "tradingAccountId": account_id,
            "symbol": old.symbol,
            "side": body.get("side") or old.side,
            "type": body.get("type") or old.type,
            "timeInForce": body.get("timeInForce") or old.time_in_force,
            "qty": body.get("qty") or _dec(old.qty),
            "clientId": body.get("clientId") if body.get("clientId") is not None else old.client_id,
            "legs": body.get("legs") or None,
        }
        if body.get("price") is not None:
            merged["price"] = body.get("price")
        elif old.price is not None:
            merged["price"] = _dec(old.price)
        if body.get("stopPrice") is not None:
            merged["stopPrice"] = body.get("stopPrice")
        elif old.stop_price is not None:
            merged["stopPrice"] = _dec(old.stop_price)
        spec = self._parse_order(merged)
        if not body.get("legs"):
            spec["legs"] = old.legs
        now = self.clock.now()
        if not old.working or spec["qty"] <= old.cum_qty or spec["side"] != old.side:
            text = (
                "order is not open"
                if not old.working
                else "side cannot change"
                if spec["side"] != old.side
                else "qty must exceed the filled quantity"
            )
            if self.rejections_as_http:
                raise OrderRequestError("REPLACE_REJECTED", text)
            return {
                "success": False,
                "clOrdId": old.cl_ord_id,
                "origClOrdId": old.cl_ord_id,
                "status": "REJECTED",
                "qty": _dec(spec["qty"]),
                "price": _dec(spec["price"]) if spec["price"] is not None else "",
                "text": text,
                "transactTime": _rfc3339(now),
            }
        self._stop_working(old)
        old.status = "REPLACED"
        old.updated_at = now
        new = self._new_order(spec, status="NEW", orig=old.cl_ord_id)
        new.cum_qty = old.cum_qty
        new.avg_price = old.avg_price
        new.created_at = old.created_at
        if new.cum_qty:
            new.status = "PARTIALLY_FILLED"
        ack = {
            "success": True,
            "clOrdId": new.cl_ord_id,
            "origClOrdId": old.cl_ord_id,
            "status": "PENDING_REPLACE",
            "qty": _dec(new.qty),
            "price": _dec(new.price) if new.price is not None else "",
            "text": "Replace accepted",
            "transactTime": _rfc3339(now),
        }
        self._emit(old.account_id, "account.order", old.wire())
        self._emit(new.account_id, "account.order", new.wire())
        self._start_working(new)
        return ack

    def cancel(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /v1/orders/cancel``.

        Raises:
            OrderRequestError: malformed request.
            AccountNotFoundError, OrderNotFoundError: unknown account or order.
        """
        account_id = self._account_field(body)
        orig_id = body.get("origClOrdId")
        if not isinstance(orig_id, str) or not 1 <= len(orig_id) <= 100:
            raise OrderRequestError("MISSING_FIELD", "origClOrdId is required", "origClOrdId")
        if not body.get("symbol"):
            raise OrderRequestError("MISSING_FIELD", "symbol is required", "symbol")
        _enum(body, "side", _SIDES, required=True)
        order = self.order(account_id, orig_id)
        now = self.clock.now()
        if self.cancel_assigns_new_id:
            self._ids += 1
            cancel_id = f"{order.cl_ord_id}-C{self._ids}"
        else:
            cancel_id = order.cl_ord_id
        if not order.working:
            if self.rejections_as_http:
                raise OrderRequestError("CANCEL_REJECTED", "order is not open")
            return {
                "success": False,
                "clOrdId": cancel_id,
                "origClOrdId": order.cl_ord_id,
                "status": "REJECTED",
                "text": f"order is not open ({order.status})",
            }
        self._stop_working(order)
        order.status = "CANCELED"
        order.updated_at = now
        order.text = "Canceled by user"
        self._emit(order.account_id, "account.order", order.wire())
        self._emit(order.account_id, "account.balance", self.balance_wire(order.account_id))
        return {
            "success": True,
            "clOrdId": cancel_id,
            "origClOrdId": order.cl_ord_id,
            "status": "PENDING_CANCEL",
            "text": "Cancel request processed",
        }

    def expire_day_orders(self) -> int:
        """End the trading day: working ``DAY`` orders become ``EXPIRED``; returns the count."""
        count = 0
        for orders in self.orders.values():
            for order in orders:
                if order.working and order.time_in_force == "DAY":
                    self._stop_working(order)
                    order.status = "EXPIRED"
                    order.updated_at = self.clock.now()
                    self._emit(order.account_id, "account.order", order.wire())
                    count += 1
        return count

    # -- matching -------------------------------------------------------------------------------

    def _start_working(self, order: SimOrder) -> None:
        if order.security_type != "EQUITY":
            return  # option orders rest; the simulator does not price options
        self.feed.watch(order.symbol)
        self._try_fill(order, self.feed.quote(order.symbol), first=True)

    def _stop_working(self, order: SimOrder) -> None:
        if order.working and order.security_type == "EQUITY":
            self.feed.unwatch(order.symbol)

    def _on_tick(self, snap: QuoteSnapshot) -> None:
        for orders in self.orders.values():
            for order in orders:
                if (
                    order.working
                    and order.symbol == snap.symbol
                    and order.security_type == "EQUITY"
                ):
                    self._try_fill(order, snap, first=False)

    def match(self) -> None:
        """Run one matching pass over every working order at the current quotes."""
        for orders in self.orders.values():
            for order in list(orders):
                if order.working and order.security_type == "EQUITY":
                    self._try_fill(order, self.feed.quote(order.symbol), first=False)

    def _try_fill(self, order: SimOrder, snap: QuoteSnapshot, *, first: bool) -> None:
        buying = order.side in ("BUY", "BUY_TO_COVER")
        if order.type in ("STOP", "STOP_LIMIT") and not order.triggered:
            assert order.stop_price is not None
            last = _px(snap.last)
            if (buying and last >= order.stop_price) or (not buying and last <= order.stop_price):
                order.triggered = True
        touch = _px(snap.ask if buying else snap.bid)
        size = Decimal(snap.ask_size if buying else snap.bid_size)
        marketable = False
        if order.type == "MARKET" or (order.type == "STOP" and order.triggered):
            marketable = True
        elif order.type == "LIMIT" or (order.type == "STOP_LIMIT" and order.triggered):
            assert order.price is not None
            marketable = touch <= order.price if buying else touch >= order.price
        leaves = order.qty - order.cum_qty
        if first and order.time_in_force == "FOK" and (not marketable or size < leaves):
            self._finish(order, "CANCELED", "FOK order could not be filled completely")
            return
        if marketable:
            self._fill(order, min(leaves, size), touch)
        if first and order.time_in_force == "IOC" and order.working:
            self._finish(order, "CANCELED", "IOC remainder canceled")

    def _finish(self, order: SimOrder, status: str, text: str) -> None:
        self._stop_working(order)
        order.status = status
        order.text = text
        order.updated_at = self.clock.now()
        self._emit(order.account_id, "account.order", order.wire())

    def _fill(self, order: SimOrder, qty: Decimal, price: Decimal) -> None:
        if qty <= 0:
            return
        total = order.cum_qty + qty
        order.avg_price = (
            ((order.avg_price * order.cum_qty + price * qty) / total)
            .quantize(Decimal("0.00001"))
            .normalize()
        )
        order.cum_qty = total
        order.updated_at = self.clock.now()
        if total >= order.qty:
            self._stop_working(order)
            order.status = "FILLED"
        else:
            order.status = "PARTIALLY_FILLED"
        delta = qty if order.side in ("BUY", "BUY_TO_COVER") else -qty
        position = self._apply_fill(order.account_id, order.symbol, delta, price)
        self._emit(order.account_id, "account.order", order.wire())
        self._emit(order.account_id, "account.position", self.position_wire(position))
        self._emit(order.account_id, "account.balance", self.balance_wire(order.account_id))

    def _apply_fill(
        self, account_id: str, symbol: str, delta: Decimal, price: Decimal
    ) -> SimPosition:
        acct = self.accounts[account_id]
        book = self.positions[account_id]
        pos = book.get(symbol)
        now = self.clock.now()
        if pos is None or not pos.quantity:
            pos = SimPosition(
                account_id=account_id,
                symbol=symbol,
                quantity=Decimal(0),
                average_price=Decimal(0),
                created_at=now,
                today_realized=pos.today_realized if pos else Decimal(0),
            )
            book[symbol] = pos
        old = pos.quantity
        new = old + delta
        if old == 0 or (old > 0) == (delta > 0):
            pos.average_price = (
                ((abs(old) * pos.average_price + abs(delta) * price) / abs(new))
                .quantize(Decimal("0.00001"))
                .normalize()
            )
        else:
            closed = min(abs(delta), abs(old))
            realized = (price - pos.average_price) * closed * (1 if old > 0 else -1)
            acct.realized_pl += realized
            acct.day_realized_pl += realized
            pos.today_realized += realized
            if new != 0 and (new > 0) != (old > 0):
                pos.average_price = price
                pos.created_at = now
        pos.quantity = new
        acct.cash -= delta * price
        if delta > 0:
            acct.value_bought += delta * price
        else:
            acct.value_sold += -delta * price
        return pos

    # -- seed data ------------------------------------------------------------------------------

    def _seed_history(self) -> None:
        """A few past orders and the positions they built (deterministic per seed)."""
        closes = self.feed.history_closes("AAPL")
        msft = self.feed.history_closes("MSFT")
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
            price = _px(close)
            self._ids += 1
            self._seq += 1
            stamp = datetime.fromtimestamp(when, UTC).strftime("%Y%m%d")
            order = SimOrder(
                cl_ord_id=f"SIM-{stamp}-{self._ids:06d}",
                ord_id=f"ord-{self._ids:08x}",
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
                seq=self._seq,
            )
            if status == "FILLED":
                order.cum_qty = qty
                order.avg_price = price
                delta = qty if side == "BUY" else -qty
                self._apply_fill(account, symbol, delta, price)
                book = self.positions[account].get(symbol)
                if book is not None and book.quantity and book.created_at > when:
                    book.created_at = when
            self.orders[account].append(order)
            self._by_id[(account, order.cl_ord_id)] = order
        acct = self.accounts[account]
        acct.start_of_day_cash = acct.cash
        acct.value_bought = acct.value_sold = Decimal(0)
        acct.day_realized_pl = Decimal(0)
        for pos in self.positions[account].values():
            pos.sod_quantity = pos.quantity
            pos.today_realized = Decimal(0)
