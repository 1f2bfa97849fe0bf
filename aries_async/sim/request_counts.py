"""The simulator's count of the HTTP requests it received: :class:`RequestCounts`.

Each request is counted once, under ``(METHOD, concrete path)``; a lookup by ``(METHOD, route
template)`` (``("GET", "/v2/accounts/{id}/orders")``) answers how many requests that route
got, from a tally by route kept beside the entries (:attr:`RequestCounts.routes`). So
``counts[key]`` reads either way, while ``sum(counts.values())`` is the number of requests
that arrived (a template entry of its own counted each request to a templated route twice).

The tally by route is the simulator's only one: :meth:`RequestCounts.clear` does not empty
it but marks where it stood, so :attr:`RequestCounts.routes` reads the counts since then and
:attr:`RequestCounts.all_routes` (the run's summary) the counts since the simulator started.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

__all__ = ["RequestCounts"]

Key = tuple[str, str]


class RequestCounts(Counter[Key]):
    """Request counts by ``(METHOD, path)``, also read by ``(METHOD, route template)``.

    The entries (``items()``, ``values()``, ``len``, ``in``) are the concrete paths only; a
    template is read with ``counts[key]`` or ``counts.get(key)``, and :attr:`routes` lists the
    counts by route. ``clear()`` forgets both; :attr:`all_routes` still has every request.
    """

    def __init__(self) -> None:
        super().__init__()
        self._routes: Counter[Key] = Counter()
        # where the tally by route stood at the last clear(): routes reads what came since
        self._cleared: Counter[Key] = Counter()

    def count(self, method: str, path: str, template: str) -> None:
        """Count one ``method`` request to ``path``, routed by ``template`` (the path itself
        when the route has no parameters or nothing routed it)."""
        key = (method, path)
        # dict's own read: a missing path must not start from its template's tally
        super().__setitem__(key, dict.get(self, key, 0) + 1)
        self._routes[(method, template)] += 1

    @property
    def routes(self) -> Counter[Key]:
        """The requests since the last :meth:`clear` counted by ``(METHOD, route template)``
        (the path when nothing routed it): which routes were hit, each request once (a copy:
        later requests do not change it)."""
        return self._routes - self._cleared

    @property
    def all_routes(self) -> Counter[Key]:
        """Every request since the simulator started, by ``(METHOD, route template)``, whatever
        :meth:`clear` forgot (what :meth:`Simulator.summary()
        <aries_async.sim.server.Simulator.summary>` reads). Read it, do not change it."""
        return self._routes

    def _since_clear(self, key: Key) -> int:
        return self._routes[key] - self._cleared[key]

    def __missing__(self, key: Key) -> int:
        """A key without an entry of its own: the count of the route it names (0 if none)."""
        return self._since_clear(key)

    def get(self, key: Key, default: Any = None) -> Any:
        """The count under ``key`` (a path or a route template), else ``default``."""
        if key in self:
            return self[key]
        return self._since_clear(key) or default

    def clear(self) -> None:
        """Forget every count, by path and by template (:attr:`all_routes` keeps them)."""
        super().clear()
        self._cleared = self._routes.copy()
