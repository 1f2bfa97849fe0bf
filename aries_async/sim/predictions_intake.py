"""What the simulated prediction-order service accepts: the placement body's rules and the
list's query parameters, refused with :class:`PredictionOrderError` (a 400 ``INVALID_ORDER``
or ``INVALID_PARAMETER`` in the prediction-order envelope)."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from aries_async.sim.records import RefusedRequest, parse_rfc3339

__all__ = [
    "MAX_DIGITS",
    "MAX_LIMIT",
    "OPEN_STATES",
    "ORDER_TYPES",
    "STATES",
    "TICK",
    "PredictionOrderError",
    "parse_limit",
    "parse_order",
    "parse_states",
]

ORDER_TYPES = ("limit", "stop", "stop_limit", "market_to_limit")
OUTCOMES = ("YES", "NO")
SIDES = ("buy", "sell")
TIMES_IN_FORCE = ("day", "gtc", "ioc", "fok", "gtd")
STATES = (
    "pending_new",
    "new",
    "partially_filled",
    "filled",
    "canceled",
    "rejected",
    "expired",
    "done_for_day",
    "unknown",
)
OPEN_STATES = frozenset({"pending_new", "new", "partially_filled", "unknown"})
"""The states ``status=open`` stands for: the order can still rest or execute."""

TICK = Decimal("0.01")
"""Price increment of a contract, in dollars (prices lie in 0.01 ... 0.99)."""

MAX_DIGITS = 15
"""Digits before the decimal point of a quantity or price: below 10**15, as in core orders."""

MAX_LIMIT = 200
"""Most orders in one page; larger ``limit`` values are clamped to it."""

_REQUIRED = ("accountId", "orderType", "outcome", "quantity", "side", "symbol", "timeInForce")
_OPTIONAL = ("clientOrderRef", "expireTime", "price", "stopPx")
_SYMBOL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,99}")


class PredictionOrderError(RefusedRequest):
    """A refused prediction-order request (``status`` 400, 404 or 409)."""

    TYPES = {400: "bad_request", 404: "not_found", 409: "conflict"}

    @property
    def type(self) -> str:
        """The envelope's lower-case ``type`` for the status."""
        return self.TYPES.get(self.status, "internal")


def _invalid(message: str, field: str) -> PredictionOrderError:
    return PredictionOrderError(400, "INVALID_ORDER", message, field)


def _choice(body: Mapping[str, Any], field: str, allowed: tuple[str, ...]) -> str:
    value = body[field]
    if value not in allowed:
        raise _invalid(f"{field} must be one of {', '.join(allowed)}", field)
    text: str = value
    return text


def _decimal(body: Mapping[str, Any], field: str) -> Decimal:
    raw = body[field]
    if not isinstance(raw, str):
        raise _invalid(f"{field} must be a decimal string", field)
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        raise _invalid(f"{field} must be a decimal string", field) from None
    if not value.is_finite() or value <= 0:
        raise _invalid(f"{field} must be positive, in steps of {TICK}", field)
    # First: a number of more digits than the decimal context holds cannot be quantized.
    if value.adjusted() >= MAX_DIGITS:
        raise _invalid(f"{field} must be below 10**{MAX_DIGITS}", field)
    if value != value.quantize(TICK):
        raise _invalid(f"{field} must be positive, in steps of {TICK}", field)
    return value


def _price(body: Mapping[str, Any], field: str, wanted: bool, order_type: str) -> Decimal | None:
    if body.get(field) is None:
        if wanted:
            raise _invalid(f"{field} is required for {order_type} orders", field)
        return None
    if not wanted:
        raise _invalid(f"{field} is not allowed on {order_type} orders", field)
    value = _decimal(body, field)
    if value >= 1:
        raise _invalid(f"{field} must lie between 0.01 and 0.99", field)
    return value


def _expiry(body: Mapping[str, Any], tif: str, now: float) -> float | None:
    raw = body.get("expireTime")
    if raw is None:
        if tif == "gtd":
            raise _invalid("expireTime is required when timeInForce is gtd", "expireTime")
        return None
    if tif != "gtd":
        raise _invalid("expireTime is only for timeInForce gtd", "expireTime")
    try:
        when = parse_rfc3339(raw).timestamp() if isinstance(raw, str) else None
    except ValueError:
        when = None
    if when is None:
        raise _invalid("expireTime must be an RFC 3339 date-time with a zone", "expireTime")
    if when <= now:
        raise _invalid("expireTime must be in the future", "expireTime")
    return when


def parse_order(body: Mapping[str, Any], accounts: Collection[str], now: float) -> dict[str, Any]:
    """The placement's terms (decimals as :class:`Decimal`, ``expireTime`` in Unix seconds).

    Raises:
        PredictionOrderError: 400 ``INVALID_ORDER`` naming the field at fault.
    """
    unknown = sorted(set(body) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise _invalid(f"unknown field {unknown[0]}", unknown[0])
    for field in _REQUIRED:
        if not isinstance(body.get(field), str) or not body[field]:
            raise _invalid(f"{field} is required", field)
    if body["accountId"] not in accounts:
        raise _invalid(f"account {body['accountId']} cannot trade prediction markets", "accountId")
    if not _SYMBOL.fullmatch(body["symbol"]):
        raise _invalid("symbol is not a prediction-market contract symbol", "symbol")
    ref = body.get("clientOrderRef")
    if ref is not None and (not isinstance(ref, str) or not 0 < len(ref) <= 64):
        raise _invalid("clientOrderRef must be 1-64 characters", "clientOrderRef")
    order_type = _choice(body, "orderType", ORDER_TYPES)
    tif = _choice(body, "timeInForce", TIMES_IN_FORCE)
    return {
        "accountId": body["accountId"],
        "symbol": body["symbol"],
        "orderType": order_type,
        "timeInForce": tif,
        "outcome": _choice(body, "outcome", OUTCOMES),
        "side": _choice(body, "side", SIDES),
        "quantity": _decimal(body, "quantity"),
        "price": _price(body, "price", order_type in ("limit", "stop_limit"), order_type),
        "stopPx": _price(body, "stopPx", order_type in ("stop", "stop_limit"), order_type),
        "expireTime": _expiry(body, tif, now),
        "clientOrderRef": ref,
    }


def _bad_parameter(message: str, field: str) -> PredictionOrderError:
    return PredictionOrderError(400, "INVALID_PARAMETER", message, field)


def parse_states(raw: str | None) -> frozenset[str] | None:
    """The ``status`` filter: comma-separated states, ``open`` for :data:`OPEN_STATES`
    (None: every state).

    Raises:
        PredictionOrderError: 400, an unknown state.
    """
    if raw is None or not raw.strip():
        return None
    wanted: set[str] = set()
    for part in (p.strip().lower() for p in raw.split(",") if p.strip()):
        if part == "open":
            wanted |= OPEN_STATES
        elif part in STATES:
            wanted.add(part)
        else:
            raise _bad_parameter(f"unknown order state {part!r}", "status")
    return frozenset(wanted)


def parse_limit(raw: str | None, default: int = 50) -> int:
    """The page size: ``default`` when absent, clamped to :data:`MAX_LIMIT`.

    Raises:
        PredictionOrderError: 400, zero, negative or not an integer.
    """
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise _bad_parameter("limit must be an integer", "limit") from None
    if value <= 0:
        raise _bad_parameter("limit must be positive", "limit")
    return min(value, MAX_LIMIT)
