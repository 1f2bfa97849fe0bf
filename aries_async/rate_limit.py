"""Rate budgets as settings: :class:`RateLimit` (calls a second, per-route budgets, which calls
go first), read by ``ClientConfig.rate_limit`` and spent by :mod:`aries_async.http.budget`. A
value refused raises :class:`~aries_async.errors.ConfigurationValueError`: a
``ConfigurationError`` as every setting's refusal, and a ``ValidationError``, which it was."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import attrs

from aries_async._settings import finite_number
from aries_async.errors import ConfigurationValueError

__all__ = ["RateLimit", "rate_limit_setting"]


_ROUTE = re.compile(r"(?:[A-Z]+ )?/\S*")


def _per_second(value: object) -> float:
    """Calls a second: a finite number above 0, the settings' one rule (an int, a float or a
    ``Decimal``; not a bool, NaN, an infinity nor an int beyond any float), kept as a float."""
    number = finite_number(value)
    if number is None:
        raise ConfigurationValueError(
            f"rate_limit.per_second must be a number, got {value!r:.80}", setting="rate_limit"
        )
    if not number > 0:
        raise ConfigurationValueError(
            f"rate_limit.per_second must be positive, got {value!r:.80}", setting="rate_limit"
        )
    return number


def _routes(value: object) -> tuple[tuple[str, RateLimit], ...]:
    if not isinstance(value, Mapping | tuple | list):
        raise ConfigurationValueError(
            "rate_limit.routes must map routes to rates", setting="rate_limit"
        )
    pairs = value.items() if isinstance(value, Mapping) else value
    routes: dict[str, RateLimit] = {}
    for route, limit in pairs:
        _route(route)
        rate = rate_limit_setting(limit)
        if rate is None or rate.routes:
            raise ConfigurationValueError(
                f"rate_limit.routes[{route!r}] must be a rate without routes of its own",
                setting="rate_limit",
            )
        routes[route] = rate
    # The most specific route first: the longest path, then one naming its method.
    return tuple(
        sorted(
            routes.items(), key=lambda item: (-len(item[0].rpartition(" ")[2]), " " not in item[0])
        )
    )


def _route(route: object) -> str:
    if not isinstance(route, str) or not _ROUTE.fullmatch(route):
        raise ConfigurationValueError(
            f"rate_limit: a route is 'METHOD /path' or '/path', got {route!r}", setting="rate_limit"
        )
    return route


def _priority(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ConfigurationValueError(
            "rate_limit.priority must be a list of routes", setting="rate_limit"
        )
    return tuple(_route(route) for route in value)


def _matches(route: str, method: str, path: str) -> bool:
    """Whether ``route`` (``"METHOD /prefix"`` or ``"/prefix"``) names a call: the method
    matches and the path is the prefix or goes on below it (``/v1/orders`` names
    ``/v1/orders/cancel``, not ``/v1/ordersx``)."""
    want, _, prefix = route.rpartition(" ")
    if want and want != method:
        return False
    prefix = prefix.rstrip("/")
    return path == prefix or path.startswith(prefix + "/") or not prefix


@attrs.frozen(kw_only=True)
class RateLimit:
    """A request budget: how many calls a second the client (or a whole fleet sharing a
    :class:`~aries_async.http.budget.RateBudget`) may send.

    Calls wait for their turn instead of failing; a call that cannot have its turn before its
    timeout (``ClientConfig.timeout``) raises :class:`~aries_async.errors.RequestTimeoutError`
    without being sent. A 429 with ``Retry-After`` pauses every call of the same budget for
    that long (in every process sharing it).

    Example:
        >>> limit = RateLimit(per_second=20, routes={"/v1/orders": 5})
        >>> limit.routes[0][1].per_second
        5.0

    Attributes:
        per_second: the sustained rate of calls: a finite number above 0 (an int, a float or
            a ``Decimal``, kept as a float). To leave room for the network's
            jitter, set it at or a little below the server's limit.
        burst: how many calls may go at once after a quiet spell; default a tenth of a
            second's worth (at least 1), so that turns a busy process was late for are made
            up. 1 spaces every call evenly. A server that allows ``per_second`` at once
            tolerates ``1 - burst / per_second`` seconds of network jitter.
        routes: per-route budgets, ``{"METHOD /path": rate}`` (a number or a
            :class:`RateLimit`): calls whose path is the prefix or below it spend that budget
            instead of this one (the longest matching prefix wins; the method may be left
            out). Stored as ``(route, RateLimit)`` pairs; their own ``priority`` is not used.
        priority: routes whose waiting calls go before the other calls waiting for the same
            budget in this process; by default order writes (place, preview, replace, cancel)
            go before market data polls. ``()``: first come, first served.
    """

    per_second: float = attrs.field(converter=_per_second)
    burst: int = attrs.field(
        default=attrs.Factory(lambda self: max(1, int(self.per_second // 10)), takes_self=True)
    )
    routes: tuple[tuple[str, RateLimit], ...] = attrs.field(default=(), converter=_routes)
    priority: tuple[str, ...] = attrs.field(default=("POST /v1/orders",), converter=_priority)

    @burst.validator
    def _check_burst(self, _: object, value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigurationValueError(
                f"rate_limit.burst must be a whole number of at least 1, got {value!r}",
                setting="rate_limit",
            )

    def budget_for(self, method: str, path: str) -> tuple[str, RateLimit]:
        """The budget a call spends: ``(route, limit)`` of the matching override, else
        ``("*", self)``."""
        for route, limit in self.routes:
            if _matches(route, method, path):
                return route, limit
        return "*", self

    def has_priority(self, method: str, path: str) -> bool:
        """Whether a call goes before the others waiting for the same budget (``priority``)."""
        return any(_matches(route, method, path) for route in self.priority)


def rate_limit_setting(value: object) -> RateLimit | None:
    """``ClientConfig.rate_limit``: None, a :class:`RateLimit`, or calls a second (a number,
    as :attr:`RateLimit.per_second` takes)."""
    if value is None or isinstance(value, RateLimit):
        return value
    return RateLimit(per_second=value)  # checked by its converter
