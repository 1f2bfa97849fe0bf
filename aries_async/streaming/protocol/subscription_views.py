"""What a stream's subscriptions say of each symbol (:class:`SubscriptionViews`): what is
desired on which wire channel, and what the current connection acknowledged, refused or awaits
an answer about; the base of :class:`~.subscriptions.SymbolSubscriptions`, which keeps the
tables these read."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from aries_async.streaming.protocol.market_subscription import Channel

__all__ = ["SubscriptionViews"]

S = TypeVar("S")


class SubscriptionViews(Generic[S]):
    """The read-only views of :class:`~.subscriptions.SymbolSubscriptions` (see there)."""

    desired: dict[str, S]
    _acked: dict[str, set[str]]
    _refused: dict[str, dict[str, str]]
    _pending: dict[str, tuple[str, dict[str, set[str]]]]

    def wants(self, symbol: str, channel: Channel | None = None) -> bool:
        """Whether ``symbol`` is desired (on ``channel``, when given)."""
        current: Any = self.desired.get(symbol)
        return current is not None and (channel is None or channel in current.channels)

    def carrier(self, channel: Channel) -> str:
        """The wire channel that carries ``channel`` (itself on the market socket)."""
        return channel.value

    def wire_channels(self, symbol: str) -> frozenset[str]:
        """The wire channels subscribed for ``symbol`` now (none when it is not desired)."""
        current: Any = self.desired.get(symbol)
        return frozenset(self.carrier(c) for c in current.channels) if current else frozenset()

    # -- what the server said -------------------------------------------------------------------

    @property
    def acknowledged(self) -> set[str]:
        """The symbols whose every desired channel the current connection acknowledged."""
        return {
            s for s, acked in self._acked.items() if (w := self.wire_channels(s)) <= acked and w
        }

    def acknowledged_channels(self) -> dict[str, frozenset[Channel]]:
        """Desired symbol -> its channels the current connection acknowledged (when any)."""
        return {s: found for s, acked in self._acked.items() if (found := self._of(s, acked))}

    def refused_channels(self) -> dict[str, dict[Channel, str]]:
        """Desired symbol -> its refused channels, each with the server's reason."""
        found: dict[str, dict[Channel, str]] = {}
        for symbol, reasons in self._refused.items():
            current: Any = self.desired.get(symbol)
            by_channel = {
                channel: reasons[self.carrier(channel)]
                for channel in sorted(current.channels if current else ())
                if self.carrier(channel) in reasons
            }
            if by_channel:
                found[symbol] = by_channel
        return found

    def awaiting_channels(self) -> dict[str, frozenset[Channel]]:
        """Desired symbol -> its channels a request on this connection awaits an answer
        about (when any)."""
        found: dict[str, frozenset[Channel]] = {}
        for _, symbols in self._pending.values():
            for symbol, wire in symbols.items():
                if channels := self._of(symbol, wire):
                    found[symbol] = found.get(symbol, frozenset()) | channels
        return found

    @property
    def refusals(self) -> dict[str, str]:
        """Desired symbol with a refused channel -> the server's latest reason."""
        found: dict[str, str] = {}
        for symbol, reasons in self._refused.items():
            wire = self.wire_channels(symbol)
            latest = [reason for channel, reason in reasons.items() if channel in wire]
            if latest:
                found[symbol] = latest[-1]
        return found

    def _of(self, symbol: str, wire: set[str]) -> frozenset[Channel]:
        current: Any = self.desired.get(symbol)
        chans = current.channels if current is not None else ()
        return frozenset(c for c in chans if self.carrier(c) in wire)
