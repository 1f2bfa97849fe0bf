"""What ``aries-async stream SYMBOL...`` tells of the server's refusals, channel by channel.

The command asks the same channels of every symbol (``quotes``, ``trades`` or both, from
``--fields``). A symbol counts as refused when every one of them was refused; one refused in
part is named with what was refused and streams the rest:

    AAPL: trades refused (not entitled to trades); streaming its quotes

A symbol is judged once the server answered about each of its channels (the stream's
``awaiting`` no longer names them, or an update of the channel came on this connection, as
from a server that sends no acknowledgements): a reconnect asks again for what was refused
before, and a refusal from the connection before is not this one's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from aries_async._cli.common import by_reason
from aries_async.models.events import ServerErrorMessage
from aries_async.streaming.protocol import Channel

__all__ = ["SymbolRefusals"]

Refused = Mapping[str, Mapping[Channel, str]]
"""Symbol -> its refused channels, each with the server's reason (``refused_channels``)."""


class SymbolRefusals:
    """The refusals of the ``asked`` symbols' ``channels`` told so far, and what to tell next.

    Each refusal is told once: again only when what was refused of a symbol (or why) changes,
    or after the symbol was acknowledged in full in between (it left the stream's refusals).
    """

    def __init__(self, asked: Sequence[str], channels: Iterable[Channel | str]) -> None:
        self.asked = list(asked)
        self.channels = frozenset(Channel(c) for c in channels)
        self.told: dict[str, dict[Channel, str]] = {}
        self._seen: set[tuple[str, Channel]] = set()  # updates on the current connection

    def connected(self) -> None:
        """A connection began (a :class:`StreamConnected` came): what it brings is news."""
        self._seen.clear()

    def saw(self, symbol: str, channel: Channel) -> None:
        """An update of ``channel`` of ``symbol`` came: the server serves it."""
        self._seen.add((symbol, channel))

    def explains(self, error: ServerErrorMessage, refused: Refused) -> bool:
        """Whether ``error`` is a refusal of ours, told or to be told (nothing else to say)."""
        reasons = {r for by in (*refused.values(), *self.told.values()) for r in by.values()}
        return error.error in reasons

    def news(
        self, refused: Refused, awaiting: Mapping[str, frozenset[Channel]]
    ) -> tuple[str, bool] | None:
        """What to say of the refusals in ``refused`` (the stream's ``refused_channels``,
        ``awaiting`` its channels awaiting an answer) not told yet, and whether nothing at all
        can stream (every channel of every symbol refused); None when there is nothing new."""
        for name in [name for name in self.told if name not in refused]:
            del self.told[name]  # acknowledged since: a later refusal of it is news
        known = self._known(refused, awaiting)
        new = [s for s in self.asked if known.get(s) and self.told.get(s) != known[s]]
        if not new:
            return None
        self.told.update((name, dict(known[name])) for name in new)
        whole = [s for s in self.asked if s in known and set(known[s]) >= self.channels]

        def why(symbol: str) -> str:
            return _reason(known[symbol])

        if len(whole) == len(self.asked):
            return f"the server refused every symbol: {by_reason(whole, why)}", True
        said = [f"the server refused {by_reason(w, why)}"] if (w := _in(new, whole)) else []
        said += [f"{s}: {_channels_refused(known[s])}" for s in new if s not in whole]
        streaming = [self._streaming(s, known) for s in self.asked if s not in whole]
        if len(new) == 1 and streaming == [self._streaming(new[0], known)]:
            streaming = [f"its {self._left(new[0], known)}"]  # the one just named
        return f"{'; '.join(said)}; streaming {', '.join(streaming)}", False

    def _known(
        self, refused: Refused, awaiting: Mapping[str, frozenset[Channel]]
    ) -> dict[str, Mapping[Channel, str]]:
        """Refused channels by symbol, for the symbols the server answered about in full (a
        channel whose updates come is served, whatever an earlier connection said)."""
        known: dict[str, Mapping[Channel, str]] = {}
        for symbol in self.asked:
            waiting = {c for c in awaiting.get(symbol, ()) if (symbol, c) not in self._seen}
            if not waiting & self.channels:
                by = refused.get(symbol, {}).items()
                known[symbol] = {c: r for c, r in by if (symbol, c) not in self._seen}
        return known

    def _left(self, symbol: str, known: Refused) -> str:
        return ", ".join(c.value for c in sorted(self.channels - set(known[symbol])))

    def _streaming(self, symbol: str, known: Refused) -> str:
        partly = known.get(symbol)
        return f"{symbol}'s {self._left(symbol, known)}" if partly else symbol


def _in(names: Sequence[str], among: Sequence[str]) -> list[str]:
    return [name for name in names if name in among]


def _reason(refused: Mapping[Channel, str]) -> str:
    return ", ".join(dict.fromkeys(refused.values()))


def _channels_refused(refused: Mapping[Channel, str]) -> str:
    """``"trades refused (not entitled to trades)"``."""
    grouped: dict[str, list[str]] = {}
    for channel, reason in sorted(refused.items()):
        grouped.setdefault(reason, []).append(channel.value)
    return ", ".join(f"{', '.join(chs)} refused ({reason})" for reason, chs in grouped.items())
