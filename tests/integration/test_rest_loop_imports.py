"""No REST call imports code on the event loop: what a first call needs loads in a thread.

Importing runs a module's top level on the importing thread (defining a few dozen attrs classes
takes milliseconds), so an import on the loop stalls every other task of the program. A fresh
interpreter watches the import audit events of its loop thread through a session of REST calls.
"""

from __future__ import annotations

import textwrap

import pytest
from child_process import APP_CLIENT, WATCH_LOOP_IMPORTS, run_child

from aries_async.sim import Simulator

ACCOUNT = "TEST-ACCOUNT-001"

_CHILD = (
    WATCH_LOOP_IMPORTS
    + r"""
import asyncio, json, sys, threading, time
from decimal import Decimal
from aries_async import AriesClient, ClientConfig, OrderRequest



async def main():
    global watching
    config = ClientConfig.for_base_url(
        info["base_url"], client_id=info["client_id"], client_secret=info["client_secret"]
    )
    order = OrderRequest(account_id=info["account"], symbol="AAPL", side="BUY", type="LIMIT",
                         quantity=1, price=Decimal("1.50"))
    async with AriesClient(config) as client:
        watching = True
        await client.oauth.client_credentials(scopes="market:information")
        await client.auth.set_token(await client.oauth.client_credentials())
        await client.users.me()
        await client.accounts.list()
        await client.accounts.balance(info["account"])
        await client.accounts.positions(info["account"])
        await client.market.quote("AAPL")
        await client.market.search("AAPL")
        await client.market.status()
        await client.market.holidays()
        now = int(time.time())
        await client.market.bars("AAPL", "D", now - 86_400 * 20, now)
        expiry = (await client.market.option_expirations("AAPL"))[0]
        await client.market.option_chain("AAPL", expiry)
        await client.orders.active(info["account"])
        await client.orders.preview(order)
        # The second call of a type reads its answer from the bytes (models/_reader.py).
        await client.accounts.positions(info["account"])
        await client.orders.active(info["account"])
        watching = False
    print(json.dumps({"imported": imported}))


asyncio.run(main())
"""
)


async def test_rest_calls_import_nothing_on_the_event_loop(sim: Simulator) -> None:
    result = await run_child(_CHILD, {**sim.info(), "account": ACCOUNT})
    assert result["imported"] == [], result


def _app_session(before: str, watched: str) -> str:
    """A child script: an app client on the simulator (``client``) runs the lines ``before``,
    then the lines ``watched`` while the imports on the loop's thread are watched, and prints
    those."""
    lines = textwrap.dedent(before) + "watching = True\n" + textwrap.dedent(watched)
    return (
        WATCH_LOOP_IMPORTS
        + APP_CLIENT
        + f"""
import asyncio, json, time


async def main():
    global watching
    async with app_client() as client:
{textwrap.indent(lines, " " * 8)}        watching = False
    print(json.dumps({{"imported": imported}}))


asyncio.run(main())
"""
    )


_GENERATED_CHILD = _app_session(
    """\
    stocks, indices = client.stocks, client.indices  # a group's module loads on first use
    """,
    """\
    if info["first"] == "paged":
        # Called before any call has loaded the plans that check their arguments.
        trades = stocks.trades("AAPL", limit=2)
        listing = indices.list("Equity", page_size=2)
        await trades
        async for _ in listing:
            break
    await stocks.last_trade("AAPL")
    async for _ in indices.list("Equity", page_size=2):
        break
    """,
)


@pytest.mark.parametrize("first", ["plain", "paged"])
async def test_a_first_generated_call_imports_nothing_on_the_event_loop(
    sim: Simulator, first: str
) -> None:
    # Either kind of method may be a program's first generated call: a plain one awaits the
    # plans as it is called; a paged one returns before anything is awaited.
    result = await run_child(_GENERATED_CHILD, {**sim.info(), "first": first})
    assert result["imported"] == [], result


_BARS_CHILD = _app_session(
    """\
    await client.market.quote("AAPL")
    """,
    """\
    now = int(time.time())
    # A program's first bars may come through iter_bars, which checks its arguments as it
    # is called, before anything is awaited.
    async for _ in client.market.iter_bars("AAPL", "D", now - 86_400 * 20, now):
        pass
    """,
)


async def test_iter_bars_as_the_first_bars_imports_nothing_on_the_event_loop(
    sim: Simulator,
) -> None:
    result = await run_child(_BARS_CHILD, sim.info())
    assert result["imported"] == [], result
