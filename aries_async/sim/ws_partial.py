"""Partial quote and trade updates on the market socket: websocket.md 3.4 says updates are
partial ("only changed/subscribed fields appear", from the SDK's docstring) without saying
against what. With ``faults.ws_market_partial`` a quote or trade update carries only the fields
whose value changed since the previous update of that kind and symbol the socket sent; the
snapshot that follows a subscribe is whole and starts the comparison again."""

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

    def forget(self, symbol: str) -> None:
        """``symbol`` is no longer subscribed: its next update is whole."""
        for kind in ("quote", "trade"):
            self.sent.pop((kind, symbol), None)
