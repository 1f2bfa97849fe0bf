"""The market-data stream face: ``async with MarketStream(...) as stream``.

Example:
    >>> async def main(client) -> None:                                  # doctest: +SKIP
    ...     async with client.market_stream() as stream:
    ...         await stream.subscribe(["AAPL", "MSFT"], channels=["quotes"])
    ...         async for quote in stream.quotes():
    ...             print(quote.symbol, quote.bid_price, quote.ask_price)
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any, Unpack

from aries_async.models._wire import stamped_before
from aries_async.models.events import (
    GreeksUpdate,
    Level2Update,
    MarketStatusUpdate,
    QuoteUpdate,
    ServerErrorMessage,
    SubscribeAck,
    TimeAndSalesUpdate,
    TradeUpdate,
)
from aries_async.streaming.base import StreamOptions
from aries_async.streaming.config import StreamConfig
from aries_async.streaming.connection import (
    Connection,
    TokenInvalidator,
    TokenProvider,
)
from aries_async.streaming.fanout import Consumer
from aries_async.streaming.market_channels import MarketChannels
from aries_async.streaming.socket_requests import PendingRequests, SocketRequests

__all__ = ["MarketStream", "market_stream"]

log = logging.getLogger("aries_async.streaming")

_DATA_TYPES: tuple[type[Any], ...] = (
    QuoteUpdate,
    TradeUpdate,
    TimeAndSalesUpdate,
    Level2Update,
    GreeksUpdate,
    MarketStatusUpdate,
)


class MarketStream(MarketChannels, SocketRequests):
    """Live market data over ``/v1/market/ws`` with reconnects, replayed subscriptions and
    per-consumer conflation, and the socket's requests (:meth:`expiry_dates`,
    :meth:`contract_symbols`, :meth:`equity_snapshot`; see
    :mod:`~aries_async.streaming.socket_requests`). :meth:`subscribe` and :meth:`unsubscribe`
    are :mod:`~aries_async.streaming.market_channels`'.

    Args:
        url: the market websocket URL.
        token_provider: async callable returning an access token (called per attempt).
        **options: the keywords :class:`~aries_async.streaming.base.StreamOptions` describes:
            ``config``, the token callbacks, the clocks, the seams for tests.

    Any number of consumers may iterate at once; each receives every update for its filter,
    in the order the server sent them (conflated when it falls behind, see :meth:`quotes`).

    No sequence number orders the updates (websocket.md 3.3), so a server may repeat one or
    send one late. Consumers get them as they came: a repeat is delivered again, a late
    update after the newer ones (a consumer that sums trades should tell prints apart, by
    the time-and-sales ``tradeSeq``). :meth:`latest` and :meth:`latest_trade` never go back in
    time: an update whose envelope ``timestamp`` is before the one they hold for its symbol
    (compared as instants, whatever their wire form: Unix ms, seconds, RFC 3339) is not
    merged into them; an equal one is (several updates may share a millisecond), so a
    verbatim repeat leaves them as they were. One they hold that is dated past the client's
    clock by more than :data:`~aries_async.streaming.symbols.AHEAD_TOLERANCE` (a server
    clock gone wrong) keeps no later update out.

    Symbols are upper case as :meth:`subscribe` stores them, in the updates delivered too: a
    server that names a subscribed symbol in another case (``"aapl"``) sends that symbol's
    updates, delivered as ``"AAPL"``'s (see :meth:`latest`).
    """

    data_types: frozenset[type[Any]] = frozenset(_DATA_TYPES) - {MarketStatusUpdate}
    """Messages that make a connection healthy (the server pushes a market status unasked)."""

    _kind = "market"
    _task_prefix = "market"

    _quote_type = QuoteUpdate
    _trade_type = TradeUpdate
    _symbol_types = _DATA_TYPES

    def __init__(
        self, url: str, token_provider: TokenProvider, **options: Unpack[StreamOptions]
    ) -> None:
        super().__init__(url, token_provider, **options)
        self._market_status: MarketStatusUpdate | None = None
        self._requests = PendingRequests()
        self._request_sleep = options.get("sleep") or asyncio.sleep

    # -- state (subscriptions, latest and latest_trade: see SymbolStream) ----------------------

    @property
    def market_status(self) -> MarketStatusUpdate | None:
        """The last ``marketStatus`` push."""
        return self._market_status

    # -- consumers (quotes, trades and events: see SymbolStream) -----------------------------

    def level2(
        self, symbols: str | Iterable[str] | None = None, *, buffer: int | None = None
    ) -> Consumer[Level2Update]:
        """Level 2 updates; ends, raises and conflates (latest book per symbol) like
        :meth:`quotes`."""
        return self._symbol_consumer((Level2Update,), symbols, buffer)

    def time_and_sales(
        self, symbols: str | Iterable[str] | None = None, *, buffer: int | None = None
    ) -> Consumer[TimeAndSalesUpdate]:
        """Time-and-sales prints; ends and raises like :meth:`quotes`. When the consumer is
        slow, prints are conflated to the latest per symbol (intermediate prints are lost;
        raise ``buffer`` if you need the full tape)."""
        return self._symbol_consumer((TimeAndSalesUpdate,), symbols, buffer)

    def greeks(
        self, symbols: str | Iterable[str] | None = None, *, buffer: int | None = None
    ) -> Consumer[GreeksUpdate]:
        """Option greeks updates; ends, raises and conflates like :meth:`quotes`."""
        return self._symbol_consumer((GreeksUpdate,), symbols, buffer)

    def market_statuses(self) -> Consumer[MarketStatusUpdate]:
        """``marketStatus`` pushes (one after each connection, then on change)."""
        return self._symbol_consumer((MarketStatusUpdate,), None, None)

    # -- ConnectionHandler ----------------------------------------------------------------------

    def on_open(self, connection: Connection) -> list[str]:
        """Replay every desired subscription, then send the requests waiting for a
        connection (called by the connection)."""
        replay = self._written(self._subscribe_frames(self._subs.replay(), replay=True))
        return replay + self._requests.replay()

    def on_reauth(self, connection: Connection) -> list[str]:
        """Re-authenticated on the live socket: send every desired subscription again, but
        the channels this socket refused (the requests in flight on the socket are answered
        as usual)."""
        items = self._subs.replay(refused=False)
        return self._written(self._subscribe_frames(items, replay=True, refused=False))

    def on_messages(self, messages: list[Any]) -> None:
        """Route the data messages of one frame, in order (called by the connection; the hot
        path: same effect as :meth:`on_message` for each, published as one batch).

        Every update of a subscribed channel is published as it came, a repeated or late one
        too; a quote or trade whose ``timestamp`` is before the one :meth:`latest`
        (:meth:`latest_trade`) holds leaves it as it is (see the class docstring). One of a
        channel not subscribed is withheld (see :attr:`withheld`); one that names a subscribed
        symbol in another case is that symbol's (see :meth:`~aries_async.streaming.symbols.
        SymbolStream.latest`)."""
        latest = self._latest
        trusted_until = self._trusted_until()
        wanted = self._wanted
        quoted = wanted[QuoteUpdate]
        acks = False
        untold: set[int] = set()  # the ids of the messages the consumers are not told of
        split: dict[int, list[Any]] = {}  # id -> the errors told for a server error, if others
        renamed: dict[int, Any] = {}  # id -> the message under its subscribed symbol
        for message in messages:
            kind = type(message)
            if kind is QuoteUpdate:
                symbol = message.symbol
                if symbol not in quoted:
                    # Checked again on the miss only: another case of a subscribed symbol?
                    subscribed = self._renamed(message, quoted)
                    if subscribed is None:
                        self._stray(message)  # not subscribed (any more)
                        untold.add(id(message))
                        continue
                    renamed[id(message)] = message = subscribed
                    symbol = message.symbol
                previous = latest.get(symbol)
                if previous is None:
                    latest[symbol] = message
                elif stamped_before(message, previous, trusted_until):
                    pass  # delivered as it came, but the latest quote is the newer one
                elif message.data.keys() >= previous.data.keys():
                    latest[symbol] = message  # it sent every field the previous one had
                else:
                    latest[symbol] = previous.merged(message)
            elif kind is SubscribeAck:
                request_id = message.request_id
                subs = self._subs
                if (
                    not subs.acknowledge(request_id)
                    and subs.overtaken(request_id) is None
                    and not self._strays.acknowledge(request_id)
                ):
                    self._requests.answer(message)
                acks = True
            elif kind is ServerErrorMessage:
                told = self._refusal(message)
                if told != [message]:
                    split[id(message)] = told
            elif kind in wanted:  # another per-symbol update
                symbols = wanted[kind]
                if message.symbol not in symbols:
                    subscribed = self._renamed(message, symbols)
                    if subscribed is None:
                        self._stray(message)
                        untold.add(id(message))
                        continue
                    renamed[id(message)] = message = subscribed
                self._track(kind, message, trusted_until)
            elif kind is MarketStatusUpdate:
                self._market_status = message
        if acks or untold or renamed or split:
            messages = [
                renamed.get(id(m), m)
                for m in messages
                if type(m) is not SubscribeAck and id(m) not in untold
            ]
            if split:
                messages = [n for m in messages for n in split.get(id(m), (m,))]
        self._hub.publish_many(messages)

    def _refusal(self, error: ServerErrorMessage) -> list[ServerErrorMessage]:
        """What to tell of the server's ``error``: nothing of what refuses what the user no
        longer asks for (the unsubscribe that overtook the request answered the user: the
        charts stream's rule), nor of what is not news; the rest names only what is still
        subscribed (:meth:`~aries_async.streaming.protocol.subscriptions.SymbolSubscriptions.
        overtaken_refusal`)."""
        kind, left = self._subs.overtaken_refusal(error)
        if kind is not None:
            log.debug("market: a refusal of a request an unsubscribe overtook: %s", error.error)
        told: list[ServerErrorMessage] = []
        for part in left:
            self._requests.refuse(part, unnamed=not self._subscriptions_error(part))
            if self._subs.error(part):
                told.append(part)
        return told

    def _track(self, kind: type[Any], message: Any, trusted_until: int) -> None:
        """Keep :meth:`latest_trade` up to date with a subscribed per-symbol update (see
        :func:`~aries_async.models._wire.stamped_before` for ``trusted_until``)."""
        if kind is TradeUpdate:
            symbol = message.symbol
            previous_trade = self._latest_trade.get(symbol)
            if previous_trade is None:
                self._latest_trade[symbol] = message
            elif not stamped_before(message, previous_trade, trusted_until):
                self._latest_trade[symbol] = previous_trade.merged(message)

    def on_close(self) -> None:
        """The socket is gone: nothing is acknowledged any more; the requests in flight are
        resent or fail."""
        self._subs.reset()
        self._strays.reset()
        self._requests.lost()

    def on_end(self, error: BaseException | None) -> None:
        """End every consumer and every request still waiting."""
        super().on_end(error)
        self._requests.end()


def market_stream(
    url: str,
    token_provider: TokenProvider,
    *,
    config: StreamConfig | None = None,
    invalidate_token: TokenInvalidator | None = None,
    **kwargs: Any,
) -> MarketStream:
    """Factory for ``AriesClient.market_stream()``: ``market_stream(endpoints.market_ws_url,
    client.auth.access_token, invalidate_token=client.auth.invalidate,
    renew_token=client.auth.access_token_other_than, ...)``. Use the result with
    ``async with``. Given none, the invalidator and the renewer are as :class:`MarketStream`
    derives them."""
    if invalidate_token is not None:
        kwargs["invalidate_token"] = invalidate_token
    return MarketStream(url, token_provider, config=config, **kwargs)
