"""Reasonable arguments for every operation of the API description, as a small table.

A parameter gets its value from :data:`OVERRIDES` (per operation), else :data:`VALUES` (by wire
name), else the first value of its enum; optional parameters are left out unless listed in
:data:`OPTIONAL`. Bodies are in :data:`BODIES`. Values are wire strings; :func:`wire_args` gives
them for raw HTTP calls; :func:`python_value` and :func:`body_kwargs` give them as our typed
methods take them (the finance-dev test converts them to its own SDK's types).
"""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from aries_async.apispec import operations
from aries_async.apispec.naming import BODY_PARAMS, field_name, ref_name, variants

__all__ = [
    "ACCOUNT",
    "BODIES",
    "ENDPOINTS",
    "OPTION",
    "VALUES",
    "body_kwargs",
    "clock_values",
    "endpoint_rows",
    "endpoint_table",
    "method_of",
    "op_by_id",
    "param_values",
    "python_value",
    "wire_args",
]

ACCOUNT = "TEST-ACCOUNT-001"
ENDPOINTS = Path(os.environ.get("ARIES_API_ENDPOINTS", "/work/shared/aries-api/endpoints-all.md"))
"""The spec's table of every operation (``ARIES_API_ENDPOINTS`` to read another copy)."""
OPTION = "O:AAPL260320C00250000"

VALUES: dict[str, str] = {
    "symbol": "AAPL",
    "symbols": "AAPL,MSFT",
    "ticker": "AAPL",
    "underlyingAsset": "AAPL",
    "identifier": "SPX",
    "identifiers": "SPX,NDX",
    "cusip": "037833100",
    "cik": "0000320193",
    "from": "2025-12-01",
    "to": "2025-12-31",
    "startDate": "2025-12-01",
    "endDate": "2025-12-31",
    "startTime": "12/01/2025 9:30 am",
    "endTime": "12/05/2025 4:00 pm",
    "date": "2025-12-03",
    "multiplier": "1",
    "query": "AAP",
    "indexName": "S&P",
    "indexGroup": "US",
    "fields": "logo",
    "searchKeys": "AAPL",
    "id": "AAPL-2025-Q3",
    "baseEventId": "be-fed-2026",
    "eventId": "ev-fed-2026-03",
    "orderId": "po-0001",
    "watchlist_id": "1",
    "optionContract": OPTION,
    "theme": "financialExchangesData",
    "metric": "all",
}

OVERRIDES: dict[str, dict[str, str]] = {
    **{
        op: {"ticker": OPTION}
        for op in (
            "getOptionLastTrade",
            "getOptionOpenClose",
            "getOptionPreviousDay",
            "getOptionQuotes",
            "getOptionTrades",
        )
    },
    "getTechnicalIndicator": {"from": "1764547200", "to": "1767139200"},
    "getOptionDetails": {"symbols": OPTION.removeprefix("O:")},
    "getAccountBalance": {"id": ACCOUNT},
    "getAccountPositions": {"id": ACCOUNT},
    "listActiveOrders": {"id": ACCOUNT},
    "listOrderHistory": {"id": ACCOUNT},
    "getChartHistory": {"from": "1768300000", "to": "1768480000"},
}

OPTIONAL: dict[str, dict[str, str]] = {
    "getEarningsCalendar": {"symbol": "AAPL"},
    "getStockSnapshots": {"tickers": "AAPL,MSFT"},
}

_ORDER = {
    "tradingAccountId": ACCOUNT,
    "symbol": "AAPL",
    "side": "BUY",
    "type": "LIMIT",
    "qty": "1",
    "price": "1.00",
    "timeInForce": "DAY",
}

BODIES: dict[str, Any] = {
    "stockScreener": {
        "operator": "AND",
        "clauses": [{"field": "marketCap", "operator": "gt", "value": "1000000000"}],
    },
    "searchEtbSymbols": {"symbols": ["AAPL", "MSFT"]},
    "getHistoryBatch": {"queries": [{"symbol": "KXFED-26MAR-T4.00"}]},
    "placePredictionOrder": {
        "accountId": ACCOUNT,
        "symbol": "KXFED-26MAR-T4.00",
        "side": "buy",
        "outcome": "YES",
        "orderType": "limit",
        "quantity": "10",
        "timeInForce": "day",
        "price": "0.42",
    },
    "createConfigWatchlist": {"name": "Tech", "symbols": ["AAPL", "MSFT"]},
    "replaceConfigWatchlists": [{"name": "Tech", "symbols": ["AAPL", "MSFT"]}],
    "updateConfigWatchlistById": {"name": "Tech and chips", "add_symbols": ["NVDA"]},
    "placeOrder": _ORDER,
    "previewOrder": _ORDER,
    "replaceOrder": {**_ORDER, "origClOrdId": "unknown-order", "qty": "2"},
    "cancelOrder": {
        "origClOrdId": "unknown-order",
        "tradingAccountId": ACCOUNT,
        "symbol": "AAPL",
        "side": "BUY",
    },
}


