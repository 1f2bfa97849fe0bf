"""No token a stream authenticated with reaches an error or a log line of the stream.

Socket requests (expiry dates, contracts, an equity snapshot) are answered on the socket, not
through ``client.request``, so the REST path's blanking of the token a request carried does
not see them: an answer quoting the token made an error quoting it (found defect: the equity
snapshot's "unexpected response" quoted 80 characters of the answer). And after a
re-authentication the decoder blanked only the newest token: a late echo of the one before
was still quoted in its warnings (found defect).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

import pytest
from stream_helpers import FakeTime, Tokens, make_stream, until
from websockets.asyncio.client import connect as ws_connect

from aries_async.errors import (
    AuthError,
    ClientClosedError,
    ResponseFormatError,
    StreamClosedError,
    StreamRequestError,
)
from aries_async.models.events import ServerErrorMessage, StreamDisconnected
from aries_async.sim import Simulator
from aries_async.sim.ws import WsHub
from aries_async.streaming import MarketStream, StreamConfig
from aries_async.testing import shows_secret

FAST = StreamConfig(backoff_initial=0.0, backoff_jitter=0.0)

Answer = Callable[[str], Any]
ANSWERS: dict[str, tuple[str, Answer]] = {
    "snapshot a text": ("/equities/*/snapshot", lambda token: f"Bearer {token}"),
    "snapshot a list": ("/equities/*/snapshot", lambda token: [token]),
    "dates quoting it": (
        "/options/*/expiry-dates",
        lambda token: {"symbol": "AAPL", "expiryDates": [token]},
    ),
    "dates not an object": ("/options/*/expiry-dates", lambda token: token),
    "contracts quoting it": (
        "/options/*/contracts/*",
        lambda token: {"symbol": "AAPL", "expiryDate": "2026-06-18", "calls": token},
    ),
}


async def _ask(stream: MarketStream, path: str) -> Any:
    from datetime import date

    if path.startswith("/equities"):
        return await stream.equity_snapshot("AAPL")
    if path.endswith("expiry-dates"):
        return await stream.expiry_dates("AAPL")
    return await stream.contract_symbols("AAPL", date(2026, 6, 18))


def _printed(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc))


@pytest.mark.parametrize("case", sorted(ANSWERS))
async def test_a_socket_answer_quoting_the_token_gives_an_error_without_it(
    sim: Simulator, fake_time: FakeTime, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    path, answer = ANSWERS[case]
    tokens = Tokens(sim)
    caplog.set_level(logging.DEBUG, logger="aries_async")
    async with make_stream("market", sim, fake_time, FAST, tokens) as stream:
        await until(lambda: stream.connected)
        sim.faults.ws_request_answers = {path: answer(tokens.current)}
        with pytest.raises(ResponseFormatError) as raised:
            await _ask(stream, path)
    assert not shows_secret(_printed(raised.value), tokens.current), _printed(raised.value)
    assert all(not shows_secret(r.getMessage(), tokens.current) for r in caplog.records)


async def test_a_late_echo_of_the_token_before_a_reauthentication_is_not_quoted(
    sim: Simulator, hub: WsHub, fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    tokens = Tokens(sim)
    tokens.fresh_each_call = True  # the re-authentication sends a new token
    caplog.set_level(logging.DEBUG, logger="aries_async")
    async with make_stream("market", sim, fake_time, FAST, tokens) as stream:
        await until(lambda: stream.connected)
        first = tokens.current
        hub.refresh_auth("market")
        await until(lambda: stream.reauths == 1)
        assert tokens.current != first
        # The tokens' ends differ (their starts, a JWT's header and claims, are alike): an
        # echo of the end of the first is blanked only by its own pieces.
        echo = f"expired token ...{first[-40:]}"
        assert not shows_secret(echo, tokens.current)
        bad = stream.malformed
        assert hub.inject(echo, "market") == 1
        await until(lambda: stream.malformed == bad + 1)
        sim.faults.ws_request_answers = {"/equities/*/snapshot": echo}
        with pytest.raises(ResponseFormatError) as raised:
            await stream.equity_snapshot("AAPL")
    warned = [r.getMessage() for r in caplog.records if "stream line" in r.getMessage()]
    assert warned and "[redacted]" in warned[0], warned  # the line is still shown, not it
    for text in [_printed(raised.value), *(r.getMessage() for r in caplog.records)]:
        assert not shows_secret(text, first), text
        assert not shows_secret(text, tokens.current), text


async def test_a_refusal_quoting_the_token_is_told_without_it(
    sim: Simulator, fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    tokens = Tokens(sim)
    caplog.set_level(logging.DEBUG, logger="aries_async")
    async with make_stream("market", sim, fake_time, FAST, tokens) as stream:
        await until(lambda: stream.connected)
        events = stream.events()
        said = f"not entitled: token {tokens.current} has no options scope"
        sim.faults.ws_refused_requests = {"/options/*/expiry-dates": said}
        with pytest.raises(StreamRequestError) as raised:
            await stream.expiry_dates("AAPL")
        await until(lambda: events.pending > 0)
        heard = [events.get_nowait() for _ in range(events.pending)]
    [error] = [e for e in heard if type(e) is ServerErrorMessage]
    assert "not entitled" in error.error and "[redacted]" in error.error, error.error
    texts = [_printed(raised.value), repr(error), *(r.getMessage() for r in caplog.records)]
    for text in texts:
        assert not shows_secret(text, tokens.current), text


class FailingAfterFirst:
    """A token provider whose first token serves; after it, it fails with ``error``, its words
    quoting the token it gave (a vault or a store saying what it was asked to renew)."""

    def __init__(self, sim: Simulator, error: Callable[[str], Exception]) -> None:
        self.token = sim.issue_token().access_token
        self.error = error
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.calls > 1:
            raise self.error(f"could not renew {self.token} (the vault is down)")
        return self.token


FAILURES: dict[str, Callable[[str], Exception]] = {
    "a transient failure": RuntimeError,
    "an auth error": lambda words: AuthError(words),
    "a closed client": ClientClosedError,
}


GIVING_UP = StreamConfig(backoff_initial=1.0, backoff_jitter=0.0, max_attempts=2)


@pytest.mark.parametrize("failure", sorted(FAILURES))
async def test_a_token_provider_failure_quoting_the_token_is_told_without_it(
    sim: Simulator, hub: WsHub, fake_time: FakeTime, caplog: pytest.LogCaptureFixture, failure: str
) -> None:
    provider = FailingAfterFirst(sim, FAILURES[failure])
    caplog.set_level(logging.DEBUG, logger="aries_async")
    heard: list[Any] = []
    async with make_stream("market", sim, fake_time, GIVING_UP, provider) as stream:
        status = stream.status()
        await until(lambda: stream.connected)
        assert hub.drop("market") == 1

        def given_up() -> bool:
            fake_time.advance(1.0)  # the backoff's waits pass
            while (event := status.get_nowait()) is not None:
                heard.append(event)
            return any(getattr(e, "will_reconnect", True) is False for e in heard)

        await until(given_up)
    said = [e.reason for e in heard if type(e) is StreamDisconnected]
    assert "could not renew" in said[-1], said  # the provider's failure is told
    texts = [*said, *(r.getMessage() for r in caplog.records)]
    texts += [_printed(e) for r in caplog.records if (e := getattr(r, "aries_stream_error", None))]
    for text in texts:
        assert not shows_secret(text, provider.token), text


def failing_on_auth(what: str) -> Callable[..., Any]:
    """A connector (as a proxy layer wraps websockets' own) that opens the real socket, whose
    sending of the auth request fails with a bug quoting what it was given to send."""

    async def connect(url: str, **options: Any) -> Any:
        ws = await ws_connect(url, **options)
        send = ws.send

        async def sending(frame: Any) -> None:
            if '"/auth"' in str(frame):
                raise (RuntimeError if what == "plain" else ExceptionGroup)(
                    f"proxy layer could not frame {frame}",
                    *([[ValueError(f"bad frame {frame}")]] if what == "group" else []),
                )
            await send(frame)

        ws.send = sending  # type: ignore[method-assign,assignment]
        return ws

    return connect


@pytest.mark.parametrize("what", ["plain", "group"])
async def test_a_bug_quoting_the_token_ends_the_stream_without_it(
    sim: Simulator, fake_time: FakeTime, caplog: pytest.LogCaptureFixture, what: str
) -> None:
    tokens = Tokens(sim)
    caplog.set_level(logging.DEBUG, logger="aries_async")
    stream = make_stream("market", sim, fake_time, FAST, tokens, connect=failing_on_auth(what))
    with pytest.raises(StreamClosedError) as ended:
        await stream.__aenter__()
    assert "unexpected error" in str(ended.value), str(ended.value)
    texts = [_printed(ended.value), *(r.getMessage() for r in caplog.records)]
    texts += [_printed(r.exc_info[1]) for r in caplog.records if r.exc_info and r.exc_info[1]]
    texts += [_printed(e) for r in caplog.records if (e := getattr(r, "aries_stream_error", None))]
    for text in texts:
        assert not shows_secret(text, tokens.current), text
