"""The Aries quickstart, end to end, against a local simulator: run it with no arguments.

Sign in (authorize URL with state and PKCE, consent, code exchange), list accounts, search a
symbol, get a quote and place a limit order. Point ``ClientConfig.from_env()`` at the real API
(ARIES_CLIENT_ID, ARIES_CLIENT_SECRET, ARIES_REDIRECT_URI) to do the same for real.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

import aiohttp

from aries_async import AriesClient, OrderRequest
from aries_async.sim import Simulator


async def main() -> None:
    async with Simulator(seed=1) as sim, AriesClient(sim.client_config()) as client:
        request = client.oauth.authorization_url()
        print("1. open in a browser:", request.url[:80], "...")
        async with (
            aiohttp.ClientSession() as browser,
            browser.get(request.url, allow_redirects=False) as consent,
        ):
            callback = consent.headers["Location"]  # the simulator approves automatically
        token = await client.oauth.exchange_code(callback, request)
        print("2. signed in; scopes:", " ".join(sorted(token.scopes)))

        accounts = await client.accounts.list()
        for account in accounts:
            print(f"3. account {account.id} status={account.status} sim={account.is_sim}")
        account_id = next(a.id for a in accounts if a.is_sim)

        matches = await client.market.search("AAPL", limit=3)
        print("4. search:", ", ".join(f"{m.symbol} ({m.description})" for m in matches))

        quote = await client.market.quote("AAPL")
        print(f"5. AAPL last {quote.last_price} bid {quote.bid_price} ask {quote.ask_price}")

        assert quote.bid_price is not None
        price = (quote.bid_price * Decimal("0.99")).quantize(Decimal("0.01"))
        ack = await client.orders.place(
            OrderRequest(
                account_id=account_id,
                symbol="AAPL",
                side="BUY",
                type="LIMIT",
                quantity=10,
                price=price,
                time_in_force="DAY",
            )
        )
        print(f"6. order {ack.cl_ord_id}: {ack.status} {ack.quantity}, {ack.leaves_quantity} left")


if __name__ == "__main__":
    asyncio.run(main())
