"""REST decoding in bulk: a large positions answer and order-history page into models, side by side.

Run: ``python -m benchmarks.rest_decode [--positions 20000 --orders 5000 --repeat 5]``.
Writes ``benchmarks/results/rest_decode.json``.

The bodies are bytes, as the wire carries them. They are built from a live simulator's own
answers: an in-process :class:`~aries_async.sim.Simulator` fills and rests a few orders, its
``GET /v1/accounts/{id}/positions`` and ``GET /v2/accounts/{id}/orders/history`` answers are the
templates, and copies of them with other ids, symbols, quantities and prices make up the
bodies. Both bodies are validated with finance-dev's pydantic models first, so both sides decode
the same thing.

Contenders, per body:

* ``aries-async``: what ``client.accounts.positions`` / ``client.orders.history`` do with a body:
  ``decode_body`` with the answer's body reader (msgspec, straight into ``list[Position]`` /
  ``OrderPage``; from a megabyte up in parts, the event loop running between them);
* ``aries converter``, a diagnostic: the path for what the body reader does not take,
  ``orjson.loads`` then the converter's ``structure``;
* ``finance-dev``: what the official package does with a 200 answer (``unmarshal_json_response``:
  the body's text, then ``unmarshal_json`` into ``GetPositionsResponse`` / ``GetOrdersV2Response``,
  its pydantic models; amounts stay strings there, times become datetimes);
* ``finance-dev +Decimal``: the same, then each item's amounts made ``Decimal`` (finance-dev
  keeps them as text, our models as ``Decimal``): what a user of finance-dev does to get what
  ours give, the like-for-like comparison;
* ``orjson.loads``, a diagnostic: the JSON alone, into plain dicts;
* ``... +read all``: the same, then every field of every model read once, as a program that
  uses the whole answer does (compared with ``finance-dev +read all``).

Contenders run in interleaved rounds (``--repeat``), their order rotating per round; the table
shows medians of the microseconds per item and of the per-round ratios (finance-dev's time over
the contender's: above 1 is faster than finance-dev). Time is this process's CPU time by default
(``--clock process``), which time spent descheduled on a shared machine does not inflate.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import operator
import random
import statistics
import sys
import typing
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
import orjson

from benchmarks import _simproc
from benchmarks._clock import CLOCKS, add_clock_option

ACCOUNT = "TEST-ACCOUNT-001"
POSITIONS_PATH = f"/v1/accounts/{ACCOUNT}/positions"
HISTORY_PATH = f"/v2/accounts/{ACCOUNT}/orders/history"
HEADERS = {"Content-Type": "application/json; charset=utf-8"}
SYMBOLS = ("AAPL", "MSFT", "KO", "NVDA", "AMZN", "TSLA", "JPM", "XOM", "SPY", "QQQ")

_ORDERS = (
    {"symbol": "KO", "side": "BUY", "type": "MARKET", "qty": "40"},
    {"symbol": "NVDA", "side": "BUY", "type": "MARKET", "qty": "12"},
    {"symbol": "MSFT", "side": "BUY", "type": "LIMIT", "qty": "5", "price": "10.00"},
    {"symbol": "JPM", "side": "BUY", "type": "STOP", "qty": "3", "stopPrice": "9999.00"},
)


async def _sim_answers() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The positions and the order history of a simulator that filled and rested a few orders."""
    import aiohttp

    from aries_async.sim import ManualClock, Simulator

    async with Simulator(seed=1, clock=ManualClock(), tick_interval=None) as sim:
        headers = {"Authorization": sim.issue_token().authorization}
        async with aiohttp.ClientSession(base_url=sim.base_url, headers=headers) as http:
            for order in _ORDERS:
                body = {"tradingAccountId": ACCOUNT, "timeInForce": "DAY", **order}
                async with http.post("/v1/orders", json=body) as resp:
                    resp.raise_for_status()
            sim.advance(30)
            async with http.get(POSITIONS_PATH) as resp:
                resp.raise_for_status()
                positions = (await resp.json())["positions"]
            now = datetime.fromtimestamp(sim.clock.now(), UTC)
            since = (now - timedelta(days=89)).isoformat().replace("+00:00", "Z")
            query = {"from": since, "limit": "500"}
            async with http.get(HISTORY_PATH, params=query) as resp:
                resp.raise_for_status()
                orders = (await resp.json())["orders"]
    if not positions or not orders:
        raise SystemExit("the simulator answered without positions or orders")
    return positions, orders


