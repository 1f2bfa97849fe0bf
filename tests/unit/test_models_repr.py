"""The reprs of the models that hold many items (a page of orders, an option chain, a news
list...) stay one readable line: a long list shows its first few items and how many there are
in all; a short one, and every single model, shows as attrs writes it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import pytest

from aries_async.models import (
    OptionChain,
    OptionContract,
    OptionExpirations,
    Order,
    OrderLegState,
    OrderPage,
)
from aries_async.models.events import AccountSnapshot, NewsEvent, NewsItem, PnlCandle, PnlEvent
from aries_async.models.generated.news import News, NewsListResponse


def _attrs_repr(model: Any) -> str:
    """The repr attrs writes: every field in order (those with ``repr=False`` left out)."""
    shown = (f.name for f in attrs.fields(type(model)) if f.repr is not False)
    return f"{type(model).__name__}({', '.join(f'{n}={getattr(model, n)!r}' for n in shown)})"


ORDERS = [Order(cl_ord_id=f"o{n}", symbol="AAPL") for n in range(500)]


def test_a_page_of_500_orders_shows_five_and_counts_them_all() -> None:
    text = repr(OrderPage(orders=ORDERS, next_cursor=7))
    head = ", ".join(repr(order) for order in ORDERS[:5])
    assert text == f"OrderPage(orders=[{head}, ... 495 more (500 in all)], next_cursor=7)"


@pytest.mark.parametrize(
    ("model", "field"),
    [
        (OptionChain(calls=[OptionContract(symbol=f"C{n}") for n in range(40)]), "calls"),
        (OptionExpirations(expiry_dates=[date(2027, 1, 1 + n) for n in range(30)]), "expiry_dates"),
        (NewsListResponse(news=[News(id=n) for n in range(100)]), "news"),
        (NewsEvent(items=tuple(NewsItem(id=str(n)) for n in range(100))), "items"),
        (PnlEvent(candles=tuple(PnlCandle(open=Decimal(n)) for n in range(100))), "candles"),
    ],
)
def test_a_long_list_field_shows_its_first_items_and_its_count(model: Any, field: str) -> None:
    items = getattr(model, field)
    text = repr(model)
    assert f"... {len(items) - 5} more ({len(items)} in all)" in text
    assert repr(items[4]) in text and repr(items[5]) not in text


def test_short_lists_and_single_models_keep_the_repr_attrs_writes() -> None:
    legs = [OrderLegState(symbol="AAPL240119C00150000"), OrderLegState(symbol="AAPL")]
    order = Order(cl_ord_id="o1", symbol="AAPL", legs=legs)
    page = OrderPage(orders=ORDERS[:5])
    snapshot = AccountSnapshot(account_id="A1", balance=None, orders=tuple(ORDERS[:3]))  # type: ignore[arg-type]
    for model in (order, page, snapshot, NewsListResponse(news=[News(id=1)])):
        assert repr(model) == _attrs_repr(model)


def test_a_long_watchlist_on_the_stream_shows_its_first_symbols_and_the_count() -> None:
    from aries_async.models.events import WatchlistState

    state = WatchlistState(id=7, name="all", symbols=tuple(f"S{i:03d}" for i in range(300)))
    text = repr(state)
    assert "S004" in text and "S005" not in text and "300 in all" in text
