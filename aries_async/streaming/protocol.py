"""The streaming protocol without I/O: frames in, typed events out; time is passed in.

* encoders for the client's messages (auth, ping, market and account subscribe/unsubscribe);
* :class:`Decoder`: one pass from a websocket frame to typed events (NDJSON split, orjson,
  model); malformed lines are counted and logged, unknown messages become
  :class:`~aries_async.models.events.UnknownEvent`;
* :class:`MarketSubscriptions` / :class:`AccountSubscriptions`: what we want (desired) versus
  what the server confirmed on the current connection (acknowledged);
* :class:`Heartbeat`: ping schedule, pong timeout and staleness watchdog, given ``now``;
* :class:`Backoff`: reconnect delays with exponential growth, jitter and reset.
"""

from __future__ import annotations

import enum
import itertools
import logging
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs
import orjson

from aries_async.errors import ValidationError, require_text
from aries_async.models._converter import converter, structure
from aries_async.models.accounts import Balance, Position
from aries_async.models.events import (
    AccountSnapshot,
    AuthExpired,
    AuthFailure,
    AuthSuccess,
    BalanceEvent,
    GreeksUpdate,
    Level2Update,
    MarketStatusUpdate,
    OrderEvent,
    Pong,
    PositionEvent,
    QuoteUpdate,
    RefreshAuth,
    ServerErrorMessage,
    SubscribeAck,
    TimeAndSalesUpdate,
    TradeUpdate,
    UnknownEvent,
    _convert_quote_prices,
    _wire_factory,
)
from aries_async.models.orders import Order

__all__ = [
    "AccountSubscriptions",
    "Backoff",
    "Channel",
    "Decoder",
    "Heartbeat",
    "HeartbeatAction",
    "IdFactory",
    "MarketSubscription",
    "MarketSubscriptions",
    "channel_of",
    "encode_account_subscribe",
    "encode_account_unsubscribe",
    "encode_auth",
    "encode_market_subscribe",
    "encode_market_unsubscribe",
    "encode_ping",
    "normalize_symbol",
    "prepare_account_decoding",
]

log = logging.getLogger("aries_async.streaming")
_loads = orjson.loads
_NEWLINE = ord("\n")
"""``_NEWLINE in frame`` finds a newline byte in a few dozen nanoseconds. ``b"\n" in frame``
takes five times as long: ``bytes.__contains__`` first tries its argument as an integer, and a
bytes argument raises (and clears) a TypeError every time."""


def normalize_symbol(value: object, field: str = "symbol") -> str:
    """A stream symbol as the server names it: stripped and upper-cased, as the REST calls
    send theirs (``"aapl"`` is ``"AAPL"``).

    Raises:
        ValidationError: ``value`` is not a string with more than white space in it.
    """
    return require_text(value, field).upper()


def prepare_account_decoding() -> None:
    """Build the converter's decoders of the account messages (orders, positions, balance)
    now. cattrs writes and compiles them on first use, some 20 ms of CPU: the account stream's
    module does it at import (which the client runs in a worker thread) rather than at the
    first snapshot, on the event loop."""
    for cls in (list[Order], list[Position], Order, Position, Balance):
        converter.get_structure_hook(cls)


def _dumps(message: Mapping[str, Any]) -> str:
    return orjson.dumps(message).decode()


