"""A tiny trading bot: watch quotes, buy with a market order, await the fill on the account
stream. Starts a local Aries simulator; run ``python examples/trading_bot.py`` (no arguments).

The order goes over REST (``POST /v1/orders``); its acknowledgement only says ``NEW`` -- fills
arrive on the account websocket, which the bot opened *before* placing the order, and
``wait_for_order`` also covers a fill that lands before we start waiting.
"""

from __future__ import annotations

import asyncio

import aiohttp

from aries_async.models.orders import OrderStatus
from aries_async.sim import Simulator
from aries_async.streaming import AccountStream, MarketStream

ACCOUNT = "TEST-SIM-001"
SYMBOL = "AAPL"


async def main() -> None:
    async with Simulator(seed=2) as sim:
        token = sim.issue_token()

        async def token_provider() -> str:
            return token.access_token

        async with (
            MarketStream(sim.market_ws_url, token_provider) as market,
            AccountStream(sim.accounts_ws_url, token_provider, ACCOUNT) as account,
            aiohttp.ClientSession() as http,
        ):
            await market.subscribe(SYMBOL, channels=["quotes"])
            quote = await anext(market.quotes(SYMBOL))
            print(f"{SYMBOL} ask {quote.ask_price}; buying 5 at market")

            body = {
                "tradingAccountId": ACCOUNT,
                "symbol": SYMBOL,
                "side": "BUY",
                "type": "MARKET",
                "qty": "5",
                "timeInForce": "DAY",
                "clientId": "example-bot",
            }
            headers = {"Authorization": token.authorization}
            async with http.post(f"{sim.base_url}/v1/orders", json=body, headers=headers) as r:
                ack = await r.json()
            print("ack:", ack["status"], ack["clOrdId"])

            order = await account.wait_for_order(ack["clOrdId"], OrderStatus.FILLED, timeout=30)
            print(
                f"order {order.cl_ord_id}: {order.ord_status} {order.cum_qty} @ {order.avg_price}"
            )
            position = account.positions.get(SYMBOL)
            print("position:", position.quantity if position else 0)


if __name__ == "__main__":
    asyncio.run(main())
