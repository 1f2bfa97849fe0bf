"""Seconds given as a ``Decimal``, as a user's type checker sees them: the ``_typed_*`` functions
are never run, only checked by the suite's ``mypy --strict`` (no ``type: ignore``: an
``arg-type`` error there fails the check); each passes a Decimal wherever the library takes one
at run time, and asserts that what is kept is typed ``float``. The tests beside them check that
what the types promise is so when run: a Decimal in, a float kept."""

from __future__ import annotations

from decimal import Decimal
from typing import assert_type

import pytest

from aries_async import (
    AriesClient,
    ClientConfig,
    RateLimit,
    RedisRateBudget,
    RedisTokenStore,
    RetryPolicy,
    Seconds,
    login,
)
from aries_async.sim import ManualClock, Simulator
from aries_async.sim.faults import AppRateLimit, Faults, RateLimitFault
from aries_async.streaming import AccountStream, MarketStream, StreamConfig

URL = "redis://127.0.0.1:1/0"  # never connected to: the constructors only check and keep


def _typed_settings() -> None:
    config = ClientConfig(
        timeout=Decimal("1.5"),
        attempt_timeout=Decimal("1"),
        connect_timeout=Decimal("2"),
        refresh_skew=Decimal("30"),
        rate_limit=Decimal("5"),
        retry=RetryPolicy(
            initial_backoff=Decimal("0.5"),
            max_backoff=Decimal("4"),
            multiplier=Decimal("2"),
            jitter=Decimal("0.1"),
            retry_after_cap=Decimal("10"),
        ),
    )
    assert_type(config.timeout, float)
    assert_type(config.attempt_timeout, float | None)
    assert_type(config.retry.multiplier, float)
    limit = RateLimit(per_second=Decimal("2.5"))
    assert_type(limit.per_second, float)
    stream = StreamConfig(
        open_timeout=Decimal("1"),
        ping_interval=Decimal("15"),
        backoff_initial=Decimal("0"),
        backoff_multiplier=Decimal("1.5"),
        backoff_jitter=Decimal("0.2"),
        healthy_after=Decimal("5"),
        request_timeout=Decimal("3"),
    )
    assert_type(stream.request_timeout, float)
    seconds: Seconds = Decimal("1")
    assert_type(ClientConfig(timeout=seconds).timeout, float)


async def _typed_calls(client: AriesClient, market: MarketStream, account: AccountStream) -> None:
    await client.request("GET", "/v1/x", timeout=Decimal("2.5"))
    with client.timeout(Decimal("1.5")):
        pass
    await account.wait_for_order("id-1", timeout=Decimal("3"))
    await market.request("GET", "/options/AAPL/expiry-dates", timeout=Decimal("2"))
    await market.expiry_dates("AAPL", timeout=Decimal("2"))
    await market.equity_snapshot("AAPL", timeout=Decimal("2"))
    await login(client, timeout=Decimal("60"))


def _typed_stores() -> None:
    store = RedisTokenStore(
        URL,
        client_id="app",
        lease=Decimal("1.5"),
        poll_interval=Decimal("0.05"),
        close_timeout=Decimal("2"),
    )
    assert_type(store.lease, float)
    budget = RedisRateBudget(URL, member_lease=Decimal("300"), close_timeout=Decimal("2"))
    assert_type(budget.member_lease, float)


def _typed_simulator() -> None:
    Simulator(
        token_ttl=Decimal("60"),
        tick_interval=Decimal("0.05"),
        step_seconds=Decimal("0.5"),
        rate_limit=Decimal("10"),
    )
    ManualClock().advance(Decimal("1.5"))
    faults = Faults(latency=Decimal("0.5"), late_token_answers=Decimal("1"))
    assert_type(faults.latency, float)
    assert_type(AppRateLimit(per_second=Decimal("2")).per_second, float)
    assert_type(RateLimitFault(retry_after=Decimal("1")).retry_after, float)


async def test_the_redis_stores_keep_decimal_seconds_as_floats() -> None:
    store = RedisTokenStore(
        URL,
        client_id="app",
        lease=Decimal("1.5"),
        poll_interval=Decimal("0.05"),
        close_timeout=Decimal("2"),
    )
    budget = RedisRateBudget(URL, member_lease=Decimal("300"), close_timeout=Decimal("2.5"))
    try:
        kept = (store.lease, store.poll_interval, store.close_timeout)
        assert kept == (1.5, 0.05, 2.0)
        assert (budget.member_lease, budget.close_timeout) == (300.0, 2.5)
        for value in (*kept, budget.member_lease, budget.close_timeout):
            assert type(value) is float
    finally:
        await store.aclose()
        await budget.aclose()


@pytest.mark.parametrize("bad", ["NaN", "sNaN", "Infinity", "0", "-1"])
def test_a_redis_store_refuses_a_decimal_no_float_would_pass(bad: str) -> None:
    from aries_async.errors import ConfigurationError

    with pytest.raises(ConfigurationError) as info:
        RedisTokenStore(URL, client_id="app", lease=Decimal(bad))
    assert info.value.setting == "lease"
    with pytest.raises(ConfigurationError) as info:
        RedisRateBudget(URL, member_lease=Decimal(bad))
    assert info.value.setting == "member_lease"


def test_the_simulator_keeps_decimal_seconds_as_floats() -> None:
    clock = ManualClock(start=0.0)
    sim = Simulator(
        clock=clock,
        token_ttl=Decimal("60"),
        tick_interval=Decimal("0.25"),
        step_seconds=Decimal("0.5"),
        rate_limit=Decimal("10"),
    )
    assert sim.tick_interval == 0.25
    assert type(sim.tick_interval) is float
    rate = sim.faults.app_rate_limit
    assert rate is not None
    assert type(rate.per_second) is float
    assert rate.per_second == 10.0
    clock.advance(Decimal("1.5"))
    assert clock.now() == 1.5
    assert type(clock.now()) is float


def test_the_simulator_faults_keep_decimal_seconds_as_floats() -> None:
    faults = Faults(latency=Decimal("0.5"), app_rate_limit=AppRateLimit(per_second=Decimal("2")))
    # Converted when set, as when built (a type checker sees the attribute's type there).
    faults.late_token_answers = Decimal("1.25")  # type: ignore[assignment]
    limit = faults.app_rate_limit
    assert limit is not None
    kept = (faults.latency, faults.late_token_answers, limit.per_second)
    assert kept == (0.5, 1.25, 2.0)
    assert all(type(value) is float for value in kept)
    with pytest.raises(ValueError, match=r"^Faults\.latency must be a finite number"):
        faults.latency = Decimal("NaN")  # type: ignore[assignment]
    assert faults.latency == 0.5