def _vary(template: dict[str, Any], i: int, rng: random.Random, ids: tuple[str, ...]) -> Any:
    """A copy of ``template`` with its ``ids`` made unique, another symbol and other amounts
    (decimal strings stay decimal strings, with the same number of decimals)."""
    item = dict(template)
    scale = Decimal(rng.randrange(50, 200)) / 100
    for key, value in template.items():
        if key in ids and isinstance(value, str) and value:
            item[key] = f"{value}-{i}"
        elif key == "symbol" and template.get("securityType", "EQUITY") == "EQUITY":
            item[key] = SYMBOLS[i % len(SYMBOLS)]
        elif isinstance(value, str) and value[:1].isdigit() and "T" not in value:
            amount = Decimal(value)
            exponent = amount.as_tuple().exponent
            step = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
            item[key] = str((amount * scale).quantize(step))
    return item


def make_bodies(positions: int, orders: int, seed: int = 1) -> tuple[bytes, bytes]:
    """A ``GET .../positions`` body with ``positions`` positions and an order-history page body
    with ``orders`` orders, built from a simulator's answers."""
    position_templates, order_templates = asyncio.run(_sim_answers())
    rng = random.Random(seed)
    position_items = [
        _vary(position_templates[i % len(position_templates)], i, rng, ()) for i in range(positions)
    ]
    order_items = [
        _vary(order_templates[i % len(order_templates)], i, rng, ("clOrdId", "ordId", "clientId"))
        for i in range(orders)
    ]
    return (
        orjson.dumps({"positions": position_items}),
        orjson.dumps({"orders": order_items, "nextCursor": 0}),
    )


def validate(positions_body: bytes, orders_body: bytes, positions: int, orders: int) -> None:
    """Both bodies pass finance-dev's models and ours, with every item."""
    from finance_dev import models

    from aries_async.models import OrderPage, Position, structure

    fd_positions = models.GetPositionsResponse.model_validate_json(positions_body).positions
    fd_orders = models.GetOrdersV2Response.model_validate_json(orders_body).orders
    from aries_async.models._reader import body_reader

    ours = structure(orjson.loads(positions_body)["positions"], list[Position])
    page = structure(orjson.loads(orders_body), OrderPage)
    # The body readers take both bodies (else aries-async would measure the converter).
    for model, key, body, expected in (
        (list[Position], "positions", positions_body, ours),
        (OrderPage, None, orders_body, page),
    ):
        reader = body_reader(model, key)
        if reader is None or reader.read(body) != expected:
            raise SystemExit(f"the body reader does not read {model} as the converter does")
    counts = (len(fd_positions or []), len(fd_orders or []), len(ours), len(page.orders))
    if counts != (positions, orders, positions, orders):
        raise SystemExit(f"bodies decoded to {counts} items, expected {positions}/{orders}")


# -- contenders: each takes the body and returns how many items it decoded ----------------------


def _read_all(models: list[Any]) -> None:
    """Read every field of every model (attrs fields, or pydantic's), as a program that uses
    the whole answer does."""
    if not models:
        return
    first = models[0]
    names = (
        [a.name for a in attrs.fields(type(first))]
        if attrs.has(type(first))
        else list(type(first).model_fields)
    )
    reader = operator.attrgetter(*names)
    for model in models:
        reader(model)


