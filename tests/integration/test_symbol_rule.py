"""The one symbol rule (``require_symbol``) as the market calls apply it, and as their
docstrings tell it: white space around a symbol is stripped and its case ignored; a space,
comma or control character inside it, or more than 21 characters, is refused unsent."""

from __future__ import annotations

import inspect

import pytest

from aries_async import AriesClient, ValidationError
from aries_async.resources.market import Market
from aries_async.sim import Simulator
from aries_async.streaming.charts import ChartStream
from aries_async.streaming.market_channels import MarketChannels

QUOTES = ("GET", "/v1/chart/quotes")


@pytest.mark.parametrize("written", [" AAPL", "aapl ", "\tAapl\n"])
async def test_white_space_around_a_symbol_is_stripped(
    sim: Simulator, aries: AriesClient, written: str
) -> None:
    assert (await aries.market.quote(written)).symbol == "AAPL"
    assert list(await aries.market.quotes([written, "msft"])) == ["AAPL", "MSFT"]


@pytest.mark.parametrize("bad", ["AA PL", "AA\tPL", "AAPL,MSFT", "AA\x00PL", " ", "A" * 22])
async def test_a_symbol_with_a_space_comma_or_control_inside_is_refused_unsent(
    sim: Simulator, aries: AriesClient, bad: str
) -> None:
    with pytest.raises(ValidationError) as info:
        await aries.market.quote(bad)
    assert info.value.field == "symbol"
    with pytest.raises(ValidationError):
        await aries.market.quotes(["AAPL", bad])
    assert sim.requests[QUOTES] == 0


@pytest.mark.parametrize(
    "method",
    [Market.quote, Market.quotes, MarketChannels.subscribe, ChartStream.subscribe],
    ids=lambda m: m.__qualname__,
)
def test_the_docstrings_tell_the_rule(method: object) -> None:
    doc = " ".join((inspect.getdoc(method) or "").split())
    assert "stripped" in doc, doc
    assert "inside" in doc, doc
