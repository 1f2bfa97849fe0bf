"""``aries-async order replace`` and ``order wait`` against the simulator: the replace asks and
reports as ``order cancel`` does (it shares its flow), the wait ends on the order's end with
the exit code its help documents."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from typing import Any

import pytest
from cli_harness import (  # cli_fixture is the `cli` fixture
    Cli,
    a_line,
    assert_python_names,
    cli_fixture,  # noqa: F401
    gone_after_a_line,
    interrupted,
    reached,
)

from aries_async import AriesClient
from aries_async.models.order_requests import OrderLeg, OrderRequest
from aries_async.sim.fault_kinds import ErrorFault

ACCOUNT = "TEST-ACCOUNT-001"
REPLACE = ("POST", "/v1/orders/replace")
ACTIVE = ("GET", f"/v2/accounts/{ACCOUNT}/orders")


@pytest.fixture(autouse=True)
def signed_in(cli: Cli) -> None:
    cli.sign_in()


def placed(cli: Cli, *order: str) -> str:
    """The id of an order placed with ``--yes`` (by default a buy limit far below the market:
    it stays open)."""
    terms = order or ("AAPL", "buy", "10", "--limit", "1.50")
    done = cli("order", "place", ACCOUNT, *terms, "--yes", "--json")
    assert done.code == 0, done.err
    order_id: str = done.json()["ack"]["cl_ord_id"]
    return order_id


def spread(cli: Cli, *sides: str) -> str:
    """The id of a call spread on AAPL (buy one strike, sell the next; one call for one of
    ``sides``) placed far below its net price: it stays open. ``order place`` takes no legs;
    the library places it, under the underlying's symbol."""

    async def place() -> str:
        async with AriesClient(cli.sim.client_config(), token=cli.sim.issue_token()) as client:
            expiry = (await client.market.option_expirations("AAPL"))[1]
            calls = (await client.market.option_chain("AAPL", expiry)).calls
            legs = [
                OrderLeg(security_type="OPT", side=side, position_effect="OPEN", symbol=c.osi)
                for side, c in zip(sides or ("BUY", "SELL"), calls[5:7], strict=False)
            ]
            ack = await client.orders.place(
                OrderRequest(
                    account_id=ACCOUNT,
                    symbol="AAPL",
                    side="BUY",
                    type="LIMIT",
                    quantity=1,
                    price="0.05",
                    time_in_force="GTC",
                    legs=legs,
                )
            )
        assert ack.accepted and ack.cl_ord_id is not None, ack
        return ack.cl_ord_id

    return asyncio.run(place())


def sim_order(cli: Cli, cl_ord_id: str) -> Any:
    return cli.on_sim(lambda: cli.sim.state.order(ACCOUNT, cl_ord_id))


def test_replace_shows_the_change_asks_and_replaces_on_yes(cli: Cli) -> None:
    order_id = placed(cli)
    done = cli("order", "replace", ACCOUNT, order_id, "--limit", "1.6", stdin="y\n", tty=True)
    assert done.code == 0, done.err
    assert order_id in done.out and "Change: limit 1.50 -> 1.6" in done.out
    assert "Replace this order? [y/N]" in done.err
    assert f"Replace requested: order {order_id} is now " in done.out
    new_id = done.out.rsplit(" is now ", 1)[1].split(",")[0]
    assert sim_order(cli, order_id).status == "REPLACED"
    assert sim_order(cli, new_id).price == Decimal("1.6")
    assert cli.requests(*REPLACE) == 1


def test_replace_of_a_spread_sends_its_legs_and_keeps_them(cli: Cli) -> None:
    """rest.md 6.3: a multi-leg replace must send its legs. The command sent none, so every
    replace of a spread was refused; it sends the legs of the order it looked up."""
    order_id = spread(cli)
    before = sim_order(cli, order_id).legs
    done = cli("order", "replace", ACCOUNT, order_id, "--limit", "0.06", "--yes", "--json")
    assert done.code == 0, done.err
    data = done.json()
    assert data["outcome"] == "accepted" and len(data["request"]["legs"]) == 2
    assert "Change: limit 0.05 -> 0.06" in done.err
    new = sim_order(cli, data["ack"]["cl_ord_id"])
    assert new.price == Decimal("0.06") and new.legs == before
    assert sim_order(cli, order_id).status == "REPLACED"


