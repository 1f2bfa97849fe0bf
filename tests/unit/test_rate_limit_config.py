"""``RateLimit`` and ``ClientConfig(rate_limit=...)``: checked when built, routes matched by
the most specific prefix."""

from __future__ import annotations

from typing import Any

import pytest

from aries_async import ClientConfig, RateLimit
from aries_async.errors import ConfigurationError, ValidationError


@pytest.mark.parametrize(
    "kwargs",
    [
        {"per_second": 0},
        {"per_second": -1},
        {"per_second": float("nan")},
        {"per_second": float("inf")},
        {"per_second": "10"},
        {"per_second": True},
        {"per_second": 5, "burst": 0},
        {"per_second": 5, "burst": 1.5},
        {"per_second": 5, "routes": {"orders": 1}},
        {"per_second": 5, "routes": {"get /v1/orders": 1}},
        {"per_second": 5, "routes": {"/v1/orders": 0}},
        {"per_second": 5, "routes": {"/v1/orders": RateLimit(per_second=1, routes={"/x": 1})}},
        {"per_second": 5, "routes": "/v1/orders"},
        {"per_second": 5, "priority": "POST /v1/orders"},
        {"per_second": 5, "priority": ["orders"]},
    ],
)
def test_bad_rate_limits_raise_validation_error(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as info:
        RateLimit(**kwargs)
    assert info.value.field == "rate_limit"


@pytest.mark.parametrize("value", ["fast", 0, -2, [10], True])
def test_client_config_checks_its_rate_limit(value: object) -> None:
    with pytest.raises(ValidationError):
        ClientConfig(rate_limit=value)


def test_the_default_burst_is_a_tenth_of_a_second_s_worth() -> None:
    assert [RateLimit(per_second=rate).burst for rate in (0.5, 5, 19.9, 100, 250)] == [
        1,
        1,
        1,
        10,
        25,
    ]
    assert RateLimit(per_second=100, burst=1).burst == 1


def test_a_number_is_calls_a_second() -> None:
    assert ClientConfig(rate_limit=12).rate_limit == RateLimit(per_second=12.0)
    assert ClientConfig().rate_limit is None
    env = {"ARIES_RATE_LIMIT": "7.5"}
    assert ClientConfig.from_env(env).rate_limit == RateLimit(per_second=7.5)
    assert hash(ClientConfig(rate_limit=RateLimit(per_second=1, routes={"/v1": 2})))


@pytest.mark.parametrize("raw", ["fast", "0", "-1", "nan"])
def test_a_bad_aries_rate_limit_is_a_configuration_error(raw: str) -> None:
    with pytest.raises(ConfigurationError, match="ARIES_RATE_LIMIT"):
        ClientConfig.from_env({"ARIES_RATE_LIMIT": raw})


LIMIT = RateLimit(
    per_second=20,
    routes={
        "/v1/chart": 10,
        "GET /v1/chart/quotes": RateLimit(per_second=4, burst=2),
        "/v1/chart/quotes": 6,
        "/v1/orders": 2,
    },
)


@pytest.mark.parametrize(
    ("method", "path", "route", "per_second"),
    [
        ("GET", "/v1/chart/quotes", "GET /v1/chart/quotes", 4.0),
        ("POST", "/v1/chart/quotes", "/v1/chart/quotes", 6.0),
        ("GET", "/v1/chart/history", "/v1/chart", 10.0),
        ("GET", "/v1/charting", "*", 20.0),
        ("POST", "/v1/orders/cancel", "/v1/orders", 2.0),
        ("GET", "/v2/accounts/A/orders", "*", 20.0),
    ],
)
def test_the_most_specific_route_wins(
    method: str, path: str, route: str, per_second: float
) -> None:
    found, limit = LIMIT.budget_for(method, path)
    assert (found, limit.per_second) == (route, per_second)


def test_order_writes_have_priority_by_default() -> None:
    assert LIMIT.has_priority("POST", "/v1/orders")
    assert LIMIT.has_priority("POST", "/v1/orders/replace")
    assert not LIMIT.has_priority("GET", "/v1/chart/quotes")
    assert not RateLimit(per_second=1, priority=()).has_priority("POST", "/v1/orders")


@pytest.mark.parametrize("value", [10**400, -(10**400)])
def test_a_rate_beyond_any_float_is_refused_as_any_other(value: int) -> None:
    """An int too large for a float raised a bare OverflowError from the finite check."""
    with pytest.raises(ConfigurationError, match=r"^rate_limit\.per_second must be a number"):
        RateLimit(per_second=value)
