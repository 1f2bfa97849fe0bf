"""How the token grants' attempts are cut and retried.

A grant that spends what it presents (a rotating refresh token, an authorization code) is
answered once: its attempts are never cut at ``attempt_timeout`` (a retry would present what
the server has spent), yet an answer that grants nothing (a 5xx), or a connection lost before
the server read the grant, is retried as for any idempotent call. Client credentials can be
asked for again at no risk: their attempts are cut as any call's are.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import aiohttp
import pytest
from stream_helpers import until
from virtual_time import loop_time

from aries_async import AriesClient, AuthorizationRequest, MemoryTokenStore, RetryPolicy
from aries_async.errors import ClientClosedError, RequestTimeoutError
from aries_async.sim import ServerErrorFault, Simulator
from aries_async.sim.unanswered import UnansweredConnects
from aries_async.testing import RecordingSleep

TOKEN = "POST /v1/oauth2/token"


@pytest.mark.parametrize("attempt_timeout", [None, 0.5], ids=["call-timeout", "attempt-timeout"])
@pytest.mark.parametrize("fault", ["503", "dropped-connection"])
async def test_a_refresh_the_server_did_not_process_is_retried(
    loop_clock: Callable[[], float], fault: str, attempt_timeout: float | None
) -> None:
    """The token endpoint answers 503, or closes the connection after reading the grant and
    before processing it: the old refresh token is still good, and the retry renews with it."""
    async with Simulator(seed=6) as sim:
        old = sim.issue_token(ttl=0)  # expired on arrival: the next call renews it
        store = MemoryTokenStore(old)
        config = sim.client_config(timeout=5.0, attempt_timeout=attempt_timeout)
        sleep = RecordingSleep()
        async with AriesClient(
            config, token_store=store, sleep=sleep, monotonic=loop_clock
        ) as client:
            if fault == "503":
                sim.faults.server_errors[TOKEN] = ServerErrorFault(count=1, status=503)
            else:
                sim.faults.drop_connection[TOKEN] = 1
            assert await client.accounts.list()
            assert len(sleep.waits) == 1  # one retry, after the backoff
            saved = await store.load()
            assert saved is not None and saved.refresh_token != old.refresh_token
            assert sim.token_requests == 1  # the one grant the server processed


async def _signed_in_callback(client: AriesClient) -> tuple[str, AuthorizationRequest]:
    """The browser's part of a sign-in: the callback URL the simulator redirects to."""
    request = client.oauth.authorization_url()
    async with (
        aiohttp.ClientSession() as browser,
        browser.get(request.url, allow_redirects=False) as consent,
    ):
        return consent.headers["Location"], request


@pytest.mark.parametrize(
    ("timeout", "attempt_timeout", "late"),
    [(2.0, 0.5, 1.0), (1.0, None, 3.0)],
    ids=["past-the-attempt-timeout", "past-the-call-timeout"],
)
async def test_a_code_exchange_answered_late_is_not_lost(
    loop_clock: Callable[[], float], timeout: float, attempt_timeout: float | None, late: float
) -> None:
    """The code is used up once granted: an attempt cut at ``attempt_timeout`` and retried
    would present a used code (refused, ``invalid_grant``), and an exchange that stops waiting
    at the client's ``timeout`` loses the sign-in. The exchange waits for its answer up to
    ``REFRESH_WAIT``, as a refresh does."""
    async with Simulator(seed=6) as sim:
        config = sim.client_config(timeout=timeout, attempt_timeout=attempt_timeout)
        async with AriesClient(config, monotonic=loop_clock) as client:
            callback, request = await _signed_in_callback(client)
            sim.faults.late_token_answers = late
            started = loop_clock()
            token = await client.oauth.exchange_code(callback, request)
            assert loop_clock() - started == pytest.approx(late)
            assert token.refresh_token
            assert sim.token_requests == 1


@pytest.mark.parametrize("how", ["timeout", "cancel"])
async def test_a_code_exchange_whose_caller_gave_up_still_signs_in(
    loop_clock: Callable[[], float], how: str
) -> None:
    """A caller's own timeout (or a cancellation) ends its wait, not the exchange: the code is
    spent when the server grants, so the token the late answer holds is saved and used."""
    async with Simulator(seed=6) as sim:
        store = MemoryTokenStore()
        async with AriesClient(sim.client_config(), token_store=store) as client:
            callback, request = await _signed_in_callback(client)
            sim.faults.late_token_answers = 2.0
            exchange = asyncio.ensure_future(client.oauth.exchange_code(callback, request))
            if how == "timeout":
                with pytest.raises(TimeoutError):
                    await asyncio.wait_for(exchange, timeout=0.5)
            else:
                await asyncio.sleep(0.5)  # virtual time: the code is granted by then
                exchange.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await exchange
            assert await store.load() is None  # the answer is not in yet
            await until(lambda: client.auth.cached() is not None, timeout=5.0)
            assert await store.load() == client.auth.cached()
            sim.faults.late_token_answers = 0.0
            assert await client.accounts.list()  # signed in: no second sign-in needed
            assert sim.token_requests == 1


