"""Requests over the market socket (websocket.md 2.7): ``await stream.expiry_dates("AAPL")``.

A request is sent with a correlation id and its answer, a ``response`` with the same id, is
matched to it by :class:`PendingRequests`. A ``status`` of 400 or more, or an ``error`` event
with the id, fails it with :class:`~aries_async.errors.StreamRequestError` (``status`` and
``code`` as the server sent them). Where an ``error`` carries the id is UNKNOWN (websocket.md
2.6): one without any that is not a subscription's (it names no symbol a subscribe awaits an
answer about, nor says "already subscribed") fails the request in flight when there is just
one on the socket, since it can answer nothing else, unless it names symbols and none of
them is in the request's path or query (a notice of another symbol, "TSLA halted", while
AAPL's expiry dates are asked for: it is only delivered). With several requests it cannot be
told which, so they wait on for their own answers (a WARNING says so, once per stream).
No error code or notice is documented: an unprompted notice that names the request's symbol,
or no symbol, still fails the lone request (no content tells it from a refusal), and a
refusal that names only symbols the request does not hold is taken for a notice (the
request then waits for its timeout). No answer within
``timeout`` (default :attr:`StreamConfig.request_timeout`) raises
:class:`~aries_async.errors.StreamRequestTimeout`.

When the socket drops with a request in flight, a ``GET`` (every documented request reads) is
sent again, once, right after the next connection is authenticated, within the same timeout;
any other request, or a ``GET`` that was resent already, fails at once with
:class:`~aries_async.errors.StreamRequestInterrupted`. A request made while the stream is
between connections goes out with the next one.

The answer's payload is UNKNOWN beyond ``status``: the object under ``data`` or ``body`` is
taken, else the payload without ``status``, ``id``, ``code`` and ``message``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from aries_async._redaction import prints_secret
from aries_async._settings import Seconds, seconds_setting
from aries_async._validate import require_day, require_text
from aries_async.errors import (
    ResponseFormatError,
    StreamClosedError,
    StreamRequestError,
    StreamRequestInterrupted,
    StreamRequestTimeout,
    ValidationError,
)
from aries_async.models.events import QuoteUpdate, ServerErrorMessage, SubscribeAck, TradeUpdate
from aries_async.streaming._tasks import finished_within
from aries_async.streaming.protocol.frames import encode_request
from aries_async.streaming.protocol.untied import UntiedLog, lone

if TYPE_CHECKING:
    from aries_async.models.options import OptionChain
    from aries_async.streaming.config import StreamConfig
    from aries_async.streaming.connection import Connection

__all__ = ["EquitySnapshot", "PendingRequests", "SocketRequests", "answer_data"]

_T = TypeVar("_T")


EQUITY_SNAPSHOT_PATH = "/equities/{symbol}/snapshot"
"""The equity snapshot request's path: UNKNOWN in the spec (websocket.md 2.7), our guess."""

_META = frozenset({"status", "id", "code", "message", "error"})


@attrs.frozen(kw_only=True)
class EquitySnapshot:
    """``MarketStream.equity_snapshot()``: the current quote and last trade of a symbol, in the
    market stream's own models (lazy ``Decimal`` fields, tolerant of numbers or strings).

    Attributes:
        symbol: the symbol.
        quote: the quote fields of the answer (``bidPrice``, ``askPrice``...).
        trade: the trade fields of the answer (``lastPrice``, ``totalVolume``...).
        raw: the answer's data as sent.
    """

    symbol: str
    quote: QuoteUpdate
    trade: TradeUpdate
    raw: Mapping[str, Any] = attrs.field(repr=False, eq=False)


def answer_data(payload: Any) -> Any:
    """The answer in a ``response`` payload (see the module docstring)."""
    if not isinstance(payload, Mapping):
        return payload
    for key in ("data", "body", "result"):
        if payload.get(key) is not None:
            return payload[key]
    return {k: v for k, v in payload.items() if k not in _META}


@attrs.define
class _Request:
    frame: str = attrs.field(repr=False)
    future: asyncio.Future[Any]
    resend: bool
    names: frozenset[str]  # what it holds that an error may name: path segments, query values
    sends: int = 0
    on_socket: bool = False


