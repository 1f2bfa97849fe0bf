"""A fault set from Python on a route the simulator does not serve is refused as it is set,
as ``aries-async sim`` refuses it: a typo in a route (``/v1/chart/quote``, ``GET v1/...``, a
method the route does not take) would leave a test with a fault that never fires, and the test
passing for the wrong reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiohttp
import pytest

from aries_async.cli import _parser
from aries_async.errors import ValidationError
from aries_async.sim import ErrorFault, Faults, RateLimitFault, ServerErrorFault, Simulator

ACCOUNT = "TEST-ACCOUNT-001"

# field -> a value of the fault, for one route
VALUES: dict[str, Any] = {
    "rate_limit": RateLimitFault(count=1),
    "server_errors": ServerErrorFault(count=1),
    "error_responses": ErrorFault(count=1, status=418),
    "route_latency": 0.5,
    "drop_connection": 1,
    "trickle_body": 0.01,
    "huge_body": 100,
    "malformed_amount": "1.2.3",
    "malformed_date": "TBD",
    "wrap_answer": "data",
    "answer_body": b"{}",
}
SETS = ("gzip_body", "list_as_object")
"""The faults that are a set of routes."""

UNSERVED = [
    "/v1/chart/quote",  # a letter short
    "GET /v1/chart/quotes/",  # a slash too many
    "DELETE /v1/chart/quotes",  # a method the route does not take
    "/v2/accounts/{account}/balance",  # the template's parameter misnamed
    "GET v1/chart/quotes",  # no leading slash
    "FETCH /v1/chart/quotes",
    "abc",
    "",
    None,  # not a route at all
    ("GET", "/v1/chart/quotes"),
]
SERVED = [
    "*",
    "/v1/chart/quotes",
    "get /v1/chart/quotes",
    "POST /v1/orders",
    "/v2/accounts/{id}/balance",
    f"GET /v2/accounts/{ACCOUNT}/balance",
    "POST /v1/predictions/orders",
    "/v1/oauth2/token",
    "/v1/market/ws",
]

Put = Callable[[Faults, str], object]
build: Callable[..., Faults] = Faults  # the faults' constructor, given a field by name


def _xor_into(faults: Faults, field: str, route: Any) -> None:
    """``faults.<field> ^= {route}``, as a test would write it."""
    routes = getattr(faults, field)
    routes ^= {route}
    setattr(faults, field, routes)


def _puts(field: str) -> list[Put]:
    """Every way to put a route into the fault ``field``."""
    if field in SETS:
        return [
            lambda f, r: getattr(f, field).add(r),
            lambda f, r: getattr(f, field).update([r]),
            lambda f, r: getattr(f, field).symmetric_difference_update({r}),
            lambda f, r: _xor_into(f, field, r),
            lambda f, r: setattr(f, field, {r}),
            lambda f, r: build(**{field: {r}}),
        ]
    value = VALUES[field]
    return [
        lambda f, r: getattr(f, field).__setitem__(r, value),
        lambda f, r: getattr(f, field).update({r: value}),
        lambda f, r: getattr(f, field).setdefault(r, value),
        lambda f, r: setattr(f, field, {r: value}),
        lambda f, r: build(**{field: {r: value}}),
    ]


CASES = [(field, i) for field in [*VALUES, *SETS] for i in range(len(_puts(field)))]


@pytest.mark.parametrize(("field", "way"), CASES)
@pytest.mark.parametrize("route", UNSERVED)
def test_a_fault_on_a_route_the_simulator_does_not_serve_is_refused(
    field: str, way: int, route: str
) -> None:
    faults = Faults()
    with pytest.raises(ValidationError) as refused:
        _puts(field)[way](faults, route)
    message = str(refused.value)
    assert repr(route) in message and field in message, message
    assert refused.value.field == field
    assert not getattr(faults, field)  # nothing was kept


@pytest.mark.parametrize(("field", "way"), CASES)
@pytest.mark.parametrize("route", SERVED)
def test_a_fault_on_a_served_route_is_taken(field: str, way: int, route: str) -> None:
    faults = Faults()
    _puts(field)[way](faults, route)
    if way < len(_puts(field)) - 1:  # the last way builds a Faults of its own
        assert route in getattr(faults, field)


async def test_the_running_simulators_faults_refuse_it_too(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    with pytest.raises(ValidationError, match="'GET /v1/chart/quote'"):
        sim.faults.server_errors["GET /v1/chart/quote"] = ServerErrorFault(count=1)
    sim.faults.server_errors["GET /v1/chart/quotes"] = ServerErrorFault(count=1, status=502)
    async with http.get(sim.base_url + "/v1/chart/quotes", params={"symbols": "AAPL"}) as resp:
        assert resp.status == 502  # the one it took fires
    sim.faults.clear()  # back to the defaults, which refuse as well
    with pytest.raises(ValidationError):
        sim.faults.gzip_body.add("/v1/chart/quote")


@pytest.mark.parametrize("route", ["/v1/chart/quote", "DELETE /v1/chart/quotes"])
def test_the_command_line_refuses_an_unserved_route_with_the_same_check(
    route: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        _parser().parse_args(["sim", "--server-errors", f"{route}=1"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "--server-errors" in err and repr(route) in err and "no route" in err, err