@pytest.mark.parametrize("how", ["timeout", "cancel"])
async def test_a_code_exchange_given_up_before_its_request_was_sent_stops(
    loop_clock: Callable[[], float], how: str
) -> None:
    """A caller that stops waiting while the exchange still connects (the token endpoint
    answers no connection) has spent nothing: the exchange stops with it, and its caller's
    timeout or cancellation comes as usual. Nothing reaches the server once it answers
    again, and nothing lands in the store."""
    async with Simulator(seed=6) as sim:
        store = MemoryTokenStore()
        config = sim.client_config(connect_timeout=1.0)
        async with AriesClient(config, token_store=store) as client:
            callback, request = await _signed_in_callback(client)
            async with UnansweredConnects(sim):
                exchange = asyncio.ensure_future(client.oauth.exchange_code(callback, request))
                if how == "timeout":
                    with pytest.raises(TimeoutError):
                        await asyncio.wait_for(exchange, timeout=0.5)
                else:
                    await asyncio.sleep(0.5)  # virtual time: still connecting
                    exchange.cancel()
                    with pytest.raises(asyncio.CancelledError):
                        await exchange
            await client.auth.settle()  # an exchange that went on would be answered now
            assert sim.token_requests == 0
            assert await store.load() is None
            assert client.auth.cached() is None


async def _closed_while_connecting(
    sim: Simulator, client: AriesClient, call: Coroutine[Any, Any, object]
) -> None:
    """Run ``call``, whose token grant connects to ``sim`` answering no connection, and close
    ``client`` meanwhile: the close is at once (on the loop's virtual clock), ``call`` raises
    ``ClientClosedError``, not sent, and the simulator saw no token request."""
    async with UnansweredConnects(sim):
        waiting = asyncio.ensure_future(call)
        await asyncio.sleep(0.5)  # virtual time: the grant still connecting
        started = loop_time()
        await client.aclose()
        assert loop_time() - started < 0.5
        with pytest.raises(ClientClosedError) as raised:
            await waiting
        assert raised.value.request_sent is False
    assert sim.token_requests == 0


async def test_a_code_exchange_not_sent_is_given_up_by_the_close(
    loop_clock: Callable[[], float],
) -> None:
    """The client closes while an exchange still connects: nothing was sent, so the close
    does not wait for it, and its caller gets ``ClientClosedError``, not sent."""
    async with Simulator(seed=6) as sim:
        client = AriesClient(sim.client_config(connect_timeout=1.0))
        callback, request = await _signed_in_callback(client)
        await _closed_while_connecting(sim, client, client.oauth.exchange_code(callback, request))


async def test_client_credentials_attempts_are_still_cut_at_the_attempt_timeout(
    loop_clock: Callable[[], float],
) -> None:
    """Asking for an app token again spends nothing: a hung attempt is cut and retried."""
    async with Simulator(seed=6) as sim:
        retry = RetryPolicy(max_attempts=2, jitter=0.0)
        config = sim.client_config(timeout=5.0, attempt_timeout=0.5, retry=retry)
        sleep = RecordingSleep()
        async with AriesClient(config, sleep=sleep, monotonic=loop_clock) as client:
            sim.faults.late_token_answers = 3.0
            started = loop_clock()
            with pytest.raises(RequestTimeoutError):
                await client.oauth.client_credentials()
            assert loop_clock() - started == pytest.approx(1.0)  # two attempts of 0.5 s
            assert sim.token_requests == 2


@pytest.mark.parametrize("grant", ["refresh", "client-credentials"])
async def test_a_renewal_not_sent_is_given_up_by_the_close(
    loop_clock: Callable[[], float], grant: str
) -> None:
    """The client closes while a renewal's grant still connects (the token endpoint answers
    no connection): nothing was sent, so the close gives the renewal up at once instead of
    waiting out its connect timeouts and retries, and the call waiting on it gets
    ``ClientClosedError``, not sent."""
    async with Simulator(seed=6) as sim:
        if grant == "refresh":
            store = MemoryTokenStore(sim.issue_token(ttl=0))  # expired: the call renews it
            config = sim.client_config(connect_timeout=1.0)
        else:
            store = MemoryTokenStore()  # no app token yet: the call gets one
            config = sim.client_config(connect_timeout=1.0, app_token=True)
        client = AriesClient(config, token_store=store)
        await _closed_while_connecting(sim, client, client.accounts.list())
        assert client.auth.refreshes == 0


async def test_a_renewal_whose_grant_was_sent_is_waited_for_by_the_close(
    loop_clock: Callable[[], float],
) -> None:
    """A renewal whose grant reached the server holds the rotated refresh token: the close
    waits for its answer, and the token is saved."""
    async with Simulator(seed=6) as sim:
        old = sim.issue_token(ttl=0)
        store = MemoryTokenStore(old)
        client = AriesClient(sim.client_config(timeout=0.5), token_store=store)
        sim.faults.late_token_answers = 2.0
        started = loop_clock()
        with pytest.raises(RequestTimeoutError):
            await client.accounts.list()  # the renewal goes on without its caller
        assert sim.token_requests == 1
        await client.aclose()
        assert loop_clock() - started == pytest.approx(2.0, abs=0.1)  # the answer's time
        saved = await store.load()
        assert saved is not None and saved.refresh_token != old.refresh_token