class IdFactory:
    """Correlation ids ``prefix-1``, ``prefix-2``... (unique per stream)."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def __call__(self, prefix: str) -> str:
        """The next id with ``prefix``."""
        return f"{prefix}-{next(self._counter)}"


# -- encoders ---------------------------------------------------------------------------------


def encode_auth(token: str, request_id: str) -> str:
    """The ``POST /auth`` request (token directly in ``body.token``; websocket.md 2.3).

    The result contains the token: never log it.
    """
    return _dumps(
        {
            "type": "request",
            "id": request_id,
            "payload": {"method": "POST", "path": "/auth", "body": {"token": token}},
        }
    )


def encode_ping(request_id: str) -> str:
    """``{"type": "ping", "id": ...}``."""
    return _dumps({"type": "ping", "id": request_id})


def encode_market_subscribe(request_id: str, items: Sequence[Mapping[str, Any]]) -> str:
    """A market ``subscribe`` with an array payload of per-symbol requests."""
    return _dumps({"type": "subscribe", "id": request_id, "payload": list(items)})


def encode_market_unsubscribe(request_id: str, items: Sequence[str | Mapping[str, Any]]) -> str:
    """A market ``unsubscribe``: items are bare symbols or ``{symbol, quote: true, ...}``."""
    return _dumps({"type": "unsubscribe", "id": request_id, "payload": list(items)})


def encode_account_subscribe(
    request_id: str, topic: str, params: Mapping[str, Any] | None = None
) -> str:
    """An account-socket ``subscribe`` (object payload ``{topic, params}``)."""
    payload: dict[str, Any] = {"topic": topic}
    if params:
        payload["params"] = dict(params)
    return _dumps({"type": "subscribe", "id": request_id, "payload": payload})


def encode_account_unsubscribe(
    request_id: str, topic: str, params: Mapping[str, Any] | None = None
) -> str:
    """An account-socket ``unsubscribe``."""
    payload: dict[str, Any] = {"topic": topic}
    if params:
        payload["params"] = dict(params)
    return _dumps({"type": "unsubscribe", "id": request_id, "payload": payload})


# -- subscriptions ----------------------------------------------------------------------------


class Channel(str, enum.Enum):
    """Market-data channels of one symbol."""

    QUOTES = "quotes"
    TRADES = "trades"
    LEVEL2 = "level2"
    TIME_AND_SALES = "timeAndSales"
    GREEKS = "greeks"


_UNSUB_KEYS = {
    Channel.QUOTES: "quote",
    Channel.TRADES: "trade",
    Channel.LEVEL2: "level2",
    Channel.TIME_AND_SALES: "timeAndSales",
    Channel.GREEKS: "greeks",
}


def channel_of(value: Channel | str) -> Channel:
    """``Channel(value)``, or a :class:`~aries_async.errors.ValidationError` naming the channels."""
    try:
        return Channel(value)
    except ValueError:
        known = ", ".join(c.value for c in Channel)
        raise ValidationError(
            f"unknown channel {value!r} (one of {known})", field="channels"
        ) from None


def _fields(value: Iterable[str] | str | None) -> frozenset[str]:
    if value is None:
        return frozenset({"*"})
    if isinstance(value, str):
        return frozenset({value})
    found = frozenset(value)
    return found or frozenset({"*"})


def _merge_fields(a: frozenset[str], b: frozenset[str]) -> frozenset[str]:
    return frozenset({"*"}) if "*" in a or "*" in b else a | b


def _wire_fields(fields: frozenset[str]) -> list[str]:
    return ["*"] if "*" in fields else sorted(fields)


@attrs.frozen(kw_only=True)
class MarketSubscription:
    """What we want for one symbol.

    Attributes:
        symbol: ticker, index or OSI option symbol.
        channels: the channels wanted.
        option: send ``symbolType: "option"`` (needed for OSI symbols and greeks).
        quote_fields, trade_fields, time_and_sales_fields, greeks_fields: field selections
            (``{"*"}`` = all).
    """

    symbol: str
    channels: frozenset[Channel]
    option: bool = False
    quote_fields: frozenset[str] = frozenset({"*"})
    trade_fields: frozenset[str] = frozenset({"*"})
    time_and_sales_fields: frozenset[str] = frozenset({"*"})
    greeks_fields: frozenset[str] = frozenset({"*"})

    @classmethod
    def build(
        cls,
        symbol: str,
        channels: Iterable[Channel | str] = (Channel.QUOTES, Channel.TRADES),
        *,
        option: bool | None = None,
        quote_fields: Iterable[str] | str | None = None,
        trade_fields: Iterable[str] | str | None = None,
        time_and_sales_fields: Iterable[str] | str | None = None,
        greeks_fields: Iterable[str] | str | None = None,
    ) -> MarketSubscription:
        """Normalise user input (``None`` fields mean all; OSI symbols are options).

        Raises:
            ValidationError: an empty or non-text symbol, no channel, or an unknown channel.
        """
        symbol = normalize_symbol(symbol)
        chans = frozenset(channel_of(c) for c in channels)
        if not chans:
            raise ValidationError("at least one channel is needed", field="channels")
        is_option = option if option is not None else _looks_like_osi(symbol)
        return cls(
            symbol=symbol,
            channels=chans,
            option=is_option or Channel.GREEKS in chans,
            quote_fields=_fields(quote_fields),
            trade_fields=_fields(trade_fields),
            time_and_sales_fields=_fields(time_and_sales_fields),
            greeks_fields=_fields(greeks_fields),
        )

    def merge(self, other: MarketSubscription) -> MarketSubscription:
        """The union of two subscriptions of the same symbol."""
        return MarketSubscription(
            symbol=self.symbol,
            channels=self.channels | other.channels,
            option=self.option or other.option,
            quote_fields=_merge_fields(self.quote_fields, other.quote_fields),
            trade_fields=_merge_fields(self.trade_fields, other.trade_fields),
            time_and_sales_fields=_merge_fields(
                self.time_and_sales_fields, other.time_and_sales_fields
            ),
            greeks_fields=_merge_fields(self.greeks_fields, other.greeks_fields),
        )

    def to_wire(self) -> dict[str, Any]:
        """The per-symbol subscribe object; field lists are always explicit."""
        item: dict[str, Any] = {"symbol": self.symbol}
        if self.option:
            item["symbolType"] = "option"
        if Channel.QUOTES in self.channels:
            item["quoteFields"] = _wire_fields(self.quote_fields)
        if Channel.TRADES in self.channels:
            item["tradeFields"] = _wire_fields(self.trade_fields)
        if Channel.LEVEL2 in self.channels:
            item["level2"] = True
        if Channel.TIME_AND_SALES in self.channels:
            item["timeAndSales"] = True
            item["timeAndSalesFields"] = _wire_fields(self.time_and_sales_fields)
        if Channel.GREEKS in self.channels:
            item["greeksFields"] = _wire_fields(self.greeks_fields)
        return item


def _looks_like_osi(symbol: str) -> bool:
    return len(symbol) >= 16 and symbol[-9] in "CP" and symbol[-8:].isdigit()


class MarketSubscriptions:
    """Desired market subscriptions and which of them the current connection acknowledged.

    The desired set survives reconnects (:meth:`replay`); the acknowledged set is cleared by
    :meth:`reset` when a connection ends.
    """

    def __init__(self) -> None:
        self.desired: dict[str, MarketSubscription] = {}
        self.acknowledged: set[str] = set()
        self._pending: dict[str, tuple[str, ...]] = {}

    def add(self, subscription: MarketSubscription) -> MarketSubscription:
        """Merge ``subscription`` into the desired set; returns what to send for the symbol."""
        current = self.desired.get(subscription.symbol)
        merged = subscription if current is None else current.merge(subscription)
        self.desired[subscription.symbol] = merged
        return merged

    def remove(
        self, symbol: str, channels: Iterable[Channel | str] | None = None
    ) -> str | dict[str, Any] | None:
        """Drop a whole symbol (``channels`` None) or some channels of it.

        Returns:
            The unsubscribe item to send, or None when nothing was subscribed.
        """
        current = self.desired.get(symbol)
        if current is None:
            return None
        if channels is None:
            del self.desired[symbol]
            self.acknowledged.discard(symbol)
            return symbol
        drop = frozenset(channel_of(c) for c in channels) & current.channels
        if not drop:
            return None
        left = current.channels - drop
        if not left:
            del self.desired[symbol]
            self.acknowledged.discard(symbol)
            return symbol
        self.desired[symbol] = attrs.evolve(current, channels=left)
        item: dict[str, Any] = {"symbol": symbol}
        for channel in drop:
            item[_UNSUB_KEYS[channel]] = True
        return item

    def wants(self, symbol: str, channel: Channel | None = None) -> bool:
        """Whether ``symbol`` is desired (on ``channel``, when given)."""
        current = self.desired.get(symbol)
        return current is not None and (channel is None or channel in current.channels)

    def replay(self) -> list[dict[str, Any]]:
        """Subscribe items for everything desired (after a reconnect)."""
        return [sub.to_wire() for sub in self.desired.values()]

    def sent(self, request_id: str, symbols: Iterable[str]) -> None:
        """Remember that ``request_id`` subscribed ``symbols``."""
        self._pending[request_id] = tuple(symbols)

    def acknowledge(self, request_id: str | None) -> bool:
        """Mark a request as confirmed; returns whether the id was ours."""
        if request_id is None or request_id not in self._pending:
            return False
        symbols = self._pending.pop(request_id)
        self.acknowledged.update(s for s in symbols if s in self.desired)
        return True

    def reject(self, request_id: str | None) -> tuple[str, ...]:
        """The server refused a request; returns the symbols it carried (they stay desired)."""
        if request_id is None:
            return ()
        return self._pending.pop(request_id, ())

    def reset(self) -> None:
        """The connection ended: nothing is acknowledged any more."""
        self.acknowledged.clear()
        self._pending.clear()


class AccountSubscriptions:
    """Desired account-socket topics, keyed ``topic:params``."""

    def __init__(self) -> None:
        self.desired: dict[str, tuple[str, dict[str, Any]]] = {}

    @staticmethod
    def key(topic: str, params: Mapping[str, Any] | None) -> str:
        """``topic:{sorted params}``."""
        return topic + ":" + orjson.dumps(dict(params or {}), option=orjson.OPT_SORT_KEYS).decode()

    def add(self, topic: str, params: Mapping[str, Any] | None = None) -> bool:
        """Add a topic; returns False when it was already desired."""
        key = self.key(topic, params)
        if key in self.desired:
            return False
        self.desired[key] = (topic, dict(params or {}))
        return True

    def remove(self, topic: str, params: Mapping[str, Any] | None = None) -> bool:
        """Remove exactly this topic+params; returns whether it was desired."""
        return self.desired.pop(self.key(topic, params), None) is not None

    def replay(self) -> list[tuple[str, dict[str, Any]]]:
        """Everything desired, to re-send after a reconnect."""
        return list(self.desired.values())


# -- decoding ---------------------------------------------------------------------------------

_Factory = Callable[[str, Mapping[str, Any], Any], Any]
_quote, _trade = _wire_factory(QuoteUpdate), _wire_factory(TradeUpdate)
_time_and_sales, _level2 = _wire_factory(TimeAndSalesUpdate), _wire_factory(Level2Update)
_greeks = _wire_factory(GreeksUpdate)

# payload.type -> the model's fast constructor (one dict lookup instead of a chain of tests)
_UPDATE_TYPES: dict[str, _Factory] = {
    "quote": _quote,
    "quotes": _quote,
    "trade": _trade,
    "trades": _trade,
    "timeAndSales": _time_and_sales,
    "timeandsales": _time_and_sales,
    "level2": _level2,
    "greeks": _greeks,
}

_AUTH_FAILURES = frozenset({"authRequired", "authTimeout"})


def _guess_update(data: Mapping[str, Any]) -> _Factory | None:
    if "orderBook" in data:
        return _level2
    if "delta" in data or "impliedVolatility" in data:
        return _greeks
    if "bidPrice" in data or "askPrice" in data:
        return _quote
    if "lastPrice" in data or "tradeSeq" in data:
        return _trade
    return None


class Decoder:
    """Turns websocket frames into typed messages in one pass.

    A frame may hold several newline-separated JSON objects (NDJSON). Each becomes one item:
    a market-data model, an account event, a control message (auth, pong, ack) or an
    :class:`~aries_async.models.events.UnknownEvent`. A line that is not a JSON object is
    counted in :attr:`malformed`, logged (without its content beyond 80 characters) and
    skipped; the rest of the frame is still decoded.

    Attributes:
        malformed: lines that were not JSON objects.
        invalid: JSON objects whose payload did not fit its model (delivered as unknown).
        unknown: messages delivered as :class:`UnknownEvent`.
        lines: JSON lines decoded in total.
    """

    def __init__(self) -> None:
        self.malformed = 0
        self.invalid = 0
        self.unknown = 0
        self.lines = 0

    def feed(self, frame: str | bytes) -> list[Any]:
        """Decode one frame; never raises for bad content."""
        out = self._decode(frame)
        if len(out) > 1:  # for a single quote, converting on read costs less
            _convert_quote_prices(out)
        return out

    def _decode(self, frame: str | bytes) -> list[Any]:
        """:meth:`feed` without the batch conversion of the quotes' prices."""
        if type(frame) is bytes and _NEWLINE not in frame:
            # One line (a busy stream's usual frame, as the socket hands it over): the fast
            # path of the loop below, without the loop.
            try:
                message = _loads(frame)
                payload = message["payload"]
                if payload["action"] == "update" and message["type"] == "event":
                    data = payload["data"]
                    symbol = payload["symbol"]
                    if type(data) is dict and type(symbol) is str and symbol:
                        update = _UPDATE_TYPES[payload["type"]](
                            symbol, data, payload.get("timestamp")
                        )
                        self.lines += 1
                        return [update]
            except (KeyError, TypeError, orjson.JSONDecodeError):
                pass
        parsed: list[Any]
        try:
            # Every line is one JSON value and JSON strings cannot hold a raw newline, so a
            # frame of several lines is a JSON array once its newlines become commas: one
            # parse call per frame. If any line is bad, _slow parses line by line instead.
            if isinstance(frame, str):
                if "\n" in frame:
                    parsed = _loads("[" + frame.strip().replace("\n", ",") + "]")
                else:
                    parsed = [_loads(frame)]
            elif _NEWLINE in frame:
                parsed = _loads(b"[" + frame.strip().replace(b"\n", b",") + b"]")
            else:
                parsed = [_loads(frame)]
        except orjson.JSONDecodeError:
            parsed = self._slow(frame)
        self.lines += len(parsed)
        out: list[Any] = []
        append = out.append
        updates = _UPDATE_TYPES
        for message in parsed:
            if type(message) is not dict:
                self._bad(message)
                continue
            # The fast path, for a well-formed market-data update (nearly every message of a
            # busy stream): subscripts cost a third of a dict.get call. Whatever it does not
            # take (a missing key, another JSON type, another message) goes to message().
            try:
                payload = message["payload"]
                if payload["action"] == "update" and message["type"] == "event":
                    build = updates[payload["type"]]
                    data = payload["data"]
                    symbol = payload["symbol"]
                    if type(data) is dict and type(symbol) is str and symbol:
                        append(build(symbol, data, payload.get("timestamp")))
                        continue
            except (KeyError, TypeError):  # TypeError: payload or its type of another JSON type
                pass
            append(self.message(message))
        return out

    def feed_many(self, frames: list[bytes]) -> list[Any]:
        """Decode the frames of one socket read, in order: the items :meth:`feed` gives for
        each, in one list; never raises for bad content."""
        if len(frames) == 1:
            return self.feed(frames[0])
        # Frame by frame rather than one parse for the read: the JSON objects of a frame are
        # garbage as soon as it is decoded, so the collector does not walk a read's worth of
        # them (a read can bring a thousand frames; one parse measured 5% more instructions
        # a quote at 20 lines a frame, all of it garbage collection). The prices are
        # converted once for the read, a batch even when every frame holds one quote.
        decode = self._decode
        out: list[Any] = []
        for frame in frames:
            out += decode(frame)
        if len(out) > 1:
            _convert_quote_prices(out)
        return out

    def _slow(self, frame: str | bytes) -> list[Any]:
        lines = frame.splitlines()
        parsed: list[Any] = []
        for line in lines:
            if not line.strip():
                continue
            try:
                parsed.append(orjson.loads(line))
            except orjson.JSONDecodeError:
                self.malformed += 1
                log.warning(
                    "skipping a malformed stream line (%d so far): %.80r", self.malformed, line
                )
        return parsed

    def _bad(self, value: Any) -> None:
        self.malformed += 1
        self.lines -= 1
        log.warning(
            "skipping a stream line that is not a JSON object (%d so far): %.80r",
            self.malformed,
            value,
        )

    def message(self, message: dict[str, Any]) -> Any:
        """Decode one parsed JSON object."""
        kind = message.get("type")
        payload = message.get("payload")
        if kind == "event" and type(payload) is dict:
            action = payload.get("action")
            if action == "update":
                data = payload.get("data")
                if type(data) is not dict:
                    return self._unknown(message)
                update = payload.get("type")
                if update == "marketStatus":
                    return MarketStatusUpdate(data, payload.get("timestamp"))
                factory = _UPDATE_TYPES.get(update) if type(update) is str else None
                if factory is None:
                    factory = _guess_update(data)
                symbol = payload.get("symbol") or data.get("symbol")
                if factory is None or type(symbol) is not str:
                    return self._unknown(message)
                return factory(symbol, data, payload.get("timestamp"))
            if "topic" in payload:
                return self._account(message, payload)
            if action is not None:
                return self._control(message, payload, str(action))
            return self._unknown(message)
        if kind == "pong":
            return Pong(request_id=_request_id(message, payload))
        if kind in ("subscribed", "response"):
            body: dict[str, Any] = payload if isinstance(payload, dict) else {}
            status = body.get("status")
            if isinstance(status, int) and status >= 400:
                error = body.get("message") or body.get("error") or f"status {status}"
                return ServerErrorMessage(
                    error=str(error), request_id=_request_id(message, payload)
                )
            return SubscribeAck(
                request_id=_request_id(message, payload),
                status=status if isinstance(status, int) else None,
            )
        return self._unknown(message)

    def _control(self, message: dict[str, Any], payload: dict[str, Any], action: str) -> Any:
        if action == "authSuccess":
            data = payload.get("data")
            expires = data.get("expiresIn") if isinstance(data, dict) else None
            return AuthSuccess(
                request_id=_request_id(message, payload),
                expires_in_ms=expires if isinstance(expires, int) else None,
            )
        if action == "refreshAuth":
            return RefreshAuth()
        if action == "authExpired":
            return AuthExpired()
        if action in _AUTH_FAILURES:
            return AuthFailure(
                action=action,
                error=str(payload.get("error") or action),
                request_id=_request_id(message, payload),
            )
        if action == "error":
            return ServerErrorMessage(
                error=str(payload.get("error") or payload.get("message") or "error"),
                request_id=_request_id(message, payload),
            )
        return self._unknown(message)

    def _account(self, message: dict[str, Any], payload: dict[str, Any]) -> Any:
        data = payload.get("data")
        name = payload.get("name")
        stamp = payload.get("timestamp")
        stamp = stamp if isinstance(stamp, int) else None
        if payload.get("topic") != "account" or not isinstance(data, dict):
            return self._unknown(message)
        try:
            if name == "account.order":
                return OrderEvent(order=structure(data, Order), timestamp_ms=stamp)
            if name == "account.position":
                return PositionEvent(position=structure(data, Position), timestamp_ms=stamp)
            if name == "account.balance":
                return BalanceEvent(balance=structure(data, Balance), timestamp_ms=stamp)
            if name is None and ("ordersV2" in data or "positions" in data or "account" in data):
                account = data.get("account") or {}
                return AccountSnapshot(
                    account_id=str(account.get("accountId") or ""),
                    balance=structure(account, Balance),
                    positions=tuple(structure(data.get("positions") or [], list[Position])),
                    orders=tuple(structure(data.get("ordersV2") or [], list[Order])),
                    raw=data,
                )
        except Exception as exc:  # cattrs raises several types; the stream must go on
            self.invalid += 1
            log.warning("account event %s did not fit its model: %s", name, type(exc).__name__)
        return self._unknown(message)

    def _unknown(self, message: dict[str, Any]) -> UnknownEvent:
        self.unknown += 1
        return UnknownEvent(raw=message)


