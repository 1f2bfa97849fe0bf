"""An order request's symbol against its legs' (rest.md 6.1).

The order's ``symbol`` is "ticker/underlying", and a leg's ``symbol`` "underlying; defaults to
order-level symbol": the order and its legs name one underlying, and a multi-leg order's
symbol is that underlying. An OSI option symbol stands for the order's one contract (without
legs the server derives the leg from it; rest.md 6.3 lets a single-leg replace name its
contract either way). What contradicts that is refused; what the spec leaves open is not:

* a leg without a symbol takes the order's;
* a leg named by its OSI symbol (which :class:`~aries_async.models.order_requests.OrderLeg`
  takes) belongs to the order's underlying when its OCC root and the ticker begin alike,
  letters and digits only: a root is not always the ticker itself (``SPXW`` for ``SPX``'s
  weeklies, ``AAPL1`` for an adjusted contract, ``BRKB`` for ``BRK.B``), and is cut at six
  characters; only a root that cannot be the ticker's (``MSFT`` under ``AAPL``) is refused;
* tickers are compared by their letters and digits (``BRK.B`` and ``BRK/B`` are one).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aries_async.errors import ValidationError
from aries_async.models._order_inputs import is_osi_symbol, osi_terms
from aries_async.models.orders import LegSecurityType

if TYPE_CHECKING:
    from aries_async.models.order_requests import OrderLeg

__all__ = ["check_legs_symbol", "same_underlying"]

_RULE = "an order and its legs name one underlying, the order's symbol (rest.md 6.1)"
_ONE_CONTRACT = "an OSI symbol and the order's one leg name one contract (rest.md 6.1, 6.3)"


def check_legs_symbol(symbol: str, legs: tuple[OrderLeg, ...]) -> None:
    """Refuse ``legs`` that name another underlying than ``symbol`` does (see the module).

    Raises:
        ValidationError: naming ``legs`` (a leg of another underlying, or of another
            contract than an OSI ``symbol``) or ``symbol`` (an OSI symbol over several legs).
    """
    if not legs:
        return
    if is_osi_symbol(symbol):
        _check_contract(symbol, legs)
        return
    for number, leg in enumerate(legs, 1):
        if leg.symbol is not None and not _of(leg.symbol, symbol):
            raise ValidationError(
                f"legs: leg {number} is on {leg.symbol}, the order on {symbol}: {_RULE}",
                field="legs",
            )


def _check_contract(osi: str, legs: tuple[OrderLeg, ...]) -> None:
    """``osi``, the order's symbol, and its legs name one contract."""
    if len(legs) > 1:
        raise ValidationError(
            f"symbol: a multi-leg order's symbol is its underlying, not the contract {osi}: "
            f"{_RULE}",
            field="symbol",
        )
    (leg,) = legs
    if leg.security_type is not LegSecurityType.OPT:
        raise ValidationError(
            f"legs: the order is on the option {osi}, its leg on a stock: {_ONE_CONTRACT}",
            field="legs",
        )
    if leg.symbol is not None and not (
        leg.symbol == osi if is_osi_symbol(leg.symbol) else _of(osi, leg.symbol)
    ):
        raise ValidationError(
            f"legs: the leg is on {leg.symbol}, the order on {osi}: {_ONE_CONTRACT}",
            field="legs",
        )
    terms = (leg.put_call, leg.strike_price, leg.maturity)
    wanted = osi_terms(osi)
    if terms != wanted:
        raise ValidationError(
            f"legs: the leg is the {_contract(*terms)}, the order's symbol {osi} the "
            f"{_contract(*wanted)}: {_ONE_CONTRACT}",
            field="legs",
        )


def same_underlying(one: str, other: str) -> bool:
    """Whether ``one`` and ``other``, each a ticker or an OSI symbol, may be on one
    underlying, by the rule above (a contract by its root)."""
    if is_osi_symbol(one) and is_osi_symbol(other):
        return _of(one, other[:-15])
    if is_osi_symbol(other):
        return _of(other, one)
    return _of(one, other)


def _of(symbol: str, underlying: str) -> bool:
    """Whether ``symbol`` (a ticker, or an OSI symbol by its root) may be on ``underlying``."""
    if is_osi_symbol(symbol):
        root, ticker = _letters(symbol[:-15]), _letters(underlying)
        return root.startswith(ticker) or ticker.startswith(root)
    return _letters(symbol) == _letters(underlying)


def _letters(symbol: str) -> str:
    return "".join(ch for ch in symbol.upper() if ch.isalnum())


def _contract(put_call: object, strike: object, maturity: object) -> str:
    kind = getattr(put_call, "value", put_call)
    return f"{kind} {strike} of {maturity}"
