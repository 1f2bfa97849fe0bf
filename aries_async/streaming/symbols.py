"""What the per-symbol stream faces (market, charts) share on top of
:class:`~aries_async.streaming.base.StreamBase`: the desired and acknowledged subscriptions,
the latest quote and trade per symbol, and the quote, trade and event consumers."""

from __future__ import annotations

import time
from collections.abc import Callable, Container, Iterable, Mapping
from typing import Any, ClassVar, Generic, TypeVar, Unpack

import attrs

from aries_async._validate import one_or_more, refuse_option_ticker
from aries_async.models._summary import counted
from aries_async.models.events import ServerErrorMessage, UnknownEvent
from aries_async.streaming.base import STATUS_TYPES, StreamBase, StreamOptions
from aries_async.streaming.connection import TokenProvider
from aries_async.streaming.fanout import Consumer
from aries_async.streaming.protocol import (
    Channel,
    SymbolSubscriptions,
    normalize_symbol,
    stored_symbol,
)
from aries_async.streaming.strays import Strays

__all__ = ["AHEAD_TOLERANCE", "Outgoing", "SymbolStream"]

AHEAD_TOLERANCE = 300.0
"""Seconds past the client's clock (``wall_clock``) an update's time may be and still order
the later ones for :meth:`SymbolStream.latest`: one dated further ahead (a server clock gone
wrong) is merged as it comes but keeps no later update out, so it cannot freeze the cache;
honest times, within clock skew of the client's, are ordered as ever."""

Outgoing = tuple[str, Callable[[], None]]
"""A frame of a request, and what records the request as awaiting its answer: called as the
frame is written, never for one that found no socket (a request never sent awaits nothing;
the replay on the next socket carries the wish)."""


def _named(symbol: object) -> str:
    """A symbol given to read or drop a subscription, as :meth:`SymbolStream.subscribe`
    stores it; a contract's ``O:`` ticker is refused as there (it names no subscription, so
    reading or dropping it would quietly do nothing)."""
    return refuse_option_ticker(normalize_symbol(symbol))


def _recorded() -> None:
    """The record of a request recorded already."""


S = TypeVar("S")
Q = TypeVar("Q")
T = TypeVar("T")
E = TypeVar("E")