def _request_id(message: Mapping[str, Any], payload: Any) -> str | None:
    value = message.get("id")
    if value is None and isinstance(payload, dict):
        value = payload.get("id")
    return None if value is None else str(value)


# -- keep-alive -------------------------------------------------------------------------------


class HeartbeatAction(enum.Enum):
    """What the heartbeat wants done now."""

    NOTHING = "nothing"
    PING = "ping"
    DEAD = "dead"


class Heartbeat:
    """Ping schedule, pong timeout and staleness watchdog for one connection.

    The reader sets :attr:`last_received` on every frame (any frame proves the link is alive,
    so a pong without an id, or data queued ahead of the pong, satisfies a ping).

    Args:
        ping_interval: seconds between pings.
        pong_timeout: a ping with no frame after it for this long means dead.
        stale_after: no frame for this long means dead.
        now: the connection's start time.
    """

    def __init__(
        self, *, ping_interval: float, pong_timeout: float, stale_after: float, now: float
    ) -> None:
        self.ping_interval = ping_interval
        self.pong_timeout = pong_timeout
        self.stale_after = stale_after
        self.last_received = now
        self.last_ping: float | None = None
        self._started = now
        self.reason = ""

    def ping_sent(self, now: float) -> None:
        """Record a ping sent at ``now``."""
        self.last_ping = now

    def _outstanding(self) -> float | None:
        ping = self.last_ping
        if ping is not None and self.last_received < ping:
            return ping
        return None

    def check(self, now: float) -> HeartbeatAction:
        """Decide what to do at ``now``; on DEAD, :attr:`reason` says why."""
        if now - self.last_received >= self.stale_after:
            self.reason = f"no frames for {now - self.last_received:.1f} s"
            return HeartbeatAction.DEAD
        outstanding = self._outstanding()
        if outstanding is not None and now - outstanding >= self.pong_timeout:
            self.reason = f"no answer to ping within {self.pong_timeout:.1f} s"
            return HeartbeatAction.DEAD
        base = self.last_ping if self.last_ping is not None else self._started
        if outstanding is None and now - base >= self.ping_interval:
            return HeartbeatAction.PING
        return HeartbeatAction.NOTHING

    def next_check(self, now: float) -> float:
        """Seconds until :meth:`check` can next return something new (at least 0)."""
        deadlines = [self.last_received + self.stale_after]
        outstanding = self._outstanding()
        if outstanding is not None:
            deadlines.append(outstanding + self.pong_timeout)
        else:
            base = self.last_ping if self.last_ping is not None else self._started
            deadlines.append(base + self.ping_interval)
        return max(0.0, min(deadlines) - now)