class PendingRequests:
    """Socket requests in flight by correlation id, across the stream's connections."""

    def __init__(self) -> None:
        self._open: dict[str, _Request] = {}
        self._untied = UntiedLog("market", "each waits for its own answer (or its timeout)")

    def __len__(self) -> int:
        return len(self._open)

    def add(
        self, request_id: str, frame: str, *, resend: bool, names: Iterable[str] = ()
    ) -> _Request:
        """Track a new request (not sent yet); ``names``: the symbols it may be about."""
        future = asyncio.get_running_loop().create_future()
        request = _Request(frame, future, resend, frozenset(n.upper() for n in names))
        self._open[request_id] = request
        return request

    def discard(self, request_id: str) -> None:
        """Forget a request (answered, timed out or abandoned)."""
        self._open.pop(request_id, None)

    def answer(self, ack: SubscribeAck) -> bool:
        """A ``response`` or ``subscribed`` message: whether it answered one of ours."""
        request = self._open.pop(ack.request_id or "", None)
        if request is None:
            return False
        if not request.future.done():
            request.future.set_result(ack.payload)
        return True

    def refuse(self, error: ServerErrorMessage, *, unnamed: bool = True) -> bool:
        """An error: whether it answered one of ours (which then fails). One without an id
        (given ``unnamed``: it is no subscription's) answers the only request on the socket;
        among several it answers none (logged once)."""
        request_id = error.request_id
        if request_id is None:
            if not unnamed:
                return False
            request_id = self._lone(error)
            if request_id is None:
                return False
        request = self._open.pop(request_id, None)
        if request is None:
            return False
        if not request.future.done():
            request.future.set_exception(
                StreamRequestError(
                    f"the server refused request {request_id}: {error.error}",
                    request_id=request_id,
                    status=error.status,
                    code=error.code,
                )
            )
        return True

    def _lone(self, error: ServerErrorMessage) -> str | None:
        """The id of the only request on the socket, which an id-less error can only answer
        (unless it names none of the request's symbols: a notice)."""
        on_socket = {rid: req.names for rid, req in self._open.items() if req.on_socket}
        request_id = lone(on_socket, error.symbols or ())
        if len(on_socket) > 1:
            self._untied.untied(error.error, len(on_socket), "requests")
        return request_id

    def lost(self) -> None:
        """The socket is gone: what was in flight on it is resent once, or fails now."""
        for request_id, request in list(self._open.items()):
            if not request.on_socket:
                continue
            request.on_socket = False
            if request.resend and request.sends < 2:
                continue
            del self._open[request_id]
            if not request.future.done():
                request.future.set_exception(
                    StreamRequestInterrupted(
                        f"the connection was lost while request {request_id} was in flight",
                        request_id=request_id,
                    )
                )

    def replay(self) -> list[str]:
        """A new connection is authenticated: the frames of the requests to (re)send."""
        frames = []
        for request in self._open.values():
            if not request.on_socket:
                request.on_socket = True
                request.sends += 1
                frames.append(request.frame)
        return frames

    def end(self) -> None:
        """The stream is over: every request left fails."""
        for request_id, request in self._open.items():
            if not request.future.done():
                request.future.set_exception(
                    StreamClosedError(f"the stream closed before request {request_id} was answered")
                )
        self._open.clear()


