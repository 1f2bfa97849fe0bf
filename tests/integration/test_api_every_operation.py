"""Every row of ``endpoints-all.md``, called through OUR typed method against one simulator.

For each of the 151 operations the module calls the generated method (or the hand-written one
its description names in ``covered_by``) with the arguments of ``op_args`` converted to Python
types by the description, and checks that the answer is the method's model carrying data: a
non-empty list, or a model with most of its fields set (not its defaults). A paginated method is
awaited for one page and iterated with ``async for`` for a few items.

The answers of the reads are also fetched raw and read with the strict converter (unknown wire
keys rejected), which must give the same model: a field the simulator sends that our model
misnames or lacks fails here. Writes make what they read first, as the other walks do.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
import pytest
from op_args import (
    ACCOUNT,
    BODIES,
    ENDPOINTS,
    body_kwargs,
    clock_values,
    endpoint_rows,
    method_of,
    op_by_id,
    param_values,
    python_value,
)

import aries_async.models.generated as generated
from aries_async import AriesClient, CancelRequest, OrderRequest, ReplaceRequest
from aries_async.apispec import operations
from aries_async.http.pagination import Paged
from aries_async.models import unstructure
from aries_async.models._converter import strict_converter
from aries_async.models.common import field_wire_name, parse_datetime
from aries_async.resources._plan import plan
from aries_async.sim import ManualClock, Simulator

FEW = 3  # items an ``async for`` takes from a paginated method
WRITES = ("POST", "PUT", "PATCH", "DELETE")

Hand = Callable[[AriesClient, dict[str, Any]], Awaitable[Any]]

_ORDER = OrderRequest(
    account_id=ACCOUNT, symbol="AAPL", side="BUY", type="LIMIT", quantity="1", price="1.00"
)


async def _history(client: AriesClient, ids: dict[str, Any]) -> list[Any]:
    return [order async for order in client.orders.history(ACCOUNT, ids["from"], ids["to"])]


# The hand-written methods (``covered_by``) have their own signatures.
HAND: dict[str, Hand] = {
    "getAccountBalance": lambda c, _: c.accounts.balance(ACCOUNT),
    "getUserAccounts": lambda c, _: c.accounts.list(),
    "getAccountPositions": lambda c, _: c.accounts.positions(ACCOUNT),
    "getChartHistory": lambda c, ids: c.market.bars("AAPL", "60", ids["from"], ids["to"]),
    "getQuotes": lambda c, _: c.market.quotes(["AAPL", "MSFT"]),
    "getMarketHolidays": lambda c, _: c.market.holidays(),
    "searchMarketSymbols": lambda c, _: c.market.search("AAP"),
    "getMarketStatus": lambda c, _: c.market.status(),
    "listOptionContracts": lambda c, ids: c.market.option_chain("AAPL", ids["expiry"]),
    "listOptionExpiryDates": lambda c, _: c.market.option_expirations("AAPL"),
    "placeOrder": lambda c, _: c.orders.place(_ORDER),
    "previewOrder": lambda c, _: c.orders.preview(_ORDER),
    "replaceOrder": lambda c, ids: c.orders.replace(
        ReplaceRequest(
            orig_cl_ord_id=ids["replace"], account_id=ACCOUNT, symbol="AAPL", quantity=Decimal(2)
        )
    ),
    "cancelOrder": lambda c, ids: c.orders.cancel(
        CancelRequest(orig_cl_ord_id=ids["cancel"], account_id=ACCOUNT, symbol="AAPL", side="BUY")
    ),
    "listActiveOrders": lambda c, _: c.orders.active(ACCOUNT),
    "listOrderHistory": _history,
}


async def _fresh(client: AriesClient, op_id: str) -> dict[str, dict[str, str]]:
    """Ids a call needs made just before it: a watchlist, prediction orders."""
    if op_id in (
        "getConfigWatchlistById",
        "updateConfigWatchlistById",
        "deleteConfigWatchlistById",
    ):
        made = await client.watchlists.create(name=f"For {op_id}", symbols=["AAPL", "MSFT"])
        return {op_id: {"watchlist_id": str(made.id)}}
    if op_id in ("getPredictionOrder", "listPredictionOrders"):
        order = body_kwargs(op_by_id("placePredictionOrder"), BODIES["placePredictionOrder"])
        # the listing is paged: enough orders for the ``async for`` to take FEW
        for _ in range(1 if op_id == "getPredictionOrder" else FEW):
            placed = await client.predictions.orders.place(**order)
        assert placed.data is not None
        return {op_id: {"orderId": str(placed.data.order_id)}}
    return {}


@attrs.define
class Outcome:
    """What one operation's typed method gave."""

    result: Any = None
    items: list[Any] = attrs.Factory(list)  # from ``async for`` (paginated methods)
    raw: Any = None  # the answer fetched raw (reads only)
    error: BaseException | None = None


