"""An option ticker (``O:`` + OSI, as option chains and contract snapshots name a contract)
where the wire wants the bare OSI symbol (quotes, the market and charts sockets, orders:
conventions.md section 9, rest.md section 13) is refused before anything is sent, by a
:class:`ValidationError` naming the OSI symbol to pass; the OSI symbol itself works, and so
do the operations that take the ticker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from stream_helpers import until

from aries_async import AriesClient
from aries_async.errors import NotFoundError, ValidationError
from aries_async.models.order_requests import CancelRequest, OrderLeg, OrderRequest, ReplaceRequest
from aries_async.sim import Simulator
from aries_async.sim.ws import WsHub

ACCOUNT = "TEST-SIM-001"


async def _contract(aries: AriesClient) -> tuple[str, str]:
    """The ticker and OSI symbol of a listed AAPL call, as the chain gives them."""
    expiry = (await aries.market.option_expirations("AAPL"))[0]
    contract = (await aries.market.option_chain("AAPL", expiry)).calls[0]
    assert contract.symbol is not None and contract.osi is not None
    assert contract.symbol == "O:" + contract.osi
    return contract.symbol, contract.osi


def _says_osi(error: ValidationError, ticker: str, osi: str) -> None:
    text = str(error)
    assert ticker in text and repr(osi) in text and ".osi" in text, text


def _sent(sim: Simulator, hub: WsHub) -> tuple[int, int]:
    """The HTTP requests and socket subscribes the simulator has received."""
    return sum(sim.requests.values()), hub.subscribes


async def test_quotes_refuse_a_ticker_before_sending(
    sim: Simulator, hub: WsHub, aries: AriesClient
) -> None:
    ticker, osi = await _contract(aries)
    before = _sent(sim, hub)
    for call in (
        lambda: aries.market.quote(ticker),
        lambda: aries.market.quote(ticker.lower()),
        lambda: aries.market.quotes(["AAPL", ticker]),
        lambda: aries.market.quotes(ticker),
    ):
        with pytest.raises(ValidationError) as info:
            await call()
        assert info.value.field == "symbol"
        _says_osi(info.value, ticker, osi)
        assert "option_details" in str(info.value)  # where a contract is quoted
    assert _sent(sim, hub) == before  # not even AAPL of the list went
    details = await aries.market.option_details([osi])
    assert [item.symbol for item in details.data or ()] == [osi]


async def test_option_details_refuse_a_ticker_before_sending(
    sim: Simulator, hub: WsHub, aries: AriesClient
) -> None:
    """The details call takes OSI symbols (rest.md): an answer to a ticker would name another
    symbol than the one asked for."""
    ticker, osi = await _contract(aries)
    before = _sent(sim, hub)
    for symbols in ([ticker], [osi, ticker], ticker, f"{osi},{ticker}"):
        with pytest.raises(ValidationError) as info:
            await aries.market.option_details(symbols)
        assert info.value.field == "symbols"
        _says_osi(info.value, ticker, osi)
    assert _sent(sim, hub) == before
    assert [d.symbol for d in (await aries.market.option_details(osi)).data or ()] == [osi]


@pytest.mark.parametrize("kind", ["market", "charts"])
async def test_subscribes_refuse_a_ticker_before_sending(
    kind: str, sim: Simulator, hub: WsHub, aries: AriesClient
) -> None:
    ticker, osi = await _contract(aries)
    opener = aries.market_stream() if kind == "market" else aries.chart_stream()
    async with opener as stream:
        before = _sent(sim, hub)
        with pytest.raises(ValidationError) as info:
            await stream.subscribe(["AAPL", ticker], channels=["quotes"])
        assert info.value.field == "symbol"
        _says_osi(info.value, ticker, osi)
        assert dict(stream.subscriptions) == {} and _sent(sim, hub) == before
        await stream.subscribe(["AAPL", osi], channels=["quotes"])
        await until(lambda: stream.acknowledged == {"AAPL", osi})
        assert stream.refused == {} and stream.reconnects == 0


_ORDER: dict[str, Any] = {
    "account_id": ACCOUNT,
    "side": "BUY",
    "type": "LIMIT",
    "quantity": "1",
    "price": "1.00",
}
_LEG: dict[str, Any] = {"security_type": "OPT", "side": "BUY", "position_effect": "OPEN"}
_BUILDS: dict[str, Callable[[str], Any]] = {
    "order": lambda symbol: OrderRequest(symbol=symbol, **_ORDER),
    "replace": lambda symbol: ReplaceRequest(
        orig_cl_ord_id="ORDER-1", account_id=ACCOUNT, symbol=symbol, quantity="2"
    ),
    "cancel": lambda symbol: CancelRequest(
        orig_cl_ord_id="ORDER-1", account_id=ACCOUNT, symbol=symbol, side="BUY"
    ),
    "leg": lambda symbol: OrderRequest(
        symbol="AAPL", legs=[OrderLeg(symbol=symbol, **_LEG)], **_ORDER
    ),
}


@pytest.mark.parametrize("build", sorted(_BUILDS))
async def test_orders_refuse_a_ticker_before_sending(
    build: str, sim: Simulator, hub: WsHub, aries: AriesClient
) -> None:
    """Built without complaint, an order of a ticker used to come back refused by
    ``preview``; now it cannot be built, so it cannot be sent."""
    ticker, osi = await _contract(aries)
    before = _sent(sim, hub)
    with pytest.raises(ValidationError) as info:
        _BUILDS[build](ticker)
    assert info.value.field == "symbol"
    _says_osi(info.value, ticker, osi)
    assert _sent(sim, hub) == before
    assert _BUILDS[build](osi).symbol in (osi, "AAPL")  # the OSI symbol is an order's symbol


async def test_an_option_order_of_the_osi_symbol_previews(aries: AriesClient) -> None:
    _, osi = await _contract(aries)
    preview = await aries.orders.preview(OrderRequest(symbol=osi, **_ORDER))
    assert preview is not None


async def test_the_operations_of_tickers_take_them(aries: AriesClient) -> None:
    """Contract snapshots name a contract by its ticker (rest.md section 13): left alone."""
    ticker, _ = await _contract(aries)
    snapshot = await aries.options.contract_snapshot("AAPL", ticker)
    assert snapshot is not None


async def test_a_contract_whose_expiry_is_no_date_gets_an_answer_not_a_500(
    aries: AriesClient,
) -> None:
    """The simulator reads the expiry of an OSI-shaped ticker it is asked about: one whose
    month is 13 is no contract it lists, answered as any other it does not list (a 404), not
    with an internal error."""
    with pytest.raises(NotFoundError) as info:
        await aries.options.contract_snapshot("AAPL", "O:AAPL261399C00190000")
    assert info.value.code == "OPTION_NOT_FOUND"


@pytest.mark.parametrize("kind", ["market", "charts"])
async def test_unsubscribes_refuse_a_ticker(
    kind: str, sim: Simulator, hub: WsHub, aries: AriesClient
) -> None:
    """Unsubscribing the ticker of a contract subscribed by its OSI symbol used to return
    quietly and drop nothing: its updates went on. It is refused as the subscribe is."""
    ticker, osi = await _contract(aries)
    opener = aries.market_stream() if kind == "market" else aries.chart_stream()
    async with opener as stream:
        await stream.subscribe(osi, channels=["quotes"])
        await until(lambda: stream.acknowledged == {osi})
        with pytest.raises(ValidationError) as info:
            await stream.unsubscribe(ticker)
        assert info.value.field == "symbol"
        _says_osi(info.value, ticker, osi)
        assert set(stream.subscriptions) == {osi}
        await stream.unsubscribe(osi)
        assert dict(stream.subscriptions) == {}


@pytest.mark.parametrize("kind", ["market", "charts"])
async def test_a_streams_readers_refuse_a_ticker(
    kind: str, sim: Simulator, hub: WsHub, aries: AriesClient
) -> None:
    """A consumer filtered on a contract's ticker used to wait forever (the updates are the
    OSI symbol's), and ``latest(ticker)`` read None beside a live quote: both are refused as
    the subscribe is, naming the OSI symbol."""
    ticker, osi = await _contract(aries)
    opener = aries.market_stream() if kind == "market" else aries.chart_stream()
    async with opener as stream:
        await stream.subscribe(osi, channels=["quotes"])
        await until(lambda: stream.latest(osi) is not None)
        readers: list[Callable[[str], object]] = [
            stream.quotes,
            stream.trades,
            stream.events,
            stream.latest,
            stream.latest_trade,
        ]
        for read in readers:
            with pytest.raises(ValidationError) as info:
                read(ticker)
            _says_osi(info.value, ticker, osi)
        with pytest.raises(ValidationError):
            stream.quotes([osi, ticker])


async def test_bars_refuse_a_ticker_before_sending(
    sim: Simulator, hub: WsHub, aries: AriesClient
) -> None:
    """Chart history names a contract as the charts socket does, by its OSI symbol; its
    ticker used to go out and come back as ``unknown symbol`` (a ResponseFormatError)."""
    ticker, osi = await _contract(aries)
    now = int(sim.clock.now())
    before = _sent(sim, hub)
    with pytest.raises(ValidationError) as info:
        await aries.market.bars(ticker, "1", now - 600, now)
    with pytest.raises(ValidationError):
        aries.market.iter_bars(ticker, "1", now - 600, now)
    assert info.value.field == "symbol"
    _says_osi(info.value, ticker, osi)
    assert _sent(sim, hub) == before
    assert await aries.market.bars(osi, "1", now - 600, now)
