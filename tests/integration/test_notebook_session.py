"""What a notebook user meets driving a client cell by cell on the simulator: the messages of
the mistakes such a session makes, and what its cells show."""

from __future__ import annotations

import asyncio
import gc
import pickle
import traceback
import warnings
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from stream_helpers import interrupt_cell

from aries_async import AriesClient, OrderRequest, OrderStatus, Token
from aries_async.errors import OrderStateUnknownError, StreamClosedError, ValidationError
from aries_async.sim import Simulator


async def test_a_bare_access_token_string_is_refused_with_the_way_to_pass_it(
    sim: Simulator,
) -> None:
    # A notebook user with an access token in hand passes the string itself.
    secret = sim.issue_token().access_token
    with pytest.raises(TypeError) as caught:
        AriesClient(sim.client_config(), token=secret)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "Token(access_token=" in message
    assert "got str" in message
    assert secret not in message  # the token is a secret: never in a message
    # What the message says works.
    async with AriesClient(sim.client_config(), token=Token(access_token=secret)) as client:
        assert await client.accounts.list()


async def test_an_empty_range_of_bars_asks_for_the_model_to_index_by_timestamp(
    sim: Simulator,
) -> None:
    pd = pytest.importorskip("pandas")
    from aries_async import to_frame
    from aries_async.models import Bar

    saturday, sunday = datetime(2026, 11, 28, tzinfo=UTC), datetime(2026, 11, 29, tzinfo=UTC)
    async with AriesClient(sim.client_config(), token=sim.issue_token()) as client:
        bars = await client.market.bars("AAPL", "D", saturday, sunday)
    assert bars == []  # a weekend: no bars
    # The README's line, on a range without data: the message names the way out rather than
    # saying that bars have no timestamp.
    with pytest.raises(ValidationError) as caught:
        to_frame(bars, index="timestamp")
    assert "model=" in str(caught.value)
    assert "no rows" in str(caught.value)
    frame = to_frame(bars, model=Bar, index="timestamp")
    assert frame.empty and frame.index.name == "timestamp"
    assert isinstance(frame, pd.DataFrame)


@pytest.mark.usefixtures("loop_clock")  # the wait's timeout passes on virtual time
async def test_a_wait_for_an_order_that_times_out_says_which_order_and_where_it_stands(
    sim: Simulator, aries: AriesClient
) -> None:
    account = (await aries.accounts.list())[0].id
    far_below = OrderRequest(
        account_id=account, symbol="AAPL", side="BUY", type="LIMIT", quantity=1, price=Decimal(1)
    )
    async with aries.account_stream(account) as stream:
        ack = await aries.orders.place(far_below)  # rests on the book: never fills
        with pytest.raises(TimeoutError) as caught:
            await stream.wait_for_order(ack, timeout=2)
    # A cell that ends in a bare "TimeoutError:" leaves the user to guess what was waited for.
    said = str(caught.value)
    assert ack.cl_ord_id is not None and ack.cl_ord_id in said
    assert "FILLED" in said and "2 s" in said
    assert OrderStatus.NEW.value in said  # where the order stands


async def test_what_a_cell_shows_of_a_client_its_streams_and_consumers(sim: Simulator) -> None:
    # A notebook shows the repr of a cell's last value: it should say what the object is
    # doing, never hold a secret.
    token = sim.issue_token()
    client = AriesClient(sim.client_config(), token=token)
    assert repr(client) == f"AriesClient(base_url={sim.base_url!r})"
    account = (await client.accounts.list())[0].id
    async with client.market_stream() as market:
        await market.subscribe(["msft", "AAPL"], channels=["quotes"])
        quotes = market.quotes()
        await anext(quotes)
        shown = repr(market)
        assert shown.startswith("<MarketStream connected;")
        assert "2 symbols: AAPL, MSFT" in shown and "1 consumer" in shown
        assert "0 reconnects" in shown
        assert repr(quotes).startswith("<Consumer of QuoteUpdate;")
        assert "1 delivered" in repr(quotes)
    assert repr(market).startswith("<MarketStream closed;")
    assert "ended" in repr(quotes)
    async with client.account_stream(account) as accounts:
        assert repr(accounts).startswith("<AccountStream connected;")
        assert f"1 account: {account}" in repr(accounts)
    await client.aclose()
    assert repr(client) == f"AriesClient(base_url={sim.base_url!r}, closed)"
    for text in (repr(client), repr(market), repr(accounts), repr(quotes)):
        assert token.access_token not in text
        assert token.refresh_token is not None and token.refresh_token not in text


async def test_a_stream_opener_or_a_pager_used_as_their_result_say_how_to_get_it(
    sim: Simulator, aries: AriesClient
) -> None:
    pytest.importorskip("pandas")
    from aries_async import to_frame

    opener = aries.market_stream()  # the async with left out, as across notebook cells
    with pytest.raises(AttributeError) as caught:
        opener.subscribe  # type: ignore[attr-defined]  # noqa: B018
    assert "async with client.market_stream() as stream" in str(caught.value)
    assert "async with" in repr(opener)
    pages = aries.stocks.trades("AAPL", limit=5)  # the await left out
    assert "await" in repr(pages)
    with pytest.raises(ValidationError) as refused:
        to_frame(pages)
    assert "await" in str(refused.value)
    assert not sim.requests.get(("GET", "/v1/stocks/trades"))  # nothing sent
    assert len(to_frame(await pages)) == 5  # what the messages say works


