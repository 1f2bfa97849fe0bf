"""The values of the ``aries-async sim`` fault flags (``ROUTE=...`` specs and the like), read
into what :class:`~aries_async.sim.faults.Faults` holds, for :mod:`aries_async.sim.fault_flags`.
A value that cannot be read is refused as argparse refuses one: exit 2 with a message that
says what was expected."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Mapping
from typing import TypeVar

from aries_async.errors import ValidationError
from aries_async.sim.fault_routes import HTTP_METHODS, check_route
from aries_async.sim.faults import ERROR_SHAPES, ErrorFault, RateLimitFault, ServerErrorFault

__all__ = [
    "HTTP_METHODS",
    "AddArgument",
    "add_repeatable",
    "add_switches",
    "checked",
    "count",
    "drop_connection",
    "error_response",
    "fault_route",
    "huge_body",
    "parse_count",
    "positive",
    "rate_limit",
    "refused_channel",
    "route_text",
    "server_error",
    "status_text",
    "trickle_body",
]

T = TypeVar("T")

AddArgument = Callable[..., object]
"""An argument group's ``add_argument``, which the helpers below add flags with."""


def parse_count(text: str) -> int | None:
    """A fault's count: ``*`` or nothing for every request.

    Raises:
        ValueError: not a whole number of at least 1 (a fault that would never fire).
    """
    if text in ("*", ""):
        return None
    if int(text) < 1:
        raise ValueError("a count of at least 1")
    return int(text)


def fault_route(text: str) -> str:
    """A fault's ROUTE, stripped: ``*`` (every request but OAuth's), ``/PATH`` (any method) or
    ``METHOD /PATH``, naming a route the simulator serves (the check of the faults set from
    Python: :func:`~aries_async.sim.fault_routes.check_route`).

    Raises:
        argparse.ArgumentTypeError: a route no request can match (``abc``, ``FETCH /x``) or
            none of the simulator's routes (``/v1/chart/quote``), which would start a
            simulator whose fault never fires (the command exits 2).
    """
    try:
        return check_route(text.strip(), "ROUTE")
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("ROUTE: ")) from None


def rate_limit(spec: str) -> float | tuple[str, RateLimitFault]:
    """``--rate-limit``: a bare number is the app's sustained limit in requests a second;
    ``ROUTE[=COUNT[:RETRY_AFTER]]`` the route's :class:`RateLimitFault`.

    Raises:
        argparse.ArgumentTypeError: a rate that is not a positive number, or a count or
            ``Retry-After`` that cannot be read (the command exits 2).
    """
    try:
        per_second = float(spec)
    except ValueError:
        per_second = None
    if per_second is not None:
        if not (per_second > 0 and math.isfinite(per_second)):
            raise argparse.ArgumentTypeError(f"the rate must be a positive number, got {spec!r}")
        return per_second
    route, _, rest = spec.partition("=")
    count, _, retry = rest.partition(":")
    try:
        retry_after = float(retry) if retry else 1.0
        if not 0 <= retry_after < math.inf:  # nan too
            raise ValueError(retry)
        return fault_route(route), RateLimitFault(
            count=parse_count(count) if rest else 1, retry_after=retry_after
        )
    except ValueError:
        expected = "ROUTE[=COUNT[:SECONDS]] or a number"
        raise argparse.ArgumentTypeError(f"expected {expected}, got {spec!r}") from None


def server_error(spec: str) -> tuple[str, ServerErrorFault]:
    """``--server-errors ROUTE[=COUNT[:STATUS]]`` (once, 503 by default).

    Raises:
        ValueError: a count below 1, or a status that is not a 5xx.
    """
    route, _, rest = spec.partition("=")
    count, _, status = rest.partition(":")
    code = int(status) if status else 503
    if not 500 <= code <= 599:
        raise ValueError("a 5xx status")
    return fault_route(route), ServerErrorFault(
        count=parse_count(count) if rest else 1, status=code
    )


def error_response(spec: str) -> tuple[str, ErrorFault]:
    """``--error-response ROUTE=STATUS[:SHAPE[:COUNT]]`` (nested, once by default) as the route's
    :class:`ErrorFault`; :class:`argparse.ArgumentTypeError` says which part is wrong."""
    route, sep, rest = spec.partition("=")
    status, shape, count = [*rest.split(":", 2), "", ""][:3]
    shape = shape.strip() or "nested"
    if not sep or not route.strip():
        problem = f"ROUTE=STATUS[:SHAPE[:COUNT]], got {spec!r}"
    elif not (status.isascii() and status.isdigit() and 400 <= int(status) <= 599):
        problem = f"a 4xx or 5xx status, got {status!r}"
    elif shape not in ERROR_SHAPES:
        problem = f"a shape of {', '.join(ERROR_SHAPES)}, got {shape!r}"
    elif count not in ("", "*") and not (count.isascii() and count.isdigit() and int(count)):
        problem = f"a count of at least 1 or *, got {count!r}"
    else:
        fault = ErrorFault(count=parse_count(count or "1"), status=int(status), shape=shape)
        return fault_route(route), fault
    raise argparse.ArgumentTypeError(f"expected {problem}")


