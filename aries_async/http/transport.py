"""The aiohttp owner: one pooled session, bytes in and out, status mapped to the error tree
(resources never touch aiohttp: they call :meth:`Transport.request` and parse the bytes)."""

from __future__ import annotations

import asyncio
import functools
import logging
import random
import time
from collections.abc import Callable, Coroutine, Mapping
from typing import TYPE_CHECKING, Any

import aiohttp
import orjson
import yarl
from aiohttp import hdrs

from aries_async._deprecation import renamed_arguments
from aries_async.config import ClientConfig
from aries_async.errors import (
    AriesError,
    ClientClosedError,
    RateLimitError,
    RequestTimeoutError,
)
from aries_async.http.exchange import (
    HeaderFactory,
    Monotonic,
    Query,
    Response,
    Sleep,
    by_deadline,
    client_timeout,
    closing_of,
    failure,
    mark_unsent,
    path_of,
    read_capped,
    session_timeout,
    status_error,
)
from aries_async.http.in_flight import InFlight
from aries_async.http.loop_owner import LoopOwner
from aries_async.http.retry import should_retry
from aries_async.http.retry_loop import RetryLoop
from aries_async.http.sessions import Requester, Sending, open_sessions
from aries_async.http.unclosed import warn_unclosed
from aries_async.http.whole_attempts import WHOLE_ATTEMPTS

if TYPE_CHECKING:
    from aries_async.http.budget import Pacer

__all__ = ["HeaderFactory", "Monotonic", "Query", "Response", "Sleep", "Transport"]

log = logging.getLogger("aries_async.http")


