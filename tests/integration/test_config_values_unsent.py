"""A setting no stream or call could keep (NaN seconds, an endless timeout) is refused where it
is given, before any request or socket: the simulator sees nothing."""

from __future__ import annotations

import math

import attrs
import pytest

from aries_async import AriesClient
from aries_async.config import RetryPolicy
from aries_async.errors import ConfigurationError
from aries_async.sim import Simulator
from aries_async.sim.ws import WsHub
from aries_async.streaming import StreamConfig


def _nothing_reached(sim: Simulator, hub: WsHub) -> None:
    assert sum(sim.requests.values()) == 0
    assert sum(hub.connections.values()) == 0


async def test_a_stream_config_of_nan_seconds_opens_no_socket(sim: Simulator, hub: WsHub) -> None:
    async with AriesClient(sim.client_config(), token=sim.issue_token()) as client:
        with pytest.raises(ConfigurationError, match=r"^StreamConfig\.stale_after must be"):
            async with client.market_stream(config=StreamConfig(stale_after=math.nan)):
                pass
        with pytest.raises(ConfigurationError, match=r"^StreamConfig\.request_timeout must be"):
            attrs.evolve(StreamConfig(), request_timeout=math.inf)
    _nothing_reached(sim, hub)


@pytest.mark.parametrize(
    ("option", "value"),
    [("timeout", math.nan), ("attempt_timeout", math.inf), ("refresh_skew", math.nan)],
)
async def test_a_client_config_it_cannot_keep_sends_nothing(
    sim: Simulator, hub: WsHub, option: str, value: float
) -> None:
    with pytest.raises(ConfigurationError, match=f"^{option} must be") as info:
        async with AriesClient(
            sim.client_config(**{option: value}),  # type: ignore[arg-type]
            token=sim.issue_token(),
        ) as client:
            await client.market.status()
    assert info.value.setting == option
    _nothing_reached(sim, hub)


async def test_a_retry_policy_of_nan_backoff_sends_nothing(sim: Simulator, hub: WsHub) -> None:
    with pytest.raises(ConfigurationError, match=r"^RetryPolicy\.initial_backoff must be"):
        async with AriesClient(
            sim.client_config(retry=RetryPolicy(initial_backoff=math.nan)),
            token=sim.issue_token(),
        ) as client:
            await client.market.status()
    _nothing_reached(sim, hub)


async def test_a_malformed_variable_sends_nothing(
    sim: Simulator, hub: WsHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARIES_BASE_URL", sim.base_url)
    monkeypatch.setenv("ARIES_CONNECT_TIMEOUT", "nan")
    with pytest.raises(
        ConfigurationError, match=r"^ARIES_CONNECT_TIMEOUT must be a finite"
    ) as info:
        async with AriesClient.from_env(token=sim.issue_token()) as client:
            await client.market.status()
    assert info.value.setting == "ARIES_CONNECT_TIMEOUT"
    _nothing_reached(sim, hub)