def huge_body(spec: str) -> tuple[str, int]:
    """``ROUTE=BYTES`` (``--huge-body``) as the ``huge_body`` fault's route and size.

    Raises:
        ValueError: the size is not a whole number of at least 0.
    """
    route, _, size = spec.rpartition("=")
    if int(size) < 0:
        raise ValueError("a size of at least 0")
    return fault_route(route), int(size)


def route_text(spec: str) -> tuple[str, str]:
    """``ROUTE=TEXT`` (``--malformed-amount``, ``--malformed-date``): the route and the text.

    Raises:
        ValueError: no ``=``.
        argparse.ArgumentTypeError: no route before it that a request can match.
    """
    route, sep, text = spec.partition("=")
    if not sep:
        raise ValueError("ROUTE=TEXT")
    return fault_route(route), text


def status_text(spec: str) -> tuple[str, str]:
    """``STATUS=TEXT`` (``--order-status-text``): an order status (upper-cased) and its text.

    Raises:
        ValueError: no ``=``, or nothing on either side of it.
    """
    status, sep, text = spec.partition("=")
    if not sep or not status.strip() or not text.strip():
        raise ValueError("STATUS=TEXT")
    return status.strip().upper(), text.strip()


def trickle_body(spec: str) -> tuple[str, float]:
    route, _, gap = spec.rpartition("=")
    seconds = float(gap)
    if not 0 <= seconds < math.inf:
        raise ValueError("a gap of at least 0 seconds")
    return fault_route(route), seconds


def drop_connection(spec: str) -> tuple[str, int]:
    route, _, count = spec.partition("=")
    if int(count or 1) < 1:
        raise ValueError("a count of at least 1")
    return fault_route(route), int(count or 1)


SOCKET_CHANNELS = ("quotes", "trades", "level2", "timeAndSales", "greeks")
"""The channels ``--ws-refuse-channel`` names (the market socket's; the charts socket has the
first two)."""


def refused_channel(spec: str) -> tuple[str, str]:
    """``--ws-refuse-channel [SYMBOL:]CHANNEL``: the symbol (upper case; ``*`` when none is
    given: every symbol) and the channel the sockets refuse for it.

    Raises:
        ValueError: a channel the sockets do not have, or an empty symbol.
    """
    symbol, _, channel = spec.rpartition(":")
    symbol = symbol.strip().upper() if _ else "*"
    if channel not in SOCKET_CHANNELS or not symbol:
        raise ValueError(f"a channel of {', '.join(SOCKET_CHANNELS)}")
    return symbol, channel


def refused_request(spec: str) -> tuple[str, str]:
    """``--ws-refuse-request PATTERN[=TEXT]``: the path pattern (``fnmatch``, without ``/v1``)
    and the error text (``"request refused"`` when none is given).

    Raises:
        ValueError: a pattern that starts with neither ``/`` nor ``*`` (an empty one too).
    """
    pattern, _, text = spec.partition("=")
    pattern = pattern.strip()
    if not pattern.startswith(("/", "*")):
        raise ValueError("a path pattern")
    return pattern, text.strip() or "request refused"


def _whole(text: str) -> int:
    if (value := int(text)) < 0:
        raise ValueError(text)
    return value


def _positive(text: str) -> int:
    if (value := int(text)) < 1:
        raise ValueError(text)
    return value


def checked(parse: Callable[[str], T], expected: str) -> Callable[[str], T]:
    """``parse`` as an argparse ``type``: what it cannot read is refused as argparse reads it,
    so a malformed fault value exits 2 with a message instead of a traceback."""

    def check(spec: str) -> T:
        try:
            return parse(spec)
        except (ValueError, ArithmeticError):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {spec!r}") from None

    return check


count = checked(_whole, "a whole number of at least 0")
"""The argparse ``type`` of a flag's N (a count, a size, every Nth: 0 is none): a negative
would make nonsense of it (``--ws-malformed-every -1`` spoils every frame)."""

positive = checked(_positive, "a whole number of at least 1")
"""The argparse ``type`` of a flag's N where 0 means nothing (``--short-pages``: a page of no
item), as the fault set from Python refuses it."""


def add_switches(add: AddArgument, switches: Mapping[str, str | None]) -> None:
    """Add each on/off flag of ``switches`` (mapped to its help, or None) with ``add``."""
    for flag, help_ in switches.items():
        add(flag, action="store_true", help=help_)


def add_repeatable(
    add: AddArgument,
    flag: str,
    metavar: str,
    parse: Callable[[str], object],
    help_: str | None = None,
) -> None:
    """Add ``flag`` with ``add``, given any number of times: the list of its values, each a
    ``metavar`` that ``parse`` reads (a value it cannot read is refused as :func:`checked`
    refuses one, as not a ``metavar``)."""
    add(
        flag,
        action="append",
        default=[],
        metavar=metavar,
        type=checked(parse, metavar),
        help=help_,
    )
