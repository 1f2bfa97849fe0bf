"""The charts stream face: ``async with ChartStream(...) as stream`` (``/v1/charts/ws``,
websocket.md section 5), quotes and last trades in TradingView field naming.

It runs on the same :class:`~aries_async.streaming.connection.Connection` as the market and
account streams (authentication, keep-alive, re-authentication on ``refreshAuth``, reconnects
with backoff, replayed subscriptions, :class:`~aries_async.models.events.StreamConnected` /
:class:`~aries_async.models.events.StreamDisconnected` gap markers) and fans out like the
market stream (per-consumer buffers that conflate per symbol when a consumer falls behind).

Example:
    >>> async def main(client) -> None:                                  # doctest: +SKIP
    ...     async with client.chart_stream() as stream:
    ...         await stream.subscribe(["AAPL", "MSFT"])
    ...         async for quote in stream.quotes():
    ...             print(quote.symbol, quote.last_price, quote.change_percent)
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from typing import Any, Unpack

from aries_async._validate import one_or_more
from aries_async.models._wire import stamped_before
from aries_async.models.events import (
    ChartEvent,
    ChartQuote,
    ChartTrade,
    ServerErrorMessage,
    SubscribeAck,
)
from aries_async.streaming.base import StreamOptions
from aries_async.streaming.chart_refusals import ChartRefusals
from aries_async.streaming.connection import Connection, TokenProvider
from aries_async.streaming.protocol import (
    Channel,
    encode_chart_subscribe,
    encode_chart_unsubscribe,
    stored_symbol,
)
from aries_async.streaming.protocol.charts import (
    CHART_CHANNELS,
    ChartDecoder,
    ChartSubscription,
    ChartSubscriptions,
    chart_channel,
)
from aries_async.streaming.symbols import Outgoing, SymbolStream

__all__ = ["ChartStream"]

log = logging.getLogger("aries_async.streaming")

_DATA_TYPES: tuple[type[Any], ...] = (ChartQuote, ChartTrade)

_QUOTES, _TRADES = Channel.QUOTES.value, Channel.TRADES.value
"""The ``payload.type`` of each channel (its carrier, but for trades sent with the quotes)."""


class ChartStream(SymbolStream[ChartSubscription, ChartQuote, ChartTrade, ChartEvent]):
    """Live chart quotes and trades over ``/v1/charts/ws`` with reconnects, replayed
    subscriptions and per-consumer conflation.

    Args:
        url: the charts websocket URL.
        token_provider: async callable returning an access token (called per attempt).
        **options: the keywords :class:`~aries_async.streaming.base.StreamOptions` describes:
            ``config``, the token callbacks, the clocks, the seams for tests.

    Any number of consumers may iterate at once; each receives every update for its filter.

    No sequence number orders the updates, so a server may repeat one or send one late:
    consumers get them as they came, while :meth:`latest` and :meth:`latest_trade` never go
    back in time. An update whose time is before the one they hold for its symbol is not
    merged into them; an equal one is. A quote's time is the envelope's ``timestamp``; a
    trade's is that, or, without one, its ``t``; either is compared as an instant whatever
    its wire form (epoch seconds or milliseconds, RFC 3339), so a ``t`` in whole seconds
    orders trades to the second only. A quote sent without a time (the documented plain
    event) orders nothing: it is merged as it comes. Nor does one held that is dated past the
    client's clock by more than :data:`~aries_async.streaming.symbols.AHEAD_TOLERANCE`.

    Symbols are upper case as :meth:`subscribe` stores them, in the updates delivered too: a
    server that names a subscribed symbol in another case (``"aapl"``) sends that symbol's
    updates, delivered as ``"AAPL"``'s (see :meth:`latest`).
    """

    data_types: frozenset[type[Any]] = frozenset(_DATA_TYPES)
    """Messages that make a connection healthy."""

    _kind = "charts"
    _task_prefix = "charts"
    _decoder = ChartDecoder
    _quote_type = ChartQuote
    _trade_type = ChartTrade
    _symbol_types = _DATA_TYPES
    _subs: ChartSubscriptions

    def __init__(
        self, url: str, token_provider: TokenProvider, **options: Unpack[StreamOptions]
    ) -> None:
        super().__init__(url, token_provider, ChartSubscriptions, **options)
        self._told = ChartRefusals(self._subs, self._strays, self._trades_refused)

    # -- subscriptions ------------------------------------------------------------------------

    async def subscribe(
        self,
        symbols: str | Iterable[str],
        *,
        channels: Iterable[Channel | str] = CHART_CHANNELS,
        option: bool | None = None,
    ) -> None:
        """Add symbols (or a channel to symbols already subscribed).

        The subscription is remembered and sent again after every reconnect and
        re-authentication; the server sends a quote on subscribe. Fire-and-forget: a refusal
        arrives as a :class:`~aries_async.models.events.ServerErrorMessage` in :meth:`events`,
        once per subscribe (a symbol's quotes and trades are two requests, both refused for
        one reason: one refusal, told once both answers are in), and stays in
        :attr:`refused`: a refused channel is asked for again by your own
        subscribe of it and on a new socket, never by the replay after a re-authentication
        (see :attr:`refused`).
        A server that refuses the ``trades`` subscription type (not the symbol) is taken to
        send trades with the quotes: the stream subscribes quotes instead (and delivers only
        the channels you asked for).

        Args:
            symbols: one symbol or several (tickers, OSI option symbols), in any case. An
                option is named by its OSI symbol (``contract.osi``), not the ``O:`` ticker of
                a chain.
            channels: ``quotes`` and/or ``trades`` (one name is one channel).
            option: force ``symbolType: "option"`` (OSI symbols are detected).

        Raises:
            StreamClosedError: the stream is closed.
            ValidationError: a malformed symbol (not text, empty once the white space around
                it is stripped, with a space, comma or control character inside it, or over 21
                characters), an option's ``O:`` ticker (the message names its OSI symbol), no
                channel or one the charts socket does not have, or ``symbols`` or
                ``channels`` of the wrong type (the error names it); then nothing is
                subscribed.
        """
        self._check_open()
        names = one_or_more(symbols, "symbols")
        channels = one_or_more(channels, "channels")
        subs = [ChartSubscription.build(symbol, channels, option=option) for symbol in names]
        frames: list[Outgoing] = []
        for sub in subs:
            before = self._subs.wire_types(sub.symbol)
            refused = before - self._subs.asked(sub.symbol, refused=False)
            self._subs.add(sub)
            kinds = self._subs.wire_types(sub.symbol)
            # What is new, and what the server refused that this call asks for again.
            frames += self._subscribe_frames(sub.symbol, kinds - before | kinds & refused)
        await self._send_frames(frames)
        self._tell(self._told.released())

    async def unsubscribe(
        self, symbols: str | Iterable[str], *, channels: Iterable[Channel | str] | None = None
    ) -> None:
        """Drop symbols (``channels`` None) or one channel of them; :meth:`latest` and
        :meth:`latest_trade` forget what is no longer subscribed.

        Raises:
            StreamClosedError: the stream is closed.
            ValidationError: an empty or non-text symbol, an option's ``O:`` ticker (the
                message names its OSI symbol, which is what :meth:`subscribe` took), or an
                unknown channel (then nothing is dropped).
        """
        names = self._unsubscribing(symbols)
        wanted = None
        if channels is not None:
            wanted = [chart_channel(c) for c in one_or_more(channels, "channels")]
        frames: list[Outgoing] = []
        for symbol in names:
            before = self._subs.wire_types(symbol)
            self._subs.remove(symbol, wanted)
            for kind in sorted(before - self._subs.wire_types(symbol)):
                request_id = self._connection.ids("unsub")
                now = self._monotonic()
                record = functools.partial(self._unsubscribed, request_id, symbol, kind, now)
                frames.append((encode_chart_unsubscribe(request_id, kind, symbol), record))
            self._forget(symbol)
        await self._send_frames(frames)
        self._tell(self._told.released())

    def _unsubscribed(self, request_id: str, symbol: str, kind: str, now: float) -> None:
        """The unsubscribe ``request_id`` of ``kind`` of ``symbol`` (sent at ``now``) is
        written: record it."""
        self._subs.unsubscribed(request_id)
        self._strays.sent(request_id, symbol, [kind], now=now)

    def _subscribe_frames(
        self, symbol: str, kinds: Iterable[str], replay: bool = False
    ) -> list[Outgoing]:
        """The frames that subscribe ``kinds`` of ``symbol``, each with what records it (the
        first written records them all: see :meth:`.Pairs.written`)."""
        sub = self._subs.desired[symbol]
        asked = {self._connection.ids("sub"): kind for kind in sorted(kinds)}
        ids = list(asked)
        frames: list[Outgoing] = []
        for request_id, kind in asked.items():
            record = functools.partial(self._record, request_id, ids, symbol, asked, replay)
            frames.append((encode_chart_subscribe(request_id, sub.to_wire(kind)), record))
        return frames

    def _record(
        self, request_id: str, ids: list[str], symbol: str, asked: dict[str, str], replay: bool
    ) -> None:
        """``request_id`` of ``ids`` (one subscribe of ``symbol``: id -> ``payload.type``) is
        written: record what awaits an answer from now."""
        for recorded in self._told.written(request_id, ids):
            self._subs.sent_type(recorded, symbol, asked[recorded], replay)

    @property
    def trades_in_quotes(self) -> bool:
        """Whether the server was seen to refuse the ``trades`` subscription type (trades are
        then taken from the quotes subscription)."""
        return self._subs.trades_in_quotes

    # -- ConnectionHandler ----------------------------------------------------------------------

    def on_open(self, connection: Connection) -> list[str]:
        """Replay every desired subscription (called by the connection)."""
        return self._replay(refused=True)

    def on_reauth(self, connection: Connection) -> list[str]:
        """Re-authenticated on the live socket: send every desired subscription again, but
        the types this socket refused."""
        return self._replay(refused=False)

    def _replay(self, refused: bool) -> list[str]:
        frames: list[Outgoing] = []
        for symbol in self._subs.desired:
            kinds = self._subs.asked(symbol, refused)
            frames += self._subscribe_frames(symbol, kinds, replay=True)
        return self._written(frames)

    def on_messages(self, messages: list[Any]) -> None:
        """Track and publish the data messages of one socket read, in order: only the
        channels subscribed (a server that sends trades with the quotes sends both).

        Every update is published as it came, a repeated or late one too; one whose time is
        before the one :meth:`latest` (:meth:`latest_trade`) holds leaves it as it is (see
        the class docstring). One that names a subscribed symbol in another case is that
        symbol's (see :meth:`~aries_async.streaming.symbols.SymbolStream.latest`; a quote's
        :attr:`~aries_async.models.events.ChartQuote.name` keeps the server's spelling)."""
        wants_quotes, wants_trades = self._subs.quote_symbols, self._subs.trade_symbols
        latest = self._latest
        trusted_until = self._trusted_until()
        out: list[Any] = []
        for message in messages:
            kind = type(message)
            if kind is ChartQuote:
                symbol = message.symbol
                if symbol not in wants_quotes:
                    # Checked again on the miss only: another case of a subscribed symbol?
                    message = self._renamed(message, wants_quotes)
                    if message is None:
                        # On its way when unsubscribed, or a trades-only symbol's carrier.
                        self._stray(symbol, _QUOTES)
                        continue
                    symbol = message.symbol
                quote = latest.get(symbol)
                if quote is None:
                    latest[symbol] = message
                elif message.timestamp_ms is None or not stamped_before(
                    message, quote, trusted_until
                ):
                    # (A quote's only time is its envelope's: one without orders nothing.)
                    latest[symbol] = quote.merged(message)
            elif kind is ChartTrade:
                if message.symbol not in wants_trades:
                    symbol = message.symbol
                    message = self._renamed(message, wants_trades)
                    if message is None:
                        # On its way when unsubscribed, or sent with the quotes.
                        carrier = _QUOTES if self._subs.trades_in_quotes else _TRADES
                        self._stray(symbol, carrier)
                        continue
                trade = self._latest_trade.get(message.symbol)
                if trade is None:
                    self._latest_trade[message.symbol] = message
                elif not stamped_before(message, trade, trusted_until):
                    self._latest_trade[message.symbol] = trade.merged(message)
            elif kind is SubscribeAck:
                out += self._told.acknowledged(message.request_id)
                continue
            elif kind is ServerErrorMessage:
                out += self._told.refusal(message)
                continue
            out.append(message)
        if self._told.holding:
            out += self._told.released()
        if out:
            self._hub.publish_many(out)

    def _stray(self, symbol: str, kind: str) -> None:
        """An update carried by ``kind`` (a ``payload.type``) of ``symbol`` that is not
        delivered: not subscribed (any more), withheld and counted, and the server told again
        when the type's unsubscribe was acknowledged (see :mod:`~aries_async.streaming.
        strays`); the carrier of a channel still subscribed is no stray. ``symbol`` is taken
        as :meth:`subscribe` stores it (upper case)."""
        symbol = stored_symbol(symbol)
        if kind in self._subs.wire_types(symbol):
            return
        self._tell_stray(
            symbol, kind, lambda request_id: encode_chart_unsubscribe(request_id, kind, symbol)
        )

    def _trades_refused(self, error: ServerErrorMessage) -> None:
        """The server refused the ``trades`` type (not a symbol): trades come with the
        quotes, which every symbol whose trades are wanted now subscribes."""
        if self._subs.trades_in_quotes:
            return  # sent before the first refusal came: its quotes were subscribed then
        log.info("charts server refused a trades subscription (%s); using quotes", error.error)
        before = {symbol: self._subs.wire_types(symbol) for symbol in self._subs.desired}
        self._subs.trades_in_quotes = True
        frames: list[Outgoing] = []
        for symbol, kinds in before.items():
            frames += self._subscribe_frames(symbol, self._subs.wire_types(symbol) - kinds)
        if frames:
            self._connection.spawn(self._send_frames(frames), "subscribe")

    def _tell(self, told: list[ServerErrorMessage]) -> None:
        if told:
            self._hub.publish_many(told)

    def on_close(self) -> None:
        """The socket is gone: nothing is acknowledged any more; the refusals held are told
        (before the gap's :class:`~aries_async.models.events.StreamDisconnected`)."""
        self._tell(self._told.closed())
