"""The server's words in an error that are not text (a JSON object, a list, a number): the
stream shows them as compact JSON, the server's own spelling (they were Python's ``str()`` of
what was parsed: ``{'code': 1}``), without the tokens, and cut as a quoted line is. The
simulator refuses a socket request with any JSON value as the error's words
(``ws_refused_requests``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from stream_helpers import FakeTime, Tokens, drained, make_stream, until

from aries_async.errors import StreamRequestError
from aries_async.models.events import ServerErrorMessage
from aries_async.sim import Simulator
from aries_async.streaming import MarketStream, StreamConfig
from aries_async.testing import shows_secret

FAST = StreamConfig(backoff_initial=0.0, backoff_jitter=0.0)
PATH = "/options/*/expiry-dates"

Case = tuple[Callable[[str], Any], Callable[[str], str]]
CASES: dict[str, Case] = {
    "an object": (
        lambda _: {"code": 1, "why": "no options"},
        lambda _: '{"code":1,"why":"no options"}',
    ),
    "a list": (lambda _: ["not", "entitled", 2.5], lambda _: '["not","entitled",2.5]'),
    "a nested object": (
        lambda _: {"error": {"code": "E1", "fields": [None, True]}},
        lambda _: '{"error":{"code":"E1","fields":[null,true]}}',
    ),
    "a number": (lambda _: 403, lambda _: "403"),
    "a token in it": (
        lambda token: {"why": f"token {token} lacks a scope"},
        lambda _: '{"why":"token [redacted] lacks a scope"}',
    ),
    "a long one": (
        lambda _: {"symbols": [f"S{n:03d}" for n in range(40)]},
        lambda _: ('{"symbols":[' + ",".join(f'"S{n:03d}"' for n in range(40)) + "]}")[:80],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
async def test_error_words_that_are_not_text_are_shown_as_compact_json(
    sim: Simulator, fake_time: FakeTime, case: str
) -> None:
    words, shown = CASES[case]
    tokens = Tokens(sim)
    sim.faults.ws_error_id = "payload"
    stream: MarketStream
    async with make_stream("market", sim, fake_time, FAST, tokens) as stream:
        await until(lambda: stream.connected)
        events = stream.events()
        sim.faults.ws_refused_requests = {PATH: words(tokens.current)}
        with pytest.raises(StreamRequestError) as raised:
            await stream.expiry_dates("AAPL")
        await until(lambda: events.pending > 0)
        [error] = [e for e in drained(events) if type(e) is ServerErrorMessage]
    assert error.error == shown(tokens.current)
    assert shown(tokens.current) in str(raised.value)
    assert not shows_secret(str(raised.value), tokens.current)
