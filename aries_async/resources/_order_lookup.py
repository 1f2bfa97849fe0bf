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

import contextlib
import itertools
import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from aries_async._errors_orders import OrderMatchAmbiguousError
from aries_async._errors_wire import parse_http_date
from aries_async.errors import ValidationError
from aries_async.resources._told import Told

if TYPE_CHECKING:
    from aries_async.models.order_requests import OrderLeg
    from aries_async.models.orders import Order, OrderLegState, OrderRequest

__all__ = [
    "CLOCK_SLACK",
    "DATE_MARGIN",
    "HISTORY_WINDOW",
    "SDK_TAG",
    "Told",
    "clock_lead",
    "history_window",
    "match_placed",
    "match_tagged",
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
    time in force, the prices its type uses (an unused price may come back as 0) and the
    legs (:func:`_same_legs`)."""
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
    if (uses_price and order.price != request.price) or (
        uses_stop and order.stop_price != request.stop_price
    ):
        return False
    return _same_legs(order, request)


LegTerms = tuple[object, ...]
"""A leg as compared: option or not, side, ratio, put or call, strike, expiry (None: not
stated)."""

_OPTION_TYPES = {"OPTION": True, "OPT": True, "EQUITY": False, "CS": False}


def _leg_terms(leg: OrderLeg | OrderLegState) -> LegTerms:
    """A leg's terms, its contract read from an OSI symbol where the leg does not state it."""
    return _terms(leg.symbol, leg.security_type, leg.side, leg.ratio_quantity, leg)


def _terms(
    symbol: str | None,
    security_type: str | None,
    side: str | None,
    ratio: Decimal | None,
    leg: OrderLeg | OrderLegState | None = None,
) -> LegTerms:
    from aries_async.models._order_inputs import is_osi_symbol, osi_terms

    option = _OPTION_TYPES.get(security_type or "")
    put_call, strike, expiry = (
        (leg.put_call, leg.strike_price, leg.maturity) if leg else (None, None, None)
    )
    if symbol and is_osi_symbol(symbol):
        with contextlib.suppress(ValidationError):  # an expiry that is no date: not stated
            spelt = osi_terms(symbol)
            put_call, expiry = put_call or spelt[0], expiry or spelt[2]
            strike = spelt[1] if strike is None else strike
        option = True
    if put_call is not None:
        option = True
    return (option, side, ratio, put_call, strike, expiry)


def _agree(ours: LegTerms, theirs: LegTerms) -> bool:
    """Whether two legs agree on every term both state."""
    return all(a is None or b is None or a == b for a, b in zip(ours, theirs, strict=True))


def _same_legs(order: Order, request: OrderRequest) -> bool:
    """Whether the order's legs are the request's, in any order: each leg's side, ratio and
    contract (put or call, strike, expiry; given, or spelt by an OSI symbol), compared where
    both state them. A request without legs stands for one: an option symbol's contract (a
    server may report a single-leg order with it), else the stock. An order reported without
    legs is not told apart by them."""
    if not order.legs:
        return True
    wanted = [_leg_terms(leg) for leg in request.legs]
    if not wanted:  # an option symbol's contract, else the stock itself
        wanted = [_terms(request.symbol, "EQUITY", request.side, None)]
    got = [_leg_terms(leg) for leg in order.legs]
    if len(got) != len(wanted):
        return False
    return any(
        all(_agree(a, b) for a, b in zip(wanted, order_of, strict=True))
        for order_of in itertools.permutations(got)
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
    told: Mapping[str, Told.Entry] | None = None,
) -> Order | None:
    """The order ``request`` (as sent, with its tag) became, among ``orders``.

    1. An order carrying the request's tag (or that the client was told it placed with the
       tag) is the one (:func:`match_tagged`), unless it is an earlier request's: one this
       client placed by an attempt begun before ``since``, or, when ``lead`` is known, one
       created before the attempt on the server's clock (a tag may be used again). One this
       client was not told of is the one only with the request's terms: of other terms it
       may be another process's under the same tag (two bots of one tag scheme), and
       :class:`OrderMatchAmbiguousError` says so.
    2. Else, when the server shows that it echoes tags (an order carries a tag
       :func:`new_client_id <aries_async.resources.orders.new_client_id>` made, or the tag an
       order in ``told`` was placed with): an order of ours would carry this one: None.
    3. Else the server does not echo tags, or has not shown it: the one order with the
       request's terms (legs included) created in the second of ``since - lead`` or later
       (or with no creation time), and not placed for another tag by this client (in
       ``told``), is the one; none: None. The second, not the instant: servers write times
       to the millisecond or the second, and the order is created at the instant the
       attempt started or after it.

    Tags of the user's own making, on a server that echoes them, show it only through
    ``told``: another client's orders under such tags are told apart by their terms alone.
    What cannot be told apart from the wire: another process's order under the same tag
    (or, before the server was seen to echo tags, under another tag of the user's making)
    with the request's terms, created during the attempt, is taken for the one sent. Tags
    unique per process (or the SDK's own) leave no such order.

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
        told: the orders this client placed and was told so (:attr:`Told.placed`).

    Returns:
        The order, or None when no order is it (it was not placed).

    Raises:
        OrderMatchAmbiguousError: orders carry the tag since the attempt (one this client
            was not told of, or several), and not exactly one has its terms; or none carries
            it, tags are not echoed, and several orders have the request's terms since the
            attempt: nothing is guessed.
    """
    tag = request.client_id
    told = told or {}
    seen: dict[str, Order] = {}
    for order in orders:
        seen.setdefault(order.cl_ord_id or f"#{len(seen)}", order)
    tagged = match_tagged(seen.values(), request, since, lead, told)
    if tagged is not None:
        return tagged
    if any(_echoed(order, told) for order in seen.values()):
        return None
    earliest = _attempt_on_server(since, lead)
    candidates = sorted(
        (
            order
            for order in seen.values()
            if (order.cl_ord_id or "") not in told
            and _same_terms(order, request)
            and (order.created_at is None or order.created_at >= earliest)
        ),
        key=lambda order: order.created_at or since,
    )
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    raise _ambiguous(
        request,
        since,
        candidates,
        f"no order carries the tag {tag!r} (the server does not echo tags) and "
        f"{len(candidates)} orders have its terms",
    )


def match_tagged(
    orders: Iterable[Order],
    request: OrderRequest,
    since: datetime,
    lead: timedelta | None,
    told: Mapping[str, Told.Entry],
) -> Order | None:
    """Step 1 of :func:`match_placed`: the order carrying the request's tag, or that this
    client was told it placed with that tag, and is not an earlier request's; None when
    there is none. Several such orders: the one with the request's terms.

    An earlier request's order: one this client placed by an attempt begun before ``since``
    (its own clock, as ``since``); or, ``lead`` known, one created before the attempt on the
    server's clock. Without a ``Date`` to put the clocks together an untold order is not
    judged by its time: a client clock ahead of the server's would leave the order out, and
    the request be sent twice. A single order this client was told it placed by the attempt,
    or carrying a tag ``place()`` made (no other process has it), is the one whatever its
    terms; another must have the request's terms.

    Raises:
        OrderMatchAmbiguousError: orders carry the tag since the attempt (one this client
            was not told of, or several) and not exactly one has the request's terms: another
            process may use the tag too (a tag of the user's own making), and a server may
            report terms its own way, so neither the order nor "not placed" is guessed.
    """
    tag = request.client_id
    if not tag:
        return None
    earliest = None if lead is None else _attempt_on_server(since, lead)
    found = []
    for order in orders:
        entry = told.get(order.cl_ord_id or "")
        if tag not in (order.client_id, entry and entry.tag):
            continue
        if entry is not None:
            if entry.started < since:
                continue  # placed for an earlier request, and told so
        elif earliest is not None and order.created_at and order.created_at < earliest:
            continue  # created before the attempt: another process's, under the same tag
        found.append(order)
    if not found:
        return None
    if len(found) == 1 and ((found[0].cl_ord_id or "") in told or SDK_TAG.fullmatch(tag)):
        # This client was told it placed it by this attempt, or the tag is one place() made,
        # which no other process has: ours, however the server reports its terms.
        return found[0]
    same = [order for order in found if _same_terms(order, request)]
    if len(same) == 1:
        return same[0]
    # Another process's order under the tag (a tag of the user's own making, used by two
    # bots) is not ours because it carries the tag; of other terms, it is no more ours than
    # "not placed" is safe to say (a server may report terms its own way): nothing is guessed.
    candidates = sorted(same or found, key=lambda order: order.created_at or since)
    if same:
        why = f"several orders carry the tag {tag!r} and {len(same)} have its terms"
        raise _ambiguous(request, since, candidates, why)
    carry = "an order carries" if len(found) == 1 else f"{len(found)} orders carry"
    why = f"{carry} the tag {tag!r} without its terms (another process's, under the same tag?)"
    raise _ambiguous(request, since, candidates, why)


def _attempt_on_server(since: datetime, lead: timedelta | None) -> datetime:
    """The start of the second the attempt began in, on the server's clock at the earliest
    (a server writes times to the millisecond or the second, at best)."""
    start = since if lead is None else since - lead
    return start.replace(microsecond=0)


def _ambiguous(
    request: OrderRequest, since: datetime, candidates: list[Order], why: str
) -> OrderMatchAmbiguousError:
    ids = ", ".join(order.cl_ord_id or "?" for order in candidates)
    return OrderMatchAmbiguousError(
        f"{why} since {since.isoformat()}: {ids}; "
        "any may be the one sent, or none. Look at them before sending it again",
        client_id=request.client_id or "",
        account_id=request.account_id,
        request=request,
        started_at=since,
        candidates=tuple(candidates),
    )


def _echoed(order: Order, told: Mapping[str, Told.Entry]) -> bool:
    """Whether ``order`` shows that the server echoes tags: it carries one of the SDK's, or
    the tag this client placed it with."""
    tag = order.client_id or ""
    entry = told.get(order.cl_ord_id or "")
    return bool(tag) and (
        SDK_TAG.fullmatch(tag) is not None or (entry is not None and entry.tag == tag)
    )