class SymbolStream(StreamBase, Generic[S, Q, T, E]):
    """A stream of per-symbol updates: subscriptions of type ``S``, quotes ``Q``, trades ``T``,
    and ``E`` every item :meth:`events` delivers (the face's union of them).

    A face sets :attr:`_quote_type`, :attr:`_trade_type` and :attr:`_symbol_types`, and keeps
    :attr:`_latest` / :attr:`_latest_trade` up to date from its ``on_messages``.
    """

    _quote_type: ClassVar[type[Any]]
    _trade_type: ClassVar[type[Any]]
    _symbol_types: ClassVar[tuple[type[Any], ...]]
    """Every per-symbol update type (what :meth:`events` with ``symbols`` delivers)."""

    def __init__(
        self,
        url: str,
        token_provider: TokenProvider,
        subscriptions: Callable[..., SymbolSubscriptions[S]],
        **options: Unpack[StreamOptions],
    ) -> None:
        super().__init__(url, token_provider, **options)
        self._wall_clock = options.get("wall_clock", time.time)
        # the face's books (``subscriptions``, its class), on the stream's clock and options
        self._subs = subscriptions(
            self._monotonic,
            overtaken_wait=self.config.overtaken_wait,
            overtaken_limit=self.config.overtaken_limit,
        )
        self._latest: dict[str, Q] = {}
        self._latest_trade: dict[str, T] = {}
        self._strays = Strays()

    def _trusted_until(self) -> int:
        """The latest time (Unix ms) a held update may have and still order those after it
        (see :data:`AHEAD_TOLERANCE`)."""
        return int((self._wall_clock() + AHEAD_TOLERANCE) * 1000)

    # -- subscriptions ------------------------------------------------------------------------

    @property
    def subscriptions(self) -> Mapping[str, S]:
        """Desired subscriptions by symbol (sent again after every reconnect and
        re-authentication)."""
        return dict(self._subs.desired)

    def _repr_parts(self) -> list[str]:
        return [counted("symbol", sorted(self._subs.desired), len(self._subs.desired))]

    @property
    def acknowledged(self) -> frozenset[str]:
        """Symbols the server acknowledged on the current connection, every channel wanted of
        each (none when the server sends no acknowledgements). A symbol one of whose channels
        was refused, or whose latest request awaits its answer, is not among them:
        :attr:`acknowledged_channels` says which of its channels are."""
        return frozenset(self._subs.acknowledged)

    @property
    def acknowledged_channels(self) -> Mapping[str, frozenset[Channel]]:
        """The channels of each symbol the server acknowledged on the current connection
        (``{"AAPL": frozenset({Channel.QUOTES})}``); a refused channel is never among them."""
        return self._subs.acknowledged_channels()

    @property
    def refused(self) -> Mapping[str, str]:
        """Desired symbols the server refused, with its reason (``{"NOPE": "invalid
        symbol"}``), known before the refusal's :class:`~aries_async.models.events.
        ServerErrorMessage` reaches :meth:`events`. A symbol is here when any of its channels
        is refused (:attr:`refused_channels` says which; the reason is the latest refusal's).
        A refusal answers a request by its id: it names the symbols the error lists
        (``ServerErrorMessage.symbols``), else every symbol of that request, and the channels
        the error lists (``ServerErrorMessage.channels``), else those the request asked for
        beyond what was acknowledged already. A channel leaves when a later request of it is
        acknowledged or it is unsubscribed.

        A refusal is told once. A refused channel is not asked for again on the socket that
        refused it, not even by the replay after a re-authentication, unless you subscribe to
        it again (that request's answer is told, whatever it is). The replay on a new socket
        (after a reconnect) asks again, as entitlements may have changed: refused again for
        the same reason, the channel stays here and the refusal is not told again; a refusal
        of another channel, or for another reason, is told. An error that says the request's
        symbols are subscribed already ("already subscribed: AAPL", as a server that keeps
        the subscriptions across a re-authentication may answer them again) is no refusal:
        it acknowledges the request and is not told in :meth:`events`."""
        return self._subs.refusals

    @property
    def refused_channels(self) -> Mapping[str, Mapping[Channel, str]]:
        """The refused channels of each symbol in :attr:`refused`, each with the server's
        reason (``{"AAPL": {Channel.LEVEL2: "not entitled to level2"}}``)."""
        return self._subs.refused_channels()

    @property
    def awaiting(self) -> Mapping[str, frozenset[Channel]]:
        """The channels of each symbol whose latest subscribe request on the current
        connection awaits the server's answer (``{"AAPL": frozenset({Channel.QUOTES})}``).
        A refusal in :attr:`refused_channels` of one of them is an earlier connection's: the
        reconnect asked again and the answer is not in yet. A server that sends no
        acknowledgements leaves what it does not refuse here until the connection ends."""
        return self._subs.awaiting_channels()

    def _unsubscribing(self, symbols: str | Iterable[str]) -> list[str]:
        """The symbols of an ``unsubscribe`` call, as :meth:`subscribe` stored them.

        Raises:
            StreamClosedError: the stream is closed.
            ValidationError: an empty or non-text symbol, or an option's ``O:`` ticker (naming
                its OSI symbol): :meth:`subscribe` refuses one, so it names no subscription,
                and dropping nothing quietly would leave the contract's updates coming.
        """
        self._check_open()
        return [_named(symbol) for symbol in one_or_more(symbols, "symbols")]

    def _forget(self, symbol: str) -> None:
        """Drop the latest quote / trade of ``symbol`` once that channel is not desired."""
        if not self._subs.wants(symbol, Channel.QUOTES):
            self._latest.pop(symbol, None)
        if not self._subs.wants(symbol, Channel.TRADES):
            self._latest_trade.pop(symbol, None)

    async def _send_frames(self, frames: Iterable[Outgoing]) -> None:
        """Send each frame, its request recorded as awaiting an answer as it is written."""
        for frame, record in frames:
            if not await self._connection.send(frame, record):
                return  # not connected: the replay on the next connection carries the wish

    @staticmethod
    def _written(frames: Iterable[Outgoing]) -> list[str]:
        """A replay's frames, written now under the send lock: each request recorded."""
        out = []
        for frame, record in frames:
            record()
            out.append(frame)
        return out

    @staticmethod
    def _renamed(message: Any, wanted: Container[str]) -> Any:
        """``message``, an update whose symbol as it came is not in ``wanted``, as an update
        of the subscribed symbol it names in another case (``"aapl"`` or ``"Aapl"`` for
        ``AAPL``); None when it names none (a stray).

        websocket.md does not say how a server spells the symbol of an update. The update
        delivered carries the symbol as :meth:`subscribe` stored it (upper case): that is
        what the consumers' ``symbols`` filters, :meth:`latest`, :meth:`latest_trade` and
        the conflation are keyed by and what a user compares against, and the case is all it
        changes (a charts quote's ``name`` keeps the server's spelling). Only the miss pays
        for it: an update whose symbol matches as it came is delivered as it came."""
        symbol = stored_symbol(message.symbol)
        return attrs.evolve(message, symbol=symbol) if symbol in wanted else None

    def _tell_stray(self, symbol: str, channel: str, unsubscribe: Callable[[str], str]) -> None:
        """An update of ``channel`` (the wire's) of ``symbol``, not subscribed, arrived: it is
        withheld, and the server is told again, with the frame ``unsubscribe`` makes for a
        request id, when the channel's unsubscribe was acknowledged, or went unacknowledged
        for long enough (see :mod:`~aries_async.streaming.strays`)."""
        if not self._strays.arrived(symbol, channel, self._monotonic()):
            return
        request_id = self._connection.ids("unsub")
        # Recorded at once (a stray comes on a live socket, whose end forgets it): the next
        # stray, read before the frame is written, must not ask for another.
        self._strays.sent(request_id, symbol, [channel], again=True, now=self._monotonic())
        frame = (unsubscribe(request_id), _recorded)
        self._connection.spawn(self._send_frames([frame]), "unsubscribe")

    # -- state --------------------------------------------------------------------------------

    @property
    def withheld(self) -> int:
        """Updates of a symbol or channel not subscribed that arrived and were withheld from
        the consumers and from :meth:`latest` / :meth:`latest_trade`, so far: those on their
        way when it was unsubscribed, and those of a server that keeps sending it (one that
        counts the subscribes the stream repeats after a re-authentication: the stream then
        unsubscribes it again, once its previous unsubscribe was acknowledged or, on a server
        that does not acknowledge it, after :data:`~aries_async.streaming.strays.PATIENCE`
        strays or :data:`~aries_async.streaming.strays.WAIT` seconds, whichever comes first,
        then twice as many each time: see :mod:`~aries_async.streaming.strays`)."""
        return self._strays.withheld

    @property
    def unknown(self) -> int:
        """Messages delivered as :class:`~aries_async.models.events.UnknownEvent` so far."""
        return self._connection.decoder.unknown

    def latest(self, symbol: str) -> Q | None:
        """The last known quote of ``symbol`` (partial updates merged), or None; only while
        its quotes are subscribed. ``symbol`` is matched in any case, and so are the
        updates: one that names a subscribed symbol in another case than :meth:`subscribe`
        stored it (upper case) is that symbol's, delivered and kept under the stored symbol
        (``latest("AAPL").symbol == "AAPL"`` for updates of ``"aapl"``).

        Raises:
            ValidationError: an empty or non-text symbol, or an option's ``O:`` ticker (the
                message names its OSI symbol, under which its updates are kept)."""
        return self._latest.get(_named(symbol))

    def latest_trade(self, symbol: str) -> T | None:
        """The last known trade of ``symbol`` (partial updates merged), or None; only while
        its trades are subscribed. Raises ``ValidationError`` as :meth:`latest` does."""
        return self._latest_trade.get(_named(symbol))

    # -- consumers ----------------------------------------------------------------------------

    def quotes(
        self, symbols: str | Iterable[str] | None = None, *, buffer: int | None = None
    ) -> Consumer[Q]:
        """Quote updates (all subscribed symbols, or only ``symbols``: an option's ``O:``
        ticker among them raises ``ValidationError`` naming its OSI symbol, as
        :meth:`subscribe` does, and so it does for every consumer of this stream).

        Ends when the stream is closed; raises the stream's fatal error
        (:class:`~aries_async.errors.StreamAuthError`, :class:`~aries_async.errors.
        StreamClosedError`). Reconnects do not end it: see :meth:`status` for the gaps.
        Each update is as the server sent it: one that is partial (websocket.md 3.4: only the
        fields that changed) reads ``None`` for the fields it left out; :meth:`latest` holds
        them all, merged.
        A slow consumer (more than ``buffer`` updates behind, default
        :attr:`StreamConfig.market_buffer`) gets the latest update per symbol instead of every
        update (partial updates merged; one stamped before it, a late one, left out);
        ``.conflated`` counts what was folded.
        """
        return self._symbol_consumer((self._quote_type,), symbols, buffer)

    def trades(
        self, symbols: str | Iterable[str] | None = None, *, buffer: int | None = None
    ) -> Consumer[T]:
        """Trade updates; ends, raises and conflates like :meth:`quotes` (raise ``buffer`` if
        you need every print)."""
        return self._symbol_consumer((self._trade_type,), symbols, buffer)

    def events(
        self, symbols: str | Iterable[str] | None = None, *, buffer: int | None = None
    ) -> Consumer[E]:
        """Everything in arrival order: every update type, :class:`StreamConnected` /
        :class:`StreamDisconnected` (the gap markers), :class:`StreamReauthenticated`, server
        errors and unknown messages (:data:`~aries_async.models.events.MarketEvent` on the
        market stream, :data:`~aries_async.models.events.ChartEvent` on the charts stream).

        With ``symbols`` only per-symbol updates of those symbols are delivered. Ends and
        raises like :meth:`quotes`; a slow consumer gets updates conflated per (type, symbol)
        while items without a symbol (status events, server errors, unknown messages) are kept
        in order, the newest ``buffer`` of them (``.dropped`` counts older ones that fell out).
        """
        types = self._symbol_types
        if symbols is None:
            types = types + STATUS_TYPES + (ServerErrorMessage, UnknownEvent)
        return self._symbol_consumer(types, symbols, buffer)

    # -- ConnectionHandler ----------------------------------------------------------------------

    def on_message(self, message: Any) -> None:
        """Route one decoded message (called by the connection)."""
        self.on_messages([message])

    def on_messages(self, messages: list[Any]) -> None:
        """Track and publish the data messages of one socket read, in order."""
        raise NotImplementedError