async def _typed(
    client: AriesClient, op: dict[str, Any], extra: dict[str, Any], ids: dict[str, Any]
) -> Outcome:
    if op["covered_by"]:
        return Outcome(await HAND[op["id"]](client, ids))
    values = param_values(op, extra)
    kwargs = {
        p["name"]: python_value(p["schema"], values[p["wire"]])
        for p in op["params"]
        if p["wire"] in values
    }
    if op["id"] in BODIES:
        kwargs.update(body_kwargs(op, BODIES[op["id"]]))
    method = method_of(client, op)
    if op["pagination"] is None:
        out = Outcome(await method(**kwargs))
    else:
        paged = method(**kwargs)
        assert isinstance(paged, Paged)
        out = Outcome(await paged)
        async for item in method(**kwargs):
            out.items.append(item)
            if len(out.items) == FEW:
                break
    if op["method"] not in WRITES:
        request = plan(op["id"]).build(kwargs)
        out.raw = await client.request(op["method"], request.path, params=request.query or None)
    return out


async def _collect() -> dict[str, Outcome]:
    async with (
        Simulator(seed=7, clock=ManualClock(), tick_interval=None) as sim,
        AriesClient(sim.client_config(), token=sim.issue_token()) as client,
    ):
        expiry = (await client.market.option_expirations("AAPL"))[0]
        placed = [await client.orders.place(_ORDER) for _ in range(3)]
        now = datetime.fromtimestamp(sim.clock.now(), UTC)
        ids = {
            "expiry": expiry,
            "replace": placed[0].cl_ord_id,
            "cancel": placed[1].cl_ord_id,
            "from": now - timedelta(days=7),
            "to": now + timedelta(days=1),
        }
        extra: dict[str, Any] = clock_values(sim.clock.now(), expiry.isoformat())
        outcomes: dict[str, Outcome] = {}
        for op in operations():
            try:
                extra.update(await _fresh(client, op["id"]))
                outcomes[op["id"]] = await _typed(client, op, extra, ids)
            except Exception as exc:  # each operation's own test reports it
                outcomes[op["id"]] = Outcome(error=exc)
    return outcomes


@pytest.fixture(scope="module")
def answers() -> dict[str, Outcome]:
    """Every operation's typed answer, from one simulator (the tests only read them)."""
    return asyncio.run(_collect())


def _set(value: Any, default: Any) -> bool:
    return value not in (None, [], {}, "") and value != default


def _carries_data(result: Any) -> bool:
    """A non-empty list, or a model with a non-empty list or most of its fields set."""
    if isinstance(result, (list, tuple, dict)):
        return len(result) > 0
    if not attrs.has(type(result)):
        return result is not None
    fields = attrs.fields(type(result))
    factory: Any = attrs.Factory
    defaults = [
        f.default.factory() if isinstance(f.default, factory) else f.default for f in fields
    ]
    values = [getattr(result, f.name) for f in fields]
    present = [v for v, d in zip(values, defaults, strict=True) if _set(v, d)]
    return len(present) * 2 >= len(values) or any(isinstance(v, list) for v in present)


def _model(op: dict[str, Any]) -> Any:
    steps = plan(op["id"])
    cls = getattr(generated, str(steps.model))
    return list[cls] if steps.many else cls  # type: ignore[valid-type]


@pytest.mark.skipif(not ENDPOINTS.is_file(), reason=f"{ENDPOINTS} not found")
def test_endpoints_all_has_151_rows_and_all_answer(answers: dict[str, Outcome]) -> None:
    rows = endpoint_rows(ENDPOINTS)
    assert [row[0] for row in rows] == [row[0] for row in rows if row[0] in answers]
    answered = [op_id for op_id, *_ in rows if answers[op_id].error is None]
    assert len(rows) == len(answered) == 151