@pytest.mark.parametrize("answer", ["n\n", "", "nope\n"])
def test_replace_sends_nothing_unless_yes(cli: Cli, answer: str) -> None:
    order_id = placed(cli)
    done = cli("order", "replace", ACCOUNT, order_id, "--quantity", "5", stdin=answer, tty=True)
    assert done.code == 4 and "Not replaced." in done.err
    assert "Change: quantity 10 -> 5" in done.out
    declined = cli("order", "replace", ACCOUNT, order_id, "--quantity", "5", "--json", tty=True)
    assert declined.code == 4 and declined.json()["outcome"] == "declined"
    assert declined.json()["request"]["quantity"] == "5"
    assert cli.requests(*REPLACE) == 0 and sim_order(cli, order_id).status == "NEW"


def test_replace_refuses_without_a_terminal_or_a_change(cli: Cli) -> None:
    order_id = placed(cli)
    lookups = cli.requests(*ACTIVE)
    piped = cli("order", "replace", ACCOUNT, order_id, "--limit", "1.6", stdin="y\n")
    assert piped.code == 2 and "--yes" in piped.err and "Nothing was sent" in piped.err
    nothing = cli("order", "replace", ACCOUNT, order_id, "--yes")
    assert nothing.code == 2 and "the replace changes nothing" in nothing.err
    bad = cli("order", "replace", ACCOUNT, order_id, "--limit", "1.123456", "--yes")
    assert bad.code == 2 and "at most 5 digits" in bad.err
    assert cli("order", "replace", ACCOUNT, order_id, "--limit", "x", "--yes").code == 2
    assert cli.requests(*REPLACE) == 0
    assert cli.requests(*ACTIVE) == lookups + 1  # only the bad price's: found, then refused


def _refusal(done: Any) -> str:
    """The reason of an input refused (exit 2), as stderr gives it."""
    assert done.code == 2, (done.out, done.err)
    return str(done.err.split("invalid input: ", 1)[1].split(" (nothing was sent)")[0])


@pytest.mark.parametrize(
    ("change", "place"),
    [
        (["--stop", "1.4"], ["--limit", "1.50", "--stop", "1.4", "--type", "limit"]),
        (["--type", "stop"], ["--limit", "1.50", "--type", "stop"]),
        (["--type", "market", "--limit", "1.6"], ["--limit", "1.6", "--type", "market"]),
    ],
    ids=["stop-on-limit", "stop-without-its-price", "limit-on-market"],
)
def test_replace_refuses_what_the_changed_order_breaks_as_place_does(
    cli: Cli, change: list[str], place: list[str]
) -> None:
    """The order the replace leaves (the one looked up, with the change) meets the rules of
    ``order place``: a stop on a limit order was sent, told as a change and ignored by the
    server; ``--type stop`` kept the limit, sent no stop and was refused by the server."""
    order_id = placed(cli)
    replaced = cli("order", "replace", ACCOUNT, order_id, *change, "--yes", "--json")
    placing = cli("order", "place", ACCOUNT, "AAPL", "buy", "10", *place, "--yes")
    assert _refusal(replaced) == _refusal(placing)
    assert replaced.out == "" and cli.requests(*REPLACE) == 0
    assert sim_order(cli, order_id).status == "NEW"


def test_replace_of_a_single_option_to_ioc_is_refused_before_sending(cli: Cli) -> None:
    """Options take DAY or GTC only (rest.md 6.1). An option placed under its underlying's
    symbol with one leg sends no leg with its replace, so the request alone cannot tell it is
    one: the replace was sent and refused by the server (exit 1). The order looked up tells."""
    order_id = spread(cli, "BUY")  # one call
    done = cli("order", "replace", ACCOUNT, order_id, "--tif", "ioc", "--yes", "--json")
    assert "time_in_force: option and multi-leg orders allow only DAY or GTC" in _refusal(done)
    assert cli.requests(*REPLACE) == 0 and sim_order(cli, order_id).status == "NEW"


