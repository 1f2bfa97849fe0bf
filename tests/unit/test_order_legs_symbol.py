"""An order's symbol and its legs name one underlying (rest.md 6.1: the order's ``symbol`` is
the ticker or underlying, a leg's ``symbol`` the underlying, defaulting to the order's). A
request whose legs name another is refused when it is built; what the spec leaves open (a
leg without a symbol, an OSI leg whose root is not the ticker itself) is built."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from aries_async.errors import ValidationError
from aries_async.models import OrderLeg, OrderRequest, ReplaceRequest

ACCOUNT = "TEST-ACCOUNT-001"


def leg(side: str = "BUY", **terms: Any) -> OrderLeg:
    """An option leg: the 150 call of June 18, 2026, unless ``terms`` say otherwise."""
    if "symbol" not in terms or not terms["symbol"][-1].isdigit():
        terms = {"put_call": "CALL", "strike_price": "150", "maturity": "2026-06-18", **terms}
    return OrderLeg(security_type="OPT", side=side, position_effect="OPEN", **terms)


def stock(symbol: str | None = None) -> OrderLeg:
    return OrderLeg(security_type="CS", side="BUY", position_effect="OPEN", symbol=symbol)


def order(symbol: str, *legs: OrderLeg) -> OrderRequest:
    return OrderRequest(
        account_id=ACCOUNT,
        symbol=symbol,
        side="BUY",
        type="LIMIT",
        quantity=1,
        price="1.85",
        legs=legs,
    )


def replace(symbol: str, *legs: OrderLeg) -> ReplaceRequest:
    return ReplaceRequest(
        orig_cl_ord_id="ORDER-1", account_id=ACCOUNT, symbol=symbol, price="1.90", legs=legs
    )


AAPL_CALL = "AAPL260618C00150000"
AAPL_PUT = "AAPL260618P00155000"
MSFT_CALL = "MSFT260618C00400000"

CONTRADICTIONS: list[tuple[str, Callable[[], Any]]] = [
    ("a leg on another ticker", lambda: order("AAPL", leg(symbol="MSFT"), leg("SELL"))),
    ("legs of another chain", lambda: order("AAPL", leg(symbol=MSFT_CALL), leg("SELL"))),
    ("a stock leg of another stock", lambda: order("AAPL", stock("MSFT"), leg("SELL"))),
    ("one leg on another ticker", lambda: order("AAPL", leg(symbol="MSFT"))),
    ("a replace's leg on another ticker", lambda: replace("AAPL", leg(symbol="MSFT"), leg())),
    # a multi-leg order's symbol is its underlying, not one of its contracts
    ("a spread under a contract", lambda: order(AAPL_CALL, leg(), leg("SELL", strike_price="155"))),
    # the symbol names one contract, its one leg another
    ("one leg, another contract", lambda: order(AAPL_CALL, leg(strike_price="155"))),
    ("one leg, another OSI symbol", lambda: order(AAPL_CALL, leg(symbol=AAPL_PUT))),
    ("one leg of another chain", lambda: order(AAPL_CALL, leg(symbol="MSFT"))),
    ("an option symbol, a stock leg", lambda: order(AAPL_CALL, stock())),
]


@pytest.mark.parametrize(
    "build", [b for _, b in CONTRADICTIONS], ids=[name for name, _ in CONTRADICTIONS]
)
def test_legs_that_name_another_underlying_are_refused(build: Callable[[], Any]) -> None:
    with pytest.raises(ValidationError) as refused:
        build()
    assert refused.value.field in ("symbol", "legs"), refused.value
    assert "rest.md 6.1" in str(refused.value)


ALLOWED: list[tuple[str, Callable[[], Any]]] = [
    ("legs without a symbol", lambda: order("AAPL", leg(), leg("SELL", strike_price="155"))),
    ("legs naming the underlying", lambda: order("AAPL", leg(symbol="aapl"), leg(symbol="AAPL"))),
    ("OSI legs of its chain", lambda: order("AAPL", leg(symbol=AAPL_CALL), leg(symbol=AAPL_PUT))),
    ("a covered call", lambda: order("AAPL", stock("AAPL"), leg("SELL", symbol=AAPL_CALL))),
    ("a stock leg without a symbol", lambda: order("AAPL", stock(), leg("SELL"))),
    # OCC roots that are not the ticker itself: weeklies, adjusted contracts, share classes
    ("SPXW legs of SPX", lambda: order("SPX", leg(symbol="SPXW260618C05000000"), leg("SELL"))),
    ("an adjusted root", lambda: order("AAPL", leg(symbol="AAPL1260618C00150000"))),
    ("a share class", lambda: order("BRK.B", leg(symbol="BRKB260618C00500000"), leg("SELL"))),
    ("a class written with a slash", lambda: order("BRK/B", leg(symbol="BRK.B"), leg("SELL"))),
    # an OSI symbol and its one leg, when they name the same contract (rest.md 6.3 allows
    # either; both agreeing say the same)
    ("one leg, the same contract", lambda: order(AAPL_CALL, leg())),
    ("one leg, the same OSI symbol", lambda: order(AAPL_CALL, leg(symbol=AAPL_CALL))),
    ("one leg naming the root", lambda: order(AAPL_CALL, leg(symbol="AAPL"))),
    ("an OSI symbol without legs", lambda: order(AAPL_CALL)),
    ("a replace of a spread", lambda: replace("AAPL", leg(symbol="AAPL"), leg(symbol=AAPL_PUT))),
    ("a replace without legs", lambda: replace("AAPL")),
]


@pytest.mark.parametrize("build", [b for _, b in ALLOWED], ids=[name for name, _ in ALLOWED])
def test_what_the_spec_allows_is_built(build: Callable[[], Any]) -> None:
    request = build()
    assert request.to_wire()["symbol"] == request.symbol
