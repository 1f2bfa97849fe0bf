"""Order intake: the simulator's validation of order request bodies (rest.md 6.5/6.6).

Pure functions over the decoded JSON body; a malformed body raises
:class:`~aries_async.sim.records.OrderRequestError` (HTTP 400) with the field at fault. Decimal
fields must be decimal *strings*, prices allow at most 5 decimal places, OSI option symbols
become a single option leg.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from aries_async.sim.records import OrderRequestError, decimal_text

__all__ = [
    "OSI_SYMBOL",
    "SIDES",
    "TIFS",
    "TIF_ALIASES",
    "TYPES",
    "parse_account_field",
    "parse_decimal",
    "parse_enum",
    "parse_legs",
    "parse_order",
]

SIDES = {"BUY", "SELL", "SELL_SHORT", "BUY_TO_COVER"}
TYPES = {"MARKET", "LIMIT", "STOP", "STOP_LIMIT"}
TIFS = {"DAY", "GTC", "IOC", "FOK", "EXTENDED_HOURS", "AT_THE_OPENING", "AT_THE_CLOSE"}
TIF_ALIASES = {"ATO": "AT_THE_OPENING", "ATC": "AT_THE_CLOSE", "EXT": "EXTENDED_HOURS"}
OSI_SYMBOL = re.compile(r"^([A-Z]{1,6})(\d{2})(\d{2})(\d{2})([CP])(\d{8})$")


def _given(body: Mapping[str, Any], field: str, *, required: bool) -> Any:
    """``body[field]``; None when absent or blank, which a ``required`` field may not be."""
    raw = body.get(field)
    if raw is None or raw == "":
        if required:
            raise OrderRequestError("MISSING_FIELD", f"{field} is required", field)
        return None
    return raw


def parse_decimal(
    body: Mapping[str, Any],
    field: str,
    *,
    required: bool,
    positive: bool = True,
    max_places: int | None = None,
) -> Decimal | None:
    """``body[field]`` as a Decimal; None when absent and not required."""
    raw = _given(body, field, required=required)
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise OrderRequestError("INVALID_FIELD", f"{field} must be a decimal string", field)
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        raise OrderRequestError(
            "INVALID_FIELD", f"{field} is not a decimal number", field
        ) from None
    if not value.is_finite() or (positive and value <= 0):
        raise OrderRequestError("INVALID_FIELD", f"{field} must be positive", field)
    exponent = value.as_tuple().exponent
    if max_places is not None and isinstance(exponent, int) and -exponent > max_places:
        raise OrderRequestError(
            "INVALID_PRICE_PRECISION", f"{field} allows at most {max_places} decimal places", field
        )
    return value


def parse_enum(
    body: Mapping[str, Any],
    field: str,
    allowed: set[str],
    *,
    required: bool,
    aliases: Mapping[str, str] | None = None,
) -> str | None:
    """``body[field]`` upper-cased and de-aliased, checked against ``allowed``."""
    raw = _given(body, field, required=required)
    if raw is None:
        return None
    text = str(raw).upper()
    if aliases:
        text = aliases.get(text, text)
    if text not in allowed:
        raise OrderRequestError("INVALID_FIELD", f"{field} must be one of {sorted(allowed)}", field)
    return text


def _leg_word(leg: Mapping[str, Any], field: str, *words: str) -> str | None:
    """A leg's required ``field``: one of ``words``, or its initial (``B`` for ``BUY``)."""
    return parse_enum(leg, field, set(words), required=True, aliases={w[0]: w for w in words})


def parse_account_field(body: Mapping[str, Any], check_account: Callable[[str], object]) -> str:
    """The account id of an order body (``tradingAccountId`` or ``accountId``), checked to exist."""
    account_id = body.get("tradingAccountId") or body.get("accountId")
    if not account_id or not isinstance(account_id, str):
        raise OrderRequestError(
            "MISSING_FIELD", "tradingAccountId or accountId is required", "tradingAccountId"
        )
    if len(account_id) > 50:
        raise OrderRequestError("INVALID_FIELD", "tradingAccountId is too long", "tradingAccountId")
    check_account(account_id)
    return account_id


