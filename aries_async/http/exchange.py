"""The pieces of one HTTP exchange: the raw response, its timeouts, a body read under the
size cap, an error status turned into the error of ours for it, an aiohttp or OS failure
turned into the error of ours that says whether the request was sent, and the mark an
interruption carries when it ended a call before its request was sent.
"""

from __future__ import annotations

import asyncio
import functools
import weakref
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import aiohttp
import attrs
import orjson
import yarl
from multidict import CIMultiDict

from aries_async._redaction import blanked, blanked_within
from aries_async._url_secrets import redacted
from aries_async.config import ClientConfig
from aries_async.errors import (
    APIError,
    AriesError,
    ClientClosedError,
    ConnectionFailedError,
    RequestTimeoutError,
    ResponseTooLargeError,
    api_error_from_response,
)
from aries_async.http.token_wait import waiting_for_token

__all__ = [
    "HeaderFactory",
    "Monotonic",
    "Query",
    "Response",
    "Sleep",
    "by_deadline",
    "client_timeout",
    "closing_of",
    "failure",
    "mark_unsent",
    "never_sent",
    "path_of",
    "read_capped",
    "session_timeout",
    "status_error",
]

Sleep = Callable[[float], Awaitable[None]]

Monotonic = Callable[[], float]
"""A monotonic clock in seconds (``time.monotonic``), for the deadline of each call."""

Query = Mapping[str, str] | str
"""Query parameters: a mapping, or a query string as aiohttp takes it (``"symbols=AAPL"``)."""

HeaderFactory = Callable[[], "dict[str, str] | Awaitable[Mapping[str, str]]"]
"""Called before every attempt for headers to add (the bearer token): a new dict, or an
awaitable of the headers when it has to wait for them first."""


@attrs.define
class Response:
    """A raw HTTP response (treat it as read-only).

    Not frozen: a frozen class sets each field through ``object.__setattr__``, which costs
    twice as much for an object built on every request.
    """

    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        """The body decoded with orjson (None for an empty body)."""
        return orjson.loads(self.body) if self.body else None


def status_error(
    response: Response,
    reason: str | None,
    method: str,
    url: str,
    *,
    now: float,
    sent: Mapping[str, str] | None = None,
) -> APIError:
    """The error of ours for an error status (4xx, 5xx); ``now`` is the client's wall clock
    (Unix seconds), which an HTTP-date ``Retry-After`` is read against. The bearer token of
    ``sent`` (the request's headers), whole or any piece of it, is blanked out of the body
    and the reason the error keeps: a server may quote what it was sent, and errors get
    logged. So is it out of the headers the error keeps (``Authorization``, ``Cookie`` and
    ``Set-Cookie`` are dropped whole)."""
    body = response.body
    headers = response.headers
    bearer = _bearer(sent)
    if bearer:
        text = body.decode(errors="replace")
        shown = blanked_within(text, bearer)
        if shown != text:
            body = shown.encode()
        reason = reason and blanked(reason, [bearer])
        headers = _blank_headers(headers, bearer)
    return api_error_from_response(
        response.status,
        headers,
        body,
        reason=reason,
        method=method,
        path=path_of(url),
        now=now,
    )


def _blank_headers(headers: Mapping[str, str], bearer: str) -> Mapping[str, str]:
    """``headers`` with ``bearer`` blanked out of their values (``blanked_within``, over the
    values at once: the token's pieces are computed once). A NUL cannot be in a header value,
    nor in a token, so no piece found spans two values."""
    pairs = list(headers.items())
    values = blanked_within("\0".join(value for _, value in pairs), bearer).split("\0")
    if len(values) != len(pairs):  # a value with a NUL after all: keep none rather than guess
        return {}
    return CIMultiDict((name, value) for (name, _), value in zip(pairs, values, strict=True))


def _bearer(headers: Mapping[str, str] | None) -> str | None:
    """The token of an ``Authorization: Bearer`` header among ``headers``, if any."""
    for name, value in (headers or {}).items():
        if name.lower() == "authorization":
            scheme, _, token = value.partition(" ")
            return token.strip() or None if scheme.lower() == "bearer" else None
    return None


def failure(
    exc: BaseException, method: str, url: str, *, closed: bool, begun: bool = True
) -> AriesError:
    """The error of ours for an aiohttp or OS failure of one attempt (``closed``: the
    transport was closed meanwhile; ``begun`` False: aiohttp had not started to write the
    request, as a traced order write tells)."""
    # Could not connect (refused, or no connection in time: aiohttp's ConnectionTimeoutError
    # ends only the wait for a connection), or never got as far as writing: certainly not
    # sent. A ServerTimeoutError else (a read's) may come after the request went out.
    unsent = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)
    sent = begun and not isinstance(exc, unsent)
    if closed:  # close() cut the connection: not a network failure to retry
        return ClientClosedError(
            f"{method} {path_of(url)}: the client was closed", request_sent=sent
        )
    if isinstance(exc, TimeoutError):
        return RequestTimeoutError(f"{method} {path_of(url)} timed out", request_sent=sent)
    if isinstance(exc, aiohttp.ClientConnectorError):
        return ConnectionFailedError(
            f"{method} {path_of(url)}: cannot connect{_to(url)}", request_sent=False
        )
    return ConnectionFailedError(
        f"{method} {path_of(url)}: connection failed{_to(url)} ({type(exc).__name__})",
        request_sent=sent,
    )


