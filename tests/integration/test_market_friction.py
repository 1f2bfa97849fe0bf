"""Everyday market-data friction: a batch of quotes with a bad symbol in it, bar resolutions
that read as something else, and bars over a range longer than one page of the server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from aries_async import AriesClient, RetryPolicy
from aries_async.errors import (
    BadRequestError,
    NotFoundError,
    QuoteError,
    ResponseFormatError,
    ValidationError,
)
from aries_async.sim import Simulator
from aries_async.testing import RecordingSleep

BAD = "ZZZZ9"


@pytest.fixture
async def client(sim: Simulator) -> AsyncIterator[AriesClient]:
    config = sim.client_config(retry=RetryPolicy(jitter=0.0))
    async with AriesClient(config, token=sim.issue_token(), sleep=RecordingSleep()) as aries:
        yield aries


# -- quotes with a bad symbol --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unknown", "symbol_in"),
    [("item", "n"), ("item", "s"), ("omit", "n"), ("400", "n"), ("404", "n")],
)
async def test_quotes_keep_the_good_ones_and_report_each_bad_one(
    sim: Simulator, client: AriesClient, unknown: str, symbol_in: str
) -> None:
    sim.settings.quote_unknown = unknown
    sim.settings.quote_symbol_in = symbol_in
    quotes = await client.market.quotes(["AAPL", BAD, "msft"])
    assert sorted(quotes) == ["AAPL", "MSFT"]
    assert quotes["AAPL"].last_price == sim.feed.quote("AAPL").last_price
    assert list(quotes.errors) == [BAD]
    error = quotes.errors[BAD]
    assert isinstance(error, QuoteError)
    assert error.symbol == BAD
    assert BAD in str(error)
    if unknown in ("400", "404"):
        assert isinstance(error.__cause__, BadRequestError if unknown == "400" else NotFoundError)
    with pytest.raises(QuoteError) as info:
        await client.market.quote(BAD)
    assert info.value.symbol == BAD
    assert (await client.market.quote("AAPL")).symbol == "AAPL"


async def test_a_batch_is_looked_up_by_a_symbol_in_any_case(client: AriesClient) -> None:
    # Symbols are asked for in any case and stored as the server names them (upper case):
    # they are looked up the same way, as the streams' latest() does.
    batch = await client.market.quotes(["aapl", " msft ", BAD.lower()])
    assert list(batch) == ["AAPL", "MSFT"] and list(batch.errors) == [BAD]
    for asked in ("aapl", "AAPL", " Aapl "):
        assert asked in batch
        assert batch[asked] is batch["AAPL"] is batch.get(asked)
    assert batch.get("nosuch") is None and batch.get("nosuch", 1) == 1
    not_a_symbol: object = 7
    assert "nosuch" not in batch and not_a_symbol not in batch
    with pytest.raises(KeyError, match="'nosuch'"):
        batch["nosuch"]
    bad = BAD.lower()
    assert bad in batch.errors and batch.errors[bad] is batch.errors.get(bad) is batch.errors[BAD]
    assert "aapl" not in batch.errors
    assert dict(batch) == {"AAPL": batch["AAPL"], "MSFT": batch["MSFT"]}  # stored forms
    assert list(batch.keys()) == ["AAPL", "MSFT"]


async def test_a_batch_of_only_bad_symbols_is_all_errors(
    sim: Simulator, client: AriesClient
) -> None:
    quotes = await client.market.quotes([BAD, "QQQQ8"])
    assert dict(quotes) == {}
    assert sorted(quotes.errors) == ["QQQQ8", BAD]


async def test_quote_name_falls_back_to_the_description(client: AriesClient) -> None:
    quote = await client.market.quote("AAPL")  # UDF: n carries the symbol, not a name
    assert quote.name == "Apple Inc." == quote.description


# -- bar resolutions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("resolution", "hint"),
    [
        ("1m", 'one minute is "1"'),
        ("5m", 'minutes are bare numbers: "5"'),
        ("15min", 'minutes are bare numbers: "15"'),
        ("1h", '"60"'),
        ("2H", '"120"'),
        ("7", "allowed"),
    ],
)
async def test_resolutions_that_read_as_something_else_are_refused(
    sim: Simulator, client: AriesClient, resolution: str, hint: str
) -> None:
    with pytest.raises(ValidationError, match="resolution") as info:
        await client.market.bars("AAPL", resolution, 1768000000, 1768489200)  # type: ignore[arg-type]
    assert info.value.field == "resolution"
    assert hint in str(info.value)
    assert sim.requests[("GET", "/v1/chart/history")] == 0


# -- bars over many pages -------------------------------------------------------------------------


async def test_bars_follow_the_continuation_over_every_page(
    sim: Simulator, client: AriesClient
) -> None:
    sim.settings.history_page_size = 100
    now = int(sim.clock.now())
    start, end = now - 3 * 86400, now
    bars = await client.market.bars("AAPL", "1", start, end)
    expected = sim.feed.bars("AAPL", ("min", 1), start, end)
    assert len(expected) > 300  # more than three pages
    assert [int(b.timestamp.timestamp()) for b in bars] == [b.time for b in expected]
    pages = sim.requests[("GET", "/v1/chart/history")]
    assert pages == -(-len(expected) // 100)
    collected = [bar async for bar in client.market.iter_bars("AAPL", "1", start, end)]
    assert collected == bars


async def test_a_continuation_that_does_not_advance_is_an_error(
    sim: Simulator, client: AriesClient
) -> None:
    sim.settings.history_page_size = 100
    sim.faults.history_stuck_continuation = True
    end = int(sim.clock.now())
    start = end - int(timedelta(days=3).total_seconds())
    with pytest.raises(ResponseFormatError, match="does not advance"):
        await client.market.bars("AAPL", "1", start, end)
    assert sim.requests[("GET", "/v1/chart/history")] == 1


def test_the_sim_command_line_sets_the_market_variants_and_faults() -> None:
    import argparse

    from aries_async.sim.cli import add_arguments, build_simulator

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    flags = ["--quote-unknown", "404", "--history-page-size", "50"]
    flags += ["--history-stuck-continuation", "--drop-connection", "GET /v1/chart/quotes=2"]
    sim = build_simulator(parser.parse_args(flags))
    assert (sim.settings.quote_unknown, sim.settings.history_page_size) == ("404", 50)
    assert sim.faults.history_stuck_continuation is True
    assert sim.faults.drop_connection == {"GET /v1/chart/quotes": 2}
    default = build_simulator(parser.parse_args(["--history-page-size", "0"]))
    assert (default.settings.quote_unknown, default.settings.history_page_size) == ("item", None)


async def test_bars_open_between_start_and_end_to_the_microsecond(
    sim: Simulator, client: AriesClient
) -> None:
    # A start of 15:00:00.001 sent as 15:00:00 (rounded down) gave the bar opening before it.
    open_at = datetime.fromtimestamp(int(sim.clock.now()) // 300 * 300 - 86400, UTC)  # yesterday
    start, end = open_at + timedelta(microseconds=1000), open_at + timedelta(minutes=10)
    bars = await client.market.bars("AAPL", "5", start, end)
    assert [bar.timestamp - open_at for bar in bars] == [
        timedelta(minutes=5),
        timedelta(minutes=10),
    ]
    just_before = end - timedelta(microseconds=1)  # the 10-minute bar opens after it
    assert len(await client.market.bars("AAPL", "5", start, just_before)) == 1


async def test_an_end_past_any_real_time_is_the_present(
    sim: Simulator, client: AriesClient
) -> None:
    # Past about 5138 the seconds read as milliseconds (rest.md 9a): 1978, "to before from".
    start = datetime.fromtimestamp(sim.clock.now(), UTC) - timedelta(days=10)
    now = datetime.fromtimestamp(sim.clock.now(), UTC)
    expected = await client.market.bars("AAPL", "D", start, now)
    assert expected
    for end in (datetime(5200, 1, 1, tzinfo=UTC), datetime.max.replace(tzinfo=UTC)):
        assert await client.market.bars("AAPL", "D", start, end) == expected
