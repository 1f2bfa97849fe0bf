"""The command line against a simulator in another thread: output, --json and exit codes."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from cli_harness import (  # noqa: F401 - the `cli` fixture
    Cli,
    Result,
    cli_fixture,
    closed_port,
    run_main,
    run_script,
    use_env,
)

from aries_async.cli import _parser, main
from aries_async.demo import run_demo
from aries_async.sim.threaded import ThreadedSimulator
from aries_async.testing import shows_secret


@pytest.fixture
def sim_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    with ThreadedSimulator(seed=2) as sim:
        token = sim.issue_token()
        yield {
            "ARIES_BASE_URL": sim.base_url,
            "ARIES_CLIENT_ID": sim.client_id,
            "ARIES_ACCESS_TOKEN": token.access_token,
            # Never read or write the user's real token file.
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "HOME": str(tmp_path),
        }


RunCli = Callable[..., Result]


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch) -> RunCli:
    """``run_cli(*args, env=...)``: ``main(args)`` in this process with ``env``'s variables."""

    def run(*args: str, env: dict[str, str]) -> Result:
        with monkeypatch.context() as patch:
            use_env(patch, env)
            return run_main(args)

    return run


def test_accounts_json(sim_env: dict[str, str]) -> None:
    """The installed ``aries-async`` itself (the other tests here call its ``main()``)."""
    done = run_script(["accounts", "--json"], sim_env)
    assert done.code == 0, done.err
    data = json.loads(done.out)
    assert {a["trading_account_id"] for a in data} == {"TEST-ACCOUNT-001", "TEST-SIM-001"}


def test_quote_text_and_json(sim_env: dict[str, str], run_cli: RunCli) -> None:
    done = run_cli("quote", "AAPL", "msft", "--json", env=sim_env)
    assert done.code == 0, done.err
    data = done.json()
    assert [q["symbol"] for q in data["quotes"]] == ["AAPL", "MSFT"] and data["errors"] == []
    apple = data["quotes"][0]
    assert isinstance(apple["ask_price"], str)
    assert float(apple["ask_price"]) >= float(apple["bid_price"])
    assert datetime.fromisoformat(apple["received_at"]).tzinfo is not None
    text = run_cli("quote", "AAPL", env=sim_env)
    assert text.out.startswith("AAPL")


def test_quote_prints_the_good_symbols_and_the_bad_ones(
    sim_env: dict[str, str], run_cli: RunCli
) -> None:
    text = run_cli("quote", "AAPL", "BADSYM", env=sim_env)
    assert text.code == 1, text.err  # something failed: a script must notice
    lines = text.out.splitlines()
    assert lines[0].startswith("AAPL") and "last" in lines[0]
    assert lines[1].startswith("BADSYM") and "error" in lines[1]
    done = run_cli("quote", "AAPL", "BADSYM", "--json", env=sim_env)
    assert done.code == 1
    data = done.json()
    assert [q["symbol"] for q in data["quotes"]] == ["AAPL"]
    assert float(data["quotes"][0]["last_price"]) > 0
    [error] = data["errors"]
    assert error["symbol"] == "BADSYM" and "BADSYM" in error["error"]


def test_exit_codes(sim_env: dict[str, str], run_cli: RunCli) -> None:
    no_token = {k: v for k, v in sim_env.items() if k != "ARIES_ACCESS_TOKEN"}
    assert run_cli("accounts", env=no_token).code == 3
    closed = f"http://127.0.0.1:{closed_port()}"
    bad = dict(sim_env, ARIES_BASE_URL=closed, ARIES_TIMEOUT="2", ARIES_MAX_ATTEMPTS="1")
    assert run_cli("accounts", env=bad).code == 1
    assert run_cli("nonsense", env=sim_env).code == 2
    assert run_cli("quote", env=sim_env).code == 2
    secret = sim_env["ARIES_ACCESS_TOKEN"]
    failed = run_cli("quote", "AAPL", env=dict(sim_env, ARIES_ACCESS_TOKEN=secret + "x"))
    assert failed.code == 3
    assert secret not in failed.err + failed.out


@pytest.mark.parametrize("command", [("quote",), ("stream", "--count", "1")])
@pytest.mark.parametrize("bad", ["AA PL", "AA\nPL", "AAPL,MSFT", "A" * 22, "O:AAPL261211C00190000"])
def test_a_malformed_symbol_exits_2_and_sends_nothing(
    cli: Cli, command: tuple[str, ...], bad: str
) -> None:
    """As ``order place`` refuses it: a script's broken variable is its bug to see, not a
    symbol for the server to look up (or a stream that waits for it forever); so is an
    option's ``O:`` ticker where its OSI symbol is wanted."""
    cli.sign_in()
    done = cli(*command, "AAPL", bad)
    assert done.code == 2, done.err
    assert "symbol" in done.err and "nothing was sent" in done.err
    assert done.out == ""
    assert cli.on_sim(lambda: list(cli.sim.journal)) == []