def parse_order(body: Mapping[str, Any], check_account: Callable[[str], object]) -> dict[str, Any]:
    """An order body validated into the spec the ledger's order factory takes."""
    account_id = parse_account_field(body, check_account)
    symbol = body.get("symbol")
    if not isinstance(symbol, str) or not symbol.strip():
        raise OrderRequestError("MISSING_FIELD", "symbol is required", "symbol")
    symbol = symbol.strip().upper()
    if len(symbol) > 21:
        raise OrderRequestError("INVALID_FIELD", "symbol must be 1-21 characters", "symbol")
    side = parse_enum(body, "side", SIDES, required=True)
    order_type = parse_enum(body, "type", TYPES, required=True)
    tif = parse_enum(body, "timeInForce", TIFS, required=True, aliases=TIF_ALIASES)
    qty = parse_decimal(body, "qty", required=True)
    price = parse_decimal(
        body, "price", required=order_type in ("LIMIT", "STOP_LIMIT"), max_places=5
    )
    stop = parse_decimal(
        body, "stopPrice", required=order_type in ("STOP", "STOP_LIMIT"), max_places=5
    )
    client_id = body.get("clientId") or ""
    if not isinstance(client_id, str) or len(client_id) > 50:
        raise OrderRequestError(
            "INVALID_FIELD", "clientId must be a string of at most 50 characters", "clientId"
        )
    legs = parse_legs(body, symbol)
    if legs and tif not in ("DAY", "GTC"):
        raise OrderRequestError(
            "INVALID_FIELD", "options orders accept timeInForce DAY or GTC", "timeInForce"
        )
    if legs and qty is not None and qty % 1:
        raise OrderRequestError(
            "INVALID_FIELD", "options orders take a whole number of contracts", "qty"
        )
    return {
        "account_id": account_id,
        "symbol": symbol,
        "side": side,
        "type": order_type,
        "tif": tif,
        "qty": qty,
        "price": price if order_type in ("LIMIT", "STOP_LIMIT") else None,
        "stop": stop if order_type in ("STOP", "STOP_LIMIT") else None,
        "client_id": client_id,
        "legs": legs,
    }


def parse_legs(body: Mapping[str, Any], symbol: str) -> list[dict[str, Any]]:
    """The option legs of an order: ``legs`` as sent, or one leg for an OSI option symbol."""
    raw = body.get("legs")
    if raw in (None, []):
        match = OSI_SYMBOL.match(symbol)
        if not match:
            return []
        root, yy, mm, dd, cp, strike = match.groups()
        return [
            {
                "symbol": root,
                "side": "BUY" if body.get("side") in ("BUY", "BUY_TO_COVER") else "SELL",
                "ratioQty": "1",
                "positionEffect": "OPEN",
                "securityType": "OPTION",
                "putCall": "CALL" if cp == "C" else "PUT",
                "strikePrice": decimal_text(Decimal(strike) / 1000),
                "maturity": f"20{yy}-{mm}-{dd}",
            }
        ]
    if not isinstance(raw, list) or not 1 <= len(raw) <= 4:
        raise OrderRequestError("INVALID_FIELD", "legs must hold 1 to 4 legs", "legs")
    legs = []
    for leg in raw:
        if not isinstance(leg, dict):
            raise OrderRequestError("INVALID_FIELD", "each leg must be an object", "legs")
        sec = parse_enum(leg, "securityType", {"CS", "OPT"}, required=True)
        side = _leg_word(leg, "side", "BUY", "SELL")
        ratio = parse_decimal(leg, "ratioQty", required=True)
        effect = _leg_word(leg, "positionEffect", "OPEN", "CLOSE")
        out: dict[str, Any] = {
            "symbol": str(leg.get("symbol") or symbol),
            "side": side,
            "ratioQty": decimal_text(ratio or Decimal(1)),
            "positionEffect": effect,
            "securityType": "OPTION" if sec == "OPT" else "EQUITY",
        }
        if sec == "OPT":
            put_call = _leg_word(leg, "putCall", "CALL", "PUT")
            strike = parse_decimal(leg, "strikePrice", required=True, max_places=5)
            maturity = leg.get("maturity")
            try:
                date.fromisoformat(str(maturity))
            except ValueError:
                raise OrderRequestError(
                    "INVALID_FIELD", "maturity must be YYYY-MM-DD", "maturity"
                ) from None
            out.update(
                {
                    "putCall": put_call,
                    "strikePrice": decimal_text(strike or Decimal(0)),
                    "maturity": str(maturity),
                }
            )
        legs.append(out)
    return legs