class SocketRequests:
    """The market stream's socket requests (a mixin of
    :class:`~aries_async.streaming.market.MarketStream`)."""

    config: StreamConfig
    _connection: Connection
    _requests: PendingRequests
    _request_sleep: Callable[[float], Awaitable[Any]]

    def _check_open(self) -> None:
        raise NotImplementedError

    def _structured(self, data: Any, cls: type[_T], what: str) -> _T:
        """The answer ``data`` as ``cls``.

        Raises:
            ResponseFormatError: it does not fit; neither its message nor its causes quote a
                token the stream authenticated with (the answer came on the socket: the
                blanking of ``client.request`` does not see it).
        """
        from aries_async.models._problems import structure_answer

        try:
            return structure_answer(data, cls, what)
        except ResponseFormatError as exc:
            clean = _unquoting(exc, self._connection.decoder.unquoted)
            if clean is exc:
                raise
            raise clean from None

    async def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        body: Any = None,
        timeout: Seconds | None = None,
    ) -> Any:
        """Send a REST-like request over the socket and return its answer's data (decoded
        JSON; see the module docstring for where it is taken from).

        Args:
            method: ``GET`` (resent once after a reconnect) or another method (not resent).
            path: the request path (``/options/AAPL/expiry-dates``).
            query, body: sent as given, when given.
            timeout: seconds to wait (default :attr:`StreamConfig.request_timeout`): a finite
                number above 0 (an int, a float or a ``Decimal``).

        Raises:
            ValidationError: an empty method or path, or a timeout that is not a finite number
                above 0 (NaN, an infinity, 0, a negative, a bool, text).
            StreamRequestError: the server refused it (``status``, ``code``).
            StreamRequestTimeout: no answer in time.
            StreamRequestInterrupted: the socket dropped with it in flight (see above).
            StreamClosedError: the stream is closed, or closed before the answer.
        """
        method = require_text(method, "method").upper()
        path = require_text(path, "path")
        wait = (
            self.config.request_timeout
            if timeout is None
            else seconds_setting(timeout, "timeout", error=ValidationError, decimals=True)
        )
        self._check_open()
        connection = self._connection
        request_id = connection.ids("req")
        request = self._requests.add(
            request_id,
            encode_request(request_id, method, path, query, body),
            resend=method == "GET",
            names=_names(path, query),
        )
        try:
            if connection.connected:
                request.on_socket = True
                request.sends = 1
                if not await connection.send(request.frame):
                    request.on_socket = False  # gone meanwhile: the next connection sends it
                    request.sends = 0
            if not await finished_within(request.future, wait, self._request_sleep):
                raise StreamRequestTimeout(
                    f"no answer to request {request_id} ({method} {path}) within {wait:g} s",
                    request_id=request_id,
                )
            return answer_data(request.future.result())
        finally:
            self._requests.discard(request_id)

    async def expiry_dates(self, symbol: str, *, timeout: Seconds | None = None) -> list[date]:
        """The option expiry dates of an underlying (``GET /options/{symbol}/expiry-dates``).

        Raises:
            ValidationError, StreamRequestError, StreamRequestTimeout,
            StreamRequestInterrupted, StreamClosedError: see :meth:`request`;
            ResponseFormatError: the answer does not fit.
        """
        from aries_async.models.options import OptionExpirations

        symbol = _symbol(symbol)
        data = await self.request("GET", f"/options/{symbol}/expiry-dates", timeout=timeout)
        return self._structured(data, OptionExpirations, "expiry dates").expiry_dates

    async def contract_symbols(
        self, symbol: str, expiration: date, *, timeout: Seconds | None = None
    ) -> OptionChain:
        """The option contracts of one expiry
        (``GET /options/{symbol}/contracts/{YYYY-MM-DD}``): calls and puts, named by their
        ``O:`` ticker; subscribe to a contract by its OSI symbol (``contract.osi``).

        Raises:
            ValidationError: ``expiration`` is not a date; and as :meth:`expiry_dates`.
        """
        from aries_async.models.options import OptionChain

        expiration = require_day(expiration, "expiration")
        path = f"/options/{_symbol(symbol)}/contracts/{expiration.isoformat()}"
        data = await self.request("GET", path, timeout=timeout)
        return self._structured(data, OptionChain, "contract symbols")

    async def equity_snapshot(
        self, symbol: str, *, timeout: Seconds | None = None
    ) -> EquitySnapshot:
        """The current quote and last trade of a symbol (the path is UNKNOWN in the spec: we
        send ``GET /equities/{symbol}/snapshot``).

        Raises:
            As :meth:`expiry_dates`.
        """
        symbol = _symbol(symbol)
        path = EQUITY_SNAPSHOT_PATH.format(symbol=symbol)
        data = await self.request("GET", path, timeout=timeout)
        if not isinstance(data, Mapping):
            shown = self._connection.decoder.unquoted(repr(data)[:80])
            raise ResponseFormatError(f"unexpected equity snapshot response: {shown}")
        name = data.get("symbol")
        name = name.upper() if isinstance(name, str) and name else symbol
        return EquitySnapshot(
            symbol=name,
            quote=QuoteUpdate(symbol=name, data=data, timestamp_ms=None),
            trade=TradeUpdate(symbol=name, data=data, timestamp_ms=None),
            raw=data,
        )


def _unquoting(error: ResponseFormatError, unquoted: Callable[[str], str]) -> ResponseFormatError:
    """``error`` when neither it nor its causes quote a token (``unquoted`` blanks them); else
    one without them: its message blanked, its causes (cattrs' errors, which hold the value
    whole) left off."""
    if not prints_secret(error, unquoted):
        return error
    fresh = ResponseFormatError(unquoted(str(error)))
    fresh.__suppress_context__ = True
    return fresh


def _names(path: str, query: Mapping[str, Any] | None) -> list[str]:
    """What a request holds that an error about it may name: its path's segments and its
    query's text values (``/options/AAPL/expiry-dates``: ``AAPL`` among them)."""
    names = [segment for segment in path.split("?")[0].split("/") if segment]
    for value in (query or {}).values():
        values = value if isinstance(value, list | tuple) else [value]
        names += [v for v in values if isinstance(v, str)]
    return names


def _symbol(symbol: str) -> str:
    text = require_text(symbol, "symbol").upper()
    if any(c in text for c in "/?#% "):
        raise ValidationError(f"not a symbol: {symbol!r}", field="symbol")
    return text
