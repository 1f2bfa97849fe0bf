"""What ``print()`` shows of a market-data update: its symbol, its time and every field it
carries, converted (a notebook user reads the update, not only its symbol)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from aries_async.models.events import (
    ChartQuote,
    ChartTrade,
    GreeksUpdate,
    QuoteUpdate,
    TimeAndSalesUpdate,
    TradeUpdate,
)

MS = 1_768_489_200_000  # 2026-01-15T15:00:00Z
AT = datetime(2026, 1, 15, 15, tzinfo=UTC)


def test_a_quote_updates_repr_shows_what_it_carries_and_leaves_out_the_rest() -> None:
    update = QuoteUpdate("AAPL", {"bidPrice": 189.49, "askPrice": 189.51, "bidSize": 3}, MS)
    text = repr(update)
    assert text.startswith("QuoteUpdate(symbol='AAPL', timestamp=")
    assert f"timestamp={AT!r}" in text
    assert "bid_price=Decimal('189.49')" in text
    assert "ask_price=Decimal('189.51')" in text
    assert "bid_size=Decimal('3')" in text
    assert "ask_size" not in text  # not sent: not shown
    assert "data=" not in text  # the wire mapping stays out: the fields say it
    assert str(update) == text


@pytest.mark.parametrize(
    ("update", "shown"),
    [
        (TradeUpdate("MSFT", {"lastPrice": 410.5, "lastSize": 100}, MS), "last_price="),
        (TimeAndSalesUpdate("MSFT", {"price": 410.5, "size": 7}, MS), "price="),
        (GreeksUpdate("O:AAPL270115C00190000", {"delta": 0.5}, MS), "delta=Decimal('0.5')"),
        (
            ChartQuote("AAPL", {"s": "ok", "n": "AAPL", "v": {"lp": 227.8}}, MS),
            "last_price=Decimal('227.8')",
        ),
        (ChartTrade("AAPL", {"lp": 227.8, "v": 5}, MS), "price=Decimal('227.8')"),
    ],
    ids=["trade", "time-and-sales", "greeks", "chart-quote", "chart-trade"],
)
def test_every_market_update_shows_its_fields(update: Any, shown: str) -> None:
    text = repr(update)
    assert text.startswith(f"{type(update).__name__}(symbol=")
    assert shown in text


def test_a_repr_of_an_update_without_time_or_fields_is_its_symbol() -> None:
    assert repr(QuoteUpdate("AAPL", {})) == "QuoteUpdate(symbol='AAPL')"


def test_an_update_equal_to_another_is_so_whatever_was_read_of_it() -> None:
    # repr() converts and keeps the fields it shows; equality still compares the wire data.
    one = QuoteUpdate("AAPL", {"bidPrice": 1.5}, MS)
    other = QuoteUpdate("AAPL", {"bidPrice": 1.5}, MS)
    repr(one)
    assert one == other
    assert one.bid_price == Decimal("1.5")
