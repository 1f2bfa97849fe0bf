"""A number of seconds (or of calls a second) given as a :class:`~decimal.Decimal`, as a money
SDK's users hold their numbers: a finite one is taken wherever a float is, and kept as the float
it is worth (converted once, when the setting is built, so that no timer meets a Decimal); NaN
(signalling too), an infinity or a negative one is refused as the float would be."""

from __future__ import annotations

from decimal import Decimal

import pytest

from aries_async import ClientConfig, RateLimit
from aries_async.auth.session import AuthSession
from aries_async.auth.store import MemoryTokenStore
from aries_async.config import RetryPolicy
from aries_async.errors import ConfigurationError, ValidationError
from aries_async.http.call_timeout import TimeoutBlock, call_timeout
from aries_async.streaming import StreamConfig

_STREAM_SECONDS = (
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
    "healthy_after",
    "backoff_initial",
)

_OPTIONS: list[tuple[type, str, str]] = [
    *((ClientConfig, name, "3.5") for name in ("timeout", "connect_timeout", "refresh_skew")),
    (ClientConfig, "attempt_timeout", "2.5"),
    *(
        (RetryPolicy, name, "1.5")
        for name in ("initial_backoff", "max_backoff", "retry_after_cap", "multiplier")
    ),
    (RetryPolicy, "jitter", "0.25"),
    *((StreamConfig, name, "1.5") for name in (*_STREAM_SECONDS, "backoff_multiplier")),
    (StreamConfig, "backoff_jitter", "0.25"),
]


@pytest.mark.parametrize(("kind", "option", "text"), _OPTIONS)
def test_a_finite_decimal_is_taken_and_kept_as_a_float(kind: type, option: str, text: str) -> None:
    built = kind(**{option: Decimal(text)})
    kept = getattr(built, option)
    assert type(kept) is float
    assert kept == float(text)


@pytest.mark.parametrize(("kind", "option", "text"), _OPTIONS)
@pytest.mark.parametrize("bad", ["NaN", "sNaN", "Infinity", "-Infinity", "-1"])
def test_a_decimal_no_float_would_pass_is_refused(
    kind: type, option: str, text: str, bad: str
) -> None:
    with pytest.raises(ConfigurationError) as info:
        kind(**{option: Decimal(bad)})
    setting = info.value.setting or ""
    assert str(info.value).startswith(f"{setting} must be "), str(info.value)
    assert setting.split(".")[-1] == option


def test_a_decimal_rate_is_calls_a_second() -> None:
    limit = RateLimit(per_second=Decimal("2.5"), routes={"/v1/orders": Decimal("0.5")})
    assert type(limit.per_second) is float
    assert limit.per_second == 2.5
    assert limit.routes[0][1].per_second == 0.5
    assert ClientConfig(rate_limit=Decimal("12")).rate_limit == RateLimit(per_second=12.0)


@pytest.mark.parametrize("bad", ["NaN", "sNaN", "Infinity", "0", "-3"])
def test_a_decimal_rate_no_float_would_pass_is_refused(bad: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        RateLimit(per_second=Decimal(bad))
    assert info.value.setting == "rate_limit"


def test_a_call_or_a_block_takes_a_decimal_timeout() -> None:
    assert call_timeout(Decimal("2.5")) == 2.5
    assert type(call_timeout(Decimal("2.5"))) is float
    with TimeoutBlock(Decimal("1.25")):
        assert call_timeout(None) == 1.25
    with pytest.raises(ValidationError, match=r"^timeout must be a finite number"):
        TimeoutBlock(Decimal("Infinity"))


def test_an_auth_session_takes_a_decimal_refresh_skew() -> None:
    session = AuthSession(None, MemoryTokenStore(), refresh_skew=Decimal("45"))  # type: ignore[arg-type]
    assert session._skew == 45.0
    assert type(session._skew) is float
