"""One pass from a websocket frame to typed events (NDJSON split, orjson, model); malformed
lines are counted and logged, unknown messages become
:class:`~aries_async.models.events.UnknownEvent`.

Numbers are read as a REST answer's are (:func:`aries_async.http.decode.loads`): a frame
holding a run of 16 digits and points, a number a float may not hold, is read exactly (every
number with a fraction a ``Decimal`` of the digits sent, which the models take as they take a
float); the rest, nearly every frame, by orjson."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

import orjson

from aries_async.http.decode import exact_needed, loads
from aries_async.models._market_events import convert_quote_prices
from aries_async.models._wire import to_str, wire_factory
from aries_async.models.events import (
    AuthExpired,
    AuthFailure,
    AuthSuccess,
    GreeksUpdate,
    Level2Update,
    MarketStatusUpdate,
    Pong,
    QuoteUpdate,
    RefreshAuth,
    ServerErrorMessage,
    SubscribeAck,
    TimeAndSalesUpdate,
    TradeUpdate,
    UnknownEvent,
)
from aries_async.streaming.protocol.words import QUOTED, Words

__all__ = ["Decoder"]

log = logging.getLogger("aries_async.streaming")
_loads, _plain_loads = loads, orjson.loads
_NEWLINE = ord("\n")
"""``_NEWLINE in frame`` finds a newline byte in a few dozen nanoseconds. ``b"\n" in frame``
takes five times as long: ``bytes.__contains__`` first tries its argument as an integer, and a
bytes argument raises (and clears) a TypeError every time."""


_Factory = Callable[[str, Mapping[str, Any], Any], Any]
_quote, _trade = wire_factory(QuoteUpdate), wire_factory(TradeUpdate)
_time_and_sales, _level2 = wire_factory(TimeAndSalesUpdate), wire_factory(Level2Update)
_greeks = wire_factory(GreeksUpdate)

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
    """The model of an update whose ``type`` the client does not know (websocket.md 3.5: the
    strings are UNKNOWN), by what its ``data`` holds. A time and sales print names its own
    ``symbol`` in ``data`` (the docs' example, the SDK's model) and has no session figures; a
    trade has ``lastPrice`` or ``totalVolume`` beside its ``price`` and ``tradeSeq``."""
    if "orderBook" in data:
        return _level2
    if "delta" in data or "impliedVolatility" in data:
        return _greeks
    if "bidPrice" in data or "askPrice" in data:
        return _quote
    if "lastPrice" in data or "totalVolume" in data:
        return _trade
    if "price" in data or "tradeSeq" in data:
        return _time_and_sales if "symbol" in data else _trade
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
        sent: the token the stream last authenticated with (set as the auth request goes, and
            at each re-authentication): a line a warning quotes is quoted without it, nor
            without the few before it (:meth:`unquoted`), whole or in part.

    The server's words in an error (its text, its code) are given as sent when they are
    text, else as compact JSON (``{"code":1}``), of which the first 80 characters; either
    without the tokens (:class:`~aries_async.streaming.protocol.words.Words`).
    """

    def __init__(self) -> None:
        self.malformed: int = 0
        self.invalid: int = 0
        self.unknown: int = 0
        self.lines: int = 0
        self._words = Words()

    @property
    def sent(self) -> str | None:
        return self._words.sent

    @sent.setter
    def sent(self, token: str | None) -> None:
        self._words.sent = token

    def unquoted(self, text: str) -> str:
        """``text`` without any of the tokens the stream authenticated with lately (the
        newest and the few before it, which a server answering late may still echo)."""
        return self._words.unquoted(text)

    def quotes_sent(self, error: Any) -> bool:
        """Whether ``error``, decoded since the stream last authenticated, quoted that token
        (the newest: its words as decoded blank it and the older ones alike)."""
        return self._words.quotes_sent(error)

    def _said(self, words: Any) -> str:
        """The server's words in an error (its text, its code) without the tokens: they reach
        the consumers, the requests' errors and the logs (:meth:`.Words.said`: an object or a
        list as compact JSON, cut)."""
        return self._words.said(words)

    def _shown(self, line: Any) -> str:
        """``line`` for a warning: its first 80 characters, without the tokens."""
        return self.unquoted(repr(line)[:QUOTED])

    def feed(self, frame: str | bytes) -> list[Any]:
        """Decode one frame; never raises for bad content."""
        out = self._decode(frame)
        if len(out) > 1:  # for a single quote, converting on read costs less
            self.convert_prices(out)
        return out

    def _decode(self, frame: str | bytes, plain: bool = False) -> list[Any]:
        """:meth:`feed` without the batch conversion of the quotes' prices; ``plain``: the
        frame holds no number a float may not hold (it was looked for already)."""
        if type(frame) is bytes and _NEWLINE not in frame:
            # One line (a busy stream's usual frame, as the socket hands it over): the fast
            # path of the loop below, without the loop.
            try:
                read = _plain_loads if plain or not exact_needed(frame) else _loads
                message = read(frame)
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
            except (KeyError, TypeError, ValueError):  # ValueError: not JSON
                pass
        parsed = self.parse(frame, plain)
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

    def convert_prices(self, messages: list[Any]) -> None:
        """Converts the prices of the quotes of a frame or read in one batch (see
        :func:`~aries_async.models._market_events.price_converter`)."""
        convert_quote_prices(messages)

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
        # One look for a long number in the read rather than one a frame (the bytes joined
        # at memory speed: the look's cost is mostly its calls); a read holding one leaves
        # each frame to look for itself.
        plain = not exact_needed(b"".join(frames))
        for frame in frames:
            out += decode(frame, plain)
        if len(out) > 1:
            self.convert_prices(out)
        return out

    def parse(self, frame: str | bytes, plain: bool = False) -> list[Any]:
        """The JSON values of a frame's lines (counted in :attr:`lines`); a line that is not
        JSON is counted in :attr:`malformed`, logged and left out. ``plain``: the frame holds
        no number a float may not hold (it was looked for already)."""
        parsed: list[Any]
        if isinstance(frame, str):  # the exact-number check reads bytes
            frame = frame.encode()
        read = _plain_loads if plain else loads
        try:
            # Every line is one JSON value and JSON strings cannot hold a raw newline, so a
            # frame of several lines is a JSON array once its newlines become commas: one
            # parse call per frame. If any line is bad, _slow parses line by line instead.
            if _NEWLINE in frame:
                parsed = read(b"[" + frame.strip().replace(b"\n", b",") + b"]")
            else:
                parsed = [read(frame)]
        except ValueError:  # orjson's and the exact reader's errors
            parsed = self._slow(frame)
        self.lines += len(parsed)
        return parsed

    def _slow(self, frame: bytes) -> list[Any]:
        lines = frame.splitlines()
        parsed: list[Any] = []
        for line in lines:
            if not line.strip():
                continue
            try:
                parsed.append(_loads(line))
            except ValueError:
                self.malformed += 1
                log.warning(
                    "skipping a malformed stream line (%d so far): %s",
                    self.malformed,
                    self._shown(line),
                )
        return parsed

    def _bad(self, value: Any) -> None:
        self.malformed += 1
        self.lines -= 1
        log.warning(
            "skipping a stream line that is not a JSON object (%d so far): %s",
            self.malformed,
            self._shown(value),
        )

    def message(self, message: dict[str, Any]) -> Any:
        """Decode one parsed JSON object."""
        kind = message.get("type")
        payload = message.get("payload")
        if kind == "event" and type(payload) is dict:
            if "topic" in payload:
                return self._account(message, payload)
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
                code = body.get("code")
                refused = ServerErrorMessage(
                    error=self._said(error),
                    request_id=_request_id(message, payload),
                    status=status,
                    code=None if code is None else self._said(code),
                )
                return self._words.note(refused, error, code)
            return SubscribeAck(
                request_id=_request_id(message, payload),
                status=status if isinstance(status, int) else None,
                payload=payload if kind == "response" else None,
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
                error=self._said(payload.get("error") or action),
                request_id=_request_id(message, payload),
            )
        if action == "error":
            words = payload.get("error") or payload.get("message") or "error"
            error = ServerErrorMessage(
                error=self._said(words),
                request_id=_request_id(message, payload),
                symbols=_texts(payload.get("symbols")),
                channels=_texts(payload.get("channels")),
            )
            return self._words.note(error, words)
        return self._unknown(message)

    def _account(self, message: dict[str, Any], payload: dict[str, Any]) -> Any:
        # Loaded with the account stream (its module imports it, in a worker thread): the
        # market and chart streams never build the account events nor their REST models.
        from aries_async.streaming.protocol.account_events import account_event

        try:
            event = account_event(payload)
        except Exception as exc:  # cattrs raises several types; the stream must go on
            self.invalid += 1
            log.warning("%s did not fit its model: %s", _what(payload), type(exc).__name__)
            event = None
        return self._unknown(message) if event is None else event

    def _unknown(self, message: dict[str, Any]) -> UnknownEvent:
        self.unknown += 1
        return UnknownEvent(raw=message)


def _request_id(message: Mapping[str, Any], payload: Any) -> str | None:
    """The message's id (or its payload's), text or a number's text; None for an object or a
    list, which is no id (:func:`~aries_async.models._wire.to_str`: its text may hold a secret
    the server echoed, and no request of ours has it)."""
    value = message.get("id")
    if value is None and isinstance(payload, dict):
        value = payload.get("id")
    return to_str(value)


def _texts(value: Any) -> tuple[str, ...] | None:
    """The strings of a list (an error's ``symbols`` or ``channels``); None when it has none."""
    found = tuple(v for v in value if type(v) is str) if type(value) is list else ()
    return found or None


def _what(payload: Mapping[str, Any]) -> str:
    """An account message's kind, for a log line: its topic or its event name."""
    topic = payload.get("topic")
    if isinstance(topic, str) and topic and topic != "account":
        return f"{topic} event"
    return f"account event {payload.get('name')}"
