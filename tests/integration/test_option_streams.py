"""An option contract followed by its OSI symbol on the market socket (websocket.md 3.3: an
OSI symbol with ``symbolType: "option"``; 3.4: quotes and trades carry ``instrumentType``
``o`` and options' ``openInterest``), as a user who took it from a chain subscribes it."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from aries_async import AriesClient


async def test_an_option_subscribed_on_the_market_socket_sends_quotes_and_trades(
    aries: AriesClient,
) -> None:
    """The simulator acknowledged an option's quotes and trades and then sent neither (only
    greeks streamed for options), so ``anext(stream.quotes(osi))`` waited forever and
    ``aries-async stream OSI`` printed nothing. They now come, priced as the option details
    price the contract."""
    expiry = (await aries.market.option_expirations("AAPL"))[1]
    osi = (await aries.market.option_chain("AAPL", expiry)).calls[6].osi
    assert osi is not None
    async with aries.market_stream() as stream:
        quotes, trades = stream.quotes(osi), stream.trades(osi)
        await stream.subscribe(osi)
        quote = await asyncio.wait_for(anext(quotes), 5)
        trade = await asyncio.wait_for(anext(trades), 5)
    (details,) = (await aries.market.option_details([osi])).data or []
    assert quote.symbol == trade.symbol == osi
    assert (quote.bid_price, quote.ask_price) == (details.bid_price, details.ask_price)
    assert isinstance(trade.last_price, Decimal) and trade.last_price == details.last_price