# -- reconnect backoff ------------------------------------------------------------------------


class Backoff:
    """Exponential reconnect delays with jitter; a healthy connection resets them.

    Example:
        >>> b = Backoff(initial=1.0, maximum=8.0, multiplier=2.0, jitter=0.0, reset_after=60)
        >>> [b.next_delay(0.5) for _ in range(5)]
        [1.0, 2.0, 4.0, 8.0, 8.0]
    """

    def __init__(
        self,
        *,
        initial: float,
        maximum: float,
        multiplier: float,
        jitter: float,
        reset_after: float,
    ) -> None:
        self.initial = initial
        self.maximum = maximum
        self.multiplier = multiplier
        self.jitter = jitter
        self.reset_after = reset_after
        self.failures = 0
        self._connected_at: float | None = None

    def next_delay(self, rand: float) -> float:
        """The delay before the next attempt; ``rand`` is uniform in [0, 1)."""
        try:
            growth = float(self.multiplier) ** self.failures
        except OverflowError:  # after a thousand failures in a row, or so
            growth = math.inf
        nominal = min(self.maximum, self.initial * growth) if self.initial > 0 else 0.0
        self.failures += 1
        return max(0.0, nominal * (1.0 + self.jitter * (2.0 * rand - 1.0)))

    def connected(self, now: float) -> None:
        """A connection is up (authenticated and subscribed) at ``now``."""
        self._connected_at = now

    def disconnected(self, now: float, *, healthy: bool = False) -> bool:
        """The connection ended at ``now``; resets the delays if it was ``healthy`` (it
        delivered data, say) or had been up for ``reset_after``. Returns whether it reset."""
        stable = self._connected_at is not None and now - self._connected_at >= self.reset_after
        self._connected_at = None
        if healthy or stable:
            self.failures = 0
            return True
        return False
