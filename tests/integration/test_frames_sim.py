"""to_frame on what the client parses from the simulator: bars, quotes, positions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from aries_async import AriesClient, to_frame
from aries_async.models import Bar, Position
from aries_async.sim import Simulator

pd = pytest.importorskip("pandas")


async def test_bars_quotes_and_positions_from_the_simulator(sim: Simulator) -> None:
    async with AriesClient(sim.client_config(), token=sim.issue_token()) as client:
        bars = await client.market.bars("AAPL", "D", 1768000000, 1768489200)
        batch = await client.market.quotes(["AAPL", "MSFT", "NOSUCH"])
        account = (await client.accounts.list())[0].id
        positions = await client.accounts.positions(account)
    frame = to_frame(bars, model=Bar, index="timestamp")
    assert len(frame) == len(bars) > 1
    assert str(frame.index.dtype) == "datetime64[ns, UTC]"
    assert frame.index.is_monotonic_increasing
    assert frame["close"].tolist() == [b.close for b in bars]  # the same Decimals
    assert all(isinstance(v, Decimal) for v in frame["close"])
    quotes = batch.to_frame(decimals="float").set_index("symbol")
    assert sorted(quotes.index) == ["AAPL", "MSFT"]  # NOSUCH is in batch.errors, not a row
    assert quotes.loc["AAPL", "last_price"] == float(batch["AAPL"].last_price or 0)
    table = to_frame(positions, model=Position)
    assert len(table) == len(positions) > 0
    assert table["quantity"].tolist() == [p.quantity for p in positions]
    assert table["security_type"].tolist() == [
        p.security_type.value if p.security_type else None for p in positions
    ]
    assert str(table["created_at"].dtype) == "datetime64[ns, UTC]"
