"""``Simulator.state.add_account``: a test of a bot that trades several accounts gets as many
as it needs, each served like the two the simulator starts with."""

from __future__ import annotations

from decimal import Decimal

import pytest

from aries_async import AriesClient, OrderRequest
from aries_async.sim import ManualClock, Simulator


async def test_an_added_account_is_listed_trades_and_streams() -> None:
    async with Simulator(clock=ManualClock(), tick_interval=None) as sim:
        sim.state.add_account("BOT-3", cash=Decimal("2500"))
        async with AriesClient(sim.client_config(), token=sim.issue_token()) as client:
            assert "BOT-3" in [a.id for a in await client.accounts.list()]
            balance = await client.accounts.balance("BOT-3")
            assert balance.cash_balance == Decimal("2500")
            ask = sim.feed.quote("KO").ask_price
            async with client.account_stream("BOT-3") as stream:
                ack = await client.orders.place(
                    OrderRequest(
                        account_id="BOT-3",
                        symbol="KO",
                        side="BUY",
                        type="LIMIT",
                        quantity=2,
                        price=ask + Decimal("0.10"),
                    )
                )
                order = await stream.wait_for_order(ack, timeout=10)
            assert order.ord_status == "FILLED"
            (position,) = await client.accounts.positions("BOT-3")
            assert (position.symbol, position.quantity) == ("KO", Decimal(2))


async def test_an_account_id_already_there_or_malformed_is_refused() -> None:
    async with Simulator(clock=ManualClock(), tick_interval=None) as sim:
        with pytest.raises(ValueError, match="already"):
            sim.state.add_account("TEST-ACCOUNT-001")
        for bad in ("", "x" * 51, "has space"):
            with pytest.raises(ValueError, match="1-50 characters"):
                sim.state.add_account(bad)
        with pytest.raises(ValueError, match="cash"):
            sim.state.add_account("BOT-4", cash=Decimal("-1"))


async def test_accounts_are_numbered_and_typed_as_the_two_at_start() -> None:
    # The two at start and the added ones are opened alike: a margin account gets the next
    # broker number, a simulation one none.
    async with Simulator(clock=ManualClock(), tick_interval=None) as sim:
        sim.state.add_account("BOT-3")
        sim.state.add_account("BOT-4", sim=True)
        seen = {
            account.account_id: (
                account.broker_account_id,
                account.is_sim,
                account.account_type,
                account.account_class,
            )
            for account in sim.state.accounts.values()
        }
    assert seen == {
        "TEST-ACCOUNT-001": ("5SIM0001", False, "INDIVIDUAL", "MARGIN"),
        "TEST-SIM-001": ("", True, "", ""),
        "BOT-3": ("5SIM0003", False, "INDIVIDUAL", "MARGIN"),
        "BOT-4": ("", True, "", ""),
    }
