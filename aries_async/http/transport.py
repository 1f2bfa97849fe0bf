"""The aiohttp owner: one pooled session, bytes in and out, status mapped to the error tree.

Resources never touch aiohttp; they call :meth:`Transport.request` and parse the bytes.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import TYPE_CHECKING, Any

import aiohttp
import attrs
import orjson
import yarl

from aries_async.config import ClientConfig
from aries_async.errors import (
    AriesError,
    ConnectionFailedError,
    RequestTimeoutError,
    api_error_from_response,
)
from aries_async.http.retry import retry_delay, should_retry

if TYPE_CHECKING:
    from tenacity import RetryCallState

__all__ = ["HeaderFactory", "Query", "Response", "Sleep", "Transport"]

log = logging.getLogger("aries_async.http")

Sleep = Callable[[float], Awaitable[None]]

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


class Transport:
    """Owns the aiohttp session and sends requests with retries decided in :mod:`.retry`.

    Args:
        config: pool size, timeouts, retry policy, user agent.
        session: an existing aiohttp session to use (not closed by us); default: our own.
        sleep: the sleep used between retries (tests pass a recorder that does not wait).
    """

    def __init__(
        self,
        config: ClientConfig,
        *,
        session: aiohttp.ClientSession | None = None,
        sleep: Sleep = asyncio.sleep,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self._config = config
        self._own_session = session is None
        self._session = session
        self._sleep = sleep
        self._rand = rand
        self._targets: dict[tuple[str, str], yarl.URL] = {}

    @property
    def session(self) -> aiohttp.ClientSession:
        """The aiohttp session, created on first use inside the running loop."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self._config.pool_size,
                limit_per_host=self._config.pool_size_per_host,
                ttl_dns_cache=300,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers={"User-Agent": self._config.user_agent, "Accept": "application/json"},
                json_serialize=lambda obj: orjson.dumps(obj).decode(),
                timeout=_client_timeout(self._config.timeout, self._config.connect_timeout),
            )
            self._own_session = True
        return self._session

    async def close(self) -> None:
        """Close the session if we created it."""
        if self._session is not None and self._own_session and not self._session.closed:
            await self._session.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        idempotent: bool,
        params: Query | None = None,
        json: Any = None,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        header_factory: HeaderFactory | None = None,
        timeout: float | None = None,
    ) -> Coroutine[Any, Any, Response]:
        """Send a request, retrying per the policy (see :func:`~.retry.should_retry`); await it.

        ``header_factory`` is called before every attempt (it supplies the bearer token); what
        it returns is awaited unless it is already the headers.

        The first attempt runs without any retry machinery. When it fails with an error that
        :func:`~.retry.should_retry` accepts, tenacity takes over: its loop first replays that
        failure as attempt 1 (so waits, logs and the attempt limit are exactly those of a loop
        that had run from the start), then sends attempts 2, 3...
        """
        # A plain function returning the first attempt's coroutine: one coroutine fewer for
        # every resumption of the request to pass through.
        return self._attempt(
            method, url, params, json, data, headers, header_factory, timeout, idempotent
        )

    async def _attempt(
        self,
        method: str,
        url: str,
        params: Query | None,
        json: Any,
        data: Mapping[str, str] | None,
        headers: Mapping[str, str] | None,
        header_factory: HeaderFactory | None,
        timeout: float | None,
        idempotent: bool | None,
    ) -> Response:
        """One attempt: fresh headers (and token), then one exchange. ``idempotent`` is None
        for attempts 2.. (tenacity's loop decides on those); for the first attempt, a failure
        that may be retried hands over to :meth:`_retry`."""
        try:
            if header_factory is None:
                send_headers = dict(headers) if headers else {}
            else:
                extra = header_factory()
                if not isinstance(extra, dict):  # an awaitable: the factory has work to do first
                    extra = dict(await extra)
                send_headers = {**headers, **extra} if headers else extra
            body: bytes | Mapping[str, str] | None = data
            if json is not None:
                body = orjson.dumps(json)
                send_headers["Content-Type"] = "application/json"
            query: Query | None = params
            target: str | yarl.URL = url
            if type(params) is str:  # see _target
                target = self._targets.get((url, params)) or self._target(url, params)
                query = None
            try:
                session = self._session
                if session is None or session.closed:
                    session = self.session
                async with session.request(
                    method,
                    target,
                    params=query,
                    data=body,
                    headers=send_headers,
                    timeout=_SESSION_TIMEOUT
                    if timeout is None
                    else _client_timeout(timeout, self._config.connect_timeout),
                    allow_redirects=False,
                ) as resp:
                    payload = await resp.read()
                    status = resp.status
                    response_headers = resp.headers
                    reason = resp.reason if status >= 400 else None
            except TimeoutError as exc:
                raise RequestTimeoutError(f"{method} {_path(url)} timed out") from exc
            except aiohttp.ClientConnectorError as exc:
                # Could not connect: the request was certainly not sent.
                raise ConnectionFailedError(
                    f"{method} {_path(url)}: cannot connect", request_sent=False
                ) from exc
            except (aiohttp.ClientError, OSError) as exc:
                raise ConnectionFailedError(
                    f"{method} {_path(url)}: connection failed ({type(exc).__name__})"
                ) from exc
            if log.isEnabledFor(logging.DEBUG):
                log.debug("%s %s -> %s (%d bytes)", method, _path(url), status, len(payload))
            if status >= 400:
                raise api_error_from_response(
                    status, response_headers, payload, reason=reason, method=method, path=_path(url)
                )
            return Response(status, response_headers, payload)
        except Exception as exc:
            policy = self._config.retry
            if idempotent is None or not should_retry(exc, idempotent=idempotent, policy=policy):
                raise
            first = exc
        # Outside the except block, so that the retries' errors do not chain to this one. A
        # partial, not a lambda: a lambda would make every argument a closure cell on each
        # call, retried or not (garbage-collector work on the hot path).
        again = functools.partial(
            self._attempt, method, url, params, json, data, headers, header_factory, timeout, None
        )
        return await self._retry(first, method, url, idempotent, again)

    def _target(self, url: str, query: str) -> yarl.URL:
        """The URL with a ready query string, parsed once: a URL object keeps what aiohttp
        derives from it on every request (host, port, path and query), so a poller asking for
        the same quotes again skips that work. Up to ``_TARGETS`` of them are kept."""
        target = yarl.URL(url).extend_query(query)  # what aiohttp does with params=query
        if len(self._targets) < _TARGETS:
            self._targets[url, query] = target
        return target

    async def _retry(
        self,
        first: Exception,
        method: str,
        url: str,
        idempotent: bool,
        again: Callable[[], Awaitable[Response]],
    ) -> Response:
        """Attempts 2.. under tenacity, after ``first`` (a retryable failure) ended attempt 1."""
        from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt

        policy = self._config.retry

        def _retryable(exc: BaseException) -> bool:
            return should_retry(exc, idempotent=idempotent, policy=policy)

        def _wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            delay = retry_delay(exc, state.attempt_number, policy, self._rand) if exc else 0.0
            log.info(
                "retrying %s %s after %s in %.2fs (attempt %d)",
                method,
                _path(url),
                type(exc).__name__,
                delay,
                state.attempt_number + 1,
            )
            return delay

        retrying = AsyncRetrying(
            stop=stop_after_attempt(policy.max_attempts),
            retry=retry_if_exception(_retryable),
            wait=_wait,
            sleep=self._sleep,
            reraise=True,
        )
        replay: Exception | None = first
        async for attempt in retrying:
            with attempt:
                if replay is not None:
                    # Attempt 1 already ran (the fast path in :meth:`request`): hand its failure
                    # to tenacity as that attempt's outcome instead of sending again.
                    failed, replay = replay, None
                    raise failed
                return await again()
        raise AriesError("unreachable: retry loop ended without a result")  # pragma: no cover


_TARGETS = 1024
"""How many parsed URLs with a query string a transport keeps (about 600 bytes each)."""

_SESSION_TIMEOUT: Any = aiohttp.helpers.sentinel
"""Tells aiohttp to use the session's timeout (``config.timeout``)."""


@functools.lru_cache(maxsize=64)
def _client_timeout(total: float, connect: float) -> aiohttp.ClientTimeout:
    """A total timeout, and ``connect`` (at most ``total``) for opening a new connection (cached:
    a handful of distinct values are reused for every call).

    The connect timeout is aiohttp's ``sock_connect``, which bounds the TCP (and TLS) connect
    of a new connection only. aiohttp's ``connect`` would also bound the wait for a free pooled
    connection, turning a busy pool into a "cannot connect" error, and it arms a timer on every
    request, pooled connection or not.
    """
    return aiohttp.ClientTimeout(total=total, sock_connect=min(connect, total))


def _path(url: str) -> str:
    """The path of a URL, for messages and logs (no query: it may carry identifiers)."""
    rest = url.split("://", 1)[-1]
    slash = rest.find("/")
    path = rest[slash:] if slash != -1 else "/"
    return path.split("?", 1)[0]
