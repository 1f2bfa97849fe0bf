"""The charts socket's protocol without I/O (websocket.md section 5): its decoder, what a chart
stream wants per symbol, and its subscribe/unsubscribe frames.

What the spec leaves open, and how each variant is taken:

* events carry no type: ``payload: {symbol, data}`` with a quote (``data.v`` an object) or a
  trade (``data.t``/``data.lp``); an ``action: "update"`` with ``type: "quote(s)"`` /
  ``"trade(s)"`` is read too, and a symbol missing from the payload is taken from ``data``;
* the time of an event is ``payload.timestamp`` (epoch ms) or the envelope's RFC 3339
  ``timestamp``; a trade's ``t`` is epoch seconds or milliseconds (told apart by size);
* numbers may come as strings (the models convert either);
* whether ``payload.type: "trades"`` is accepted is not documented: :class:`ChartSubscriptions`
  learns from a refusal of the ``trades`` type that trades come with the quotes subscription
  (:attr:`ChartSubscriptions.trades_in_quotes`) and subscribes quotes for them instead. No
  error text is documented: a refusal of a ``trades`` request that names the type or trades
  and not the symbol (the simulator's ``unsupported subscription type 'trades'``), and lists
  no symbols, refuses the type; any other (``invalid symbol``, or ``not entitled to trades``
  listing the symbol) refuses that ``payload.type`` of the symbol;
* acknowledgements may be ``subscribed``, ``response`` or absent (the shared decoder takes
  the first two); one symbol is sent per message, as the official SDK does;
* where an error carries its request id is UNKNOWN (websocket.md 2.6), and the simulator's
  refusal of a symbol (``invalid symbol``) names none: the socket's errors are "for
  subscribe/unsubscribe or auth" (section 5), so one that names neither its request nor a
  symbol answers the only subscribe awaiting an answer while no unsubscribe awaits its own
  (:meth:`ChartSubscriptions.lone`); among several it is held, and tied by elimination
  once the others are answered (:meth:`ChartSubscriptions.hold`, :meth:`ChartSubscriptions.
  settle`; see :mod:`.untied`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Any

import attrs

from aries_async._validate import one_or_more, refuse_option_ticker, require_symbol
from aries_async.errors import ValidationError
from aries_async.models._chart_events import ChartQuote, ChartTrade, convert_chart_prices
from aries_async.models._wire import to_time, wire_factory
from aries_async.streaming.protocol.decoder import Decoder
from aries_async.streaming.protocol.market_subscription import (
    Channel,
    channel_of,
    looks_like_osi,
)
from aries_async.streaming.protocol.overtaken import LIMIT, WAIT
from aries_async.streaming.protocol.subscriptions import (
    SymbolSubscriptions,
    says_already_subscribed,
)
from aries_async.streaming.protocol.untied import Untied, lone

__all__ = [
    "CHART_CHANNELS",
    "ChartDecoder",
    "ChartSubscription",
    "ChartSubscriptions",
    "chart_channel",
    "refuses_trades_type",
]

CHART_CHANNELS = (Channel.QUOTES, Channel.TRADES)
"""The channels of the charts socket."""

_quote, _trade = wire_factory(ChartQuote), wire_factory(ChartTrade)
_BUILDERS = {"quote": _quote, "quotes": _quote, "trade": _trade, "trades": _trade}


def chart_channel(value: Channel | str) -> Channel:
    """A charts channel (``quotes`` or ``trades``), or a :class:`ValidationError`."""
    channel = channel_of(value)
    if channel not in CHART_CHANNELS:
        raise ValidationError(
            f"the charts socket has no {channel.value!r} channel (quotes, trades)",
            field="channels",
        )
    return channel


def _shape(data: dict[str, Any]) -> Any:
    if type(data.get("v")) is dict or "n" in data:
        return _quote
    if "lp" in data or "t" in data:
        return _trade
    return None


def _stamp(payload: dict[str, Any], message: dict[str, Any]) -> int | None:
    stamp = payload.get("timestamp", message.get("timestamp"))
    if stamp is None or type(stamp) is int:
        return stamp
    when = to_time(stamp)
    return None if when is None else int(when.timestamp() * 1000)


class ChartDecoder(Decoder):
    """The :class:`~aries_async.streaming.protocol.decoder.Decoder` of the charts socket: chart
    events become :class:`ChartQuote` / :class:`ChartTrade`; control messages, acks, errors and
    unknown messages are decoded as on the other sockets."""

    def convert_prices(self, messages: list[Any]) -> None:
        """Converts the bid and ask of the chart quotes of a frame or read in one batch."""
        convert_chart_prices(messages)

    def _decode(self, frame: str | bytes, plain: bool = False) -> list[Any]:
        parsed = self.parse(frame, plain)
        out: list[Any] = []
        append = out.append
        for message in parsed:
            if type(message) is not dict:
                self._bad(message)
                continue
            # The fast path: the documented event shape, without an envelope timestamp.
            try:
                payload = message["payload"]
                data = payload["data"]
                symbol = payload["symbol"]
                if (
                    message["type"] == "event"
                    and type(data) is dict
                    and type(symbol) is str
                    and symbol
                    and "action" not in payload
                    and "timestamp" not in message
                ):
                    stamp = payload.get("timestamp")
                    if type(data.get("v")) is dict:
                        if stamp is None or type(stamp) is int:
                            append(_quote(symbol, data, stamp))
                            continue
                    elif ("lp" in data or "t" in data) and (stamp is None or type(stamp) is int):
                        append(_trade(symbol, data, stamp))
                        continue
            except (KeyError, TypeError):
                pass
            append(self.message(message))
        return out

    def message(self, message: dict[str, Any]) -> Any:
        """Decode one parsed JSON object."""
        update = self._chart(message)
        return update if update is not None else super().message(message)

    def _chart(self, message: dict[str, Any]) -> Any:
        payload = message.get("payload")
        if message.get("type") != "event" or type(payload) is not dict or "topic" in payload:
            return None
        data = payload.get("data")
        if payload.get("action") not in (None, "update") or type(data) is not dict:
            return None
        kind = payload.get("type")
        build = _shape(data) if kind is None else _BUILDERS.get(kind)
        if build is None:
            return None
        symbol = payload.get("symbol") or data.get("symbol") or data.get("n")
        if type(symbol) is not str or not symbol:
            return None
        return build(symbol, data, _stamp(payload, message))


def refuses_trades_type(reason: str) -> bool:
    """Whether the refusal of a ``trades`` request refuses the subscription type (it names
    the type or trades, and not the symbol) rather than the symbol."""
    text = reason.casefold()
    return ("type" in text or "trade" in text) and "symbol" not in text


@attrs.frozen(kw_only=True)
class ChartSubscription:
    """What a chart stream wants for one symbol.

    Attributes:
        symbol: ticker or OSI option symbol.
        channels: ``quotes`` and/or ``trades``.
        option: send ``symbolType: "option"`` (OSI symbols are detected).
    """

    symbol: str
    channels: frozenset[Channel]
    option: bool = False

    @classmethod
    def build(
        cls, symbol: str, channels: Iterable[Channel | str], *, option: bool | None = None
    ) -> ChartSubscription:
        """Normalise user input.

        Raises:
            ValidationError: a malformed symbol (the rule of ``require_symbol``), an option's
                ``O:`` ticker (the socket wants its OSI symbol: ``refuse_option_ticker``), no
                channel, or one the charts socket does not have.
        """
        symbol = refuse_option_ticker(require_symbol(symbol))
        chans = frozenset(chart_channel(c) for c in one_or_more(channels, "channels"))
        if not chans:
            raise ValidationError("at least one channel is needed", field="channels")
        return cls(
            symbol=symbol,
            channels=chans,
            option=option if option is not None else looks_like_osi(symbol),
        )

    def wire_types(self, trades_in_quotes: bool) -> frozenset[str]:
        """The ``payload.type`` values to subscribe: each channel's, or only ``quotes`` when
        the server sends trades with the quotes."""
        if trades_in_quotes:
            return frozenset({Channel.QUOTES.value}) if self.channels else frozenset()
        return frozenset(channel.value for channel in self.channels)

    def to_wire(self, kind: str) -> dict[str, Any]:
        """The ``subscribe`` payload of one ``payload.type``."""
        payload: dict[str, Any] = {"type": kind, "symbol": self.symbol}
        if self.option:
            payload["symbolType"] = "option"
        return payload


class ChartSubscriptions(SymbolSubscriptions[ChartSubscription]):
    """Desired chart subscriptions by symbol, and what the server was seen to accept.

    Attributes:
        trades_in_quotes: the server refused the ``trades`` subscription type: trades are
            taken from the ``quotes`` one (learned once, kept across reconnects).
        quote_symbols, trade_symbols: the symbols whose quotes / trades are desired.
        untied: the refusals without an id or a symbol held on this connection until they
            can be tied by elimination (:meth:`hold`).
    """

    def __init__(
        self,
        clock: Callable[[], float] | None = None,
        *,
        overtaken_wait: float = WAIT,
        overtaken_limit: int = LIMIT,
    ) -> None:
        super().__init__(clock, overtaken_wait=overtaken_wait, overtaken_limit=overtaken_limit)
        self.untied = Untied()
        self.trades_in_quotes = False
        self.quote_symbols: set[str] = set()
        self.trade_symbols: set[str] = set()

    @property
    def pending_ids(self) -> Collection[str]:
        """The ids of the requests awaiting an answer on this connection (a live view)."""
        return self._pending.keys()

    def _desire(self, sub: ChartSubscription | None, symbol: str) -> None:
        for channel, symbols in (
            (Channel.QUOTES, self.quote_symbols),
            (Channel.TRADES, self.trade_symbols),
        ):
            if sub is not None and channel in sub.channels:
                symbols.add(symbol)
            else:
                symbols.discard(symbol)

    def wire_types(self, symbol: str) -> frozenset[str]:
        """What is subscribed on the wire for ``symbol`` now."""
        sub = self.desired.get(symbol)
        return frozenset() if sub is None else sub.wire_types(self.trades_in_quotes)

    def carrier(self, channel: Channel) -> str:
        """The ``payload.type`` that carries ``channel``: its own, or ``quotes`` when the
        server sends trades with the quotes."""
        return Channel.QUOTES.value if self.trades_in_quotes else channel.value

    def add(self, sub: ChartSubscription) -> ChartSubscription:
        """Merge ``sub`` into the desired set; returns the merged subscription."""
        current = self.desired.get(sub.symbol)
        if current is not None:
            sub = ChartSubscription(
                symbol=sub.symbol,
                channels=current.channels | sub.channels,
                option=current.option or sub.option,
            )
        self.desired[sub.symbol] = sub
        self._desire(sub, sub.symbol)
        return sub

    def remove(self, symbol: str, channels: Iterable[Channel] | None) -> None:
        """Drop ``channels`` of ``symbol`` (all of them when None)."""
        current = self.desired.get(symbol)
        if current is None:
            return
        left = frozenset() if channels is None else current.channels - frozenset(channels)
        if left:
            self.desired[symbol] = attrs.evolve(current, channels=left)
            self._prune(symbol)
            self._overtake(symbol, self.wire_types(symbol))
        else:
            self.discard(symbol)
        self._desire(self.desired.get(symbol), symbol)

    def sent_type(self, request_id: str, symbol: str, kind: str, replay: bool = False) -> None:
        """Remember that ``request_id`` subscribed ``kind`` of ``symbol`` (it supersedes the
        previous request of that kind only: the quotes and trades ones are answered apart);
        ``replay``: it replays the subscriptions."""
        before = len(self._pending)
        self.sent(request_id, (symbol,), kind, replay=replay)
        if len(self._pending) <= before:
            self.untied.clear()  # a superseded request may have been the one refused

    def _overtake(self, symbol: str, kept: Collection[str]) -> bool:
        """The shared rule (:meth:`~aries_async.streaming.protocol.subscriptions.
        SymbolSubscriptions._overtake`; ``kept``: ``payload.type`` values): the requests
        overtaken await no answer (so a refusal held for one is told, :meth:`.Pairs.release`).
        One may have been the request a held refusal without an id answers: those can no
        longer be tied."""
        found = super()._overtake(symbol, kept)
        if found:
            self.untied.clear()
        return found

    def reset(self) -> None:
        """The connection ended: nothing is acknowledged, nothing held any more."""
        super().reset()
        self.untied.clear()

    # -- errors without an id or a symbol ---------------------------------------------------------

    def lone(self, unsubscribing: int) -> str | None:
        """The subscribe an error naming neither its request nor a symbol can only answer:
        the only one awaiting an answer, while no unsubscribe awaits its own
        (``unsubscribing``: how many do)."""
        return None if unsubscribing else lone(self.in_flight)

    def may_repeat(self, reason: str) -> bool:
        """Whether such an error for ``reason`` that cannot be tied yet may only repeat a
        known refusal: a replay (or the user's request one followed) awaiting an answer asks
        for a ``payload.type`` the server refused for the same reason."""
        return any(
            self._answers_replay(request_id)
            and any(self._refused.get(s, {}).get(kind) == reason for s in symbols)
            for request_id, (kind, symbols) in self._pending.items()
        )

    def hold(self, reason: str, unsubscribing: int) -> tuple[list[str], str, bool]:
        """Such an error for ``reason`` came while several requests await an answer: it
        refuses one of them. Returns what :meth:`settle` does."""
        if self._pending:
            self.untied.reasons.append(reason)
        return self.settle(unsubscribing)

    def settle(self, unsubscribing: int) -> tuple[list[str], str, bool]:
        """The ids of the subscribes the held refusals are tied to now, by elimination (as
        many await an answer as refusals are held, and no unsubscribe awaits its own, which
        the refusal may have answered), the reason to refuse them for, and whether the
        latest refusal held only repeats an earlier one (see :class:`~aries_async.streaming.
        protocol.untied.Untied`). The caller refuses them with that reason's error."""
        if unsubscribing or not self.untied:
            return [], "", False
        asked = {rid: (kind, *symbols) for rid, (kind, symbols) in self._pending.items()}
        return self.untied.settle(asked)

    def refused_type(
        self, request_id: str | None, reason: str, symbols: Iterable[str] | None = None
    ) -> bool:
        """Whether the server's ``error`` with ``request_id`` refuses a ``trades`` request's
        type (then trades come with the quotes, nothing is refused, and the request is
        answered). Any other refusal of ours (see :meth:`~aries_async.streaming.protocol.
        subscriptions.SymbolSubscriptions.error`) is of its symbol's ``payload.type``, which
        :meth:`refused_channels` then names; so is one that names symbols (``symbols``): a
        refused type names none."""
        entry = self._pending.get(request_id or "")
        kind = entry[0] if entry is not None else None
        if (
            kind == Channel.TRADES.value
            and not symbols
            and refuses_trades_type(reason)
            and not says_already_subscribed(reason)
        ):
            self._answered(request_id)
            return True
        return False

    def refused(self, request_id: str | None) -> tuple[str | None, tuple[str, ...]]:
        """The server refused a request: its ``payload.type`` and symbols (they stay desired);
        ``(None, ())`` when it was not ours."""
        kind, symbols = self._answered(request_id)
        return kind, tuple(symbols)
