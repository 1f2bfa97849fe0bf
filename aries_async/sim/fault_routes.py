"""The one check of a fault's route, for the faults set from Python and the ``aries-async sim``
flags alike.

A route is ``*`` (every request but OAuth's), ``/PATH`` (any method) or ``METHOD /PATH``, as
:func:`route_matches` matches them against a request, and it names a route the simulator
serves: the path is a route's template (``/v2/accounts/{id}/balance``) or a path the template
matches (``/v2/accounts/TEST-ACCOUNT-001/balance``), and the method, when given, one that
route takes. A fault on any other route never fires, and the test it was set for goes on as if
the server had behaved; so it is refused as it is set.

:class:`RouteFaults` and :class:`RouteSet` are the dict and the set that the route-keyed faults
hold (``sim.faults.rate_limit``, ``sim.faults.gzip_body``...): each route is checked as it is
put in; :func:`routed` is the ``on_setattr`` of such a fault on
:class:`~aries_async.sim.faults.Faults`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import attrs

from aries_async.errors import ValidationError

__all__ = [
    "HTTP_METHODS",
    "ROUTE_FORM",
    "ROUTE_VALUES",
    "RouteFaults",
    "RouteSet",
    "ValueCheck",
    "check_route",
    "is_oauth_path",
    "route_fields",
    "route_matches",
    "routed",
]

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
"""The methods a ``METHOD /PATH`` route may name."""

ROUTE_FORM = f"a route: *, /PATH or METHOD /PATH (METHOD one of {', '.join(HTTP_METHODS)})"
"""What a route looks like, for the messages that refuse one."""

V = TypeVar("V")

ValueCheck = Callable[[Any, str], object]
"""The check of a route-keyed fault's values: given a value and its name, it raises
``ValidationError`` for one the fault cannot mean."""

ROUTE_VALUES = "route_values"
"""The key, in a route-keyed fault's attrs ``metadata``, of its :data:`ValueCheck`."""


def is_oauth_path(path: str) -> bool:
    """Whether ``path`` is one of the OAuth endpoints (token, authorize): ``*`` faults spare
    them and the request journal keeps no body of theirs."""
    return path.startswith(("/v1/oauth2", "/oauth2"))


def route_matches(key: str, method: str, path: str, template: str) -> bool:
    """Whether the fault key ``key`` names this request."""
    if key == "*":
        return not is_oauth_path(path)
    want_method, _, want_path = key.partition(" ")
    if not want_path:
        want_method, want_path = "", key
    if want_method and want_method.upper() != method.upper():
        return False
    return want_path in (path, template)


def check_route(route: str, fault: str) -> str:
    """``route``, when it names a route the simulator serves.

    Args:
        route: the fault's route, as given (``"GET /v1/chart/quotes"``).
        fault: the fault's name (``"rate_limit"``), for the message.

    Raises:
        ValidationError: (its ``field`` is ``fault``) not a route (``abc``, ``GET v1/x``,
            ``FETCH /x``), or one that names no route of the simulator (``/v1/chart/quote``,
            ``DELETE /v1/chart/quotes``); the message quotes the route.
    """
    if not isinstance(route, str):
        raise ValidationError(f"{fault}: expected {ROUTE_FORM}, got {route!r}", field=fault)
    if route == "*":
        return route
    method, _, path = route.partition(" ")
    if not path:
        method, path = "", route
    if not path.startswith("/") or method.upper() not in ("", *HTTP_METHODS):
        problem = f"expected {ROUTE_FORM}, got {route!r}"
    elif not _served(method.upper(), path):
        problem = (
            f"{route!r} names no route of the simulator (a fault on it would never fire): "
            "give a path it serves, or its template (/v2/accounts/{id}/balance), and a "
            "method that route takes"
        )
    else:
        return route
    raise ValidationError(f"{fault}: {problem}", field=fault)


def _served(method: str, path: str) -> bool:
    for methods, template, pattern in _routes():
        named = path == template or (pattern is not None and pattern.fullmatch(path))
        if named and (not method or method in methods or "*" in methods):
            return True
    return False


@functools.cache
def _routes() -> tuple[tuple[frozenset[str], str, re.Pattern[str] | None], ...]:
    """Each route of the simulator: its methods, its template, and the pattern of its paths
    (None for a plain path). The same for every simulator: worked out once."""
    from aiohttp import web

    # Here, not above: the app's modules import the faults, which import this one.
    from aries_async.sim.app import add_routes
    from aries_async.sim.ws import WS_PATHS

    router = web.UrlDispatcher()
    add_routes(router)
    table = []
    for resource in router.resources():
        pattern: Any = resource.get_info().get("pattern")
        table.append((frozenset(route.method for route in resource), resource.canonical, pattern))
    # The websockets' handshakes, which ws.setup adds as GETs.
    table += [(frozenset({"GET", "HEAD"}), path, None) for path in sorted(WS_PATHS)]
    return tuple(table)