def _to(url: str) -> str:
    """`` to host:port`` of ``url``, which server a network failure was with (the path alone
    does not tell); never its credentials or query (see :func:`redacted`), nothing when it
    cannot be shown safely."""
    shown = redacted(url)
    if shown is None:
        return ""
    parsed = yarl.URL(shown)
    host = parsed.raw_host
    if not host:
        return ""
    where = f"[{host}]" if ":" in host else host  # an IPv6 address
    return f" to {where}" if parsed.port is None else f" to {where}:{parsed.port}"


_UNSENT = "_aries_async_unsent"


def mark_unsent(interruption: BaseException, task: asyncio.Task[Any] | None = None) -> None:
    """Record on ``interruption`` (a cancellation, ``KeyboardInterrupt``, ``SystemExit``,
    ``GeneratorExit``) that it ended a call before the call's request was sent. It goes on
    unchanged otherwise: an attribute, not a wrapper or a note, which the user would see.

    A ``GeneratorExit`` is recorded for ``task`` too: a coroutine closed while it waits (its
    task destroyed pending) gets a ``GeneratorExit`` of its own at each frame of its chain of
    awaits, so the caller's is not this one; the task is what they share. It is kept in a
    weak set of ours rather than on asyncio's object."""
    setattr(interruption, _UNSENT, True)
    if task is not None and isinstance(interruption, GeneratorExit):
        _UNSENT_TASKS.add(task)


def closing_of(exc: BaseException) -> GeneratorExit | None:
    """The ``GeneratorExit`` that ``exc`` is, or was raised while handling, if any: a
    coroutine closed while it waits (its task destroyed pending with its event loop) runs the
    cleanup under it on the way out, and on a closed loop that cleanup may raise another error
    (aiohttp, closing the connection: ``RuntimeError: Event loop is closed``) in its place."""
    seen: BaseException | None = exc
    for _ in range(32):  # a context chain is short; the bound guards against a cycle
        if seen is None or isinstance(seen, GeneratorExit):
            return seen
        seen = seen.__context__
    return None


def never_sent(interruption: BaseException, task: asyncio.Task[Any] | None = None) -> bool:
    """Whether ``interruption`` ended a call before its request was sent (see
    :func:`mark_unsent`; a ``GeneratorExit``, for the call's ``task``); False when it may have
    been sent, or nobody knows."""
    if getattr(interruption, _UNSENT, False) is True:
        return True
    return isinstance(interruption, GeneratorExit) and task is not None and task in _UNSENT_TASKS


_UNSENT_TASKS: weakref.WeakSet[asyncio.Task[Any]] = weakref.WeakSet()
"""The tasks whose closing call (a ``GeneratorExit``) was ended before its request was sent."""


async def read_capped(resp: aiohttp.ClientResponse, cap: int, method: str, url: str) -> bytes:
    """The body of a response without a usable ``Content-Length`` (chunked, compressed) or
    announcing more than the cap, read no further than ``cap`` bytes (the client's
    ``max_response_bytes``).

    Raises:
        ResponseTooLargeError: the body is larger than the cap (the connection is closed).
    """
    length = resp.content_length
    size = 0
    chunks: list[bytes] = []
    if length is None or length <= cap:
        async for chunk in resp.content.iter_any():
            size += len(chunk)
            if size > cap:
                break
            chunks.append(chunk)
        else:
            return b"".join(chunks)
    resp.close()  # the rest is never read: drop the connection rather than reuse it
    raise ResponseTooLargeError(
        f"{method} {path_of(url)}: the response body is larger than max_response_bytes={cap}",
        limit=cap,
        status=resp.status,
    )


@functools.lru_cache(maxsize=64)
def client_timeout(total: float, connect: float) -> aiohttp.ClientTimeout:
    """A total timeout, and ``connect`` (at most ``total``) for opening a new connection (cached:
    a handful of distinct values are reused for every call).

    The connect timeout is aiohttp's ``sock_connect``, which bounds the TCP (and TLS) connect
    of a new connection only. aiohttp's ``connect`` would also bound the wait for a free pooled
    connection, turning a busy pool into a "cannot connect" error, and it arms a timer on every
    request, pooled connection or not.
    """
    return aiohttp.ClientTimeout(total=total, sock_connect=min(connect, total))


def session_timeout(config: ClientConfig) -> aiohttp.ClientTimeout:
    """The timeout of the session we create: the call's budget, the connect timeout in it."""
    return client_timeout(config.timeout, config.connect_timeout)


def path_of(url: str) -> str:
    """The path of a URL, for messages and logs (no query: it may carry identifiers)."""
    rest = url.split("://", 1)[-1]
    slash = rest.find("/")
    path = rest[slash:] if slash != -1 else "/"
    return path.split("?", 1)[0]


T = TypeVar("T")


async def by_deadline(
    token: Awaitable[T], deadline: float, monotonic: Callable[[], float], call: str
) -> T:
    """``token``'s result (the access token of ``call``, "GET /path"), unless ``deadline``
    (on ``monotonic``) passes first: a renewal held up (a stalled token store, a slow token
    endpoint) goes on without the call, which does not wait past its timeout; while the token
    in hand would serve, it waits part of that time only (:mod:`~.token_wait`).

    Raises:
        RequestTimeoutError: the deadline passed; the request was not sent.
    """
    left = deadline - monotonic()
    scope = asyncio.timeout(left)
    try:
        with waiting_for_token(left):  # the token in hand may serve before the deadline
            async with scope:
                return await token
    except TimeoutError:
        if not scope.expired():
            raise
    raise RequestTimeoutError(
        f"{call}: waited for its access token past its timeout", request_sent=False
    )