@pytest.mark.skipif(not ENDPOINTS.is_file(), reason=f"{ENDPOINTS} not found")
@pytest.mark.parametrize(
    "row", endpoint_rows(ENDPOINTS) if ENDPOINTS.is_file() else [], ids=lambda r: r[0]
)
def test_every_row_parses_into_our_model_with_data(
    answers: dict[str, Outcome], row: tuple[str, str, str]
) -> None:
    op_id, method, path = row
    op = op_by_id(op_id)
    assert (op["method"], op["path"]) == (method, path)
    outcome = answers[op_id]
    if outcome.error is not None:
        raise outcome.error
    result = outcome.result
    if op["covered_by"]:
        assert _carries_data(result), result
        return
    steps = plan(op_id)
    if steps.text:
        assert isinstance(result, (str, datetime)) and result
        return
    model = _model(op)
    if steps.many:
        assert isinstance(result, list) and all(isinstance(r, model.__args__[0]) for r in result)
    else:
        assert isinstance(result, model), type(result)
    assert _carries_data(result), result
    if op["pagination"] is not None:
        assert len(outcome.items) == FEW, outcome.items
    if outcome.raw is not None:
        # The same answer read strictly: no wire key our model does not name.
        assert strict_converter().structure(outcome.raw, model) == result


@pytest.mark.skipif(not ENDPOINTS.is_file(), reason=f"{ENDPOINTS} not found")
def test_equity_details_carry_every_field_of_the_spec_example(answers: dict[str, Outcome]) -> None:
    example = json.loads(
        (ENDPOINTS.parent / "examples/marketdata.equity_details.response.json").read_text()
    )
    documented = set(example["data"][0])
    for item in answers["getEquityDetails"].result.data:
        sent = {key for key, value in unstructure(item).items() if value is not None}
        assert documented - sent == set(), item.symbol


_PER_SECOND = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}
_UNIX = datetime(1970, 1, 1, tzinfo=UTC)


def _times(raw: Any, model: Any, found: list[str]) -> None:
    """Check the time fields of ``model`` against the ``raw`` answer it was read from."""
    if isinstance(raw, list) and isinstance(model, list) and len(raw) == len(model):
        for raw_item, item in zip(raw, model, strict=True):
            _times(raw_item, item, found)
        return
    if not (isinstance(raw, dict) and attrs.has(type(model))):
        return
    case = getattr(type(model), "__wire_case__", "camel")
    for a in attrs.fields(type(model)):
        value, sent = getattr(model, a.name), raw.get(field_wire_name(a, case))
        unit = a.metadata.get("epoch")
        if unit and isinstance(sent, (int, float)):
            # read in the documented unit, the wire's number is an instant of this century,
            # and the model holds that instant, aware UTC
            assert 946_684_800 <= sent / _PER_SECOND[unit] <= 4_102_444_800, (a.name, sent)
            exact = _UNIX + timedelta(microseconds=int(sent * 10**6) // _PER_SECOND[unit])
            assert value == exact and value.tzinfo is UTC, (a.name, sent, value)
            found.append("epoch")
        elif a.metadata.get("lenient") and isinstance(value, datetime):
            # date-time text: the simulator's RFC 3339, read as that instant, aware UTC
            assert isinstance(sent, str) and value == parse_datetime(sent), (a.name, sent)
            assert value.tzinfo is UTC, (a.name, sent)
            found.append("instant")
        elif a.metadata.get("lenient") and isinstance(value, Decimal):
            # an amount the schema types string (apispec.amounts): the Decimal of that text
            assert isinstance(sent, str) and str(value) == sent, (a.name, sent)
            found.append("amount")
        elif a.metadata.get("lenient") and isinstance(sent, str):
            assert isinstance(value, date) and value.isoformat() == sent[:10], (a.name, sent)
            found.append("day")
        else:
            _times(sent, value, found)


def test_time_fields_are_the_wire_instants_in_their_documented_units(
    answers: dict[str, Outcome],
) -> None:
    # The models read any unit; this pins the simulator to the units EPOCH_TIMES documents.
    # The lenient amounts (text the models read as Decimal) are checked on the way.
    found: list[str] = []
    for outcome in answers.values():
        if outcome.raw is not None:
            _times(outcome.raw, outcome.result, found)
    assert found.count("epoch") > 50 and found.count("day") > 50, found
    assert found.count("instant") > 10, found
    assert found.count("amount") > 10, found
