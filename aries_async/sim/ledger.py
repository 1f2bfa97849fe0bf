"""The simulated brokerage's books: one user, two accounts, cash, positions and orders.

Reading (wire views of accounts, positions, balances and order lists), bookkeeping (fills move
cash and positions, average price and realized P&L) and account events. Order intake lives in
:mod:`~aries_async.sim.state`, matching in :mod:`~aries_async.sim.matching`; everything here
returns wire form (rest.md sections 2-6, websocket.md section 4).

Account events (for ``/v1/accounts/ws``):
    ``remove = ledger.listen(account_id, callback)`` calls ``callback(event)`` synchronously
    with an :class:`~aries_async.sim.records.AccountEvent` (``name`` is ``account.order``,
    ``account.position`` or ``account.balance``; ``data`` is the wire object) for every change
    of that account. ``ledger.snapshot(account_id)`` gives ``{"account", "positions",
    "ordersV2"}`` in wire form.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from aries_async._orders_day import orders_day_start
from aries_async.sim import valuation
from aries_async.sim.fault_variants import docs_order_fields
from aries_async.sim.faults import Faults
from aries_async.sim.feed import NEW_YORK, Clock, Feed, QuoteSnapshot, UnknownSymbolError
from aries_async.sim.listeners import listen
from aries_async.sim.option_quotes import CONTRACT_SIZE, contract_snapshot
from aries_async.sim.records import (
    AccountEvent,
    AccountNotFoundError,
    OrderNotFoundError,
    SimAccount,
    SimOrder,
    SimPosition,
    price_decimal,
    rfc3339,
)

__all__ = ["Ledger"]


class Ledger:
    """Accounts, positions and orders of the simulated user, and their wire views.

    Args:
        feed: prices for valuations.
        clock: the time source (the feed's clock).
        starting_cash: each account's cash before the seeded history.
        user_id: the ``id`` of ``GET /v1/users/me``.
        faults: the simulator's live faults (the ledger reads
            ``snapshot_working_orders_only``, ``order_client_id``, ``order_status_text`` and
            ``order_status_text_reads``);
            a private default set when not given.

    Attributes:
        oauth_client_id: the OAuth client the simulator's tokens are granted to (the
            :class:`~aries_async.sim.Simulator` sets it): what every order says in
            ``clientId`` under ``faults.order_client_id = "oauth_client"``.
    """

    def __init__(
        self,
        *,
        feed: Feed,
        clock: Clock,
        starting_cash: Decimal = Decimal("100000"),
        user_id: int = 1001,
        faults: Faults | None = None,
    ) -> None:
        self.feed = feed
        self.starting_cash = starting_cash
        self.faults = faults if faults is not None else Faults()
        self.clock = clock
        self.user_id = user_id
        self.user_email = "trader@sim.aries.local"
        self.oauth_client_id = ""
        self.accounts: dict[str, SimAccount] = {
            account.account_id: account
            for account in (
                _opened("TEST-ACCOUNT-001", 1, starting_cash, sim=False),
                _opened("TEST-SIM-001", 2, starting_cash, sim=True),
            )
        }
        self.positions: dict[str, dict[str, SimPosition]] = {a: {} for a in self.accounts}
        self.orders: dict[str, list[SimOrder]] = {a: [] for a in self.accounts}
        self._by_id: dict[tuple[str, str], SimOrder] = {}
        self._listeners: dict[str, list[Callable[[AccountEvent], None]]] = {}
        self._seq = 0
        self._ids = 0

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
        return listen(self._listeners.setdefault(account_id, []), callback)

    def emit(self, account_id: str, name: str, data: dict[str, Any]) -> None:
        """Tell the account's listeners about a change."""
        event = AccountEvent(name, account_id, data, self.clock.now())
        for callback in list(self._listeners.get(account_id, [])):
            callback(event)

    def order_wire(self, order: SimOrder, *, texts: bool = True) -> dict[str, Any]:
        """The ``TradeOrderV2`` object of ``order`` as REST and the account socket send it
        (``texts``: its status said as ``order_status_text`` has it)."""
        out = order.wire()
        if self.faults.order_client_id == "oauth_client":
            out["clientId"] = self.oauth_client_id
        if self.faults.order_fields == "docs":
            docs_order_fields(out)
        status_text = self.faults.order_status_text.get(order.status) if texts else None
        if status_text is not None:
            out["ordStatus"] = status_text
        return out

    def orders_read(self, orders: Iterable[SimOrder]) -> list[dict[str, Any]]:
        """``orders`` as a REST read answers them: their statuses said as
        ``order_status_text`` has them while ``order_status_text_reads`` lasts (an answer
        that says one counts one), then as they are."""
        orders = list(orders)
        left = self.faults.order_status_text_reads
        texts = left is None or left > 0
        if left and any(o.status in self.faults.order_status_text for o in orders):
            self.faults.order_status_text_reads = left - 1
        return [self.order_wire(o, texts=texts) for o in orders]

    # -- reading --------------------------------------------------------------------------------

    def add_account(
        self, account_id: str, *, cash: Decimal | None = None, sim: bool = False
    ) -> SimAccount:
        """Open another trading account for the user (a test of a bot trading several):
        listed, traded, valued and streamed as the two the simulator starts with. ``cash``:
        its starting cash (default the simulator's ``starting_cash``); ``sim``: a simulation
        account (``is_sim``, no broker account number) rather than a margin one.

        Raises:
            ValueError: the id is taken, or not 1-50 characters without white space or ``/``;
                ``cash`` is negative.
        """
        if not 0 < len(account_id) <= 50 or any(c.isspace() or c == "/" for c in account_id):
            raise ValueError(f"an account id is 1-50 characters, no space or /: {account_id!r}")
        if account_id in self.accounts:
            raise ValueError(f"account {account_id} is already there")
        if cash is None:
            cash = self.starting_cash
        if not cash >= 0:
            raise ValueError(f"starting cash must not be negative: {cash}")
        account = _opened(account_id, len(self.accounts) + 1, cash, sim=sim)
        self.accounts[account_id] = account
        self.positions[account_id] = {}
        self.orders[account_id] = []
        return account

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
            "updated_at": rfc3339(self.feed.t0),
        }

    def quote_or_none(self, symbol: str) -> QuoteSnapshot | None:
        """The symbol's current quote (an OSI symbol's: its contract's), or None for a symbol
        the feed does not know."""
        try:
            return self.feed.quote(symbol)
        except UnknownSymbolError:
            return contract_snapshot(self.feed, self.clock.now(), symbol)

    def position_wire(self, pos: SimPosition) -> dict[str, Any]:
        """An ``AccountPosition`` object."""
        return valuation.position_wire(
            pos, self.quote_or_none(pos.symbol) if pos.quantity else None
        )

    def positions_wire(self, account_id: str) -> list[dict[str, Any]]:
        """Every open position of the account.

        Raises:
            AccountNotFoundError: unknown account.
        """
        self.account(account_id)
        return [self.position_wire(p) for p in self.positions[account_id].values() if p.quantity]

    def balance_wire(self, account_id: str, *, releasing: SimOrder | None = None) -> dict[str, Any]:
        """The ``AccountBalanceV2`` object, computed from cash, positions and working orders
        (the buying power they hold: :func:`~aries_async.sim.valuation.order_hold`);
        ``releasing``: as if that working order held none (a replace checks its successor
        against what the order it replaces would give back).

        Raises:
            AccountNotFoundError: unknown account.
        """
        return valuation.balance_wire(
            self.account(account_id),
            self.positions[account_id].values(),
            [o for o in self.orders[account_id] if o is not releasing],
            self.quote_or_none,
            self.today(),
            self.midnight_ny(),
        )

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
            "ordersV2": [self.order_wire(o) for o in orders],
        }

    def today(self) -> date:
        """The trading day (New York) at the clock's time."""
        return datetime.fromtimestamp(self.clock.now(), NEW_YORK).date()

    def midnight_ny(self) -> float:
        """Unix seconds of the start of today in New York (``_orders_day``, the client's rule)."""
        return orders_day_start(datetime.fromtimestamp(self.clock.now(), UTC)).timestamp()

    def active_orders(self, account_id: str) -> list[SimOrder]:
        """Working orders plus today's terminal activity, newest first (``/v2/.../orders``).

        Raises:
            AccountNotFoundError: unknown account.
        """
        self.account(account_id)
        midnight = self.midnight_ny()
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

    # -- bookkeeping ----------------------------------------------------------------------------

    def next_ids(self) -> tuple[str, str]:
        """A fresh ``(clOrdId, ordId)`` pair."""
        self._ids += 1
        stamp = datetime.fromtimestamp(self.clock.now(), UTC).strftime("%Y%m%d")
        return f"SIM-{stamp}-{self._ids:06d}", f"ord-{self._ids:08x}"

    def next_serial(self) -> int:
        """The next number of the id sequence (cancel acks derive their ids from it)."""
        self._ids += 1
        return self._ids

    def add_order(self, order: SimOrder) -> None:
        """Put an order in its account's book, stamped with the next sequence number."""
        self._seq += 1
        order.seq = self._seq
        self.orders[order.account_id].append(order)
        self._by_id[(order.account_id, order.cl_ord_id)] = order

    def apply_fill(
        self,
        account_id: str,
        symbol: str,
        delta: Decimal,
        price: Decimal,
        *,
        option: bool = False,
        at: float | None = None,
    ) -> SimPosition:
        """Move cash and the position by a fill of ``delta`` shares at ``price`` at the time
        ``at`` (default: now; ``option``: ``delta`` contracts of an OSI symbol at a premium per
        share, a contract 100 shares)."""
        size = CONTRACT_SIZE if option else Decimal(1)
        acct = self.accounts[account_id]
        book = self.positions[account_id]
        pos = book.get(symbol)
        now = self.clock.now() if at is None else at
        if pos is None:
            pos = book[symbol] = SimPosition(
                account_id=account_id,
                symbol=symbol,
                quantity=Decimal(0),
                average_price=Decimal(0),
                created_at=now,
                security_type="OPTION" if option else "EQUITY",
            )
        elif not pos.quantity:
            pos.created_at = now  # kept: what it carried into the day and realized today
        snap = self.quote_or_none(symbol)
        today = pos.trade_today(delta, price, price_decimal(snap.prev_close) if snap else price)
        acct.day_realized_pl += today * size
        pos.today_realized += today * size
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
            realized = (price - pos.average_price) * closed * size * (1 if old > 0 else -1)
            acct.realized_pl += realized
            if new != 0 and (new > 0) != (old > 0):
                pos.average_price = price
                pos.created_at = now
        pos.quantity = new
        amount = delta * price * size
        acct.cash -= amount
        if delta > 0:
            acct.value_bought += amount
        else:
            acct.value_sold += -amount
        return pos


def _opened(account_id: str, number: int, cash: Decimal, *, sim: bool) -> SimAccount:
    """A new account holding ``cash``: a margin one with broker account ``5SIM`` and
    ``number``, or a simulation one (``sim``: no broker account, type or class)."""
    return SimAccount(
        account_id=account_id,
        broker_account_id="" if sim else f"5SIM{number:04d}",
        is_sim=sim,
        account_type="" if sim else "INDIVIDUAL",
        account_class="" if sim else "MARGIN",
        cash=cash,
        start_of_day_cash=cash,
    )
