"""The aiohttp sessions of a transport that makes its own: one for every call, and a sibling
on the same connection pool, traced to tell when aiohttp starts writing a request, for the
calls that must know whether their request left (order writes)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from types import SimpleNamespace
from typing import Any

import aiohttp
import orjson

from aries_async.config import ClientConfig
from aries_async.http.exchange import session_timeout
from aries_async.http.sending import Sending

__all__ = ["Requester", "Sending", "open_sessions", "sending_trace"]

Requester = Callable[..., AbstractAsyncContextManager[aiohttp.ClientResponse]]
"""``session.request``, or it with the trace context of the request bound."""


async def _headers_going(
    _: aiohttp.ClientSession, context: SimpleNamespace, __: aiohttp.TraceRequestHeadersSentParams
) -> None:
    sending = context.trace_request_ctx
    if isinstance(sending, Sending):
        sending.begun = True


def sending_trace() -> aiohttp.TraceConfig:
    """A trace that sets the :class:`Sending` a request carries (its ``trace_request_ctx``)
    once aiohttp is about to write the request.

    aiohttp sends ``on_request_headers_sent`` after the request has its connection and before
    it writes (or buffers) the request line and headers, the request's first bytes: until then
    the request may wait for a pooled connection, for DNS or for the connect, and nothing of
    it has been written. Set that early, ``begun`` may say so of a request cut short just
    before its first byte went out, never the reverse.
    """
    trace = aiohttp.TraceConfig()
    trace.on_request_headers_sent.append(_headers_going)
    return trace


def open_sessions(config: ClientConfig) -> tuple[aiohttp.ClientSession, aiohttp.ClientSession]:
    """Our session, owning a new connection pool, and its traced sibling on the same pool
    (to close first: it does not close the pool).

    Every request of a traced session pays for its trace (aiohttp awaits each of its signals
    on the way), so the calls that need not know (quotes polled in a loop) use the plain one.
    """
    connector = aiohttp.TCPConnector(
        limit=config.pool_size, limit_per_host=config.pool_size_per_host, ttl_dns_cache=300
    )
    headers = {"User-Agent": config.user_agent, "Accept": "application/json"}

    def session(**traced: Any) -> aiohttp.ClientSession:
        return aiohttp.ClientSession(
            connector=connector,
            headers=headers,
            json_serialize=_json_text,
            timeout=session_timeout(config),
            **traced,
        )

    plain = session()
    # The pool and the cookies are shared: the sibling differs in its trace alone.
    traced = session(
        connector_owner=False, cookie_jar=plain.cookie_jar, trace_configs=[sending_trace()]
    )
    return plain, traced


def _json_text(obj: Any) -> str:
    return orjson.dumps(obj).decode()
