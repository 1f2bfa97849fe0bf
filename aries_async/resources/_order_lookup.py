"""Which order an order request of unknown outcome became: sans-I/O, the orders in, the answer
out (:meth:`Orders.find_placed <aries_async.resources.orders.Orders.find_placed>` reads them).

The ``clientId`` tag sent with an order is the first way to find it. Whether the server keeps
it in the orders it returns is UNCERTAIN (conventions.md 7: ``TradeOrderV2.clientId`` is also
described as the OAuth client that submitted the order); a server that does not leaves the
order's terms and time, as conventions.md 7 recommends before any resubmission. The order's
time is the server's (``createdAt``) and the attempt's the client's: :func:`clock_lead` puts
the attempt on the server's clock by the ``Date`` of the server's answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from aries_async._errors_orders import OrderMatchAmbiguousError
from aries_async._errors_wire import parse_http_date

if TYPE_CHECKING:
    from aries_async.models.orders import Order, OrderRequest

__all__ = [
    "CLOCK_SLACK",
    "DATE_MARGIN",
    "HISTORY_WINDOW",
    "SDK_TAG",
    "clock_lead",
    "history_window",
    "match_placed",
]

HISTORY_WINDOW = timedelta(days=90)
"""The longest ``from``..``to`` the order history serves."""

CLOCK_SLACK = timedelta(hours=1)
"""How far a lookup's history window reaches past its times on either side: the client's
clock and the server's commonly differ by seconds to minutes."""

DATE_MARGIN = timedelta(seconds=5)
"""How far a lookup's history window reaches past the server's now, read from the ``Date`` of
an answer (:func:`clock_lead`): that reading may trail the server's clock by the header's
second, which it drops, and by the answer's flight from the server to the client's reading
of its own clock."""

SDK_TAG = re.compile(r"aa-[0-9a-f]{32}")
"""The tags :func:`~aries_async.resources.orders.new_client_id` makes."""


def _same_terms(order: Order, request: OrderRequest) -> bool:
    """Whether ``order`` asks what ``request`` asks: account, symbol, side, type, quantity,
    time in force and the prices its type uses (an unused price may come back as 0)."""
    if (order.account_id or request.account_id) != request.account_id:
        return False
    if (order.symbol or "").upper() != request.symbol:
        return False
    if (order.side, order.type, order.time_in_force) != (
        request.side,
        request.type,
        request.time_in_force,
    ):
        return False
    if order.quantity != request.quantity:
        return False
    uses_price = request.type in ("LIMIT", "STOP_LIMIT")
    uses_stop = request.type in ("STOP", "STOP_LIMIT")
    return (not uses_price or order.price == request.price) and (
        not uses_stop or order.stop_price == request.stop_price
    )


def history_window(
    earliest: datetime, latest: datetime, server_now: datetime | None = None
) -> tuple[datetime, datetime]:
    """The ``from`` and ``to`` of a history read for orders created between ``earliest`` and
    ``latest``, each a reading of either clock (the client's, or an order's time written by
    the server).

    Both ends are sent: left out, ``to`` is the server's now truncated to the minute, which
    a ``from`` read on the client's clock may pass when the client's clock is ahead. Each end
    reaches :data:`CLOCK_SLACK` further, so the window holds both clocks' readings of the same
    instants; ``to`` is never before ``from``, and a window over :data:`HISTORY_WINDOW` keeps
    its newest part.

    ``server_now``, the client's now put on the server's clock by an answer's ``Date``, ends
    the window :data:`DATE_MARGIN` past it (or past ``latest``, when later): the orders looked
    for were created by then on the server's clock, and every hour past it is an hour less of
    the 90 days the window may reach back. None (no ``Date`` read): the slack stays.
    """
    latest = max(earliest, latest)
    end = latest + CLOCK_SLACK
    if server_now is not None:
        end = min(end, max(latest, server_now) + DATE_MARGIN)
    return max(earliest - CLOCK_SLACK, end - HISTORY_WINDOW), end


def clock_lead(answers: Iterable[tuple[str | None, datetime]]) -> timedelta | None:
    """How far the client's clock is ahead of the server's, at most (negative: behind), from
    the server's answers: each its ``Date`` header (None when absent) and the client's clock
    when the answer had arrived. None when no answer has a usable ``Date``.

    The server writes ``Date`` (RFC 9110 6.6.1) to the second, its fraction dropped as
    servers do, before the answer reaches the client: its time when the client reads its
    own clock is at least ``Date``, so the client's reading minus ``Date`` is at least the
    lead. Each answer bounds it so; the smallest bound is kept. It exceeds the lead by under
    a second (the header's resolution) plus the time from the server's writing the answer to
    the client's reading of its clock.
    """
    bounds = []
    for date, received in answers:
        server = parse_http_date(date) if date else None
        if server is not None:
            bounds.append(received - server)
    return min(bounds, default=None)


def match_placed(
    orders: Iterable[Order],
    request: OrderRequest,
    since: datetime,
    lead: timedelta | None = None,
) -> Order | None:
    """The order ``request`` (as sent, with its tag) became, among ``orders``.

    1. An order carrying the request's tag is the one.
    2. Else, when the orders carry tags (some has a tag :func:`new_client_id
       <aries_async.resources.orders.new_client_id>` made): the server echoes tags, so an
       order of ours would carry this one: None.
    3. Else the server does not echo tags: the one order with the request's terms created in
       the second of ``since - lead`` or later (or with no creation time) is the one; none:
       None. The second, not the instant: servers write times to the millisecond or the
       second, and the order is created at the instant the attempt started or after it.

    ``since - lead`` is the attempt on the server's clock, at the earliest (``lead`` is an
    upper bound, see :func:`clock_lead`): the order created for the attempt is never left
    out, and an order taken for it was created before the attempt by less than the second
    of the attempt, plus the second of ``Date`` and the time its answer took to arrive.

    Args:
        orders: the account's orders (active orders, then history; repeats are ignored).
        request: the order request as sent; its ``client_id`` is the tag.
        since: when the attempt started, on the client's clock (aware).
        lead: how far the client's clock is ahead of the server's, at most
            (:func:`clock_lead`); None when not known: the clocks are taken to agree.

    Returns:
        The order, or None when no order is it (it was not placed).

    Raises:
        OrderMatchAmbiguousError: no order carries the tag, tags are not echoed, and several
            orders have the request's terms since the attempt: nothing is guessed.
    """
    tag = request.client_id
    seen: dict[str, Order] = {}
    for order in orders:
        if tag and order.client_id == tag:
            return order
        seen.setdefault(order.cl_ord_id or f"#{len(seen)}", order)
    if any(SDK_TAG.fullmatch(order.client_id or "") for order in seen.values()):
        return None
    start = since if lead is None else since - lead  # on the server's clock
    earliest = start.replace(microsecond=0)  # a server writes times to the ms or s, at best
    candidates = sorted(
        (
            order
            for order in seen.values()
            if _same_terms(order, request)
            and (order.created_at is None or order.created_at >= earliest)
        ),
        key=lambda order: order.created_at or since,
    )
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    ids = ", ".join(order.cl_ord_id or "?" for order in candidates)
    raise OrderMatchAmbiguousError(
        f"no order carries the tag {tag!r} (the server does not echo tags) and "
        f"{len(candidates)} orders have its terms since {since.isoformat()}: {ids}; "
        "any may be the one sent, or none. Look at them before sending it again",
        client_id=tag or "",
        account_id=request.account_id,
        request=request,
        started_at=since,
        candidates=tuple(candidates),
    )