class Transport(LoopOwner):
    """Owns the aiohttp session and sends requests with retries decided in :mod:`.retry` (run by
    :mod:`.retry_loop`).

    Every call has a deadline, ``timeout`` seconds after it starts: attempts, the waits
    between them and the reading of bodies all fit in it (see ``ClientConfig.timeout``).

    Once :meth:`close` has run the transport is closed for good: calls in flight end with
    :class:`~aries_async.errors.ClientClosedError` (never retried) and so do new ones.

    The transport belongs to the event loop it is first used on (its session, pooled
    connections and waits are that loop's): a call on another loop raises
    :class:`~aries_async.errors.WrongEventLoopError` before anything is sent.

    Args:
        config: pool size, timeouts, retry policy, size cap, user agent.
        session: an existing aiohttp session to use (not closed by us); default: our own.
        sleep: the sleep used between retries (tests pass a recorder that does not wait).
        monotonic: the clock of the deadlines (tests pass one that moves with their sleep).
        wall_clock: Unix seconds, read for an HTTP-date ``Retry-After`` (``clock``: deprecated).
        pacer: paces every attempt under the rate limit, in the call's time; None: no limit.
    """

    @renamed_arguments(clock="wall_clock")
    def __init__(
        self,
        config: ClientConfig,
        *,
        session: aiohttp.ClientSession | None = None,
        sleep: Sleep = asyncio.sleep,
        rand: Callable[[], float] = random.random,
        monotonic: Monotonic = time.monotonic,
        pacer: Pacer | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._config = config
        self._pacer = pacer
        self._own_session = session is None
        self._session = session
        self._traced: aiohttp.ClientSession | None = None
        """Our session's traced sibling, for non-idempotent calls (None: a given session)."""
        self._monotonic = monotonic
        self._wall_clock = wall_clock
        self._retries = RetryLoop(
            config.retry, self._remaining, pacer, sleep=sleep, rand=rand, monotonic=monotonic
        )
        self._targets: dict[tuple[str, str], yarl.URL] = {}
        self._max_body = config.max_response_bytes
        self._budget = config.timeout
        # The first attempt of a call with the default timeout: the session's own timeout
        # (the one we create ours with, or the one of the session given to us).
        self._first_timeout = (
            (session.timeout if session is not None else session_timeout(config))
            if config.attempt_timeout is None
            else client_timeout(min(config.timeout, config.attempt_timeout), config.connect_timeout)
        )
        self._closed = False
        self._in_flight = InFlight()
        """The tasks in an attempt (close() cancels them)."""

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has run (a closed transport never opens a session again)."""
        return self._closed

    @property
    def session(self) -> aiohttp.ClientSession:
        """The aiohttp session, created on first use inside the running loop.

        Raises:
            ClientClosedError: the transport was closed, or the session given to it was.
        """
        if self._closed:
            raise ClientClosedError("the client is closed; create a new one")
        if self._session is not None and self._session.closed:
            raise ClientClosedError("the aiohttp session given to the client is closed")
        if self._session is None:
            self.check_loop()
            self._session, self._traced = open_sessions(self._config)
            self._own_session = True
        return self._session

    def report_unclosed(self, owner: str) -> None:
        """Report ``owner`` (a repr) dropped with the pool we opened not closed by us: a
        :class:`ResourceWarning` and the loop's exception handler, naming it and how to close
        it. For the owner's ``__del__``; not the session's ``closed``, which aiohttp's connector
        sets when the collector finalizes it first (a dropped cycle has no set order)."""
        if self._closed or not self._own_session or self._session is None:
            return
        warn_unclosed(owner, self, self._loop)

    async def close(self) -> None:
        """Close for good: end calls in flight wherever they wait (their turn under the rate
        limit, their token, a pooled connection, their answer, a retry wait), close the session
        if we created it (idempotent). Its own loop closed, the session is marked closed all
        the same (else, collected, it says "Unclosed"); its connections are left to that loop.

        Raises:
            WrongEventLoopError: the transport belongs to another event loop, still open.
        """
        on_its_loop = self.on_its_loop()
        self._closed = True
        if on_its_loop:
            self._retries.close()
            self._in_flight.cut()
        if self._traced is not None and not self._traced.closed:
            await self._traced.close()  # first: it does not close the pool
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
        deadline: float | None = None,
        sending: Sending | None = None,
    ) -> Coroutine[Any, Any, Response]:
        """Send a request, retrying per the policy (see :func:`~.retry.should_retry`); await it.

        ``header_factory`` is called before every attempt (it supplies the bearer token); what
        it returns is awaited unless it is already the headers. ``sending`` is told when
        aiohttp starts writing the request (any attempt of it; on a session given to the
        transport, untraced, as soon as aiohttp is handed it).

        The call must end within ``timeout`` seconds (default ``config.timeout``), retries
        included, or by ``deadline`` (on the ``monotonic`` clock) when given: a call that
        continues an earlier one (a replay after a 401) passes the deadline it had. Each
        attempt is cut at ``config.attempt_timeout``, but those of a call given a ``timeout``
        or ``deadline`` in a :func:`~.whole_attempts.whole_attempts` block (a token grant's).

        The first attempt runs without any retry machinery. When it fails with an error that
        :func:`~.retry.should_retry` accepts, tenacity takes over: its loop first replays that
        failure as attempt 1 (so waits, logs and the attempt limit are exactly those of a loop
        that had run from the start), then sends attempts 2, 3...
        """
        # A plain function returning the first attempt's coroutine: one coroutine fewer for
        # every resumption of the request to pass through.
        if asyncio.get_running_loop() is not self._loop:
            self.check_loop()
        if deadline is not None:
            attempt_timeout = self._remaining(deadline, method, url)
        elif timeout is None:
            attempt_timeout = self._first_timeout
            deadline = self._monotonic() + self._budget
        else:
            deadline = self._monotonic() + timeout
            config = self._config
            if config.attempt_timeout is not None and not WHOLE_ATTEMPTS.get():
                timeout = min(timeout, config.attempt_timeout)
            attempt_timeout = client_timeout(timeout, config.connect_timeout)
        return self._attempt(
            method,
            url,
            params,
            json,
            data,
            headers,
            header_factory,
            attempt_timeout,
            deadline,
            idempotent,
            sending,
        )

    def _remaining(self, deadline: float, method: str, url: str) -> aiohttp.ClientTimeout:
        """The timeout of an attempt starting now: what is left before ``deadline``, at most
        ``config.attempt_timeout`` (outside :func:`~.whole_attempts.whole_attempts`).

        Raises:
            RequestTimeoutError: nothing is left.
        """
        left = deadline - self._monotonic()
        if left <= 0:
            raise RequestTimeoutError(f"{method} {path_of(url)} ran out of time")
        config = self._config
        if config.attempt_timeout is not None and not WHOLE_ATTEMPTS.get():
            left = min(left, config.attempt_timeout)
        return aiohttp.ClientTimeout(total=left, sock_connect=min(config.connect_timeout, left))

    async def _attempt(
        self,
        method: str,
        url: str,
        params: Query | None,
        json: Any,
        data: Mapping[str, str] | None,
        headers: Mapping[str, str] | None,
        header_factory: HeaderFactory | None,
        timeout: aiohttp.ClientTimeout,
        deadline: float,
        idempotent: bool | None,
        told: Sending | None = None,
    ) -> Response:
        """One attempt: its turn under the rate limit (outside the try: no turn in time is
        not retried), fresh headers (and token), one exchange. ``idempotent`` is None for
        attempts 2.. (tenacity decides); on attempt 1 a retryable failure goes to the retry loop
        (:class:`~.retry_loop.RetryLoop`)."""
        # In flight until the attempt ends, so that close() can end it wherever it waits: for
        # its turn, its token, a pooled connection or its answer.
        task = asyncio.current_task()
        assert task is not None  # asyncio runs every coroutine in a task
        self._in_flight.enter(task)
        sent = False
        sending: Sending | None = None
        try:
            if idempotent is not None and self._pacer is not None:
                await self._pacer.wait(method, url, deadline)
                timeout = self._remaining(deadline, method, url)  # the wait came out of its time
            try:
                if header_factory is None:
                    send_headers = dict(headers) if headers else {}
                else:
                    extra = header_factory()
                    # Not a dict: an awaitable, the factory has work to do first.
                    if not isinstance(extra, dict):
                        call = f"{method} {path_of(url)}"
                        extra = dict(await by_deadline(extra, deadline, self._monotonic, call))
                    send_headers = {**headers, **extra} if headers else extra
                body: bytes | Mapping[str, str] | None = data
                if json is not None:
                    body = orjson.dumps(json)
                    # A caller's Content-Type wins (names are case-insensitive: one only).
                    if not headers or not any(k.lower() == "content-type" for k in headers):
                        send_headers["Content-Type"] = "application/json"
                query: Query | None = params
                target: str | yarl.URL = url
                if type(params) is str:  # see _target
                    target = self._targets.get((url, params)) or self._target(url, params)
                    query = None
                try:
                    session = self._session
                    if session is None or session.closed or self._closed:
                        session = self.session
                    request: Requester = session.request
                    if (idempotent is not True or told is not None) and self._traced is not None:
                        # Traced: aiohttp tells when it starts writing the request; until
                        # then (a pooled connection, the connect) nothing of it has left.
                        # Attempts 2.. (None) too: a write retried when its first was not
                        # sent must know as much of its retry (rare: their cost is no matter).
                        # Bound here, not passed as None to every call: on the hot path an
                        # argument more costs more than the bound method does.
                        sending = Sending() if told is None else told
                        request = functools.partial(self._traced.request, trace_request_ctx=sending)
                    elif told is not None:
                        told.begun = True  # not traced: it may leave from here on
                    sent = True  # from here on it may reach the server
                    async with request(
                        method,
                        target,
                        params=query,
                        data=body,
                        headers=send_headers,
                        timeout=timeout,
                        allow_redirects=False,
                    ) as resp:
                        length = resp.content_length
                        if (
                            length is not None
                            and length <= self._max_body
                            and hdrs.CONTENT_ENCODING not in resp.headers
                        ):
                            payload = await resp.read()  # exactly ``length`` bytes
                        else:
                            payload = await read_capped(resp, self._max_body, method, url)
                        status = resp.status
                        response_headers = resp.headers
                        reason = resp.reason if status >= 400 else None
                except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                    begun = sending is None or sending.begun
                    raise failure(exc, method, url, closed=self._closed, begun=begun) from exc
                except Exception as exc:
                    if (closing := closing_of(exc)) is not None:
                        # Its coroutine is being closed (its loop closed under it): the close
                        # goes on, as it must, told below as any interruption; the cleanup's
                        # error on the dead loop is not the call's outcome.
                        log.debug("%s %s closed on a closed loop: %r", method, path_of(url), exc)
                        raise closing from None
                    if not self._closed or isinstance(exc, AriesError):
                        raise
                    # A session closed under a request in flight fails it from inside aiohttp,
                    # with errors that differ by version (3.11: AttributeError on the connector).
                    begun = sending is None or sending.begun
                    raise failure(exc, method, url, closed=self._closed, begun=begun) from exc
                if log.isEnabledFor(logging.DEBUG):
                    log.debug("%s %s -> %s (%d bytes)", method, path_of(url), status, len(payload))
                response = Response(status, response_headers, payload)
                if status >= 400:
                    now = self._wall_clock()
                    raise status_error(response, reason, method, url, now=now, sent=send_headers)
                return response
            except Exception as exc:
                if self._pacer is not None and isinstance(exc, RateLimitError):
                    await self._pacer.rate_limited(method, url, exc.retry_after)
                policy = self._config.retry
                if idempotent is None or not should_retry(
                    exc, idempotent=idempotent, policy=policy
                ):
                    raise
                first = exc
        except (asyncio.CancelledError, KeyboardInterrupt, SystemExit, GeneratorExit) as exc:
            if sending is not None:
                sent = sending.begun
            if isinstance(exc, asyncio.CancelledError) and self._in_flight.cut_short(task):
                raise ClientClosedError(
                    f"{method} {path_of(url)}: the client was closed", request_sent=sent
                ) from exc
            # Told to whoever interrupted (an order placement): nothing left. Attempt 1 only
            # (``idempotent`` is None for the others): after a retry, an earlier attempt of an
            # idempotent call may have been sent.
            if not sent and idempotent is not None:
                mark_unsent(exc, task)
            raise
        finally:
            self._in_flight.leave(task)
        # Outside the except block, so that the retries' errors do not chain to this one. A
        # partial, not a lambda: a lambda would make every argument a closure cell on each
        # call, retried or not (garbage-collector work on the hot path).
        again = functools.partial(
            self._attempt, method, url, params, json, data, headers, header_factory, told=told
        )
        return await self._retries.run(first, method, url, idempotent, deadline, again)

    def _target(self, url: str, query: str) -> yarl.URL:
        """The URL with a ready query string, parsed once: a URL object keeps what aiohttp
        derives from it on every request (host, port, path and query), so a poller asking for
        the same quotes again skips that work. Up to ``_TARGETS`` of them are kept."""
        target = yarl.URL(url).extend_query(query)  # what aiohttp does with params=query
        if len(self._targets) < _TARGETS:
            self._targets[url, query] = target
        return target


_TARGETS = 1024
"""How many parsed URLs with a query string a transport keeps (about 600 bytes each)."""
