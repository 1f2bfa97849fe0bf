"""``ClientConfig`` and ``RetryPolicy``: every option refuses what it cannot mean (NaN, an
infinity, a negative, zero where zero means nothing, a bool, a string, a float for a count)
at construction, with a :class:`ConfigurationError` naming the option and what it takes."""

from __future__ import annotations

import math

import pytest

from aries_async import ClientConfig
from aries_async.config import RetryPolicy
from aries_async.errors import ConfigurationError


def _cases(names: tuple[str, ...], values: tuple[object, ...]) -> list[tuple[str, object]]:
    return [(name, value) for name in names for value in values]


_NOT_POSITIVE_SECONDS = (math.nan, math.inf, -math.inf, -1.0, 0, True, "30", None)
_NOT_SECONDS_OR_ZERO = (math.nan, math.inf, -math.inf, -1, False, "60", None)


@pytest.mark.parametrize(
    ("option", "value"),
    _cases(("timeout", "connect_timeout"), _NOT_POSITIVE_SECONDS)
    + _cases(("attempt_timeout",), (math.nan, math.inf, -1.0, 0, True, "5"))
    + _cases(("refresh_skew",), _NOT_SECONDS_OR_ZERO)
    + _cases(
        ("pool_size", "quote_chunk_size", "max_response_bytes"),
        (0, -1, 2.0, math.nan, math.inf, True, "8", None),
    )
    + _cases(
        ("pool_size_per_host", "offload_parse_bytes"),
        (-1, 2.0, math.nan, math.inf, True, "0", None),
    )
    + _cases(("app_token",), (1, "yes", None))
    + _cases(("user_agent",), ("", "bot\r\nX-Evil: 1", 5, None))
    + _cases(("redirect_uri",), ("", "http://127.0.0.1/cb\n", "http://h/a b", 5))
    + _cases(("retry",), (3, None, {"max_attempts": 3})),
)
def test_a_client_option_it_cannot_mean_is_refused(option: str, value: object) -> None:
    with pytest.raises(ConfigurationError) as info:
        ClientConfig(**{option: value})  # type: ignore[arg-type]
    message = str(info.value)
    assert message.startswith(f"{option} must be "), message
    assert info.value.setting == option


@pytest.mark.parametrize(
    ("option", "value"),
    _cases(("max_attempts",), (0, -1, 2.0, math.nan, True, "4", None))
    + _cases(
        ("initial_backoff", "max_backoff", "retry_after_cap"),
        (math.nan, math.inf, -math.inf, -0.5, True, "1", None),
    )
    + _cases(("multiplier",), (0.5, 0, math.nan, math.inf, True, "2", None))
    + _cases(("jitter",), (-0.1, 1, math.nan, math.inf, False, "0.25", None))
    + _cases(("retry_statuses",), ("429", {429, "503"}, {99}, {600}, {True}, None, 429)),
)
def test_a_retry_option_it_cannot_mean_is_refused(option: str, value: object) -> None:
    with pytest.raises(ConfigurationError) as info:
        RetryPolicy(**{option: value})  # type: ignore[arg-type]
    message = str(info.value)
    assert message.startswith(f"RetryPolicy.{option} must be "), message
    assert info.value.setting == f"RetryPolicy.{option}"


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("timeout", 5),
        ("attempt_timeout", None),
        ("attempt_timeout", 2.5),
        ("refresh_skew", 0),
        ("pool_size_per_host", 0),
        ("offload_parse_bytes", 0),
        ("user_agent", "my bot/1.0 (ops@example.com)"),
        ("app_token", False),
        ("redirect_uri", None),
        ("redirect_uri", "http://127.0.0.1:8765/callback"),
    ],
)
def test_the_values_a_client_option_takes_are_kept(option: str, value: object) -> None:
    config = ClientConfig(**{option: value})  # type: ignore[arg-type]
    assert getattr(config, option) is value


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("max_attempts", 1),
        ("initial_backoff", 0),
        ("max_backoff", 0.0),
        ("multiplier", 1),
        ("jitter", 0),
        ("retry_after_cap", 0),
        ("retry_statuses", frozenset()),
        ("retry_statuses", frozenset({429, 599})),
    ],
)
def test_the_values_a_retry_option_takes_are_kept(option: str, value: object) -> None:
    policy = RetryPolicy(**{option: value})  # type: ignore[arg-type]
    assert getattr(policy, option) is value


def test_a_secret_is_never_quoted_when_refused() -> None:
    """A refused credential names its setting, never its value (errors get logged)."""
    with pytest.raises(ConfigurationError) as info:
        ClientConfig(client_id="me", client_secret="s3cr3t-value\n")
    assert "s3cr3t" not in str(info.value) and info.value.setting == "client_secret"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("ARIES_REDIRECT_URI", "http://127.0.0.1:8765/callback\n"),
        ("ARIES_REDIRECT_URI", "http://127.0.0.1/a b"),
        ("ARIES_RATE_LIMIT", "nan"),
        ("ARIES_RATE_LIMIT", "-inf"),
        ("ARIES_POOL_SIZE", "1e3"),
        ("ARIES_POOL_SIZE", "true"),
        ("ARIES_MAX_ATTEMPTS", "inf"),
        ("ARIES_CONNECT_TIMEOUT", "1e400"),
    ],
)
def test_a_malformed_variable_is_a_configuration_error_naming_it(key: str, value: str) -> None:
    """Never a bare ValueError, nor one naming the argument the variable sets."""
    with pytest.raises(ConfigurationError) as info:
        ClientConfig.from_env({key: value})
    assert str(info.value).startswith(key) and info.value.setting == key


def test_a_malformed_secret_variable_is_named_never_quoted() -> None:
    env = {"ARIES_CLIENT_ID": "me", "ARIES_CLIENT_SECRET": "s3cr3t-value\r\n"}
    with pytest.raises(ConfigurationError) as info:
        ClientConfig.from_env(env)
    assert "s3cr3t" not in str(info.value) and info.value.setting == "ARIES_CLIENT_SECRET"
