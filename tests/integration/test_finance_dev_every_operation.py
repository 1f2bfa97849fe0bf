"""The official finance-dev SDK, unmodified, calls all 151 operations against the simulator.

Its pydantic models are an independent check of the simulator's shapes: every answer must parse
and carry data (a non-empty list, or a model with most of its fields set). The arguments come
from the table in ``op_args`` (wire values, converted here to the SDK's Python types); the SDK
runs blocking calls, so the simulator runs on its own thread.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest
from op_args import BODIES, clock_values, op_by_id, param_values

from aries_async.apispec import operations
from aries_async.apispec.naming import spell_out
from aries_async.sim.threaded import ThreadedSimulator

pytestmark = pytest.mark.finance_dev

finance_dev = pytest.importorskip("finance_dev")
pydantic = pytest.importorskip("pydantic")


@pytest.fixture(scope="module")
def sim() -> Iterator[ThreadedSimulator]:
    with ThreadedSimulator(seed=12) as running:
        yield running


@pytest.fixture(scope="module")
def sdk(sim: ThreadedSimulator) -> Iterator[Any]:
    security = finance_dev.models.Security(
        client_id=sim.client_id, client_secret=sim.client_secret, token_url=sim.token_url
    )
    with finance_dev.FinanceDev(security=security, server_url=sim.base_url) as client:
        yield client


@pytest.fixture(scope="module")
def prepared(sdk: Any, sim: ThreadedSimulator) -> dict[str, Any]:
    """What some calls need first: a listed expiry, and orders to replace and to cancel."""
    expiry = sdk.options.list_option_expiry_dates(symbol="AAPL").option_expiry_dates_response
    placed = [
        sdk.orders.place_order(request=_snake(BODIES["placeOrder"])).ord_response.cl_ord_id
        for _ in range(2)
    ]
    now = sim.call(lambda: sim.simulator.clock.now())
    return {
        "sdk": sdk,
        "args": clock_values(now, str(expiry.expiry_dates[0])),
        "replace": placed[0],
        "cancel": placed[1],
    }


def _snake(value: Any) -> Any:
    """A wire body with the SDK's (snake_case) key names."""
    if isinstance(value, dict):
        return {re.sub("([A-Z])", r"_\1", k).lower(): _snake(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_snake(v) for v in value]
    return value


def _python(schema: dict[str, Any], raw: str) -> Any:
    kind, fmt = schema.get("type"), schema.get("format")
    if fmt == "date":
        return date.fromisoformat(raw)
    if fmt == "date-time":
        return datetime.fromisoformat(raw.replace("Z", "+00:00"))
    if kind == "integer":
        return int(raw)
    if kind == "number":
        return float(raw)
    if kind == "boolean":
        return raw == "true"
    return raw


def _method(sdk: Any, op: dict[str, Any]) -> Any:
    *groups, name = op["official"].split(".")
    target = sdk
    for group in groups:
        target = getattr(target, group)
    return getattr(target, name)


def _body(result: Any) -> Any:
    """The parsed answer inside the SDK's response wrapper."""
    fields = [n for n in type(result).model_fields if n not in ("http_meta", "next")]
    assert len(fields) == 1, fields
    return getattr(result, fields[0])


def _fresh(sdk: Any, op_id: str) -> dict[str, dict[str, str]]:
    """Ids a call needs made just before it (so that each test stands alone, in any order,
    also against stateful watchlist and prediction-order routes)."""
    if op_id in (
        "getConfigWatchlistById",
        "updateConfigWatchlistById",
        "deleteConfigWatchlistById",
    ):
        fresh = {**BODIES["createConfigWatchlist"], "name": f"For {op_id}"}  # names are unique
        made = _body(sdk.watchlist.create(**_snake(fresh)))
        return {op_id: {"watchlist_id": str(made.id)}}
    if op_id == "getPredictionOrder":
        placed = _body(
            sdk.predictions.orders.place_prediction_order(**_snake(BODIES["placePredictionOrder"]))
        )
        return {op_id: {"orderId": placed.data.order_id}}
    return {}


def _kwargs(method: Any, op: dict[str, Any], prepared: dict[str, Any]) -> dict[str, Any]:
    values = param_values(op, {**prepared["args"], **_fresh(prepared["sdk"], op["id"])})
    names = set(inspect.signature(method).parameters)
    # Ours spells abbreviations out (``frequency`` for the official ``freq``): the official
    # name of a parameter is the one of its method that spells out to ours.
    official = {spell_out(name): name for name in names}
    kwargs = {
        official[p["name"]]: _python(p["schema"], values[p["wire"]])
        for p in op["params"]
        if p["wire"] in values
    }
    body: Any = BODIES.get(op["id"])
    if op["id"] in ("replaceOrder", "cancelOrder"):
        order = prepared["replace" if op["id"] == "replaceOrder" else "cancel"]
        body = {**body, "origClOrdId": order}
    if body is None:
        return kwargs
    wrapper = [n for n in names if n == "request" or n.endswith("_request")]
    if wrapper:
        kwargs[wrapper[0]] = _snake(body)
    else:
        kwargs.update(_snake(body))
    return kwargs


def _carries_data(body: Any) -> bool:
    """A non-empty list, or a model with a non-empty list or most of its fields set."""
    if isinstance(body, (list, tuple)):
        return len(body) > 0
    if isinstance(body, str):
        return body != ""
    if not isinstance(body, pydantic.BaseModel):
        return body is not None
    values = [getattr(body, name) for name in type(body).model_fields]
    present = [v for v in values if v not in (None, []) and type(v).__name__ != "Unset"]
    return len(present) * 2 >= len(values) or any(isinstance(v, list) for v in present)


def test_the_official_package_has_our_151_operations(sdk: Any) -> None:
    methods = [_method(sdk, op) for op in operations()]
    assert len(methods) == 151 and all(callable(m) for m in methods)


@pytest.mark.parametrize("op_id", [op["id"] for op in operations()])
def test_finance_dev_parses_every_answer(sdk: Any, prepared: dict[str, Any], op_id: str) -> None:
    op = op_by_id(op_id)
    method = _method(sdk, op)
    body = _body(method(**_kwargs(method, op, prepared)))
    assert _carries_data(body), body