def _bulk(model: Any, key: str | None) -> Any:
    """The ``parse`` the resources give ``decode_body`` for an answer of many models."""
    from aries_async.models import structure
    from aries_async.resources._base import _BulkAnswer

    def parse(data: Any) -> Any:
        return structure(data[key] if key and isinstance(data, dict) else data, model)

    return _BulkAnswer(model, key, parse)


def ours_positions(body: bytes, *, read: bool = False) -> int:
    """``client.accounts.positions`` on a body."""
    from aries_async.http.decode import decode_body
    from aries_async.models import Position

    models = decode_body(body, HEADERS, "GET", POSITIONS_PATH, _bulk(list[Position], "positions"))
    if read:
        _read_all(models)
    return len(models)


def ours_orders(body: bytes, *, read: bool = False) -> int:
    """``client.orders.history`` on one page body."""
    from aries_async.http.decode import decode_body
    from aries_async.models import OrderPage

    page = decode_body(body, HEADERS, "GET", HISTORY_PATH, _bulk(OrderPage, None))
    if read:
        _read_all(page.orders)
    return len(page.orders)


def converter_positions(body: bytes) -> int:
    from aries_async.models import Position, structure

    return len(structure(orjson.loads(body)["positions"], list[Position]))


def converter_orders(body: bytes) -> int:
    from aries_async.models import OrderPage, structure

    return len(structure(orjson.loads(body), OrderPage).orders)


def fd_positions(body: bytes, *, read: bool = False, items: bool = False) -> Any:
    """finance-dev's ``unmarshal_json_response`` for ``accounts.get_positions``."""
    from finance_dev import models
    from finance_dev.utils.serializers import unmarshal_json

    answer = unmarshal_json(body.decode(), models.GetPositionsResponse | None)
    if read:
        _read_all(answer.positions)
    return answer.positions if items else len(answer.positions)


def fd_orders(body: bytes, *, read: bool = False, items: bool = False) -> Any:
    """finance-dev's ``unmarshal_json_response`` for ``orders.list_order_history``."""
    from finance_dev import models
    from finance_dev.utils.serializers import unmarshal_json

    answer = unmarshal_json(body.decode(), models.GetOrdersV2Response | None)
    if read:
        _read_all(answer.orders)
    return answer.orders if items else len(answer.orders)


@functools.cache
def _fd_amounts(fd_model: Any, ours: Any) -> tuple[str, ...]:
    """The attributes of finance-dev's ``fd_model`` (text there) that our model ``ours``
    reads as ``Decimal``: what a user of finance-dev converts to get exact money."""
    from aries_async.models.common import field_wire_name, wire_case

    wire_names = {
        field_wire_name(a, wire_case(ours))
        for a in attrs.fields(ours)
        if Decimal in (a.type, *typing.get_args(a.type))
    }
    return tuple(
        name for name, field in fd_model.model_fields.items() if (field.alias or name) in wire_names
    )


def fd_exact(fd: Callable[..., Any], fd_model: str, ours: str, body: bytes) -> int:
    """``fd`` on a body, then each of its items' amounts made a ``Decimal``, as our models
    give them (the amounts of an order's legs are left as text: the count is low for it)."""
    from finance_dev import models as fd_models

    from aries_async import models

    items = fd(body, items=True)
    if items:
        names = _fd_amounts(getattr(fd_models, fd_model), getattr(models, ours))
        amounts = operator.attrgetter(*names)
        for item in items:
            for value in amounts(item):
                if value:  # an order's unused price is "", None in our models
                    Decimal(value)
    return len(items)


def json_positions(body: bytes) -> int:
    return len(orjson.loads(body)["positions"])


def json_orders(body: bytes) -> int:
    return len(orjson.loads(body)["orders"])


Contender = Callable[[Any], int]
EXACT = "finance-dev +Decimal"


def _contenders(
    ours: Callable[..., int],
    converter: Contender,
    fd: Callable[..., Any],
    plain: Contender,
    models: tuple[str, str],
) -> dict[str, Contender]:
    return {
        "aries-async": ours,
        "aries converter": converter,
        "finance-dev": fd,
        EXACT: functools.partial(fd_exact, fd, *models),
        "orjson.loads": plain,
        "aries +read all": functools.partial(ours, read=True),
        "finance-dev +read all": functools.partial(fd, read=True),
    }


