"""What a simulator served: :class:`SimSummary`, from :meth:`Simulator.summary()
<aries_async.sim.server.Simulator.summary>`; ``aries-async sim`` prints its :meth:`~SimSummary.
text` on stderr when it stops.

Example, after a fleet of bots ran against a simulator::

    >>> summary = sim.summary()                                   # doctest: +SKIP
    >>> summary.token_requests, summary.rate_limited, summary.server_errors
    (12, 3, 0)
    >>> summary.routes["GET /v1/chart/quotes"]
    340
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from aries_async.sim.context import SimContext

__all__ = ["SimSummary"]


@attrs.frozen(kw_only=True)
class SimSummary:
    """The simulator's counts at one moment (a copy: later requests do not change it).

    Attributes:
        requests: HTTP requests received, OAuth and websocket handshakes included.
        token_requests: ``POST /v1/oauth2/token`` calls (those a fault left unanswered too).
        routes: requests by ``"METHOD /route/{template}"`` (an unrouted request by its path),
            the most requested first, then by name.
        statuses: answers by HTTP status, lowest first. A request has none when its
            connection was closed without an answer (a fault's, or the simulator stopping
            meanwhile) or is still being answered; a websocket's handshake counts (101)
            once its socket has ended.
    """

    requests: int
    token_requests: int
    routes: Mapping[str, int]
    statuses: Mapping[int, int]

    @classmethod
    def of(cls, ctx: SimContext) -> SimSummary:
        """The counts of ``ctx`` now."""
        counted = ctx.requests.all_routes  # since the start: sim.requests.clear() leaves it
        routes = sorted(
            ((f"{method} {route}", count) for (method, route), count in counted.items()),
            key=lambda item: (-item[1], item[0]),
        )
        return cls(
            requests=sum(counted.values()),
            token_requests=ctx.token_requests,
            routes=dict(routes),
            statuses=dict(sorted(ctx.status_counts.items())),
        )

    @property
    def rate_limited(self) -> int:
        """Answers with status 429 (the rate-limit faults', or the app's limit)."""
        return self.statuses.get(429, 0)

    @property
    def server_errors(self) -> int:
        """Answers with a 5xx status."""
        return sum(count for status, count in self.statuses.items() if 500 <= status <= 599)

    def as_dict(self) -> dict[str, Any]:
        """The summary as JSON-ready data: the attributes, ``rate_limited`` and
        ``server_errors``, with the statuses' keys as strings."""
        return {
            "requests": self.requests,
            "token_requests": self.token_requests,
            "rate_limited": self.rate_limited,
            "server_errors": self.server_errors,
            "routes": dict(self.routes),
            "statuses": {str(status): count for status, count in self.statuses.items()},
        }

    def text(self) -> str:
        """The summary as ``name: count`` lines (no final newline): the totals, then each
        route and each status indented under ``by route:`` and ``by status:``."""
        lines = [
            f"requests: {self.requests}",
            f"token requests: {self.token_requests}",
            f"rate limited (429): {self.rate_limited}",
            f"server errors (5xx): {self.server_errors}",
            "by route:",
            *(f"  {route}: {count}" for route, count in self.routes.items()),
            "by status:",
            *(f"  {status}: {count}" for status, count in self.statuses.items()),
        ]
        return "\n".join(lines)
