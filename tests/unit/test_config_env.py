"""``ClientConfig.from_env``: what each variable sets, and a clear error for a bad value."""

from __future__ import annotations

import re

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
        ("ARIES_CONNECT_TIMEOUT", "0", "ARIES_CONNECT_TIMEOUT must be positive, got '0'"),
        ("ARIES_TIMEOUT", "-1", "ARIES_TIMEOUT must be positive, got '-1'"),
        ("ARIES_TIMEOUT", "0", "ARIES_TIMEOUT must be positive, got '0'"),
        ("ARIES_RATE_LIMIT", "-2", "ARIES_RATE_LIMIT must be positive, got '-2'"),
        ("ARIES_APP_TOKEN", "maybe", "ARIES_APP_TOKEN must be 1/true/yes/on"),
        ("ARIES_SCOPES", "nonsense!", "ARIES_SCOPES"),
        ("ARIES_TIMEOUT", "inf", "ARIES_TIMEOUT must be a finite number"),
        ("ARIES_CONNECT_TIMEOUT", "Infinity", "ARIES_CONNECT_TIMEOUT must be a finite number"),
        ("ARIES_TIMEOUT", "nan", "ARIES_TIMEOUT must be a finite number"),
    ],
)
def test_a_bad_value_is_a_configuration_error(key: str, value: str, message: str) -> None:
    """The message names the variable and its value, and so does ``setting``."""
    with pytest.raises(ConfigurationError, match=re.escape(message)) as info:
        ClientConfig.from_env({key: value})
    assert info.value.setting == key


def test_an_app_token_without_the_client_s_credentials_names_the_variables() -> None:
    with pytest.raises(ConfigurationError) as info:
        ClientConfig.from_env({"ARIES_APP_TOKEN": "1", "ARIES_CLIENT_ID": "me"})
    assert str(info.value) == ("ARIES_APP_TOKEN='1' needs ARIES_CLIENT_ID and ARIES_CLIENT_SECRET")
    assert info.value.setting == "ARIES_APP_TOKEN"
    given = ClientConfig.from_env({"ARIES_APP_TOKEN": "1"}, client_id="me", client_secret="s")
    assert given.app_token


@pytest.mark.parametrize("setting", ["timeout", "connect_timeout"])
def test_an_endless_timeout_is_a_configuration_error(setting: str) -> None:
    """No call could keep its time budget (aiohttp cannot schedule an infinite deadline)."""
    with pytest.raises(ConfigurationError, match=f"^{setting} must be a finite number") as info:
        ClientConfig(**{setting: float("inf")})  # type: ignore[arg-type]
    assert info.value.setting == setting
