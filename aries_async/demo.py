"""``aries-async demo``: the Aries quickstart against an in-process simulator, step by step."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import aiohttp

from aries_async.client import AriesClient
from aries_async.models.orders import OrderRequest, OrderStatus

__all__ = ["run_demo"]


async def run_demo(out: Callable[[str], None] = print, *, fill_timeout: float = 20.0) -> int:
    """Walk the quickstart; returns 0 when the order filled.

    Args:
        out: where each line goes (``print`` by default).
        fill_timeout: seconds to wait for the fill before giving up (exit status 1).
    """
    from aries_async.sim import Simulator

    async with Simulator(seed=7, market_open=True) as sim:
        out(f"Started a local Aries simulator at {sim.base_url}")
        async with AriesClient(sim.client_config()) as client:
            request = client.oauth.authorization_url()
            out("1. Sign in: authorize URL with state and PKCE (S256)")
            out(f"   {request.url[:96]}...")
            out("   following it as a browser would (the simulator approves the consent)")
            async with (
                aiohttp.ClientSession() as browser,
                browser.get(request.url, allow_redirects=False) as consent,
            ):
                callback = consent.headers["Location"]
            back = parse_qs(urlsplit(callback).query)
            code = back.get("code", [""])[0]
            same_state = back.get("state", [""])[0] == request.state
            out(f"   consent approved: {consent.status} redirect to {request.redirect_uri}")
            out(
                f"   code received ({len(code)} characters, single use); "
                f"state {'matches' if same_state else 'DOES NOT match'} the one we sent"
            )
            token = await client.oauth.exchange_code(callback, request)
            left = token.seconds_left() or 0
            out(f"   token received: {token!r} (valid {left:.0f} s)")

            accounts = await client.accounts.list()
            out("2. Accounts")
            for account in accounts:
                out(f"   {account.id:<18} status={account.status} is_sim={account.is_sim}")
            account_id = next(a.id for a in accounts if a.is_sim)

            matches = await client.market.search("AAPL", limit=3)
            out("3. Search 'AAPL'")
            for match in matches:
                out(f"   {match.symbol:<6} {match.description}")

            quote = await client.market.quote("AAPL")
            last, bid, ask = quote.last_price, quote.bid_price, quote.ask_price
            out(f"4. Quote AAPL: last {last}  bid {bid}  ask {ask}")

            async with (
                client.market_stream() as market,
                client.account_stream(account_id) as account_events,
            ):
                await market.subscribe(["AAPL"], channels=["quotes"])
                out("5. Streaming quotes and order events (until the order fills)")

                async def show_quotes() -> None:
                    async for update in market.quotes("AAPL"):
                        out(f"   quote AAPL bid {update.bid_price} ask {update.ask_price}")

                async def show_orders() -> None:
                    async for event in account_events.order_events():
                        o = event.order
                        filled = f"{o.cumulative_quantity}/{o.quantity}"
                        out(f"   order {o.cl_ord_id}: {o.ord_status} filled {filled}")

                watchers = [asyncio.create_task(show_quotes()), asyncio.create_task(show_orders())]
                try:
                    first = await anext(market.quotes("AAPL"))
                    ask = first.ask_price or quote.ask_price
                    assert ask is not None
                    price = (ask + Decimal("0.05")).quantize(Decimal("0.01"))
                    order = OrderRequest(
                        account_id=account_id,
                        symbol="AAPL",
                        side="BUY",
                        type="LIMIT",
                        quantity=10,
                        price=price,
                        time_in_force="DAY",
                    )
                    # Said before the call: the order's events may come before its answer.
                    out(f"6. Placing LIMIT BUY 10 AAPL @ {price} on {account_id}")
                    ack = await client.orders.place(order)
                    out(
                        f"   placed: {ack.status}, clOrdId={ack.cl_ord_id} "
                        "(tagged with a unique clientId)"
                    )
                    if not ack.accepted or not ack.cl_ord_id:
                        out(f"   rejected: {ack.ord_rej_reason or ack.text}")
                        return 1

                    filled = await account_events.wait_for_order(
                        ack, OrderStatus.FILLED, timeout=fill_timeout
                    )
                except TimeoutError:
                    out("   the order did not fill in time")
                    return 1
                finally:
                    for task in watchers:
                        task.cancel()
                    for task in watchers:
                        with contextlib.suppress(asyncio.CancelledError):
                            await task
                paid, status = filled.average_price, filled.ord_status
                out(f"7. Filled: {filled.cumulative_quantity} AAPL at {paid} ({status})")
                position = account_events.positions.get("AAPL")
                if position is not None:
                    out(f"   position now {position.quantity} AAPL, avg {position.average_price}")
    out("Done.")
    return 0
