"""The last settings left unchecked or checked apart: ``AuthSession(refresh_skew=...)`` built
directly, the items of ``ClientConfig.scopes``, an ``attempt_timeout`` longer than the call's
``timeout``, and ``RateLimit``, whose refusals are now a :class:`ConfigurationError` as every
other setting's (still a :class:`ValidationError`, which they were)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from aries_async import ClientConfig, RateLimit
from aries_async.auth.session import AuthSession
from aries_async.auth.store import MemoryTokenStore
from aries_async.errors import ConfigurationError, ValidationError


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, -1.0, True, "60", None])
def test_an_auth_session_refuses_a_refresh_skew_it_cannot_mean(value: object) -> None:
    with pytest.raises(ConfigurationError) as info:
        AuthSession(None, MemoryTokenStore(), refresh_skew=value)  # type: ignore[arg-type]
    assert str(info.value).startswith("refresh_skew must be a finite number of seconds >= 0")
    assert info.value.setting == "refresh_skew"


@pytest.mark.parametrize("value", [0, 0.0, 30, 90.5])
def test_an_auth_session_takes_a_refresh_skew_of_seconds(value: float) -> None:
    session = AuthSession(None, MemoryTokenStore(), refresh_skew=value)  # type: ignore[arg-type]
    assert session._skew == value


@pytest.mark.parametrize(
    "scopes",
    [
        ["trading", "market data"],  # two scopes on the wire: a list holds each apart
        ["trading", ""],
        ["trading\n"],
        ("trading", "acc\x00ount"),
        "trading acc\x7fount",
        ["trading", None],
        ["trading", 5],
        5,
        None,
    ],
)
def test_a_scope_that_is_no_scope_name_is_refused(scopes: object) -> None:
    with pytest.raises(ConfigurationError) as info:
        ClientConfig(scopes=scopes)  # type: ignore[arg-type]
    assert str(info.value).startswith("scopes must be "), str(info.value)
    assert info.value.setting == "scopes"


@pytest.mark.parametrize(
    ("scopes", "kept"),
    [
        ("trading  account", ("trading", "account")),  # the OAuth form: space-separated
        (["trading", "account"], ("trading", "account")),
        ((), ()),
        ("", ()),
    ],
)
def test_scope_names_are_kept(scopes: object, kept: tuple[str, ...]) -> None:
    assert ClientConfig(scopes=scopes).scopes == kept  # type: ignore[arg-type]


def test_an_attempt_timeout_longer_than_the_call_timeout_is_refused() -> None:
    with pytest.raises(ConfigurationError) as info:
        ClientConfig(timeout=5.0, attempt_timeout=10.0)
    assert str(info.value).startswith("attempt_timeout must be at most timeout (5 seconds)")
    assert info.value.setting == "attempt_timeout"


@pytest.mark.parametrize(("timeout", "attempt_timeout"), [(5.0, 5.0), (5.0, 1.0), (5, None)])
def test_an_attempt_timeout_within_the_call_timeout_is_kept(
    timeout: float, attempt_timeout: float | None
) -> None:
    config = ClientConfig(timeout=timeout, attempt_timeout=attempt_timeout)
    assert (config.timeout, config.attempt_timeout) == (timeout, attempt_timeout)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"per_second": math.nan},
        {"per_second": True},
        {"per_second": 5, "burst": 0},
        {"per_second": 5, "routes": {"orders": 1}},
        {"per_second": 5, "priority": "POST /v1/orders"},
    ],
)
def test_a_rate_limit_refused_is_a_configuration_error_and_still_a_validation_error(
    kwargs: dict[str, Any],
) -> None:
    with pytest.raises(ConfigurationError) as info:
        RateLimit(**kwargs)
    assert isinstance(info.value, ValidationError)  # what it was: code catching it goes on
    assert isinstance(info.value, ValueError)
    assert info.value.setting == info.value.field == "rate_limit"
    assert str(info.value).startswith("rate_limit"), str(info.value)


@pytest.mark.parametrize("value", ["fast", 0, math.nan, True, [10]])
def test_a_client_config_rate_limit_refused_is_a_configuration_error(value: object) -> None:
    with pytest.raises(ConfigurationError) as info:
        ClientConfig(rate_limit=value)
    assert info.value.setting == "rate_limit"