async def test_a_cells_traceback_names_errors_where_they_are_imported_from(
    aries: AriesClient,
) -> None:
    async with aries.market_stream() as stream:
        pass
    with pytest.raises(StreamClosedError) as closed:
        stream.quotes()  # the stream of an earlier cell, closed since
    account = (await aries.accounts.list())[0].id
    async with aries.account_stream(account) as orders:
        with pytest.raises(OrderStateUnknownError) as unknown:
            await orders.wait_for_order("NO-SUCH-ORDER")
    for caught in (closed, unknown):
        # The last line of a notebook's traceback: aries_async.errors, not a private module.
        (line,) = traceback.format_exception_only(caught.value)
        assert line.startswith(f"aries_async.errors.{caught.type.__name__}: ")
    # pickle finds the class under the name it now shows.
    again = pickle.loads(pickle.dumps(closed.value))  # noqa: S301 - our own error
    assert type(again) is StreamClosedError and str(again) == str(closed.value)


@pytest.mark.parametrize("pool_first", [False, True], ids=["client-first", "pool-first"])
async def test_a_client_dropped_unclosed_is_named_with_the_way_to_close_it(
    sim: Simulator, caplog: pytest.LogCaptureFixture, pool_first: bool
) -> None:
    # The "make the client" cell run again without closing the client it made before: what
    # the kernel reports should name that client and say how to close one, not only
    # aiohttp's connector. The collector finalizes a dropped cycle in no set order: when
    # aiohttp's connector goes first it closes itself, and the client must still speak.
    gc.disable()  # no collection but ours: the order is the one set here
    try:
        client = AriesClient(sim.client_config(), token=sim.issue_token())
        if pool_first:
            gc.collect(0)  # the client a generation older than its pool: finalized after it
        await client.accounts.list()  # its connection pool is open
        with warnings.catch_warnings(record=True) as warned:
            warnings.simplefilter("always")
            client = AriesClient(sim.client_config(), token=sim.issue_token())
            gc.collect()
    finally:
        gc.enable()
    said = [str(w.message) for w in warned if w.category is ResourceWarning]
    said += [r.getMessage() for r in caplog.records if r.name == "asyncio"]
    ours = [m for m in said if m.startswith(f"Unclosed AriesClient(base_url={sim.base_url!r})")]
    assert len(ours) == 2  # the warning, and the event loop's report (shown in a notebook)
    assert all("await client.aclose()" in m for m in ours)
    await client.aclose()
    # A client closed, or never used, holds nothing: nothing to report.
    caplog.clear()
    with warnings.catch_warnings(record=True) as quiet:
        warnings.simplefilter("always")
        client = AriesClient(sim.client_config(), token=sim.issue_token())
        gc.collect()
    assert not [w for w in quiet if "AriesClient" in str(w.message)]
    assert not [r for r in caplog.records if "AriesClient" in r.getMessage()]


async def test_an_interrupt_while_a_stream_closes_stops_the_cell(aries: AriesClient) -> None:
    # A cell interrupted while its stream closes (the closing handshake can take up to
    # StreamConfig.close_timeout) must stop there: before, the stream swallowed the
    # CancelledError with its own task's and the cell went on to its next statement.
    stream = await aries.market_stream().__aenter__()
    status = stream.status()
    await interrupt_cell(stream.aclose, lambda: stream.connected)  # its close under way
    async for _ in status:  # the stream ends all the same: its consumers end
        pass
    assert not stream.connected


async def test_an_interrupt_while_the_simulator_stops_stops_the_cell() -> None:
    sim = Simulator(seed=1)
    await sim.start()
    await interrupt_cell(sim.aclose)  # it waits for the simulator's ticker to end
    await sim.aclose()  # what the interrupt cut short, done again


async def test_a_symbol_that_got_no_quote_says_why_when_looked_up(aries: AriesClient) -> None:
    batch = await aries.market.quotes(["AAPL", "NOSUCH"])
    with pytest.raises(KeyError) as missing:
        batch["nosuch"]  # a cell's last line
    # The batch knows why there is no quote: a bare KeyError('nosuch') hid it.
    assert "unknown symbol NOSUCH" in str(missing.value)
    assert missing.value.__cause__ is batch.errors["NOSUCH"]
    assert "batch.errors" in str(missing.value)
    with pytest.raises(KeyError) as never_asked:
        batch["MSFT"]
    assert never_asked.value.args == ("MSFT",)


async def test_bars_given_calendar_days_say_how_to_give_instants(
    sim: Simulator, aries: AriesClient
) -> None:
    days = (date(2026, 11, 2), date(2026, 11, 6))  # what an untyped notebook passes
    with pytest.raises(ValidationError) as caught:
        await aries.market.bars("AAPL", "D", *days)  # type: ignore[arg-type]
    said = str(caught.value)
    assert "got a date" in said and "datetime(2026, 11, 2, tzinfo=UTC)" in said
    assert not sim.requests.get(("GET", "/v1/chart/history"))  # nothing sent


async def test_a_consumer_interrupted_in_one_cell_goes_on_in_the_next(
    sim: Simulator, aries: AriesClient
) -> None:
    async with aries.market_stream() as stream:
        quotes = stream.quotes()
        await stream.subscribe("AAPL", channels=["quotes"])
        first = await anext(quotes)  # the snapshot
        cell = asyncio.ensure_future(anext(quotes))  # a cell waiting for the next quote
        await asyncio.sleep(0)
        cell.cancel()  # interrupted while it waited
        with pytest.raises(asyncio.CancelledError):
            await cell
        sim.advance(0.5)  # the feed moves on
        following = await anext(quotes)  # the next cell, on the same consumer
        assert first.timestamp is not None and following.timestamp is not None
        assert following.symbol == "AAPL" and following.timestamp > first.timestamp
        assert quotes.delivered == 2 and quotes.pending == 0