def test_replace_to_another_type_drops_the_price_it_takes_no_more(cli: Cli) -> None:
    """A limit order made a stop order leaves its limit behind (the server drops it too)."""
    order_id = placed(cli)
    done = cli("order", "replace", ACCOUNT, order_id, "--type", "stop", "--stop", "1.4", "--yes")
    assert done.code == 0, done.err
    new = sim_order(cli, done.out.rsplit(" is now ", 1)[1].split(",")[0])
    assert (new.type, new.price, new.stop_price) == ("STOP", None, Decimal("1.4"))


def test_replace_to_what_the_order_has_already_sends_nothing(cli: Cli) -> None:
    """A replace that changes nothing would still give the order a new id and be told as a
    change: it is refused as a replace without options is (exit 2)."""
    order_id = placed(cli)
    same = ("--limit", "1.5", "--quantity", "10", "--type", "limit", "--tif", "day")
    done = cli("order", "replace", ACCOUNT, order_id, *same, "--yes")
    assert "the replace changes nothing" in _refusal(done)
    assert f"order {order_id} has quantity 10, limit 1.50, type LIMIT, tif DAY" in done.err
    assert cli.requests(*REPLACE) == 0 and sim_order(cli, order_id).status == "NEW"


def test_replace_yes_json(cli: Cli) -> None:
    order_id = placed(cli)
    args = ("order", "replace", ACCOUNT, order_id, "--quantity", "4", "--limit", "1.55")
    done = cli(*args, "--client-id", "moved-1", "--yes", "--json")
    assert done.code == 0, done.err
    data = done.json()
    assert_python_names(data, "order replace")
    assert data["outcome"] == "accepted" and data["order"]["cl_ord_id"] == order_id
    assert data["request"]["orig_cl_ord_id"] == order_id and data["request"]["price"] == "1.55"
    assert data["ack"]["orig_cl_ord_id"] == order_id and data["ack"]["cl_ord_id"] != order_id
    assert "Change: quantity 10 -> 4, limit 1.50 -> 1.55, client id" in done.err
    new = sim_order(cli, data["ack"]["cl_ord_id"])
    assert (new.qty, new.client_id) == (Decimal(4), "moved-1")


def test_replace_of_no_order_or_an_ended_one_exits_1(cli: Cli) -> None:
    order_id = placed(cli)
    assert cli("order", "cancel", ACCOUNT, order_id, "--yes").code == 0
    ended = cli("order", "replace", ACCOUNT, order_id, "--limit", "2", "--yes", "--json")
    assert ended.code == 1 and "nothing to replace" in ended.err
    assert ended.json()["outcome"] == "terminal" and ended.json()["request"] is None
    missing = cli("order", "replace", ACCOUNT, "NO-SUCH", "--limit", "2", "--yes", "--json")
    assert missing.code == 1 and f"aries-async order list {ACCOUNT}" in missing.err
    assert missing.json() == {"order": None, "request": None, "outcome": "not_found", "ack": None}
    assert cli.requests(*REPLACE) == 0


@pytest.mark.parametrize("as_http", [False, True], ids=["ack", "http-400"])
def test_a_refused_replace_is_rejected_whichever_way_it_came(cli: Cli, as_http: bool) -> None:
    order_id = placed(cli)
    cli.on_sim(lambda: setattr(cli.sim.state, "rejections_as_http", as_http))
    big = ("order", "replace", ACCOUNT, order_id, "--quantity", "100000000", "--limit", "99")
    done = cli(*big, "--yes", "--json")
    assert done.code == 1, done.err
    data = done.json()
    assert data["outcome"] == "rejected" and data["order"]["cl_ord_id"] == order_id
    text = cli(*big, "--yes")
    assert text.code == 1 and f"Replace rejected: order {order_id} unchanged" in text.out
    assert sim_order(cli, order_id).status == "NEW"