async def test_demo_walks_the_quickstart_and_fills() -> None:
    lines: list[str] = []
    status = await asyncio.wait_for(run_demo(lines.append), timeout=30)
    assert status == 0
    text = "\n".join(lines)
    for step in (
        "1. Sign in",
        "2. Accounts",
        "3. Search",
        "4. Quote AAPL",
        "6. Placing LIMIT BUY",
        "7. Filled: 10 AAPL",
        "order ",
    ):
        assert step in text
    assert "FILLED" in text
    # Told in the order it happens: the placement, then its order's events and its answer.
    placing = next(i for i, line in enumerate(lines) if line.startswith("6. Placing"))
    events = [i for i, line in enumerate(lines) if line.startswith("   order ")]
    answer = next(i for i, line in enumerate(lines) if line.startswith("   placed: "))
    assert placing < min(events)
    assert placing < answer


def _help(capsys: pytest.CaptureFixture[str], *command: str) -> str:
    assert main([*command, "--help"]) == 0
    return capsys.readouterr().out


def _sub_commands(help_text: str) -> list[str]:
    """The sub-commands a ``--help`` lists (indented under its COMMAND or ACTION heading)."""
    listing = help_text.partition("positional arguments:")[2].partition("options:")[0]
    return re.findall(r"^ {4}(\w+) ", listing, re.MULTILINE)


def test_every_help_says_what_the_command_does(capsys: pytest.CaptureFixture[str]) -> None:
    """``aries-async COMMAND --help`` (and ``order ACTION --help``) opens with a sentence on
    what it does, not only its usage: the help line ``aries-async --help`` lists for it."""
    commands: list[tuple[str, ...]] = [(c,) for c in _sub_commands(_help(capsys))]
    commands += [("order", a) for a in _sub_commands(_help(capsys, "order"))]
    assert {"demo", "sim", "login", "accounts", "quote", "stream"} <= {c[0] for c in commands}
    assert len(commands) >= 14
    missing = []
    for command in commands:
        rest = _help(capsys, *command).partition("\n\n")[2]
        first = rest.splitlines()[0] if rest else ""
        if first.endswith(":"):  # a section heading: there is no description
            missing.append(" ".join(command))
    assert missing == []