class RouteFaults(dict[str, V]):
    """A route-keyed fault (``sim.faults.rate_limit``): route -> value, each route checked by
    :func:`check_route` as it is put in (``[route] = ...``, ``update``, ``setdefault``,
    ``|=``), so a mistyped one raises ``ValidationError`` at once; and each value by ``check``,
    when given (the seconds of ``route_latency``, the count of ``drop_connection``...).

    Args:
        fault: the fault's name, for the messages.
        items: the first routes and values.
        check: called with each value put in and its name (``Faults.huge_body['/v1/x']``);
            raises ``ValidationError`` for one the fault cannot mean.
    """

    __slots__ = ("check", "fault")

    def __init__(
        self,
        fault: str,
        items: Mapping[str, V] | Iterable[tuple[str, V]] = (),
        check: ValueCheck | None = None,
    ) -> None:
        super().__init__()
        self.fault = fault
        self.check = check
        self.update(items)

    def _check_item(self, route: str, value: V) -> None:
        if route not in self:  # the faults' own counts put a route back at every request
            check_route(route, self.fault)
        if self.check is not None:
            self.check(value, f"Faults.{self.fault}[{route!r}]")

    def __setitem__(self, route: str, value: V) -> None:
        self._check_item(route, value)
        super().__setitem__(route, value)

    def update(self, *args: Any, **kwargs: V) -> None:
        """Put every route in, or none: each is checked first."""
        given: dict[str, V] = dict(*args, **kwargs)
        for route, value in given.items():
            self._check_item(route, value)
        super().update(given)

    def setdefault(self, route: str, default: V) -> V:
        if route not in self:
            self[route] = default
        return self[route]

    def __ior__(self, other: Any) -> RouteFaults[V]:  # type: ignore[override,misc]
        self.update(other)
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        # Copied and pickled with its name (dict's own way sets the items before the name).
        return (RouteFaults, (self.fault, dict(self), self.check))


class RouteSet(set[str]):
    """A fault that is a set of routes (``sim.faults.gzip_body``), each checked by
    :func:`check_route` as it is added (``add``, ``update``, ``|=``,
    ``symmetric_difference_update``, ``^=``): a set refused is left as it was.

    Args:
        fault: the fault's name, for the messages.
        routes: the first routes.
    """

    __slots__ = ("fault",)

    def __init__(self, fault: str, routes: Iterable[str] = ()) -> None:
        super().__init__()
        self.fault = fault
        self.update(routes)

    def _check_new(self, routes: Iterable[str]) -> None:
        """Check each of ``routes`` the set does not hold yet."""
        for route in routes:
            if route not in self:
                check_route(route, self.fault)

    def add(self, route: str) -> None:
        """Add ``route``, checked."""
        self._check_new([route])
        super().add(route)

    def update(self, *others: Iterable[str]) -> None:
        """Add every route, or none: each is checked first."""
        given = [route for other in others for route in other]
        self._check_new(given)
        super().update(given)

    def __ior__(self, other: Any) -> RouteSet:  # type: ignore[override,misc]
        self.update(other)
        return self

    def symmetric_difference_update(self, other: Iterable[str]) -> None:
        """Add the routes of ``other`` not in the set (each checked first), remove those in
        it."""
        given = set(other)
        self._check_new(given)
        super().symmetric_difference_update(given)

    def __ixor__(self, other: Any) -> RouteSet:  # type: ignore[override,misc]
        self.symmetric_difference_update(other)
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (RouteSet, (self.fault, list(self)))


def routed(instance: Any, field: attrs.Attribute[Any], value: Any) -> Any:
    """The ``on_setattr`` of a route-keyed fault (``attrs.field(factory=dict,
    on_setattr=routed)``, or ``factory=set``): the value assigned, as a checked
    :class:`RouteFaults` (a :class:`RouteSet` for a set), whose values the field's
    ``metadata[ROUTE_VALUES]`` checks, when it has one. The constructor's values are checked
    by :func:`route_fields`, which the instance's ``__attrs_post_init__`` calls.

    Raises:
        ValidationError: a route none of the simulator's routes is, or a value refused.
    """
    if getattr(field.default, "factory", None) is set:
        return RouteSet(field.name, value)
    return RouteFaults(field.name, value, field.metadata.get(ROUTE_VALUES))


def route_fields(instance: Any) -> None:
    """Turn the route-keyed faults of ``instance`` (an attrs class whose fields have
    ``on_setattr=routed``) into checked containers.

    Raises:
        ValidationError: a route none of the simulator's routes is.
    """
    for field in attrs.fields(type(instance)):
        if field.on_setattr is routed:
            value = routed(instance, field, getattr(instance, field.name))
            object.__setattr__(instance, field.name, value)
