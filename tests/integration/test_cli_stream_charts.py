"""``aries-async stream --charts``: the charts socket's quotes and trades, as NDJSON and in the
table's state."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from cli_harness import Cli, stepping_cli_fixture  # noqa: F401 - the `cli` fixture

from aries_async._cli.stream import StreamState, render_frame
from aries_async.models.events import ChartQuote, ChartTrade


def test_chart_quotes_and_trades_as_ndjson(cli: Cli) -> None:
    cli.sign_in()
    fields = "bid_price,ask_price,last_price,size,volume,change,time"
    done = cli("stream", "AAPL", "msft", "--charts", "--fields", fields, "--count", "8")
    assert done.code == 0, done.err
    lines = done.ndjson()
    assert len(lines) == 8
    assert {line["symbol"] for line in lines} <= {"AAPL", "MSFT"}
    events = {line["event"] for line in lines}
    assert events == {"quote", "trade"}  # the quotes on subscribe, then a step of each
    keys = {"event", "symbol", *fields.split(",")} - {"time"} | {"timestamp"}
    for line in lines:  # ``time``, the older name, chose the ``timestamp`` column
        assert set(line) == keys
        assert Decimal(line["last_price"]) > 0
    quotes = [line for line in lines if line["event"] == "quote"]
    assert all(Decimal(q["ask_price"]) > Decimal(q["bid_price"]) for q in quotes)
    assert all(q["change"] is not None and q["volume"] is not None for q in quotes)
    trades = [line for line in lines if line["event"] == "trade"]
    assert all(int(t["size"]) > 0 and t["timestamp"].endswith("Z") for t in trades)
    assert "connected" in done.err


def test_chart_fields_choose_the_channels(cli: Cli) -> None:
    cli.sign_in()
    done = cli("stream", "KO", "--charts", "--json", "--fields", "bid,ask,change", "--count", "3")
    assert done.code == 0, done.err
    lines = done.ndjson()
    assert len(lines) == 3 and all(line["event"] == "quote" for line in lines)


def test_chart_updates_fill_the_table() -> None:
    state = StreamState(["AAPL"])
    quote = ChartQuote("AAPL", {"s": "ok", "v": {"lp": 190.5, "bid": 190.4, "ch": -1.2}})
    state.apply(quote)
    state.apply(ChartTrade("AAPL", {"t": 1750839134, "lp": "190.6", "v": 300}))
    row = state.rows["AAPL"]
    assert row["bid_price"] == Decimal("190.4") and row["change"] == Decimal("-1.2")
    assert row["last_price"] == Decimal("190.6") and row["size"] == Decimal("300")
    assert row["timestamp"] == datetime(2025, 6, 25, 8, 12, 14, tzinfo=UTC)
    frame = render_frame(state, ("bid_price", "last_price", "size", "change"))
    assert "190.4" in frame and "190.6" in frame and "-1.2" in frame
