"""The simulator's sustained rate limit per app: ``Simulator(rate_limit=N)``, ``--rate-limit N``."""

from __future__ import annotations

import argparse

import pytest
from sim_http import SimApi

from aries_async.sim import AppRateLimit, Faults, ManualClock, Simulator
from aries_async.sim.cli import add_arguments, build_faults

QUOTE = "/v1/chart/quotes?symbols=AAPL"


async def _statuses(api: SimApi, count: int) -> list[int]:
    return [(await api.call("GET", QUOTE))[0] for _ in range(count)]


async def test_the_app_gets_per_second_requests_then_429_until_the_bucket_refills(
    sim: Simulator, api: SimApi
) -> None:
    sim.faults.app_rate_limit = AppRateLimit(per_second=5)
    assert await _statuses(api, 6) == [200] * 5 + [429]
    async with api.session.get(sim.base_url + QUOTE, headers=api.headers) as resp:
        status, headers, body = resp.status, resp.headers, await resp.json()
    assert status == 429
    assert (headers["Retry-After"], headers["retry-after-ms"]) == ("1", "200")
    assert body["error"]["type"] == "RATE_LIMIT"
    sim.advance(0.2)  # one request's worth at 5 a second
    assert await _statuses(api, 2) == [200, 429]
    sim.advance(10)  # a long quiet spell refills one second's worth, no more
    assert await _statuses(api, 6) == [200] * 5 + [429]
    assert sim.faults.app_rate_limit.refused == 4


async def test_a_burst_caps_what_the_bucket_holds(sim: Simulator, api: SimApi) -> None:
    sim.faults.app_rate_limit = AppRateLimit(per_second=100, burst=3)
    assert await _statuses(api, 4) == [200] * 3 + [429]
    sim.advance(0.025)  # two and a half requests' worth at 100 a second
    assert await _statuses(api, 3) == [200, 200, 429]
    sim.advance(10)  # a long quiet spell refills the burst, no more
    assert await _statuses(api, 4) == [200] * 3 + [429]
    with pytest.raises(ValueError, match="burst"):
        AppRateLimit(per_second=1, burst=0)


async def test_the_budget_is_the_app_s_across_tokens_and_routes(
    sim: Simulator, api: SimApi
) -> None:
    sim.faults.app_rate_limit = AppRateLimit(per_second=2)
    other = {"Authorization": sim.issue_token().authorization}
    assert (await api.call("GET", "/v1/market/status"))[0] == 200
    async with api.session.get(sim.base_url + QUOTE, headers=other) as resp:
        assert resp.status == 200
    async with api.session.get(sim.base_url + QUOTE, headers=other) as resp:
        assert resp.status == 429
    assert (await api.call("GET", "/v1/market/status"))[0] == 429


async def test_token_requests_are_not_counted(sim: Simulator, api: SimApi) -> None:
    sim.faults.app_rate_limit = AppRateLimit(per_second=1)
    assert await _statuses(api, 2) == [200, 429]
    form = {
        "grant_type": "client_credentials",
        "client_id": sim.client_id,
        "client_secret": sim.client_secret,
    }
    async with api.session.post(sim.token_url, data=form) as resp:
        assert resp.status == 200


async def test_a_route_fault_still_applies_beside_the_app_limit(
    sim: Simulator, api: SimApi
) -> None:
    sim.faults.app_rate_limit = AppRateLimit(per_second=100)
    sim.faults.rate_limit["GET /v1/chart/quotes"] = build_faults(
        _parse("--rate-limit", "GET /v1/chart/quotes=1:3")
    ).rate_limit["GET /v1/chart/quotes"]
    assert await _statuses(api, 2) == [429, 200]


def test_simulator_rate_limit_argument_sets_the_fault() -> None:
    sim = Simulator(rate_limit=7.5, clock=ManualClock(), tick_interval=None)
    assert sim.faults.app_rate_limit == AppRateLimit(per_second=7.5)
    assert Simulator(clock=ManualClock(), tick_interval=None).faults.app_rate_limit is None
    with pytest.raises(ValueError, match=r"per_second must be a finite number .* > 0"):
        AppRateLimit(per_second=0)


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(list(argv))


def test_cli_bare_number_beside_route_faults() -> None:
    faults = build_faults(_parse("--rate-limit", "50", "--rate-limit", "POST /v1/orders=2:1.5"))
    assert faults.app_rate_limit == AppRateLimit(per_second=50)
    assert (
        faults.rate_limit["POST /v1/orders"].count,
        faults.rate_limit["POST /v1/orders"].retry_after,
    ) == (2, 1.5)
    assert build_faults(_parse("--rate-limit", "*")).app_rate_limit is None
    assert Faults().app_rate_limit is None


@pytest.mark.parametrize(
    "spec", ["0", "-3", "nan", "inf", "/v1/chart/quotes=a", "/v1/chart/quotes=1:b"]
)
def test_cli_refuses_a_bad_rate_limit(spec: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        _parse("--rate-limit", spec)
    assert exited.value.code == 2
    assert "--rate-limit" in capsys.readouterr().err
