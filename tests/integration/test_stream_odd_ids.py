"""An id is text or a number on the wire: an object or a list the server sends for one is no
id, read as None (as the streams' other odd values are), never as its Python text, which may
hold a secret the server echoed. The stream goes on."""

from __future__ import annotations

import json
from typing import Any

import pytest
from stream_helpers import FakeTime, Tokens, drained, make_stream, until

from aries_async.models.events import AccountInfoEvent, ServerErrorMessage
from aries_async.sim import Simulator
from aries_async.sim.ws import WsHub
from aries_async.streaming import StreamConfig

FAST = StreamConfig(backoff_initial=0.0, backoff_jitter=0.0)
ACCOUNT = "TEST-ACCOUNT-001"
ODD: dict[str, Any] = {"an object": {"token": "sk-odd-value"}, "a list": ["sk-odd-value"]}


@pytest.mark.parametrize("where", ["message", "payload"])
@pytest.mark.parametrize("odd", sorted(ODD))
async def test_an_error_whose_id_is_an_object_or_a_list_has_no_id(
    sim: Simulator, hub: WsHub, fake_time: FakeTime, odd: str, where: str
) -> None:
    async with make_stream("market", sim, fake_time, FAST, Tokens(sim)) as stream:
        await until(lambda: stream.connected)
        events = stream.events()
        payload: dict[str, Any] = {"action": "error", "error": "odd id"}
        message: dict[str, Any] = {"type": "event", "payload": payload}
        (message if where == "message" else payload)["id"] = ODD[odd]
        assert hub.inject(json.dumps(message), "market") == 1
        await until(lambda: events.pending > 0)
        heard = drained(events)
        # the stream goes on: a numeric id is still its text
        payload["id"] = 17
        assert hub.inject(json.dumps({"type": "event", "payload": payload}), "market") == 1
        await until(lambda: events.pending > 0)
        heard += drained(events)
        assert stream.connected
    errors = [e for e in heard if type(e) is ServerErrorMessage]
    assert [e.request_id for e in errors] == [None, "17"], errors
    assert not any("sk-odd-value" in repr(e) for e in errors), errors


@pytest.mark.parametrize("odd", sorted(ODD))
async def test_an_account_info_whose_account_id_is_an_object_or_a_list_has_none(
    sim: Simulator, hub: WsHub, fake_time: FakeTime, odd: str
) -> None:
    async with make_stream("accounts", sim, fake_time, FAST, Tokens(sim)) as stream:
        events = stream.events()
        await until(lambda: stream.snapshot is not None)
        assert hub.topics.account_info(ACCOUNT, {"accountId": ODD[odd], "status": "OPEN"}) == 1
        assert hub.topics.account_info(ACCOUNT, {"accountId": 42, "status": "OPEN"}) == 1
        heard: list[Any] = []

        def both_heard() -> bool:
            heard.extend(drained(events))
            return sum(type(e) is AccountInfoEvent for e in heard) >= 2

        await until(both_heard)
    infos = [e for e in heard if type(e) is AccountInfoEvent]
    assert [e.account_id for e in infos] == [None, "42"], infos
    assert infos[0].data["accountId"] == ODD[odd]  # the wire object is still there, unchanged
