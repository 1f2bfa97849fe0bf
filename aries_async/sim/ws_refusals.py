"""The errors with which the market and charts sockets refuse the channels
``faults.ws_refused_channels`` names (as a server refuses what the user is not entitled to).

What such an error names is not in the spec (websocket.md 2.6 documents only ``error`` and
``id``): by default one error per symbol, naming it and its refused channels (``symbols``,
``channels``); with ``faults.ws_channel_errors == "request"`` one error per subscribe, naming
the channels refused for any of its symbols and no symbol (a server that says which channels a
request may not have, not of which symbols).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aries_async.sim.ws_session import Session

__all__ = ["CHANNEL_ERRORS", "ChannelRefusals"]

CHANNEL_ERRORS = ("symbol", "request")
"""``faults.ws_channel_errors`` values."""


class ChannelRefusals:
    """The refused channels of the subscribe a socket is acting on."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._request: set[str] = set()  # refused in the request, told by request()

    def refuse(self, symbol: str, asked: set[str], request_id: str | None) -> frozenset[str]:
        """The channels of ``asked`` that ``faults.ws_refused_channels`` refuses for
        ``symbol``; when there are some, the ``error`` that names them is sent (or, one per
        request, by :meth:`request`)."""
        faults = self._session.hub.ctx.faults
        refused = faults.ws_refused_channels
        found = frozenset(asked) & frozenset((*refused.get("*", ()), *refused.get(symbol, ())))
        if found and faults.ws_channel_errors == "request":
            self._request |= found
        elif found:
            channels = sorted(found)
            error = f"not entitled to {', '.join(channels)}"
            self._session.refuse(
                {"error": error, "symbols": [symbol], "channels": channels}, request_id
            )
        return found

    def request(self, request_id: str | None) -> None:
        """The subscribe ``request_id`` was acted on: the one error naming the channels it
        refused (``faults.ws_channel_errors == "request"``), when it refused some."""
        if self._request:
            channels = sorted(self._request)
            self._request.clear()
            error = f"not entitled to {', '.join(channels)}"
            self._session.refuse({"error": error, "channels": channels}, request_id)
