"""``client.orders``' reads: the active orders, the history, and finding an order after the fact.

:class:`OrderReads` is the part of :class:`~aries_async.resources.orders.Orders` that only
reads: every page of the active orders and of the history, an order by its tag
(:meth:`~OrderReads.find_by_client_id`), the order an ambiguous placement became
(:meth:`~OrderReads.find_placed`, by its tag or, on a server that does not echo tags, by its
terms) and the current state of orders the account stream lost sight of
(:meth:`~OrderReads.reconcile`). The matching itself is sans-I/O, in
:mod:`~aries_async.resources._order_lookup`; the writes are in
:mod:`~aries_async.resources.orders`.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, Awaitable, Callable, Hashable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from aries_async._lazy import load
from aries_async._orders_day import orders_day_start
from aries_async._validate import require_count, require_instance, require_items, require_text
from aries_async.errors import ValidationError
from aries_async.http.pagination import Paged, following, paginate
from aries_async.resources import _order_lookup as lookup
from aries_async.resources._base import Resource, path_segment

if TYPE_CHECKING:
    from aries_async.client import AriesClient
    from aries_async.models.orders import Order, OrderPage, OrderRequest

    Halves = tuple[Callable[[], Awaitable[OrderPage]], Callable[[], AsyncGenerator[Order, None]]]
    """What awaits one page of orders, and what iterates every order from it on."""

__all__ = ["ORDER_MODELS", "OrderReads"]

ORDER_MODELS = "aries_async.models.orders"
"""Loaded by the first call that needs it, off the event loop (see ``_lazy.load``)."""

_MAX_LIMIT = 500


def _rfc3339(value: datetime, field: str) -> str:
    if not isinstance(value, datetime):
        raise ValidationError(f"{field} must be a datetime, got {value!r}", field=field)
    if value.tzinfo is None:
        raise ValidationError(f"{field} must be timezone-aware", field=field)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


class OrderReads(Resource):
    """Order reads (the part of :class:`~aries_async.resources.orders.Orders` that sends
    nothing but ``GET``)."""

    def __init__(self, client: AriesClient) -> None:
        super().__init__(client)
        self._told = lookup.Told()
        """The orders this client placed and was told so, for :meth:`find_placed`."""

    def _pages(
        self,
        path: str,
        params: dict[str, str],
        limit: int,
        operation: str,
        cursor: int | None = None,
    ) -> Halves:
        """What awaits the page at ``cursor`` (None: the first), and what iterates every
        order from there (the two halves of a :class:`~aries_async.http.pagination.Paged`)."""
        require_count(limit, "page_size", _MAX_LIMIT)
        if cursor is not None and (type(cursor) is not int or cursor < 0):
            raise ValidationError(f"cursor must be an int >= 0, got {cursor!r}", field="cursor")

        async def page(current: Hashable | None) -> OrderPage:
            query = dict(params, limit=str(limit))
            if current:
                query["cursor"] = str(current)
            models = await load(ORDER_MODELS)
            return await self._get_as(
                path, models.OrderPage, "orders", query, operation=operation, bulk=True
            )

        async def fetch(current: Hashable | None) -> tuple[list[Order], Hashable | None]:
            got = await page(current)
            count = len(got.orders)
            after = following(
                "cursor", sent=got.next_cursor, count=count, current=current, size=None
            )
            return got.orders, after

        start = cursor or None  # 0 is the first page, as no cursor
        return (lambda: page(start)), (lambda: paginate(fetch, "orders", start))

    async def active(self, account_id: str, *, page_size: int = 200) -> list[Order]:
        """``GET /v2/accounts/{id}/orders`` (finance-dev ``orders.list_active_orders``): open
        orders plus today's activity, every page."""
        seg = path_segment(account_id, "account_id")
        _, orders = self._pages(f"/v2/accounts/{seg}/orders", {}, page_size, "orders.active")
        return [o async for o in orders()]

    def history(
        self,
        account_id: str,
        start: datetime,
        end: datetime | None = None,
        *,
        order_by: Literal["asc", "desc"] = "desc",
        exclude_today: bool = False,
        page_size: int = 200,
        cursor: int | None = None,
    ) -> Paged[OrderPage, Order]:
        """``GET /v2/accounts/{id}/orders/history`` (finance-dev ``orders.list_order_history``),
        paged as every paginated method is (:class:`~aries_async.http.pagination.Paged`):
        ``await`` it for one page (an :class:`~aries_async.models.orders.OrderPage`, whose
        ``next_cursor`` goes back as ``cursor`` for the next), or iterate it with ``async for``
        for every order of every page from ``cursor`` (None or 0: the first page) on.

        The orders created from ``start`` to ``end``, both included. Without ``end``, up to now
        on the client's ``wall_clock`` (rounded up to the second; the server's own default
        would end at the start of the current minute), or 90 days after ``start`` if that
        comes first. The server reads the history from its database: :meth:`active` has
        today's orders as they change.

        Raises:
            ValidationError: ``start`` or ``end`` not an aware datetime, ``end`` before
                ``start``, a window over 90 days, ``exclude_today`` not a bool (checked here,
                before anything is sent), ``cursor`` not an int >= 0.
        """
        path, params = self._history_query(account_id, start, end, order_by, exclude_today)
        return Paged(*self._pages(path, params, page_size, "orders.history", cursor))

    def _history_query(
        self, account_id: str, start: datetime, end: datetime | None, order_by: str, today: bool
    ) -> tuple[str, dict[str, str]]:
        """The path and query of :meth:`history`'s reads, its arguments checked."""
        seg = path_segment(account_id, "account_id")
        params = {"from": _rfc3339(start, "start"), "order_by": order_by}
        if end is not None:
            params["to"] = _rfc3339(end, "end")
            if end < start:
                raise ValidationError("end is before start", field="end")
            if end - start > lookup.HISTORY_WINDOW:
                raise ValidationError("the history window is at most 90 days", field="end")
        else:
            now = self._now()
            if now - start > lookup.HISTORY_WINDOW:
                raise ValidationError("the history window is at most 90 days", field="start")
            # The server's own default end is now truncated to the minute, which would leave
            # out what was placed since: send now, up to the next second, within the window.
            ceiling = now.replace(microsecond=0) + timedelta(seconds=now.microsecond > 0)
            params["to"] = _rfc3339(min(ceiling, start + lookup.HISTORY_WINDOW), "end")
        if order_by not in ("asc", "desc"):
            raise ValidationError("order_by must be 'asc' or 'desc'", field="order_by")
        if not isinstance(today, bool):
            raise ValidationError(
                f"exclude_today must be True or False, got {today!r}", field="exclude_today"
            )
        if today:
            params["exclude_today"] = "true"
        return f"/v2/accounts/{seg}/orders/history", params

    def _history(
        self, account_id: str, start: datetime, end: datetime
    ) -> AsyncGenerator[Order, None]:
        """Every order of :meth:`history` from ``start`` to ``end``, newest first (the reads
        below close it when they have found what they look for)."""
        path, params = self._history_query(account_id, start, end, "desc", False)
        return self._pages(path, params, 200, "orders.history")[1]()

    async def find_by_client_id(
        self, account_id: str, client_id: str, *, lookback: timedelta = timedelta(days=1)
    ) -> Order | None:
        """Find the order tagged ``client_id`` among active orders, then the history of the
        last ``lookback`` (on the server's clock, by the ``Date`` of the first answer).

        None means no order carries the tag, which proves nothing on a server that does not
        echo tags in the orders it returns (conventions.md 7): after
        :class:`~aries_async.errors.OrderOutcomeUnknownError` use :meth:`find_placed`.

        Raises:
            ValidationError: ``client_id`` empty, ``lookback`` over 90 days.
        """
        require_text(client_id, "client_id")
        if lookback > lookup.HISTORY_WINDOW:
            raise ValidationError("the history window is at most 90 days", field="lookback")
        active, now, server_now = await self._active_and_server_now(account_id)
        for order in active:
            if order.client_id == client_id:
                return order
        window = lookup.history_window(now - lookback, now, server_now)
        async for order in self.history(account_id, *window):
            if order.client_id == client_id:
                return order
        return None

    async def find_placed(self, request: OrderRequest, *, since: datetime) -> Order | None:
        """The order ``request`` became, or None when it was not placed. Use it after
        :class:`~aries_async.errors.OrderOutcomeUnknownError`, before sending again::

            except OrderOutcomeUnknownError as error:
                order = await client.orders.find_placed(error.request, since=error.started_at)

        Reads the active orders, then the history from an hour before ``since`` to now (on the
        server's clock, by the ``Date`` of the first answer). An order
        carrying the request's tag is the one, unless it is an earlier request's under the
        same tag (one this client placed by an attempt begun before ``since``, or one created
        before the attempt on the server's clock); one this client was not told of is the one
        only with the request's terms (else ``OrderMatchAmbiguousError``: it may be another
        process's under the same tag). When none does and the server has not shown
        that it echoes tags (an order carrying a tag of the SDK's making, or the tag this
        client placed it with: ``clientId`` may name the app instead), the order with the
        same symbol, side, type, quantity, time in force, limit/stop prices and legs created
        in the second of ``since`` or later is the one, ``since`` put on the server's clock by
        the ``Date`` of the reads' answers (none: the clocks are taken to agree). An order
        this client placed for another request and was told so is never the one. Tags of
        your own making on a server that echoes them: orders placed by other clients under
        such tags are told apart by their terms alone; :meth:`find_by_client_id` is exact.

        A limit of the wire: several processes (two bots of one user on one account) that
        make tags by one scheme can place orders under the same tag, and nothing in an order
        says which process placed it. Another process's order under the request's tag with
        its terms, created during the attempt (or, before this client has seen the server
        echo a tag, one under another tag of your making), is taken for the one sent. Make
        each process's tags its own (a prefix per process, or ``place()``'s own tags, which
        also show that the server echoes them).

        Args:
            request: the request as sent, with its tag (:attr:`OrderOutcomeUnknownError.request
                <aries_async.errors.OrderOutcomeUnknownError.request>`).
            since: when the attempt started, on the client's clock (``error.started_at``).

        Returns:
            The order, or None when no order is it.

        Raises:
            ValidationError: ``request`` is no :class:`OrderRequest` or has no
                ``client_id``; ``since`` not an aware
                datetime or over 90 days ago (checked before anything is sent).
            OrderMatchAmbiguousError: no order carries the tag, tags are not echoed, and
                several orders have the request's terms; or orders this client was not told
                of carry the tag and not exactly one has its terms (``candidates``); nothing
                is guessed.
            APIError, TransportError: a read failed (after the client's own retries).
        """
        models = await load(ORDER_MODELS)
        require_instance(request, models.OrderRequest, "request")
        require_text(request.client_id, "client_id")
        _rfc3339(since, "since")
        now = self._now()
        if now - since > lookup.HISTORY_WINDOW:
            raise ValidationError("since is over 90 days ago", field="since")
        with self._server_dates() as dates:
            active = await self.active(request.account_id)
            lead = lookup.clock_lead(dates)
            tagged = lookup.match_tagged(active, request, since, lead, self._told.placed)
            if tagged is not None:
                return tagged  # the usual answer on a server that echoes tags: no history read
            # The window on the server's clock, by the Date of the answers so far: a client
            # clock hours off (a local time taken for UTC) is beyond the window's slack.
            shift = lead or timedelta(0)
            server_now = None if lead is None else now - shift
            window = lookup.history_window(since - shift, now - shift, server_now)
            async with contextlib.aclosing(self._history(request.account_id, *window)) as pages:
                orders = [*active, *[order async for order in pages]]
        return lookup.match_placed(
            orders, request, since, lookup.clock_lead(dates), self._told.placed
        )

    async def _active_and_server_now(
        self, account_id: str
    ) -> tuple[list[Order], datetime, datetime | None]:
        """The active orders; the client's now put on the server's clock by their answers'
        ``Date`` (none usable: the client's now); and that reading again when a ``Date`` made
        it, else None (see :func:`~aries_async.resources._order_lookup.history_window`). A
        history window's slack is an hour: a client clock hours off (a local time taken for
        UTC) would miss orders."""
        with self._server_dates() as dates:
            active = await self.active(account_id)
        lead = lookup.clock_lead(dates)
        now = self._now() - (lead or timedelta(0))
        return active, now, None if lead is None else now

    async def reconcile(
        self,
        account_id: str,
        orders: Sequence[Order],
        *,
        changed_since: datetime | None = None,
    ) -> list[Order]:
        """The current state of ``orders``, matched by ``clOrdId`` (those found), and with
        ``changed_since``, the account's orders created or changed since then too.

        The account stream's REST lookup (see
        :data:`~aries_async.streaming.accounts.OrderLookup`) for orders that left the working
        set while it was disconnected, and for those placed and finished meanwhile
        (``changed_since``). One active-orders read (open orders plus today's terminal
        activity, every page) finds what finished today; only the orders still
        missing cost a history read, newest first, stopping once all are found. The orders'
        creation times (the server's clock) bound it, an hour wider on each side but ending at
        the server's now; when one is not known it reaches back 90 days from the server's now
        (the client's, put on the server's clock by the ``Date`` of the first answer).

        Args:
            account_id: the trading account.
            orders: the orders' last known state (``cl_ord_id`` and ``created_at`` are used).
            changed_since: also return every order of the account whose ``created_at`` or
                ``updated_at`` is this time or later (the server's clock, aware): one begun
                then, or a replacement, which a server may give its original's creation time;
                one with neither time is left out. The active orders' read holds today's
                (from midnight in New York); a time before that (or just after it, within the
                error of the server's now as the client knows it: seconds by the answers'
                ``Date``, else an hour) reads the history from it too, for the orders begun
                and ended before the day began.

        Returns:
            The orders found, in their current state, then those created or changed since
            ``changed_since`` that are not among them; an order found in neither list is
            left out.

        Raises:
            ValidationError: ``orders`` is no list of :class:`Order`, ``changed_since`` no
                aware datetime (nothing is sent).
            APIError, TransportError: a read failed (after the client's own retries).
        """
        models = await load(ORDER_MODELS)
        asked: list[Order] = require_items(orders, "orders", models.Order)
        if changed_since is not None:
            _rfc3339(changed_since, "changed_since")
        wanted = {o.cl_ord_id: o for o in asked if o.cl_ord_id}
        if not wanted and changed_since is None:
            return []
        found: dict[str, Order] = {}
        newer: list[Order] = []  # created or changed since changed_since
        active, now, server_now = await self._active_and_server_now(account_id)
        for order in active:
            if order.cl_ord_id in wanted:
                found[order.cl_ord_id] = order
            elif changed_since is not None and _changed_since(order, changed_since):
                newer.append(order)
        missing = [o for key, o in wanted.items() if key not in found]
        windows = []
        if missing:
            created = [o.created_at for o in missing if o.created_at is not None]
            if len(created) == len(missing):  # the server's times: whatever the client's clock
                windows.append(lookup.history_window(min(created), max(created), server_now))
            else:  # as far back as the API allows
                windows.append(
                    lookup.history_window(
                        now - lookup.HISTORY_WINDOW, max([now, *created]), server_now
                    )
                )
        # The active orders list today's terminal ones only: since yesterday, the history too
        # (a day begun within the error of ``now``, the Date's margin or a clock's slack, too).
        margin = lookup.CLOCK_SLACK if server_now is None else lookup.DATE_MARGIN
        before_today = changed_since is not None and changed_since < (
            orders_day_start(now) + margin
        )
        if changed_since is not None and before_today:
            windows.append(lookup.history_window(changed_since, now, server_now))
        if not windows:
            return [*found.values(), *newer]
        end = max(e for _, e in windows)
        start = max(min(s for s, _ in windows), end - lookup.HISTORY_WINDOW)
        listed = {o.cl_ord_id for o in active}
        async with contextlib.aclosing(self._history(account_id, start, end)) as history:
            async for order in history:
                if order.cl_ord_id in wanted and order.cl_ord_id not in found:
                    found[order.cl_ord_id] = order
                    if len(found) == len(wanted) and not before_today:
                        break
                elif (
                    changed_since is not None
                    and before_today
                    and order.cl_ord_id not in listed
                    and _changed_since(order, changed_since)
                ):
                    listed.add(order.cl_ord_id)
                    newer.append(order)
        return [*found.values(), *newer]


def _changed_since(order: Order, since: datetime) -> bool:
    """Whether ``order`` was created or changed at ``since`` or later (one without either
    time: not)."""
    return any(t is not None and t >= since for t in (order.created_at, order.updated_at))
