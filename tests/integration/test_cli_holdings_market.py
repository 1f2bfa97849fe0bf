"""``aries-async --version``, ``positions``, ``balances``, ``bars`` and ``search`` against the
simulator: a table with a header, ``--json`` in the models' names, and the exit codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from importlib.metadata import version

import pytest
from cli_harness import Cli, assert_python_names, cli_fixture  # noqa: F401 - the `cli` fixture

ACCOUNT = "TEST-ACCOUNT-001"


@pytest.fixture(autouse=True)
def signed_in(cli: Cli) -> None:
    cli.sign_in()


def test_version_is_the_installed_distributions(cli: Cli) -> None:
    done = cli("--version")
    assert done.code == 0, done.err
    assert done.out == f"aries-async {version('aries-async')}\n"
    assert "--version" in cli("--help").out


def test_positions_text_and_json(cli: Cli) -> None:
    text = cli("positions", ACCOUNT)
    assert text.code == 0, text.err
    head, rule, *rows = text.out.splitlines()
    assert head.split()[:3] == ["SYMBOL", "TYPE", "QTY"] and set(rule) <= {"-", " "}
    data = cli("positions", ACCOUNT, "--json").json()
    assert data and len(rows) == len(data)
    assert_python_names(data, "positions")
    (aapl,) = [p for p in data if p["symbol"] == "AAPL"]
    assert Decimal(aapl["quantity"]) > 0 and isinstance(aapl["market_value"], str)
    assert aapl["created_at"].endswith("Z")
    assert any(row.split()[0] == "AAPL" and aapl["market_value"] in row for row in rows)


def test_no_positions_is_not_an_error(cli: Cli) -> None:
    # A market order selling every share leaves the account flat (the sim fills it at once).
    held = cli("positions", ACCOUNT, "--json").json()
    for position in held:
        sell = ("order", "place", ACCOUNT, position["symbol"], "sell", position["quantity"])
        assert cli(*sell, "--yes").code == 0
    done = cli("positions", ACCOUNT)
    assert done.code == 0, done.err
    assert done.out == f"No positions in {ACCOUNT}\n"
    assert cli("positions", ACCOUNT, "--json").json() == []


def test_balances_text_and_json(cli: Cli) -> None:
    text = cli("balances", ACCOUNT)
    assert text.code == 0, text.err
    head, _, *rows = text.out.splitlines()
    assert head.split() == ["FIELD", "VALUE"]
    data = cli("balances", ACCOUNT, "--json").json()
    assert_python_names(data, "balances")
    assert data["account_id"] == ACCOUNT
    assert isinstance(data["cash_balance"], str) and Decimal(data["cash_balance"]) > 0
    assert ["cash_balance", data["cash_balance"]] in [row.split() for row in rows]


def test_an_unknown_account_exits_1(cli: Cli) -> None:
    for command in ("positions", "balances"):
        done = cli(command, "NO-SUCH-ACCOUNT")
        assert done.code == 1, (command, done.err)
        assert "NO-SUCH-ACCOUNT" in done.err


def test_holdings_need_an_account(cli: Cli) -> None:
    done = cli("positions")
    assert done.code == 2 and "ACCOUNT" in done.err
    assert "example:" in cli("balances", "--help").out


def test_bars_default_to_daily_over_the_last_30_days(cli: Cli) -> None:
    before = datetime.now(UTC)
    data = cli("bars", "aapl", "--json").json()
    after = datetime.now(UTC)
    assert data, "no bars"
    assert_python_names(data, "bars")
    times = [datetime.fromisoformat(bar["timestamp"]) for bar in data]
    assert min(times) >= before - timedelta(days=30, hours=1) and max(times) <= after
    assert all(t.time() == datetime.min.time() for t in times)  # daily bars
    assert len({t.date() for t in times}) == len(times)
    assert all(isinstance(bar["close"], str) for bar in data)
    text = cli("bars", "AAPL")
    assert text.code == 0, text.err
    assert text.out.splitlines()[0].split() == ["TIME", "OPEN", "HIGH", "LOW", "CLOSE", "VOLUME"]
    assert data[-1]["close"] in text.out.splitlines()[-1]


def test_bars_of_a_given_range_and_resolution(cli: Cli) -> None:
    # A date as --end is that whole day: two days of hourly bars, each within them.
    end = datetime.now(UTC).date() - timedelta(days=7)
    start = end - timedelta(days=3)
    args = ("bars", "AAPL", "-r", "60", "--start", str(start), "--end", str(end), "--json")
    done = cli(*args)
    assert done.code == 0, done.err
    times = [datetime.fromisoformat(bar["timestamp"]) for bar in done.json()]
    assert times and {t.date() for t in times} <= {start + timedelta(days=n) for n in range(4)}
    assert len(times) > len({t.date() for t in times})  # more than one bar a day
    iso = ("bars", "AAPL", "--start", f"{start}T00:00:00+02:00", "--end", f"{end}T12:00:00")
    assert cli(*iso).code == 0


def test_a_date_as_end_is_that_day_and_not_the_next(cli: Cli) -> None:
    # The server gives the bars that open at `to` too: the next midnight was the next day's
    # (and the next month's, for a month's bars ending on its last day).
    day = datetime.now(UTC).date() - timedelta(days=7)
    while day.weekday() >= 4:  # a Monday to Thursday: the next day has a bar
        day -= timedelta(days=1)
    first = day.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    for resolution, start, end, opens in (("D", day, day, day), ("M", first, last, first)):
        args = ("-r", resolution, "--start", str(start), "--end", str(end), "--json")
        done = cli("bars", "AAPL", *args)
        assert done.code == 0, done.err
        assert [bar["timestamp"][:10] for bar in done.json()] == [str(opens)]
    # The last day there is: its next midnight is no date (a traceback, exit 1); an end past
    # any bar is the present, and the start defaults to 30 days before it.
    done = cli("bars", "AAPL", "--end", "9999-12-31", "--json")
    assert done.code == 0, done.err
    present = cli("bars", "AAPL", "--json").json()
    # The same bars; the last is today's, still trading between the two calls.
    assert [bar["timestamp"] for bar in done.json()] == [bar["timestamp"] for bar in present]
    assert done.json()[:-1] == present[:-1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-r", "5m"), "bad resolution '5m'"),
        (("--start", "yesterday"), "expected a date (2026-01-05) or an ISO 8601 time"),
        (("--start", "2026-01-09", "--end", "2026-01-05"), "end must be after start"),
        (("--json", "-r", "1h"), "bad resolution"),
    ],
)
def test_bad_bar_arguments_exit_2_and_send_nothing(
    cli: Cli, args: tuple[str, ...], message: str
) -> None:
    done = cli("bars", "AAPL", *args)
    assert done.code == 2, done.err
    assert message in done.err and done.out == ""
    assert cli.requests("GET", "/v1/chart/history") == 0


def test_search_text_and_json(cli: Cli) -> None:
    text = cli("search", "apple")
    assert text.code == 0, text.err
    head, _, *rows = text.out.splitlines()
    assert head.split() == ["SYMBOL", "DESCRIPTION", "TYPE", "VENUE"]
    assert any(row.startswith("AAPL ") and "Apple Inc." in row for row in rows)
    data = cli("search", "app", "--limit", "3", "--json").json()
    assert_python_names(data, "search")
    assert 0 < len(data) <= 3 and set(data[0]) == {"symbol", "description", "tag", "type"}
    none = cli("search", "zzzzqqq")
    assert none.code == 0 and none.out == "No symbols match 'zzzzqqq'\n"
    assert cli("search", "zzzzqqq", "--json").json() == []
    assert cli("search", "app", "--limit", "0").code == 2
