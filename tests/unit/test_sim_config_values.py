"""The simulator's options refuse what they cannot mean (NaN, an infinity, a negative or zero
number of seconds, a bool, a string, a float for a count) where they are given: the
constructor, before it listens, and the fault switches, built or set. The error is a
:class:`ValidationError` (a ``ValueError``, as the simulator's other checks) naming the
option and what it takes."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from aries_async.errors import ValidationError
from aries_async.sim import (
    AppRateLimit,
    ErrorFault,
    Faults,
    Firehose,
    RateLimitFault,
    ServerErrorFault,
    SimSettings,
    Simulator,
)
from aries_async.sim.faults import WebsocketFaults


def _cases(names: tuple[str, ...], values: tuple[object, ...]) -> list[tuple[str, object]]:
    return [(name, value) for name in names for value in values]


_NOT_SECONDS = (math.nan, math.inf, -math.inf, -1.0, 0, True, "1")


@pytest.mark.parametrize(
    ("option", "value"),
    _cases(("token_ttl", "step_seconds"), (*_NOT_SECONDS, None))
    + _cases(("tick_interval", "rate_limit"), _NOT_SECONDS)
    + _cases(("seed",), (1.5, "7", True, None))
    + _cases(("port",), (-1, 65536, 80.0, True, "80", None))
    + _cases(("history_page_size",), (0, -1, 10.0, True, "10"))
    + _cases(
        ("starting_cash",),
        (Decimal("NaN"), Decimal("Infinity"), Decimal("-1"), 100.5, "100", True, None),
    )
    + _cases(("quote_symbol_in",), ("x", None))
    + _cases(("quote_unknown",), ("ignore", None)),
)
def test_a_simulator_option_it_cannot_mean_is_refused(option: str, value: object) -> None:
    with pytest.raises(ValidationError) as info:
        Simulator(**{option: value})  # type: ignore[arg-type]
    assert str(info.value).startswith(f"{option} must be "), str(info.value)
    assert info.value.field == option


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("seed", -3),
        ("tick_interval", None),
        ("tick_interval", 1),
        ("rate_limit", None),
        ("history_page_size", None),
        ("port", 0),
        ("starting_cash", Decimal("0")),
    ],
)
def test_the_values_a_simulator_option_takes_are_kept(option: str, value: object) -> None:
    sim = Simulator(**{option: value})  # type: ignore[arg-type]
    assert getattr(sim, option, getattr(sim.settings, option, value)) == value


def test_a_whole_starting_cash_is_taken_as_a_decimal() -> None:
    assert Simulator(starting_cash=5000).state.starting_cash == Decimal(5000)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "option", "value"),
    [
        *((AppRateLimit, "per_second", v) for v in (*_NOT_SECONDS, None)),
        *((AppRateLimit, "burst", v) for v in (0, 1.5, math.nan, True, "2")),
        *(
            (Firehose, name, v)
            for name in ("symbols", "lines_per_frame", "variants")
            for v in (0, 2.0, math.nan, True, "3", None)
        ),
        *((Firehose, "count", v) for v in (0, 2.0, True, "3")),
        *((Firehose, "duration", v) for v in _NOT_SECONDS),
        *((RateLimitFault, "retry_after", v) for v in (math.nan, math.inf, -1, True, "1", None)),
        *((RateLimitFault, "count", v) for v in (-1, 1.0, True, "1")),
        *((ServerErrorFault, "retry_after", v) for v in (math.nan, math.inf, -1, True, "1")),
        *((ServerErrorFault, "status", v) for v in (99, 600, 503.0, True, "503", None)),
        *((ErrorFault, "status", v) for v in (99, 600, 400.0, "400", None)),
        *((ErrorFault, "count", v) for v in (-1, 1.5, "1")),
        *(
            (Faults, name, v)
            for name in ("latency", "late_token_answers")
            for v in (math.nan, math.inf, -0.5, True, "0.2", None)
        ),
        *(
            (Faults, name, v)
            for name in ("reject_orders", "swallow_order_response")
            for v in (-1, 1.0, True, "1", None)
        ),
    ],
)
def test_a_fault_switch_value_it_cannot_mean_is_refused(
    kind: type, option: str, value: object
) -> None:
    required = {"per_second": 5.0} if kind is AppRateLimit and option != "per_second" else {}
    with pytest.raises(ValidationError) as info:
        kind(**required, **{option: value})
    name = f"{kind.__name__}.{option}"
    assert str(info.value).startswith(f"{name} must be "), str(info.value)
    assert info.value.field == name


def test_a_fault_switch_set_later_is_checked_too() -> None:
    faults = Faults()
    with pytest.raises(ValidationError, match=r"^Faults\.latency must be "):
        faults.latency = math.nan
    assert faults.latency == 0.0
    faults.latency = 0.25
    fault = RateLimitFault(count=2)
    fault.count = 1  # the simulator counts a burst down as it answers: each count is checked
    assert (faults.latency, fault.count) == (0.25, 1)


_NOT_COUNTS = (-1, 1.0, math.nan, True, "1")


@pytest.mark.parametrize(
    ("kind", "option", "value"),
    [
        *(
            (Faults, name, v)
            for name in ("revoke_tokens_after", "order_status_text_reads", "token_error_echo_cut")
            for v in _NOT_COUNTS
        ),
        *((Faults, "short_pages", v) for v in (0, *_NOT_COUNTS)),
        *((Faults, "first_page", v) for v in (True, 1.0, 2)),
        *(
            (WebsocketFaults, name, v)
            for name in (
                "ws_drop_after",
                "ws_drop_after_count",
                "ws_malformed_every",
                "ws_market_repeat_every",
                "ws_market_stale_every",
            )
            for v in _NOT_COUNTS
        ),
        *((WebsocketFaults, "ws_auth_deadline", v) for v in (0, *_NOT_SECONDS)),
        *(
            (WebsocketFaults, "ws_subscribe_delay", v)
            for v in (math.nan, math.inf, -0.5, True, "0.2")
        ),
        *(
            (SimSettings, name, v)
            for name in ("ws_auth_timeout", "ws_session_ttl")
            for v in (*_NOT_SECONDS, None)
        ),
        *(
            (SimSettings, "ws_refresh_warning", v)
            for v in (math.nan, math.inf, -1.0, True, "1", None)
        ),
        *((SimSettings, "history_page_size", v) for v in (0, 10.0, True, "10")),
    ],
)
def test_a_switch_left_unchecked_before_refuses_what_it_cannot_mean(
    kind: type, option: str, value: object
) -> None:
    name = f"{kind.__name__}.{option}"
    with pytest.raises(ValidationError) as info:
        kind(**{option: value})
    assert str(info.value).startswith(f"{name} must be "), str(info.value)
    assert info.value.field == name
    switches = kind()
    with pytest.raises(ValidationError, match=rf"^{kind.__name__}\.{option} must be "):
        setattr(switches, option, value)  # set on a running simulator: checked alike


@pytest.mark.parametrize(
    ("kind", "option", "value"),
    [
        *(
            (Faults, name, v)
            for name in ("revoke_tokens_after", "token_error_echo_cut")
            for v in (None, 0, 3)
        ),
        (Faults, "order_status_text_reads", 0),
        (Faults, "short_pages", 1),
        (Faults, "first_page", 1),
        (WebsocketFaults, "ws_drop_after_count", 0),
        (WebsocketFaults, "ws_market_stale_every", None),
        (WebsocketFaults, "ws_auth_deadline", 0.5),
        (WebsocketFaults, "ws_subscribe_delay", 0),
        (SimSettings, "ws_refresh_warning", 0),
        (SimSettings, "ws_session_ttl", 7),
        (SimSettings, "history_page_size", None),
    ],
)
def test_the_values_those_switches_take_are_kept(kind: type, option: str, value: object) -> None:
    assert getattr(kind(**{option: value}), option) == value


_ROUTE = "GET /v1/chart/quotes"


@pytest.mark.parametrize(
    ("option", "value"),
    [
        *(
            (name, v)
            for name in ("route_latency", "trickle_body")
            for v in (math.nan, math.inf, -0.5, True, "0.2", None)
        ),
        *(("huge_body", v) for v in (-1, 10.0, math.nan, True, "10", None)),
        *(("drop_connection", v) for v in (0, 1.0, True, "1", None)),
    ],
)
def test_a_route_fault_value_it_cannot_mean_is_refused(option: str, value: object) -> None:
    name = f"Faults.{option}[{_ROUTE!r}]"
    with pytest.raises(ValidationError) as info:
        Faults(**{option: {_ROUTE: value}})  # type: ignore[arg-type]
    assert str(info.value).startswith(f"{name} must be "), str(info.value)
    assert info.value.field == name
    faults = Faults()
    for put in (
        lambda: setattr(faults, option, {_ROUTE: value}),
        lambda: getattr(faults, option).__setitem__(_ROUTE, value),
        lambda: getattr(faults, option).update({_ROUTE: value}),
        lambda: getattr(faults, option).setdefault(_ROUTE, value),
    ):
        with pytest.raises(ValidationError, match=r"^Faults\."):
            put()
        assert getattr(faults, option) == {}  # nothing refused was kept


@pytest.mark.parametrize(
    ("option", "value"),
    [("route_latency", 0), ("trickle_body", 0.25), ("huge_body", 0), ("drop_connection", 2)],
)
def test_a_route_fault_value_it_takes_is_kept(option: str, value: object) -> None:
    faults = Faults(**{option: {_ROUTE: value}})  # type: ignore[arg-type]
    getattr(faults, option)["/v1/chart/history"] = value
    assert getattr(faults, option) == {_ROUTE: value, "/v1/chart/history": value}


def test_a_route_fault_key_that_is_no_text_is_refused() -> None:
    with pytest.raises(ValidationError, match="route_latency: expected a route"):
        Faults(route_latency={3: 0.5})  # type: ignore[dict-item]


_RECORDS = {
    "rate_limit": RateLimitFault,
    "server_errors": ServerErrorFault,
    "error_responses": ErrorFault,
}


@pytest.mark.parametrize(
    ("option", "value"),
    [
        *(
            (name, v)
            for name in _RECORDS
            for v in ({"count": 2}, 3, None, "503", AppRateLimit(per_second=1))
        ),
        ("rate_limit", ServerErrorFault()),
        ("server_errors", ErrorFault(status=503)),
        ("error_responses", RateLimitFault()),
    ],
)
def test_a_route_fault_record_of_another_type_is_refused(option: str, value: object) -> None:
    """A dict or a number where the fault's record belongs was taken, and failed at the first
    request the route got (an AttributeError in the server, a 500), far from the mistake."""
    name = f"Faults.{option}[{_ROUTE!r}]"
    with pytest.raises(ValidationError) as info:
        Faults(**{option: {_ROUTE: value}})  # type: ignore[arg-type]
    assert str(info.value).startswith(f"{name} must be a {_RECORDS[option].__name__}, got ")
    assert info.value.field == name
    faults = Faults()
    for put in (
        lambda: setattr(faults, option, {_ROUTE: value}),
        lambda: getattr(faults, option).__setitem__(_ROUTE, value),
        lambda: getattr(faults, option).update({_ROUTE: value}),
        lambda: getattr(faults, option).setdefault(_ROUTE, value),
    ):
        with pytest.raises(ValidationError, match=r"^Faults\."):
            put()
        assert getattr(faults, option) == {}  # nothing refused was kept


@pytest.mark.parametrize("option", list(_RECORDS))
def test_a_route_fault_record_of_its_type_is_kept(option: str) -> None:
    record = _RECORDS[option]()
    faults = Faults(**{option: {_ROUTE: record}})  # type: ignore[arg-type]
    getattr(faults, option)["*"] = record
    assert getattr(faults, option) == {_ROUTE: record, "*": record}


@pytest.mark.parametrize("option", list(_RECORDS))
def test_a_route_fault_record_keyed_by_no_text_is_refused(option: str) -> None:
    with pytest.raises(ValidationError, match=f"^{option}: expected a route"):
        Faults(**{option: {3: _RECORDS[option]()}})  # type: ignore[arg-type]