@pytest.mark.parametrize("command", [("accounts",), ("quote", "AAPL"), ("doctor",)])
@pytest.mark.parametrize(
    ("value", "words"), [("api.aries.example", "has no scheme"), ("ftp://x", "the scheme 'ftp'")]
)
def test_a_base_url_without_a_usable_scheme_exits_2_on_one_line(
    cli: Cli, command: tuple[str, ...], value: str, words: str
) -> None:
    cli.sign_in()
    cli.setenv(ARIES_BASE_URL=value)
    done = cli(*command)
    assert done.code == 2, done.err
    message = done.err if command[0] != "doctor" else done.out
    assert "ARIES_BASE_URL" in message and words in message
    assert "Traceback" not in done.err
    if command[0] != "doctor":
        assert done.err.startswith("configuration error: ARIES_BASE_URL=")
        assert len(done.err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("variable", "value", "command", "words"),
    [
        ("ARIES_TIMEOUT", "inf", ("quote", "AAPL"), "must be a finite number"),
        ("ARIES_TIMEOUT", "inf", ("accounts", "--json"), "must be a finite number"),
        ("ARIES_CONNECT_TIMEOUT", "inf", ("accounts",), "must be a finite number"),
        ("ARIES_TIMEOUT", "-1", ("accounts",), "must be positive"),
        ("ARIES_CONNECT_TIMEOUT", "0", ("accounts",), "must be positive"),
    ],
)
def test_a_timeout_variable_refused_exits_2_naming_it(
    cli: Cli, variable: str, value: str, command: tuple[str, ...], words: str
) -> None:
    """``ARIES_TIMEOUT=inf`` reads as "no limit", which no call can schedule; 0 or below
    leaves no time at all: a configuration error naming the variable and its value (a
    negative one was told as "timeouts must be positive", naming neither), not a traceback
    from deep in the HTTP stack."""
    cli.sign_in()
    cli.setenv(**{variable: value})
    done = cli(*command)
    assert (done.code, done.out) == (2, ""), done.err
    assert done.err.startswith(f"configuration error: {variable} {words}, got {value!r}")
    assert len(done.err.strip().splitlines()) == 1
    assert cli.requests("GET", "/v2/users/me/accounts") == 0


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--latency", "-1"),
        ("--latency", "nan"),
        ("--latency", "inf"),
        ("--ws-subscribe-delay", "-0.5"),
        ("--ws-subscribe-delay", "nan"),
        ("--ws-auth-deadline", "-1"),
        ("--ws-auth-deadline", "0"),
        ("--ws-auth-deadline", "nan"),
        ("--rate-limit", "GET /v1/chart/quotes=1:-5"),
        ("--rate-limit", "GET /v1/chart/quotes=1:nan"),
        ("--swallow-orders", "-1"),
        ("--reject-orders", "-1"),
        ("--stall-token-requests", "-1"),
        ("--swallow-prediction-orders", "-1"),
        ("--revoke-tokens-after", "-1"),
        ("--order-status-text-reads", "-1"),
        ("--token-error-echo-cut", "-1"),
        ("--short-pages", "-1"),
        ("--short-pages", "0"),
        ("--ws-drop-after", "-1"),
        ("--ws-malformed-every", "-2"),
        ("--ws-market-repeat-every", "-1"),
        ("--ws-market-stale-every", "-1"),
    ],
)
def test_sim_refuses_a_negative_or_nan_number_with_exit_2(
    flag: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``aries-async sim --latency -1`` would serve with nonsense (a negative wait, a fault
    that fires on every request where it should fire every Nth): refused as a usage error,
    the flag named, before any simulator starts."""
    with pytest.raises(SystemExit) as exited:  # parsed only: a simulator taking it would run
        _parser().parse_args(["sim", f"{flag}={value}"])
    assert exited.value.code == 2
    assert flag in capsys.readouterr().err


_ROUTE_FLAGS = {
    "--rate-limit": "{}=1",
    "--server-errors": "{}=1",
    "--error-response": "{}=500",
    "--drop-connection": "{}=1",
    "--trickle-body": "{}=0.01",
    "--huge-body": "{}=100",
    "--gzip-body": "{}",
    "--malformed-amount": "{}=N/A",
    "--malformed-date": "{}=N/A",
    "--list-as-object": "{}",
    "--wrap-answer": "{}=data",
}
"""Every flag that takes a ROUTE, and its value around one."""


@pytest.mark.parametrize("flag", sorted(_ROUTE_FLAGS))
@pytest.mark.parametrize("route", ["abc", "v1/orders", "FETCH /v1/orders", "GET *", "GET", " "])
def test_sim_refuses_a_route_no_request_can_match(
    flag: str, route: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--rate-limit abc`` started a simulator whose fault never fired: a route is ``*``, a
    path or a method and a path (as the faults match them), else a usage error naming it."""
    with pytest.raises(SystemExit) as exited:
        _parser().parse_args(["sim", flag, _ROUTE_FLAGS[flag].format(route)])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert flag in err, err
    # --error-response says its whole form when no route comes before its "=".
    if route.strip() or flag != "--error-response":
        assert "a route: *, /PATH or METHOD /PATH" in err, err


@pytest.mark.parametrize("flag", sorted(_ROUTE_FLAGS))
@pytest.mark.parametrize("route", ["*", "/v1/orders", "POST /v1/orders", "get /v1/chart/quotes"])
def test_sim_takes_every_route_a_request_can_match(flag: str, route: str) -> None:
    args = _parser().parse_args(["sim", flag, _ROUTE_FLAGS[flag].format(route)])
    (value,) = getattr(args, flag.lstrip("-").replace("-", "_"))
    assert (value if isinstance(value, str) else value[0]) == route


def test_sim_takes_zero_where_zero_means_none(capsys: pytest.CaptureFixture[str]) -> None:
    args = _parser().parse_args(
        ["sim", "--latency", "0", "--ws-subscribe-delay", "0", "--swallow-orders", "0"]
    )
    assert (args.latency, args.ws_subscribe_delay, args.swallow_orders) == (0.0, 0.0, 0)
    assert _parser().parse_args(["sim", "--latency", "0.25"]).latency == 0.25


def test_a_server_that_cannot_be_reached_is_named(cli: Cli) -> None:
    """ "GET /v2/users/me/accounts: cannot connect" leaves the user to guess which server it
    was: the message names its host and port."""
    cli.sign_in()
    port = closed_port()
    cli.setenv(ARIES_BASE_URL=f"http://127.0.0.1:{port}/api", ARIES_MAX_ATTEMPTS="1")
    done = cli("accounts")
    assert done.code == 1, done.err
    assert done.err == f"error: GET /api/v2/users/me/accounts: cannot connect to 127.0.0.1:{port}\n"


@pytest.mark.parametrize("shape", ["bare", "field"])
def test_an_answer_quoting_the_token_is_printed_without_it(
    tmp_path: Path, run_cli: RunCli, shape: str
) -> None:
    """A server that echoes the token where the accounts go: the error names what was wrong,
    the token is not in it (found a defect: the message quoted the value, token and all)."""
    with ThreadedSimulator(seed=2) as sim:
        token = sim.issue_token().access_token
        body = token if shape == "bare" else {"accounts": [token]}
        sim.faults.answer_body["GET /v2/users/me/accounts"] = json.dumps(body).encode()
        env = {
            "ARIES_BASE_URL": sim.base_url,
            "ARIES_CLIENT_ID": sim.client_id,
            "ARIES_ACCESS_TOKEN": token,
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "HOME": str(tmp_path),
        }
        done = run_cli("accounts", env=env)
    # The value blanked, or (a text where an account goes) said by its type, never quoted.
    said = "[redacted]" in done.err or (shape == "field" and "got a str of" in done.err)
    assert done.code == 1 and "error: " in done.err and said, done
    assert not shows_secret(done.out + done.err, token), done.err
