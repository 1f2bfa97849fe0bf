"""A tiny trading bot: watch quotes, buy with a market order, await the fill on the account
stream. Starts a local Aries simulator; run ``python examples/trading_bot.py`` (no arguments).

The order goes over REST (``client.orders.place``); its acknowledgement only says ``NEW``; fills
arrive on the account websocket, which the bot opened *before* placing the order, and
``wait_for_order`` also covers a fill that lands before we start waiting.
"""

from __future__ import annotations

import asyncio

from aries_async import AriesClient, OrderRequest
from aries_async.models.orders import OrderStatus
from aries_async.sim import Simulator

ACCOUNT = "TEST-SIM-001"
SYMBOL = "AAPL"


async def main() -> None:
    async with (
        Simulator(seed=2) as sim,
        AriesClient(sim.client_config(), token=sim.issue_token()) as client,
        client.market_stream() as market,
        client.account_stream(ACCOUNT) as account,
    ):
        await market.subscribe(SYMBOL, channels=["quotes"])
        quote = await anext(market.quotes(SYMBOL))
        print(f"{SYMBOL} ask {quote.ask_price}; buying 5 at market")

        ack = await client.orders.place(
            OrderRequest(account_id=ACCOUNT, symbol=SYMBOL, side="BUY", type="MARKET", quantity=5)
        )
        print("ack:", ack.status, ack.cl_ord_id)

        order = await account.wait_for_order(ack, OrderStatus.FILLED, timeout=30)
        filled = f"{order.cumulative_quantity} @ {order.average_price}"
        print(f"order {order.cl_ord_id}: {order.ord_status} {filled}")
        position = account.positions.get(SYMBOL)
        print("position:", position.quantity if position else 0)


if __name__ == "__main__":
    asyncio.run(main())
