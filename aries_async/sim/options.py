"""The checks of :class:`~aries_async.sim.Simulator`'s constructor options, made before it
builds anything or listens: a tick interval of NaN seconds would spin the ticker, a
``port`` of ``"80"`` fail deep in the socket layer, a ``starting_cash`` of NaN poison every
balance.

Each refusal is a :class:`~aries_async.errors.ValidationError` (a ``ValueError``, as the
simulator's other checks are) whose ``field`` is the option.
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from typing import NamedTuple

from aries_async._settings import optional_count, seconds_setting
from aries_async.errors import ValidationError

__all__ = ["Checked", "check_options"]


class Checked(NamedTuple):
    """The options as the simulator keeps them: seconds (and the rate) as floats, a
    ``Decimal`` given converted once, here, so that no timer meets one later."""

    starting_cash: Decimal
    token_ttl: float
    tick_interval: float | None
    step_seconds: float
    rate_limit: float | None


def _refuse(name: str, takes: str, value: object) -> ValidationError:
    return ValidationError(f"{name} must be {takes}, got {value!r:.80}", field=name)


def check_options(
    *,
    seed: object,
    port: object,
    token_ttl: object,
    tick_interval: object,
    step_seconds: object,
    history_page_size: object,
    rate_limit: object,
    starting_cash: object,
    quote_symbol_in: object,
    quote_unknown: object,
    quote_unknown_choices: Collection[str],
) -> Checked:
    """Check the options; return ``starting_cash`` as a Decimal (a whole number is taken),
    the seconds and the rate as floats (a finite ``Decimal`` is taken for them).

    Raises:
        ValidationError: naming the first option refused and what it takes.
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise _refuse("seed", "an int", seed)
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise _refuse("port", "a port from 0 to 65535 (0: a free one)", port)
    ttl = seconds_setting(token_ttl, "token_ttl", error=ValidationError, decimals=True)
    step = seconds_setting(step_seconds, "step_seconds", error=ValidationError, decimals=True)
    tick = None
    if tick_interval is not None:
        tick = seconds_setting(tick_interval, "tick_interval", error=ValidationError, decimals=True)
    rate = None
    if rate_limit is not None:
        unit = "requests a second"
        rate = seconds_setting(
            rate_limit, "rate_limit", unit=unit, error=ValidationError, decimals=True
        )
    optional_count(history_page_size, "history_page_size", error=ValidationError)
    if quote_symbol_in not in ("n", "s"):
        raise _refuse("quote_symbol_in", "'n' or 's'", quote_symbol_in)
    if quote_unknown not in quote_unknown_choices:
        raise _refuse("quote_unknown", f"one of {', '.join(quote_unknown_choices)}", quote_unknown)
    cash = starting_cash
    if type(cash) is int:
        cash = Decimal(cash)
    if not isinstance(cash, Decimal) or not cash.is_finite() or cash < 0:
        raise _refuse("starting_cash", "a Decimal amount of at least 0", starting_cash)
    return Checked(cash, ttl, tick, step, rate)
