"""``ClientConfig.from_env``: what each variable sets, and a clear error for a bad value."""

from __future__ import annotations

import pytest

from aries_async import ClientConfig
from aries_async.errors import ConfigurationError


def test_numbers_from_the_environment() -> None:
    config = ClientConfig.from_env(
        {
            "ARIES_TIMEOUT": "12.5",
            "ARIES_CONNECT_TIMEOUT": "3",
            "ARIES_POOL_SIZE": " 64 ",
            "ARIES_MAX_ATTEMPTS": "1",
        }
    )
    assert config.timeout == 12.5 and config.connect_timeout == 3.0
    assert config.pool_size == 64 and config.retry.max_attempts == 1


def test_defaults_without_variables() -> None:
    config = ClientConfig.from_env({})
    default = ClientConfig()
    assert (config.timeout, config.connect_timeout, config.pool_size, config.retry) == (
        default.timeout,
        default.connect_timeout,
        default.pool_size,
        default.retry,
    )


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("ARIES_POOL_SIZE", "2.7", "ARIES_POOL_SIZE must be a whole number"),
        ("ARIES_POOL_SIZE", "0", "ARIES_POOL_SIZE must be at least 1"),
        ("ARIES_MAX_ATTEMPTS", "many", "ARIES_MAX_ATTEMPTS must be a whole number"),
        ("ARIES_MAX_ATTEMPTS", "-1", "ARIES_MAX_ATTEMPTS must be at least 1"),
        ("ARIES_CONNECT_TIMEOUT", "soon", "ARIES_CONNECT_TIMEOUT must be a number"),
        ("ARIES_CONNECT_TIMEOUT", "0", "timeouts must be positive"),
        ("ARIES_TIMEOUT", "inf", "ARIES_TIMEOUT must be a finite number"),
        ("ARIES_CONNECT_TIMEOUT", "Infinity", "ARIES_CONNECT_TIMEOUT must be a finite number"),
        ("ARIES_TIMEOUT", "nan", "ARIES_TIMEOUT must be a finite number"),
    ],
)
def test_a_bad_value_is_a_configuration_error(key: str, value: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        ClientConfig.from_env({key: value})


@pytest.mark.parametrize("setting", ["timeout", "connect_timeout"])
def test_an_endless_timeout_is_a_configuration_error(setting: str) -> None:
    """No call could keep its time budget (aiohttp cannot schedule an infinite deadline)."""
    with pytest.raises(ConfigurationError, match="timeouts must be positive and finite"):
        ClientConfig(**{setting: float("inf")})  # type: ignore[arg-type]
