"""A calendar day the server sends malformed (``Faults.malformed_date``) where the description
promises only a string: the model reads it as None and warns, naming the field and the value
(cut short, never the answer), and the rest of the answer reads as it would have.

``EquityDetails`` read such days alike by the converter and through the generated method
(``market.equity_details()``), an order page read from its bytes as one read by the converter."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import attrs
import pytest

from aries_async import AriesClient, OrderRequest
from aries_async.models import EquityDetailsResponse, structure
from aries_async.sim import Simulator

ACCOUNT = "TEST-ACCOUNT-001"
DETAILS = "/v1/marketdata/equities/details"
ACTIVE = f"/v2/accounts/{ACCOUNT}/orders"

READERS: dict[str, Callable[[AriesClient], Awaitable[Any]]] = {
    "structure": lambda client: client.request(
        "GET",
        DETAILS,
        params={"symbols": "AAPL,MSFT"},
        parse=lambda body: structure(body, EquityDetailsResponse),
    ),
    "equity_details": lambda client: client.market.equity_details(["AAPL", "MSFT"]),
}


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("text", ["2026-13-45", "TBD " * 200])
async def test_equity_details_read_a_malformed_date_as_none_and_warn(
    sim: Simulator,
    aries: AriesClient,
    caplog: pytest.LogCaptureFixture,
    reader: str,
    text: str,
) -> None:
    before = await READERS[reader](aries)
    sim.faults.malformed_date[f"GET {DETAILS}"] = text
    with caplog.at_level(logging.WARNING, "aries_async"):
        after = await READERS[reader](aries)
    first, last = after.data
    assert last.high_52_week_date is None and before.data[1].high_52_week_date is not None
    assert attrs.evolve(last, high_52_week_date=before.data[1].high_52_week_date) == before.data[1]
    assert first == before.data[0]
    (warning,) = warnings_of(caplog)
    assert "high_52_week_date" in warning and repr(text)[:40] in warning
    assert len(warning) < 200  # the value cut short; nothing else of the answer
    assert "MSFT" not in warning and str(last.price) not in warning


async def test_an_orders_page_reads_a_malformed_maturity_as_none_and_warns(
    sim: Simulator, aries: AriesClient, caplog: pytest.LogCaptureFixture
) -> None:
    option = OrderRequest(
        account_id=ACCOUNT,
        symbol="AAPL260618C00180000",
        side="BUY",
        type="LIMIT",
        quantity=1,
        price="0.05",
    )
    assert (await aries.orders.place(option)).accepted
    (before,) = await aries.orders.active(ACCOUNT)
    assert before.legs[0].maturity is not None
    sim.faults.malformed_date[f"GET {ACTIVE}"] = "TBD"
    with caplog.at_level(logging.WARNING, "aries_async"):
        (after,) = await aries.orders.active(ACCOUNT)
    assert after.legs[0].maturity is None
    leg = attrs.evolve(after.legs[0], maturity=before.legs[0].maturity)
    assert attrs.evolve(after, legs=[leg]) == before
    assert after.price == Decimal("0.05")
    (warning,) = warnings_of(caplog)
    assert "maturity" in warning and "'TBD'" in warning