@pytest.mark.parametrize("mode", ["drop", "empty"])
def test_replace_with_an_unknown_outcome_is_not_retried(cli: Cli, mode: str) -> None:
    order_id = placed(cli)

    cli.lose_answer("replace", mode)
    done = cli("order", "replace", ACCOUNT, order_id, "--limit", "1.6", "--yes", "--json")
    assert done.code == 1, done.err
    assert (done.json()["outcome"], done.json()["ack"]) == ("unknown", None)
    assert "replace may or may not have reached the server" in done.err
    assert f"aries-async order list {ACCOUNT}" in done.err
    assert cli.requests(*REPLACE) == 1


def test_ctrl_c_while_replacing_tells_the_unknown_outcome_and_exits_130(cli: Cli) -> None:
    order_id = placed(cli)

    cli.lose_answer("replace", "hang")  # executed, never answered
    proc = cli.spawn("order", "replace", ACCOUNT, order_id, "--limit", "1.6", "--yes", "--json")
    code, out, err = interrupted(proc, reached(cli, proc, REPLACE))
    assert code == 130
    assert "may or may not have reached the server (interrupted)" in err
    assert json.loads(out)["outcome"] == "unknown"


def test_ctrl_c_before_the_replace_was_sent_says_so(cli: Cli) -> None:
    order_id = placed(cli)
    cli.setenv(ARIES_RATE_LIMIT="0.05")  # the lookup takes the turn; the replace waits 20 s
    proc = cli.spawn("order", "replace", ACCOUNT, order_id, "--limit", "1.6", "--yes", "--json")
    code, out, err = interrupted(proc, a_line(proc.stderr))  # the order shown: replace next
    assert code == 130
    assert "the replace was NOT sent" in err and "may or may not" not in err
    assert json.loads(out)["outcome"] == "not_sent"
    assert cli.requests(*REPLACE) == 0


def test_a_reader_gone_before_the_answer_still_learns_the_order_was_replaced(cli: Cli) -> None:
    order_id = placed(cli)
    cli.on_sim(lambda: cli.sim.faults.trickle_body.update({"POST /v1/orders/replace": 0.002}))
    proc = cli.spawn("order", "replace", ACCOUNT, order_id, "--limit", "1.6", "--yes")
    first, err, code = gone_after_a_line(proc, proc.stdout)  # the order shown, then gone
    assert first.startswith("ORDER ID")
    assert code == 0, err
    assert f"Replace requested: order {order_id} is now" in err and "Traceback" not in err


# -- order wait ------------------------------------------------------------------------------


def test_wait_for_a_filled_order_exits_0(cli: Cli) -> None:
    order_id = placed(cli, "KO", "buy", "1")  # a market order: the simulator fills it
    done = cli("order", "wait", ACCOUNT, order_id, "--timeout", "30", "--json")
    assert done.code == 0, done.err
    data = done.json()
    assert_python_names(data, "order wait")
    assert data["outcome"] == "filled" and data["order"]["ord_status"] == "FILLED"
    text = cli("order", "wait", ACCOUNT, order_id)
    assert text.code == 0 and order_id in text.out and "FILLED" in text.out


def test_wait_for_an_order_cancelled_meanwhile_exits_1(cli: Cli) -> None:
    order_id = placed(cli)
    # The installed aries-async itself (the file's one run of it): the cancel, run here
    # meanwhile, has the standard streams of this process.
    proc = cli.spawn("order", "wait", ACCOUNT, order_id, "--json", script=True)
    try:
        assert cli("order", "cancel", ACCOUNT, order_id, "--yes").code == 0
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 1, err
    assert json.loads(out)["outcome"] == "not_filled"
    assert json.loads(out)["order"]["ord_status"] == "CANCELED"
    assert f"Order {order_id} ended CANCELED without filling" in err


