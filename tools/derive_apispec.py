"""Derive ``aries_async/apispec/*.json``, the package's description of the Aries REST API.

The facts come from the shared wire-protocol notes: ``api-schema.json`` (operations, parameters,
bodies and responses as JSON Schema) and ``endpoints-all.md`` (pagination, retry, summaries);
the allowed values of enum-typed query parameters are read from the official package's enum
classes (names and values only). The output is committed; rerun this after the notes change:

    python tools/derive_apispec.py ../shared/aries-api

After that, ``aries_async/apispec/operations.json`` is the one place an operation is described:
a new endpoint is added there (by hand or by rerunning this), never in code.
"""

from __future__ import annotations

import enum
import importlib
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "aries_async" / "apispec"
sys.path.insert(0, str(ROOT))

# The parameters' Python names are the official package's, in this package's one vocabulary.
from aries_async.apispec.naming import spell_out  # noqa: E402

# The official groups, as attributes of our client (plural where the official name is a noun
# that holds several things).
GROUPS = {
    "watchlist": "watchlists",
    "calendar": "calendars",
    "predictions.markets": "predictions.markets",
}

# Word stems dropped from the front of a method name inside its group: ``stocks.snapshots()``
# rather than ``stocks.get_stock_snapshots()``.
STEMS = {
    "accounts": ("account_",),
    "stocks": ("stock_",),
    "options": ("list_option_", "option_", "options_"),
    "indices": ("list_indices_", "list_index_", "index_", "list_", "search_"),
    "market": ("market_",),
    "calendars": (),
    "financials": ("financial_",),
    "etf": ("etf_",),
    "company": ("company_",),
    "chart": ("chart_",),
    "news": ("news_",),
    "logos": ("search_", "sync_"),
    "predictions.markets": ("list_",),
    "filings": ("sec_", "filings_"),
    "predictions.orders": ("prediction_",),
}

# Names the stem rules would make unclear, collide, or shadow a builtin for no gain.
NAMES = {
    "getOptionsETFsTopVolume": "etfs_top_volume",
    "getUserAccounts": "list",
    "listIndices": "list",
    "searchIndices": "search",
    "searchLogos": "search",
    "syncLogos": "sync",
    "getEarningsCalendar": "earnings",
    "getEconomicsCalendar": "economics",
    "getReportedFinancials": "reported",
    "searchMarketSymbols": "search",
    "getOptionsStocksTopGainers": "stocks_top_gainers",
    "getOptionsStocksTopVolume": "stocks_top_volume",
    "getHistoricalData": "economic_history",
    "getHistory": "history",
    "getHistoryBatch": "history_batch",
    "getTechnicalIndicator": "indicator",
    "getAggregateTechnicalIndicators": "aggregate_indicators",
    "getTechnicalPatterns": "patterns",
    "getSupportResistanceLevels": "support_resistance",
    "search": "search",
    "getChartTime": "server_time",
    "getQuotes": "quotes",
    "listPredictionOrders": "list",
    "placePredictionOrder": "place",
    "getPredictionOrder": "get",
    "getStockAggregates": "aggregates",
    "getNewsById": "get",
    "getNews": "list",
    "getSecFilings": "sec",
    "getFilingsSimilarityIndex": "similarity_index",
}

# Operations typed by hand before the description existed: the method that serves each one.
COVERED_BY = {
    "getAccountPositions": "accounts.positions",
    "getAccountBalance": "accounts.balance",
    "getUserAccounts": "accounts.list",
    "getQuotes": "market.quotes",
    "getChartHistory": "market.bars",
    "getMarketStatus": "market.status",
    "getMarketHolidays": "market.holidays",
    "searchMarketSymbols": "market.search",
    "listOptionExpiryDates": "market.option_expirations",
    "listOptionContracts": "market.option_chain",
    "placeOrder": "orders.place",
    "previewOrder": "orders.preview",
    "replaceOrder": "orders.replace",
    "cancelOrder": "orders.cancel",
    "listActiveOrders": "orders.active",
    "listOrderHistory": "orders.history",
}

# Operations that page though endpoints-all.md names no pager for them: the official package
# reads one page, but the request takes a ``cursor`` and the page (``PredOrdersOrderPage``)
# hands out the next as ``nextCursor``, an opaque string (null on the last page).
#
# The tick history pages too (conventions.md section 11, style 3; rest.md 9b): its ``nextTo``
# goes back as ``cursor`` for the older ticks, and is absent when there are none. Its page is
# columns, not a list of objects: ``items`` is the column of the ticks' times, one a tick, and
# ``rows`` what is handed out for them, the page model's ``bars`` (a property; ``item`` names
# their class). The pages go back in time (``backwards``: each page's rows are handed out
# newest first, so that the whole walk is newest first). ``size``: the page size asked for.
PAGINATION: dict[str, dict[str, Any]] = {
    "listPredictionOrders": {
        "style": "next_page",
        "items": "data.orders",
        "next": "data.nextCursor",
        "param": "cursor",
    },
    "getTickHistory": {
        "style": "next_page",
        "items": "t",
        "rows": "bars",
        "item": "aries_async.models.market.Bar",
        "backwards": True,
        "next": "nextTo",
        "param": "cursor",
        "size": "countback",
    },
}

_SCALARS: dict[str, dict[str, Any]] = {
    "str": {"type": "string"},
    "int": {"type": "integer"},
    "float": {"type": "number"},
    "bool": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "datetime.date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
    "datetime.datetime": {"type": "string", "format": "date-time"},
}


