"""The numbers a call, a block or a stream's consumer takes (a call's timeout, a batch's
limit, an account stream's reconcile attempts) refuse NaN, an infinity, a bool and a string
where they are given, with a typed error naming them, before any request is sent."""

from __future__ import annotations

import math

import pytest

from aries_async import AriesClient
from aries_async.errors import ConfigurationError, ValidationError
from aries_async.sim import Simulator
from aries_async.streaming.accounts import AccountStream
from aries_async.streaming.fanout import Consumer
from aries_async.streaming.hub import Hub

_NOT_A_TIMEOUT = (math.inf, math.nan, 0, -1.0, True, "5")


@pytest.mark.parametrize("timeout", _NOT_A_TIMEOUT)
async def test_a_call_timeout_it_cannot_keep_is_refused_unsent(
    sim: Simulator, timeout: object
) -> None:
    async with AriesClient(sim.client_config(), token=sim.issue_token()) as client:
        with pytest.raises(ValidationError, match=r"^timeout must be a finite number") as info:
            await client.request("GET", "/v1/market/status", timeout=timeout)  # type: ignore[arg-type]
        assert info.value.field == "timeout"
        with pytest.raises(ValidationError, match=r"^timeout must be a finite number"):
            client.timeout(timeout)  # type: ignore[arg-type]
    assert sum(sim.requests.values()) == 0


async def test_a_call_timeout_of_seconds_is_taken(sim: Simulator) -> None:
    async with AriesClient(sim.client_config(), token=sim.issue_token()) as client:
        with client.timeout(5):
            await client.request("GET", "/v1/market/status", timeout=2.5)
    assert sum(sim.requests.values()) == 1


@pytest.mark.parametrize("limit", [0, 2.5, math.nan, True, "3"])
async def test_a_batch_limit_that_is_no_count_is_refused(limit: object) -> None:
    hub = Hub()
    consumer: Consumer[object] = Consumer(hub, [object], policy="drop_oldest", limit=10)
    hub.publish_many([object(), object()])  # a limit taken would hand them over at once
    with pytest.raises(ValidationError, match=r"^limit must be ") as info:
        await consumer.next_batch(limit)  # type: ignore[arg-type]
    assert info.value.field == "limit"
    with pytest.raises(ValidationError, match=r"^limit must be "):
        await anext(consumer.batches(limit))  # type: ignore[arg-type]


@pytest.mark.parametrize("attempts", [0, 2.5, math.nan, True, "3", None])
def test_reconcile_attempts_that_are_no_count_are_refused(attempts: object) -> None:
    with pytest.raises(ConfigurationError, match=r"^reconcile_attempts must be ") as info:
        AccountStream(
            "ws://127.0.0.1:1/ws/accounts",
            lambda: "token",  # type: ignore[arg-type,return-value]
            "ACCOUNT-1",
            reconcile_attempts=attempts,  # type: ignore[arg-type]
        )
    assert info.value.setting == "reconcile_attempts"