CONTENDERS: dict[str, dict[str, Contender]] = {
    "positions": _contenders(
        ours_positions,
        converter_positions,
        fd_positions,
        json_positions,
        ("AccountPosition", "Position"),
    ),
    "orders": _contenders(
        ours_orders, converter_orders, fd_orders, json_orders, ("TradeOrderV2", "Order")
    ),
}
FINANCE_DEV = "finance-dev"


def interleaved(
    contenders: dict[str, Contender],
    body: bytes,
    items: int,
    repeat: int,
    clock: Callable[[], float],
) -> dict[str, list[float]]:
    """Microseconds per item of each contender in ``repeat`` rounds, the order rotating."""
    names = list(contenders)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for round_no in range(repeat):
        shift = round_no % len(names)
        for name in names[shift:] + names[:shift]:
            started = clock()
            seen = contenders[name](body)
            elapsed = clock() - started
            if seen != items:
                raise SystemExit(f"{name} decoded {seen} of {items} items")
            samples[name].append(elapsed / items * 1e6)
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--positions", type=int, default=20_000)
    parser.add_argument("--orders", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=5)
    add_clock_option(parser)
    args = parser.parse_args(argv)
    try:
        import finance_dev  # noqa: F401
    except ImportError:
        print("finance-dev not installed: pip install -e '.[compare]'", file=sys.stderr)
        return 2
    positions_body, orders_body = make_bodies(args.positions, args.orders)
    validate(positions_body, orders_body, args.positions, args.orders)
    bodies = {
        "positions": (positions_body, args.positions),
        "orders": (orders_body, args.orders),
    }
    # First use builds the converter's hooks and finance-dev's validators: not what is measured.
    for name, (body, _items) in bodies.items():
        for fn in CONTENDERS[name].values():
            fn(body)
    results: dict[str, Any] = {
        "positions": args.positions,
        "orders": args.orders,
        "bytes": {name: len(body) for name, (body, _items) in bodies.items()},
        "repeat": args.repeat,
        "clock": args.clock,
        "statistic": (
            "median of interleaved rounds, microseconds per item; ratios are medians of"
            " per-round finance-dev time / contender time (>1: faster than finance-dev)"
        ),
        "us_per_item": {},
        "vs_finance_dev": {},
        "vs_finance_dev_exact": {},
        "samples": {},
    }
    print(f"{'body':<16} {'contender':<26} {'us/item':>9} {'vs finance-dev':>15}")
    for name, (body, items) in bodies.items():
        samples = interleaved(CONTENDERS[name], body, items, args.repeat, CLOCKS[args.clock])
        base = samples[FINANCE_DEV]
        per_item = {who: statistics.median(values) for who, values in samples.items()}
        ratios = {
            who: statistics.median(b / mine for b, mine in zip(base, values, strict=True))
            for who, values in samples.items()
        }
        results["us_per_item"][name] = per_item
        results["vs_finance_dev"][name] = ratios
        results["samples"][name] = samples
        label = f"{name} {items:,}"
        for who, value in per_item.items():
            base_name = "finance-dev +read all" if "read all" in who else FINANCE_DEV
            ratio = statistics.median(
                b / mine for b, mine in zip(samples[base_name], samples[who], strict=True)
            )
            ratios[who] = ratio
            print(f"{label:<16} {who:<26} {value:>9.2f} {ratio:>14.2f}x")
        like_for_like = statistics.median(
            b / mine for b, mine in zip(samples[EXACT], samples["aries-async"], strict=True)
        )
        results["vs_finance_dev_exact"][name] = like_for_like
        print(f"{label:<16} aries-async vs {EXACT}: {like_for_like:.2f}x")
    _simproc.write_results("rest_decode", results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