def test_wait_for_a_replaced_order_names_the_way_to_its_new_id(cli: Cli) -> None:
    order_id = placed(cli)
    assert cli("order", "replace", ACCOUNT, order_id, "--limit", "1.6", "--yes").code == 0
    done = cli("order", "wait", ACCOUNT, order_id, "--timeout", "30")
    assert done.code == 1
    assert "REPLACED" in done.out and "it was replaced" in done.err
    assert f"aries-async order list {ACCOUNT}" in done.err


def test_wait_timeout_exits_5_with_the_order_still_working(cli: Cli) -> None:
    """The help's distinct code: the order is still open when ``--timeout`` passes (a short
    one: the command's own clock is what is under test)."""
    order_id = placed(cli)
    done = cli("order", "wait", ACCOUNT, order_id, "--timeout", "0.3", "--json")
    assert done.code == 5, done.err
    assert done.json() == {"order": None, "outcome": "timeout"}
    assert "Timed out" in done.err and "NEW" in done.err
    assert sim_order(cli, order_id).status == "NEW"


def test_wait_for_no_such_order_or_with_a_bad_timeout(cli: Cli) -> None:
    assert cli("order", "wait", ACCOUNT, "NO-SUCH", "--timeout", "30").code == 1
    for bad in ("0", "-1", "soon"):
        done = cli("order", "wait", ACCOUNT, "SIM-1", "--timeout", bad)
        assert done.code == 2 and "expected a positive number of seconds" in done.err


def test_help_of_the_order_actions_ends_with_examples_and_exit_codes(cli: Cli) -> None:
    for action in ("cancel", "replace", "wait", "list", "find"):
        text = cli("order", action, "--help").out
        assert "exit codes:" in text and "example" in text, action
        assert "ACCOUNT     " in text or "ACCOUNT  " in text, action
        assert "trading account id" in text, action
    assert "5    --timeout passed first" in cli("order", "wait", "--help").out


def test_wait_json_for_no_such_order_is_one_document(cli: Cli) -> None:
    """``--json`` prints one document whatever the outcome: a script reads it, not stderr."""
    done = cli("order", "wait", ACCOUNT, "NO-SUCH", "--timeout", "30", "--json")
    assert done.code == 1, done.err
    assert done.json() == {"order": None, "outcome": "not_found"}
    assert "NO-SUCH" in done.err and "did not find it" in done.err


def test_wait_json_when_the_lookup_fails_says_error(cli: Cli) -> None:
    route = f"GET /v2/accounts/{ACCOUNT}/orders"
    cli.on_sim(lambda: cli.sim.faults.error_responses.update({route: ErrorFault(count=None)}))
    done = cli("order", "wait", ACCOUNT, "NO-SUCH", "--timeout", "30", "--json")
    assert done.code == 1, done.err
    data = done.json()
    assert_python_names(data, "order wait")
    assert data["order"] is None and data["outcome"] == "error"
    assert "NO-SUCH" in data["error"] and "looking it up failed" in data["error"]
    assert data["error"] in done.err


def test_wait_json_not_signed_in_says_error_and_exits_3(cli: Cli) -> None:
    cli.token_file.unlink()
    done = cli("order", "wait", ACCOUNT, "NO-SUCH", "--timeout", "30", "--json")
    assert done.code == 3, done.err
    assert done.json()["outcome"] == "error" and "not signed in" in done.err


def test_wait_json_interrupted_prints_its_document_and_exits_130(cli: Cli) -> None:
    """``--json`` prints one document whatever happens: Ctrl-C too (it printed nothing). How
    the order ends is unknown to the command, as after an interrupted ``order place``."""
    order_id = placed(cli)
    proc = cli.spawn("order", "wait", ACCOUNT, order_id, "--json")
    code, out, err = interrupted(proc, reached(cli, proc, ("GET", "/v1/accounts/ws")))
    assert code == 130, err
    assert json.loads(out) == {"order": None, "outcome": "unknown"}
    assert "Traceback" not in err
