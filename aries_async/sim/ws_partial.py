"""Partial quote and trade updates on the market and charts sockets: websocket.md 3.4 says
updates are partial ("only changed/subscribed fields appear", from the SDK's docstring) without
saying against what. With ``faults.ws_market_partial`` a quote or trade update carries only the
fields whose value changed since the previous update of that kind and symbol the socket sent;
one in which nothing changed is not sent; the snapshot that follows a subscribe is whole and
starts the comparison again, and so does the first update after a kind was unsubscribed.

On the charts socket (TradingView naming) the fields compared are those of a quote's ``v``
object: a partial quote is ``{"s", "n", "v": {changed fields}}``, its status and name always
there. A chart trade is ``{"s", "t", "lp", "v"}``: a partial one keeps ``s`` and ``t`` and
carries ``lp`` and ``v`` only when they changed since the previous trade of the symbol
(``{"s", "t", "v"}`` when only the size changed). ``t`` stays because it is what makes a
trade a new print and what orders trades without an envelope time, and because the
documented event carries no type: a trade is told from a quote by its ``t``/``lp`` (a bare
``{"s", "v": 100}`` would be neither). A trade whose ``t``, ``lp`` and ``v`` all equal the
previous one's (``charts_trade_time`` ``"s"``, two prints in one second) is not sent."""

from __future__ import annotations

from typing import Any

__all__ = ["ChangedFields"]

_ABSENT = object()


class ChangedFields:
    """One socket's last whole quote and trade ``data`` sent, per kind and symbol."""

    __slots__ = ("sent",)

    def __init__(self) -> None:
        self.sent: dict[tuple[str, str], dict[str, Any]] = {}

    def changed(
        self, kind: str, symbol: str, data: dict[str, Any], *, snapshot: bool
    ) -> dict[str, Any] | None:
        """What of ``data`` (the whole update of ``kind`` for ``symbol``) to send: all of it
        for a snapshot or the symbol's first update, else the fields that changed since the
        previous one; None when none did (no update is sent)."""
        key = (kind, symbol)
        before = self.sent.get(key)
        self.sent[key] = data
        if snapshot or before is None:
            return data
        return {k: v for k, v in data.items() if before.get(k, _ABSENT) != v} or None

    def forget(self, symbol: str, kinds: tuple[str, ...] = ("quote", "trade")) -> None:
        """``symbol`` is no longer subscribed to ``kinds``: its next update of each is whole."""
        for kind in kinds:
            self.sent.pop((kind, symbol), None)