def _enum_values(name: str) -> list[str] | None:
    """The values of the official package's enum class ``name`` (module.Class or Class)."""
    module, _, cls = name.rpartition(".")
    candidates = [f"finance_dev.models.{module}"] if module else []
    candidates.append("finance_dev.models")
    for mod_name in candidates:
        try:
            mod = importlib.import_module(mod_name)
        except ImportError:
            continue
        found = getattr(mod, cls, None)
        if isinstance(found, type) and issubclass(found, enum.Enum):
            return [str(member.value) for member in found]
    return None


def _param_schema(py_type: str) -> dict[str, Any]:
    inner = re.sub(r"^Optional\[(.*)\]$", r"\1", py_type)
    if inner in _SCALARS:
        return dict(_SCALARS[inner])
    values = _enum_values(inner)
    if values is None:
        raise SystemExit(f"no schema for parameter type {py_type!r}")
    return {"type": "string", "enum": values, "title": inner.rpartition(".")[2]}


def _rows(md: str) -> dict[str, list[str]]:
    rows = {}
    for line in md.splitlines():
        if re.match(r"\| \d+ \|", line):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            rows[cells[5]] = cells
    return rows


def _items_key(schema: dict[str, Any], defs: dict[str, Any]) -> str | None:
    """The one array property of a response object (the page's items)."""
    target = _deref(schema, defs)
    arrays = [
        name
        for name, prop in target.get("properties", {}).items()
        if any(alt.get("type") == "array" for alt in prop.get("anyOf", [prop]))
    ]
    return arrays[0] if len(arrays) == 1 else None


def _deref(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    for alt in schema.get("anyOf", [schema]):
        if "$ref" in alt:
            resolved: dict[str, Any] = defs[alt["$ref"].rsplit("/", 1)[1]]
            return resolved
    return schema


def _pagination(
    op_id: str,
    cell: str,
    params: list[dict[str, Any]],
    response: dict[str, Any],
    defs: dict[str, Any],
) -> dict[str, Any] | None:
    wires = {p["wire"] for p in params if p["in"] == "query"}
    if op_id in PAGINATION:
        return PAGINATION[op_id]
    if not cell:
        return None
    if "nextCursor" in cell:
        return {"style": "cursor", "items": "orders", "next": "nextCursor", "param": "cursor"}
    if "nextPage" in cell:
        return {"style": "next_page", "items": "indices", "next": "nextPage", "param": "nextPage"}
    if "nextUrl" in cell:
        items = _items_key(response, defs) or "results"
        return {"style": "next_url", "items": items, "next": "nextUrl", "param": "next"}
    items = cell.removeprefix("$.")
    size = next(name for name in ("pageSize", "perPage") if name in wires)
    return {"style": "page", "items": items, "param": "page", "size": size}


def _method_name(op: dict[str, Any], group: str) -> str:
    if op["operation_id"] in NAMES:
        return str(NAMES[op["operation_id"]])
    name: str = op["sdk_method"]
    if name.startswith("get_") and len(name) > 4:
        name = name[4:]
    for stem in STEMS.get(group, ()):
        if name.startswith(stem) and len(name) > len(stem):
            name = name[len(stem) :]
            break
    return name


def derive(notes: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    spec = json.loads((notes / "api-schema.json").read_text())
    rows = _rows((notes / "endpoints-all.md").read_text())
    defs = spec["$defs"]
    operations = []
    for op in spec["operations"]:
        row = rows[op["operation_id"]]
        official = row[3].split("/")[0].strip().strip("`")
        group = GROUPS.get(official, official)
        success = op["success"][0]
        response = {
            "status": int(success["status"]),
            "content_type": success["content_type"],
            "schema": success.get("schema", {"type": "string"}),
        }
        params = []
        body = None
        for param in op["params"]:
            if param["in"] == "body":
                body = {"required": param["required"], "schema": param["schema"]}
                continue
            params.append(
                {
                    "name": spell_out(param["python"]),
                    "wire": param["wire"],
                    "in": param["in"],
                    "required": param["required"],
                    "schema": _param_schema(param["type"]),
                }
            )
        if body is None and op.get("body"):
            body = {"required": op["body_required"], "schema": op["body"]["schema"]}
        scope_cell = row[6]
        keyed = any(p["wire"] == "Idempotency-Key" for p in params if p["in"] == "header")
        operations.append(
            {
                "id": op["operation_id"],
                "group": group,
                "name": _method_name(op, group),
                "official": f"{official}.{op['sdk_method']}",
                "summary": row[7],
                "method": op["method"],
                "path": op["path"],
                "scopes": op["scopes"],
                "auth": "none" if scope_cell.startswith("none") else "bearer",
                "retry": op["default_retry"] or keyed,
                "idempotency_key": keyed,
                "pagination": _pagination(
                    op["operation_id"], row[-1], params, response["schema"], defs
                ),
                "params": [p for p in params if p["in"] != "header"],
                "body": body,
                "response": response,
                "covered_by": COVERED_BY.get(op["operation_id"]),
            }
        )
    names = [(o["group"], o["name"]) for o in operations]
    clashes = {n for n in names if names.count(n) > 1}
    if clashes:
        raise SystemExit(f"method names clash: {sorted(clashes)}")
    operations.sort(key=lambda o: (o["group"], o["name"]))
    return operations, defs


def main() -> None:
    notes = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/aries-api")
    operations, defs = derive(notes)
    OUT.mkdir(exist_ok=True)
    (OUT / "operations.json").write_text(json.dumps(operations, indent=1) + "\n")
    (OUT / "schemas.json").write_text(json.dumps(defs, indent=1, sort_keys=True) + "\n")
    print(f"{len(operations)} operations, {len(defs)} schemas -> {OUT}")


if __name__ == "__main__":
    main()
