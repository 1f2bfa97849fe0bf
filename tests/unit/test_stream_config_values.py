"""``StreamConfig``: every numeric option refuses what it cannot mean (NaN, an infinity, a
negative, zero where zero means nothing, a bool, a string, a float for a count) at
construction, with a :class:`ConfigurationError` naming the option and what it takes."""

from __future__ import annotations

import math

import pytest

from aries_async.errors import ConfigurationError
from aries_async.streaming import StreamConfig

_SECONDS = (
    "open_timeout",
    "auth_timeout",
    "close_timeout",
    "ping_interval",
    "pong_timeout",
    "stale_after",
    "backoff_max",
    "backoff_reset_after",
    "request_timeout",
    "overtaken_wait",
)
"""Seconds above 0: a timer or a window of no time means nothing."""
_NOT_SECONDS = (math.nan, math.inf, -math.inf, -1.0, 0, 0.0, True, "10", None)

_ZERO_SECONDS = ("healthy_after", "backoff_initial")
"""Seconds where 0 has a meaning (data alone resets; reconnect at once)."""
_NOT_ZERO_SECONDS = (math.nan, math.inf, -math.inf, -0.5, False, "1", None)

_COUNTS = (
    "market_buffer",
    "account_buffer",
    "status_buffer",
    "max_message_size",
    "subscribe_batch",
    "overtaken_limit",
)
_NOT_COUNTS = (0, -1, 10.0, 1.5, math.nan, math.inf, True, "10", None)

_OPTIONAL_COUNTS = ("max_attempts", "max_refusals")
_OPTIONAL_KEPT = ("terminal_orders_kept", "unknown_orders_kept")


def _cases(names: tuple[str, ...], values: tuple[object, ...]) -> list[tuple[str, object]]:
    return [(name, value) for name in names for value in values]


@pytest.mark.parametrize(
    ("option", "value"),
    _cases(_SECONDS, _NOT_SECONDS)
    + _cases(_ZERO_SECONDS, _NOT_ZERO_SECONDS)
    + _cases(_COUNTS, _NOT_COUNTS)
    + _cases(_OPTIONAL_COUNTS, (0, -2, 3.0, math.nan, math.inf, True, "3"))
    + _cases(_OPTIONAL_KEPT, (-1, 5.0, math.nan, math.inf, True, "5"))
    + _cases(("backoff_multiplier",), (0.5, 0, math.nan, math.inf, True, "2", None))
    + _cases(("backoff_jitter",), (-0.1, 1, 1.0, math.nan, math.inf, True, "0.2", None))
    + _cases(("reconnect",), (0, 1, "yes", None)),
)
def test_a_value_an_option_cannot_mean_is_refused(option: str, value: object) -> None:
    with pytest.raises(ConfigurationError) as info:
        StreamConfig(**{option: value})  # type: ignore[arg-type]
    message = str(info.value)
    assert message.startswith(f"StreamConfig.{option} must be "), message
    assert message.endswith(f"got {value!r}"), message
    assert info.value.setting == f"StreamConfig.{option}"


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("stale_after", 2),
        ("request_timeout", 0.25),
        ("backoff_initial", 0),
        ("healthy_after", 0),
        ("backoff_multiplier", 1),
        ("backoff_jitter", 0.0),
        ("max_attempts", None),
        ("max_attempts", 1),
        ("max_refusals", None),
        ("terminal_orders_kept", 0),
        ("unknown_orders_kept", None),
        ("subscribe_batch", 1),
        ("reconnect", False),
    ],
)
def test_the_values_each_option_takes_are_kept(option: str, value: object) -> None:
    config = StreamConfig(**{option: value})  # type: ignore[arg-type]
    assert getattr(config, option) is value


def test_the_defaults_pass_their_own_checks() -> None:
    config = StreamConfig()
    assert config.stale_after == 30.0 and config.max_refusals == 3