def op_by_id(op_id: str) -> dict[str, Any]:
    """The description of one operation."""
    return next(o for o in operations() if o["id"] == op_id)


def clock_values(now: float, expiry: str) -> dict[str, dict[str, str]]:
    """The arguments that depend on the simulator: its clock and its listed expiries (a
    contract of one of them, listed whatever the day: the fixed :data:`OPTION` is quoted as
    none the server has once its expiry has passed)."""
    week_ago = datetime.fromtimestamp(now - 7 * 86400, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    live = f"AAPL{expiry[2:].replace('-', '')}{OPTION[-9:]}"
    return {
        "listOrderHistory": {"from": week_ago},
        "listOptionContracts": {"expiryDate": expiry},
        "getOptionContractSnapshot": {"optionContract": f"O:{live}"},
        "getOptionDetails": {"symbols": live},
    }


def param_values(op: dict[str, Any], extra: dict[str, dict[str, str]]) -> dict[str, str]:
    """Wire name -> wire value of the arguments ``op`` gets (``extra``: from
    :func:`clock_values`)."""
    chosen = {
        **OPTIONAL.get(op["id"], {}),
        **OVERRIDES.get(op["id"], {}),
        **extra.get(op["id"], {}),
    }
    out: dict[str, str] = {}
    for param in op["params"]:
        wire = param["wire"]
        if wire in chosen:
            out[wire] = chosen[wire]
        elif param["required"]:
            enum = param["schema"].get("enum")
            out[wire] = str(enum[0]) if enum else VALUES[wire]
    return out


def wire_args(
    op: dict[str, Any], extra: dict[str, dict[str, str]]
) -> tuple[str, dict[str, str], Any]:
    """``(path, query, body)`` of a raw call to ``op``."""
    values = param_values(op, extra)
    path = op["path"]
    query: dict[str, str] = {}
    for param in op["params"]:
        if param["wire"] not in values:
            continue
        if param["in"] == "path":
            path = path.replace("{" + param["wire"] + "}", values[param["wire"]])
        else:
            query[param["wire"]] = values[param["wire"]]
    return path, query, BODIES.get(op["id"])


def python_value(schema: dict[str, Any], raw: str) -> Any:
    """A wire value of this table as our generated method takes it (by the parameter's
    schema: a date, a whole number, a Decimal, a bool; anything else as the string)."""
    kind = next((a for a in variants(schema) if a.get("type") != "null"), schema)
    if kind.get("format") == "date":
        return date.fromisoformat(raw)
    if kind.get("type") == "integer":
        return int(raw)
    if kind.get("type") == "number":
        return Decimal(raw)
    if kind.get("type") == "boolean":
        return raw == "true"
    return raw


def body_kwargs(op: dict[str, Any], body: Any) -> dict[str, Any]:
    """A wire body of :data:`BODIES` as the generated method's keyword arguments."""
    if isinstance(body, list):
        return {BODY_PARAMS.get(op["id"], "body"): body}
    schema = op["body"]["schema"]
    owners = [
        ref_name(alt) or op["id"]
        for alt in ([schema] if "properties" in schema else variants(schema))
    ]
    return {field_name(wire, owners[0]): value for wire, value in body.items()}


def method_of(client: Any, op: dict[str, Any]) -> Any:
    """The generated method of ``op`` on ``client`` (``client.predictions.orders.place``)."""
    target: Any = client
    for part in f"{op['group']}.{op['name']}".split("."):
        target = getattr(target, part)
    return target


def endpoint_table(endpoints: Path) -> list[list[str]]:
    """The cells of every row of ``endpoints-all.md``'s table (``#``, method, path, group,
    SDK method, operationId, scopes...)."""
    return [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in endpoints.read_text().splitlines()
        if re.match(r"\| \d+ \|", line)
    ]


def endpoint_rows(endpoints: Path) -> list[tuple[str, str, str]]:
    """``(operationId, method, path)`` of every row of ``endpoints-all.md``."""
    return [(cells[5], cells[1], cells[2].strip("`")) for cells in endpoint_table(endpoints)]
