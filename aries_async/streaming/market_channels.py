"""The market stream's subscriptions: what :meth:`MarketChannels.subscribe` and
:meth:`MarketChannels.unsubscribe` send, which symbols each update type is delivered for
(``_wanted``, read by :meth:`MarketStream.on_messages
<aries_async.streaming.market.MarketStream.on_messages>`), and the unsubscribe told again for an
update of a channel not subscribed (``_stray``; see :mod:`~aries_async.streaming.strays`).

:class:`MarketChannels` is the base of :class:`~aries_async.streaming.market.MarketStream`,
which adds the consumers, the routing of the socket's messages and the socket requests. The
seam between them: the face's ``on_messages`` reads ``_wanted`` and calls ``_stray`` and
``_subscriptions_error``; ``on_open`` and ``on_reauth`` call ``_subscribe_frames``. They are
methods and attributes of the one instance, so the hot path looks them up as it did before the
split (no extra call or attribute hop per update).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any, Unpack

from aries_async._validate import one_or_more
from aries_async.models.events import (
    GreeksUpdate,
    Level2Update,
    MarketEvent,
    QuoteUpdate,
    ServerErrorMessage,
    TimeAndSalesUpdate,
    TradeUpdate,
)
from aries_async.streaming.base import StreamOptions
from aries_async.streaming.connection import TokenProvider
from aries_async.streaming.protocol import (
    Channel,
    MarketSubscription,
    MarketSubscriptions,
    channel_of,
    encode_market_subscribe,
    encode_market_unsubscribe,
    normalize_symbol,
    stored_symbol,
)
from aries_async.streaming.protocol.market import unsubscribe_item
from aries_async.streaming.protocol.subscriptions import says_already_subscribed
from aries_async.streaming.symbols import Outgoing, SymbolStream

__all__ = ["MarketChannels"]

_CHANNEL_TYPES: dict[Channel, type[Any]] = {
    Channel.QUOTES: QuoteUpdate,
    Channel.TRADES: TradeUpdate,
    Channel.TIME_AND_SALES: TimeAndSalesUpdate,
    Channel.LEVEL2: Level2Update,
    Channel.GREEKS: GreeksUpdate,
}
"""The update type of each channel."""
_TYPE_CHANNELS = {kind: channel for channel, kind in _CHANNEL_TYPES.items()}


class MarketChannels(SymbolStream[MarketSubscription, QuoteUpdate, TradeUpdate, MarketEvent]):
    """The subscribe and unsubscribe calls of the market stream, and what they keep: the
    desired subscriptions and, per update type, the symbols it is delivered for."""

    _subs: MarketSubscriptions

    def __init__(
        self, url: str, token_provider: TokenProvider, **options: Unpack[StreamOptions]
    ) -> None:
        super().__init__(url, token_provider, MarketSubscriptions, **options)
        # update type -> the symbols whose channel of it is desired: what on_messages
        # delivers (one set lookup per update, on the type dispatch it does anyway)
        self._wanted: dict[type[Any], set[str]] = {kind: set() for kind in _TYPE_CHANNELS}

    # -- subscriptions ------------------------------------------------------------------------

    async def subscribe(
        self,
        symbols: str | Iterable[str],
        *,
        channels: Iterable[Channel | str] = (Channel.QUOTES, Channel.TRADES),
        quote_fields: Iterable[str] | str | None = None,
        trade_fields: Iterable[str] | str | None = None,
        time_and_sales_fields: Iterable[str] | str | None = None,
        greeks_fields: Iterable[str] | str | None = None,
        option: bool | None = None,
    ) -> None:
        """Add symbols (or channels/fields to symbols already subscribed).

        The subscription is remembered and sent again after every reconnect and
        re-authentication. The server sends a snapshot on subscribe (except level 2).
        Fire-and-forget: a refusal arrives as a
        :class:`~aries_async.models.events.ServerErrorMessage` in :meth:`events`, once (not
        when it refuses a symbol or channel :meth:`unsubscribe` dropped before it came), and
        stays in :attr:`refused`: a refused channel is asked for again by your own subscribe
        of it and on a new socket, never by the replay after a re-authentication (see
        :attr:`refused`).

        Args:
            symbols: one symbol or several (tickers, indices, OSI option symbols), in any
                case: they are stripped and upper-cased, as the REST calls do. An option is
                named by its OSI symbol (``contract.osi``), not the ``O:`` ticker of a chain.
            channels: one or several of ``quotes``, ``trades``, ``level2``, ``timeAndSales``,
                ``greeks`` (one name is one channel, as one symbol is one symbol).
            quote_fields, trade_fields, time_and_sales_fields, greeks_fields: field
                selection (None or ``"*"``: all fields).
            option: force ``symbolType: "option"`` (OSI symbols are detected).

        Raises:
            StreamClosedError: the stream is closed.
            ValidationError: a malformed symbol (not text, empty once the white space around
                it is stripped, with a space, comma or control character inside it, or over 21
                characters), an option's ``O:`` ticker (the message names its OSI symbol), no
                channel or an unknown one, or an argument of the wrong type (``None``, a
                number or bytes for ``symbols``, ``channels`` or a field selection: the error
                names it); then nothing is subscribed, not even the valid symbols.
        """
        self._check_open()
        names = one_or_more(symbols, "symbols")
        channels = one_or_more(channels, "channels")  # an iterator is read once per symbol
        subs = [
            MarketSubscription.build(
                symbol,
                channels,
                option=option,
                quote_fields=quote_fields,
                trade_fields=trade_fields,
                time_and_sales_fields=time_and_sales_fields,
                greeks_fields=greeks_fields,
            )
            for symbol in names
        ]
        items = [self._subs.add(sub).to_wire() for sub in subs]
        for sub in subs:
            self._want(sub.symbol)
        await self._send_frames(self._subscribe_frames(items))

    async def unsubscribe(
        self, symbols: str | Iterable[str], *, channels: Iterable[Channel | str] | None = None
    ) -> None:
        """Drop symbols (``channels`` None) or only some channels of them.

        Symbols are matched as :meth:`subscribe` stored them (upper case). :meth:`latest` and
        :meth:`latest_trade` forget a symbol whose quotes or trades are no longer subscribed.

        Raises:
            StreamClosedError: the stream is closed.
            ValidationError: an empty or non-text symbol, an option's ``O:`` ticker (the
                message names its OSI symbol, which is what :meth:`subscribe` took), or an
                unknown channel (then nothing is dropped).
        """
        names = self._unsubscribing(symbols)
        wanted = None
        if channels is not None:
            wanted = [channel_of(c) for c in one_or_more(channels, "channels")]
        items: list[str | dict[str, Any]] = []
        dropped: list[tuple[str, frozenset[str]]] = []
        for symbol in names:
            before = self._subs.wire_channels(symbol)
            item = self._subs.remove(symbol, wanted)
            if item is not None:
                items.append(item)
                dropped.append((symbol, before - self._subs.wire_channels(symbol)))
            self._want(symbol)
            self._forget(symbol)
        if items:
            request_id = self._connection.ids("unsub")

            def record() -> None:
                self._subs.unsubscribed(request_id)
                for symbol, gone in dropped:
                    self._strays.sent(request_id, symbol, gone, now=self._monotonic())

            await self._send_frames([(encode_market_unsubscribe(request_id, items), record)])

    def _want(self, symbol: str) -> None:
        """Keep what :meth:`on_messages` delivers of ``symbol`` as it is desired now."""
        sub = self._subs.desired.get(symbol)
        channels = sub.channels if sub is not None else frozenset()
        for channel, kind in _CHANNEL_TYPES.items():
            if channel in channels:
                self._wanted[kind].add(symbol)
            else:
                self._wanted[kind].discard(symbol)

    def _stray(self, message: Any) -> None:
        """An update of a channel not subscribed: withheld; the server is told again when
        the channel's unsubscribe was acknowledged (see :mod:`~aries_async.streaming.strays`)."""
        symbol = stored_symbol(message.symbol)
        channel = _TYPE_CHANNELS[type(message)]

        def unsubscribe(request_id: str) -> str:
            wanted = self._subs.desired.get(symbol) is not None
            item = unsubscribe_item(symbol, [channel]) if wanted else symbol
            return encode_market_unsubscribe(request_id, [item])

        self._tell_stray(symbol, channel.value, unsubscribe)

    def _subscribe_frames(
        self, items: list[dict[str, Any]], *, replay: bool = False, refused: bool = True
    ) -> list[Outgoing]:
        """The frames that send ``items``, each with what records its request (``replay``
        and ``refused``: see :meth:`~aries_async.streaming.protocol.SymbolSubscriptions.
        sent`)."""
        frames: list[Outgoing] = []
        batch = self.config.subscribe_batch
        for start in range(0, len(items), batch):
            chunk = items[start : start + batch]
            request_id = self._connection.ids("sub")
            symbols = [item["symbol"] for item in chunk]
            record = functools.partial(
                self._subs.sent, request_id, symbols, replay=replay, refused=refused
            )
            frames.append((encode_market_subscribe(request_id, chunk), record))
        return frames

    def _subscriptions_error(self, error: ServerErrorMessage) -> bool:
        """Whether an error without an id is about the subscriptions: it says a symbol is
        subscribed already, or names one that a subscribe awaits an answer about."""
        if error.request_id is not None:
            return False
        if says_already_subscribed(error.error):
            return True
        awaited = {s for symbols in self._subs.in_flight.values() for s in symbols}
        return any(normalize_symbol(s) in awaited for s in error.symbols or () if s.strip())
