"""``aries-async order``: preview, confirmation, ``--yes``, refusals, what reaches the sim."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yarl
from cli_harness import (  # cli_fixture is the `cli` fixture
    Cli,
    a_line,
    cli_fixture,  # noqa: F401
    gone_after_a_line,
    interrupted,
    reached,
)

from aries_async.sim.faults import NON_ACK_MODES, REJECT_ORDERS_REASON

ACCOUNT = "TEST-ACCOUNT-001"
BUY_LIMIT = ("order", "place", ACCOUNT, "AAPL", "buy", "10", "--limit", "1.50")  # stays open
PLACE = ("POST", "/v1/orders")
PREVIEW = ("POST", "/v1/orders/preview")
CANCEL = ("POST", "/v1/orders/cancel")


@pytest.fixture(autouse=True)
def signed_in(cli: Cli) -> None:
    cli.sign_in()


def sim_orders(cli: Cli) -> list[Any]:
    """The account's orders in the simulator, less the history it starts with."""
    orders = cli.on_sim(lambda: list(cli.sim.state.orders[ACCOUNT]))
    return [o for o in orders if not (o.client_id or "").startswith("seed-")]


def test_preview_text_and_json(cli: Cli) -> None:
    text = cli("order", "preview", ACCOUNT, "aapl", "BUY", "10", "--limit", "150")
    assert text.code == 0, text.err
    assert text.out.splitlines()[0] == f"Preview: BUY 10 AAPL LIMIT @ 150 DAY on {ACCOUNT}"
    assert re.search(r"estimated cost\s+1500\.00", text.out)
    assert re.search(r"commission\s+0\.00", text.out)

    done = cli("order", "preview", ACCOUNT, "AAPL", "buy", "0.5", "--limit", "150.10", "--json")
    assert done.code == 0, done.err
    data = done.json()
    assert data["ok"] is True
    assert data["request"]["quantity"] == "0.5" and data["request"]["price"] == "150.10"
    assert Decimal(data["preview"]["estimated_cost"]) == Decimal("75.05")
    assert cli.requests(*PREVIEW) == 2 and cli.requests(*PLACE) == 0
    assert sim_orders(cli) == []


def test_preview_with_blocking_errors_exits_1(cli: Cli) -> None:
    done = cli("order", "preview", ACCOUNT, "AAPL", "buy", "1000000")  # far beyond the cash
    assert done.code == 1
    assert "BLOCKING: insufficient buying power" in done.out
    assert "warning: market orders" in done.out


def test_place_asks_and_sends_on_yes(cli: Cli) -> None:
    done = cli(*BUY_LIMIT, stdin="y\n", tty=True)
    assert done.code == 0, done.err
    assert "Place this order? [y/N]" in done.err
    assert "Preview: BUY 10 AAPL LIMIT @ 1.50 DAY" in done.out
    placed = re.search(r"Placed: order (\S+) \(client id (\S+)\), status NEW", done.out)
    assert placed is not None
    (order,) = sim_orders(cli)
    assert (order.cl_ord_id, order.client_id) == placed.groups()
    assert order.qty == Decimal(10) and order.price == Decimal("1.50")


def test_the_order_asked_about_is_written_as_the_user_reads_numbers(cli: Cli) -> None:
    """A quantity or price typed with an exponent (a script's ``1e3``) is shown as the plain
    number at the question, never ``1E+3``: the user confirms what they can read."""
    done = cli(
        "order", "place", ACCOUNT, "AAPL", "buy", "1e1", "--limit", "1.5e2", stdin="n\n", tty=True
    )
    assert done.code == 4, done.err
    assert done.out.splitlines()[0] == f"Preview: BUY 10 AAPL LIMIT @ 150 DAY on {ACCOUNT}"


@pytest.mark.parametrize("answer", ["n\n", "\n", "nope\n", ""])
def test_place_sends_nothing_unless_yes(cli: Cli, answer: str) -> None:
    done = cli(*BUY_LIMIT, stdin=answer, tty=True)
    assert done.code == 4
    assert "Not placed" in done.err
    assert cli.requests(*PREVIEW) == 1  # the preview was shown
    assert cli.requests(*PLACE) == 0 and sim_orders(cli) == []


def test_place_refuses_without_a_terminal(cli: Cli) -> None:
    done = cli(*BUY_LIMIT, stdin="y\n", tty=False)  # piped "y" is not a confirmation
    assert done.code == 2
    assert "--yes" in done.err and "Nothing was sent" in done.err
    assert cli.requests(*PREVIEW) == 0 and cli.requests(*PLACE) == 0


def test_place_yes_json(cli: Cli) -> None:
    done = cli(*BUY_LIMIT, "--yes", "--json", "--client-id", "my-bot-1")
    assert done.code == 0, done.err
    data = done.json()
    assert data["outcome"] == "accepted" and data["client_id"] == "my-bot-1"
    assert data["ack"]["success"] is True and data["ack"]["status"] == "NEW"
    assert data["preview"]["estimated_cost"] == "15.00"
    assert "Preview:" in done.err  # the human preview stays off stdout
    (order,) = sim_orders(cli)
    assert order.client_id == "my-bot-1" and order.cl_ord_id == data["ack"]["cl_ord_id"]


@pytest.mark.parametrize("as_http", [False, True], ids=["ack", "http-400"])
def test_a_rejected_order_prints_rejected_whichever_way_it_came(cli: Cli, as_http: bool) -> None:
    """An order the preview passed and the broker refused at placement: a refusing
    acknowledgement or a 400 (rest.md 6.1 allows both) is the same outcome to the user."""
    cli.on_sim(lambda: setattr(cli.sim.state, "rejections_as_http", as_http))
    cli.on_sim(lambda: setattr(cli.sim.faults, "reject_orders", 2))
    done = cli(*BUY_LIMIT, "--yes", "--json", "--client-id", "refused-1")
    assert done.code == 1, done.err
    data = done.json()
    assert data["outcome"] == "rejected" and data["client_id"] == "refused-1"
    assert REJECT_ORDERS_REASON in json.dumps(data)
    text = cli(*BUY_LIMIT, "--yes", "--client-id", "refused-2")
    assert text.code == 1
    assert "Rejected: order " in text.out and "(client id refused-2)" in text.out
    assert "nothing was sent" not in text.err
    assert REJECT_ORDERS_REASON in text.out
    assert [o.status for o in sim_orders(cli)] == ([] if as_http else ["REJECTED"] * 2)


def test_place_blocked_by_the_preview_is_not_sent(cli: Cli) -> None:
    done = cli("order", "place", ACCOUNT, "AAPL", "buy", "1000000", "--limit", "100", "--yes")
    assert done.code == 1
    assert "blocking errors" in done.err
    assert cli.requests(*PLACE) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("AAPL", "buy", "0", "--limit", "1"), "quantity: must be greater than 0"),
        (("AAPL", "buy", "-3"), "quantity: must be greater than 0"),
        (("AAPL", "buy", "10", "--type", "limit"), "price: required for LIMIT"),
        (("AAPL", "buy", "10", "--type", "market", "--limit", "1"), "price: not allowed"),
        (("AAPL", "buy", "10", "--type", "stop"), "stop_price: required for STOP"),
        (("AAPL", "buy", "10", "--limit", "1.123456"), "at most 5 digits"),
        (("AAPL", "hold", "10"), "side"),
        (("AAPL", "buy", "ten"), "not a number: 'ten'"),
        (("AAPL", "buy", "NaN"), "not a finite number"),
        (("AAPL", "buy", "1e400000000"), "quantity: too large"),
        (("AAPL", "buy", "1.00000000000000000000000000001"), "quantity: 30 significant digits"),
        (("AAPL", "buy", "1", "--limit", "150.000000000000000000000000001"), "price: 30 sig"),
        (("AAPL", "buy", "10", "--limit", "1,50"), "not a number: '1,50'"),
        (("AAPL", "buy", "10", "--tif", "forever"), "invalid choice"),
    ],
)
def test_invalid_orders_exit_2_and_send_nothing(
    cli: Cli, args: tuple[str, ...], message: str
) -> None:
    for action in ("preview", "place"):
        done = cli("order", action, ACCOUNT, *args, "--yes" if action == "place" else "--json")
        assert done.code == 2, (action, done.err)
        assert message in done.err
    assert cli.requests(*PREVIEW) == 0 and cli.requests(*PLACE) == 0
    assert sim_orders(cli) == []


def test_unknown_outcome_prints_the_client_id_and_how_to_check(cli: Cli) -> None:
    cli.on_sim(lambda: setattr(cli.sim.faults, "swallow_order_response", 1))
    done = cli(*BUY_LIMIT, "--yes", "--client-id", "bot-42")
    assert done.code == 1
    assert "outcome is unknown" in done.err and "NOT retried" in done.err
    assert f"aries-async order find {ACCOUNT} bot-42" in done.err
    assert cli.requests(*PLACE) == 1  # sent once, never again

    found = cli("order", "find", ACCOUNT, "bot-42", "--json")
    assert found.code == 0, found.err
    assert found.json()["client_id"] == "bot-42"
    missing = cli("order", "find", ACCOUNT, "never-sent")
    assert missing.code == 1 and "was not placed, if the server lists orders with" in missing.out
    # With --json, stdout stays JSON (null) and the explanation is not dropped: it goes to
    # stderr, as the other commands' messages do.
    missing = cli("order", "find", ACCOUNT, "never-sent", "--json")
    assert missing.code == 1 and missing.json() is None
    assert "was not placed, if the server lists orders with" in missing.err


def test_order_find_does_not_say_not_placed_where_tags_are_not_kept(cli: Cli) -> None:
    """A server that lists orders with the app's id in ``clientId``: the order landed, its
    tag is nowhere, and the command must not send the user to place it again."""
    cli.on_sim(lambda: setattr(cli.sim.faults, "order_client_id", "oauth_client"))
    cli.on_sim(lambda: setattr(cli.sim.faults, "swallow_order_response", 1))
    assert cli(*BUY_LIMIT, "--yes", "--client-id", "bot-43").code == 1
    assert len(sim_orders(cli)) == 1  # it landed
    missing = cli("order", "find", ACCOUNT, "bot-43")
    assert missing.code == 1
    assert "it was not placed." not in missing.out
    assert f"aries-async order list {ACCOUNT}" in missing.out


def test_unknown_outcome_json(cli: Cli) -> None:
    cli.on_sim(lambda: setattr(cli.sim.faults, "swallow_order_response", 1))
    done = cli(*BUY_LIMIT, "--yes", "--json")
    assert done.code == 1
    data = done.json()
    assert data["outcome"] == "unknown" and data["ack"] is None
    assert data["client_id"] in done.err


@pytest.mark.parametrize("mode", NON_ACK_MODES)
def test_a_2xx_that_is_not_an_ack_prints_an_unknown_outcome_never_rejected(
    cli: Cli, mode: str
) -> None:
    def answer_without_an_ack() -> None:
        cli.sim.faults.swallow_order_response = 2
        cli.sim.faults.swallow_mode = mode

    cli.on_sim(answer_without_an_ack)
    done = cli(*BUY_LIMIT, "--yes", "--client-id", "bot-43")
    assert done.code == 1
    assert "Rejected" not in done.out + done.err
    assert "outcome is unknown" in done.err and "NOT retried" in done.err
    assert f"aries-async order find {ACCOUNT} bot-43" in done.err
    data = cli(*BUY_LIMIT, "--yes", "--json").json()
    assert data["outcome"] == "unknown" and data["ack"] is None
    assert cli.requests(*PLACE) == 2
    assert len(sim_orders(cli)) == 2  # both landed; neither was reported rejected


def test_ctrl_c_while_placing_prints_the_client_id_and_exits_130(cli: Cli) -> None:
    def hang_next_order() -> None:
        cli.sim.faults.swallow_order_response = 1
        cli.sim.faults.swallow_mode = "hang"  # executed, never answered

    cli.on_sim(hang_next_order)
    proc = cli.spawn(*BUY_LIMIT, "--yes", "--client-id", "bot-77")
    code, _, err = interrupted(proc, reached(cli, proc, PLACE))
    assert code == 130
    assert "outcome is unknown: interrupted" in err
    assert f"aries-async order find {ACCOUNT} bot-77" in err
    assert cli.requests(*PLACE) == 1


def test_ctrl_c_before_the_order_was_sent_says_it_was_not_placed(cli: Cli) -> None:
    """The order waits for its turn under the rate limit (the preview took it; the next turn
    is 20 s away): nothing has left, so there is nothing to check."""
    cli.setenv(ARIES_RATE_LIMIT="0.05")
    proc = cli.spawn(*BUY_LIMIT, "--yes", "--client-id", "bot-78")
    code, _, err = interrupted(proc, a_line(proc.stdout))  # the preview: the order is next
    assert code == 130
    assert "was NOT placed" in err and "bot-78" in err
    assert "outcome is unknown" not in err and "order find" not in err
    assert cli.requests(*PREVIEW) == 1 and cli.requests(*PLACE) == 0


@pytest.mark.parametrize("output", [(), ("--json",)])
def test_a_reader_gone_before_the_answer_still_learns_the_order_was_placed(
    cli: Cli, output: tuple[str, ...]
) -> None:
    """``order place ... --yes | head -1``: the reader took the preview's first line and went
    away before the order's answer. The order was placed: the command says so on stderr and
    exits 0, not 1 without a word (a script would take the order for failed, and send it
    again)."""
    # The order's answer comes a byte at a time: the reader is gone before it is printed.
    cli.on_sim(lambda: cli.sim.faults.trickle_body.update({"POST /v1/orders": 0.002}))
    proc = cli.spawn(*BUY_LIMIT, "--yes", "--client-id", "bot-gone", *output)
    shown = proc.stderr if output else proc.stdout  # with --json the preview is on stderr
    first, err, code = gone_after_a_line(proc, shown)
    assert first.startswith("Preview: BUY 10 AAPL")
    assert code == 0, err
    assert "Placed: order" in err and "bot-gone" in err
    assert "Traceback" not in err
    assert [o.client_id for o in sim_orders(cli)] == ["bot-gone"]


@pytest.mark.parametrize("output", [(), ("--json",)])
def test_ctrl_c_during_the_preview_says_the_order_was_not_placed(
    cli: Cli, output: tuple[str, ...]
) -> None:
    """The help promises that Ctrl-C says whether the order was sent: interrupted while the
    preview is on its way (a slow server), it was not, and the command says so."""
    cli.on_sim(lambda: cli.sim.faults.trickle_body.update({"POST /v1/orders/preview": 5.0}))
    proc = cli.spawn(*BUY_LIMIT, "--yes", "--client-id", "bot-79", *output)
    code, out, err = interrupted(proc, reached(cli, proc, PREVIEW))
    assert code == 130
    assert "was NOT placed" in err and "bot-79" in err
    assert "outcome is unknown" not in err
    if output:
        assert json.loads(out)["outcome"] == "not_sent"
    assert cli.requests(*PLACE) == 0


def test_ctrl_c_while_the_order_is_looked_up_says_the_cancel_was_not_sent(cli: Cli) -> None:
    cli.on_sim(lambda: cli.sim.faults.trickle_body.update({f"/v2/accounts/{ACCOUNT}/orders": 5.0}))
    proc = cli.spawn("order", "cancel", ACCOUNT, "SIM-1", "--yes")
    code, _, err = interrupted(proc, reached(cli, proc, ("GET", f"/v2/accounts/{ACCOUNT}/orders")))
    assert code == 130
    assert "the cancel was NOT sent" in err
    assert cli.requests(*CANCEL) == 0


def place_open_order(cli: Cli) -> str:
    done = cli(*BUY_LIMIT, "--yes", "--json")
    assert done.code == 0, done.err
    order_id: str = done.json()["ack"]["cl_ord_id"]
    return order_id


def test_ctrl_c_before_the_cancel_was_sent_says_so_in_json(cli: Cli) -> None:
    """The cancel waits for its turn under the rate limit (the read of the open orders took
    it): interrupted there, the JSON says ``not_sent`` and the order is still open."""
    order_id = place_open_order(cli)
    cli.setenv(ARIES_RATE_LIMIT="0.05")
    proc = cli.spawn("order", "cancel", ACCOUNT, order_id, "--yes", "--json")
    code, out, err = interrupted(proc, a_line(proc.stderr))  # the order: the cancel is next
    assert code == 130
    data = json.loads(out)
    assert data["outcome"] == "not_sent" and data["order"]["cl_ord_id"] == order_id
    assert "cancel was NOT sent" in err and "may or may not" not in err
    assert cli.requests(*CANCEL) == 0


def test_cancel_asks_then_cancels(cli: Cli) -> None:
    order_id = place_open_order(cli)
    declined = cli("order", "cancel", ACCOUNT, order_id, stdin="n\n", tty=True)
    assert declined.code == 4
    assert order_id in declined.out and "Cancel this order? [y/N]" in declined.err
    assert cli.requests(*CANCEL) == 0
    declined_json = cli("order", "cancel", ACCOUNT, order_id, "--json", stdin="n\n", tty=True)
    assert declined_json.code == 4
    assert declined_json.json()["outcome"] == "declined"
    assert declined_json.json()["order"]["cl_ord_id"] == order_id
    assert cli.requests(*CANCEL) == 0

    piped = cli("order", "cancel", ACCOUNT, order_id, stdin="y\n")
    assert piped.code == 2 and cli.requests(*CANCEL) == 0

    done = cli("order", "cancel", ACCOUNT, order_id, stdin="yes\n", tty=True)
    assert done.code == 0, done.err
    assert f"Cancel requested: order {order_id}" in done.out
    (order,) = sim_orders(cli)
    assert order.status == "CANCELED"

    again = cli("order", "cancel", ACCOUNT, order_id, "--yes")
    assert again.code == 1 and "nothing to cancel" in again.err


def test_cancel_yes_json_and_unknown_order(cli: Cli) -> None:
    order_id = place_open_order(cli)
    done = cli("order", "cancel", ACCOUNT, order_id, "--yes", "--json")
    assert done.code == 0, done.err
    data = done.json()
    assert data["ack"]["orig_cl_ord_id"] == order_id and data["order"]["cl_ord_id"] == order_id
    unknown = cli("order", "cancel", ACCOUNT, "NO-SUCH-ORDER", "--yes")
    assert unknown.code == 1 and "aries-async order list" in unknown.err
    assert cli.requests(*CANCEL) == 1


@pytest.mark.parametrize("mode", ["drop", "empty"])  # the answer lost; a 2xx that is no ack
def test_cancel_json_with_an_unknown_outcome_prints_it(cli: Cli, mode: str) -> None:
    order_id = place_open_order(cli)

    cli.lose_answer("cancel", mode)
    done = cli("order", "cancel", ACCOUNT, order_id, "--yes", "--json")
    assert done.code == 1, done.err
    data = done.json()
    assert (data["outcome"], data["ack"]) == ("unknown", None)
    assert data["order"]["cl_ord_id"] == order_id
    assert "may or may not have reached the server" in done.err  # the explanation, on stderr
    assert f"aries-async order list {ACCOUNT}" in done.err
    assert cli.requests(*CANCEL) == 1  # sent once, never again


def test_cancel_json_prints_one_document_whatever_the_outcome(cli: Cli) -> None:
    order_id = place_open_order(cli)
    cancel = ("order", "cancel", ACCOUNT)
    done = cli(*cancel, order_id, "--yes", "--json")
    assert done.code == 0, done.err
    assert done.json()["outcome"] == "accepted"
    again = cli(*cancel, order_id, "--yes", "--json")
    assert again.code == 1 and "nothing to cancel" in again.err
    data = again.json()
    assert (data["outcome"], data["ack"]) == ("terminal", None)
    assert data["order"]["cl_ord_id"] == order_id and data["order"]["ord_status"] == "CANCELED"
    missing = cli(*cancel, "NO-SUCH-ORDER", "--yes", "--json")
    assert missing.code == 1 and "aries-async order list" in missing.err
    assert missing.json() == {"order": None, "outcome": "not_found", "ack": None}
    assert cli.requests(*CANCEL) == 1


def test_ctrl_c_while_cancelling_prints_the_unknown_outcome_and_exits_130(cli: Cli) -> None:
    order_id = place_open_order(cli)

    cli.lose_answer("cancel", "hang")  # executed, never answered
    proc = cli.spawn("order", "cancel", ACCOUNT, order_id, "--yes", "--json")
    code, out, err = interrupted(proc, reached(cli, proc, CANCEL))
    assert code == 130
    assert "may or may not have reached the server (interrupted)" in err
    data = json.loads(out)
    assert (data["outcome"], data["ack"]) == ("unknown", None)
    assert data["order"]["cl_ord_id"] == order_id
    assert cli.requests(*CANCEL) == 1


def test_list_text_and_json(cli: Cli) -> None:
    empty = cli("order", "list", ACCOUNT)
    assert empty.code == 0 and "No open orders" in empty.out
    order_id = place_open_order(cli)
    text = cli("order", "list", ACCOUNT)
    assert text.out.splitlines()[0].split()[:3] == ["ORDER", "ID", "CLIENT"]
    assert order_id in text.out and "1.50" in text.out
    data = cli("order", "list", ACCOUNT, "--json").json()
    assert [o["cl_ord_id"] for o in data] == [order_id]


def test_not_signed_in_exits_3(cli: Cli) -> None:
    cli.token_file.unlink()
    done = cli(*BUY_LIMIT, "--yes")
    assert done.code == 3 and "aries-async login" in done.err
    assert cli.requests(*PREVIEW) == 0


def test_token_endpoint_down_says_nothing_was_sent(cli: Cli) -> None:
    from aries_async.sim import ServerErrorFault

    cli.sign_in(ttl=0)  # expired: the first call must refresh
    cli.setenv(ARIES_MAX_ATTEMPTS="1")  # no retry waits

    def token_endpoint_down() -> None:
        cli.sim.faults.server_errors["POST /v1/oauth2/token"] = ServerErrorFault(count=None)

    cli.on_sim(token_endpoint_down)
    done = cli(*BUY_LIMIT, "--yes", "--client-id", "bot-44")
    assert done.code == 1, done.err
    assert "request was not sent" in done.err and "try again later" in done.err
    assert "login" not in done.err  # signing in again would not help
    assert "outcome is unknown" not in done.err
    assert cli.requests(*PLACE) == 0 and sim_orders(cli) == []


def test_missing_scope_exits_3(cli: Cli) -> None:
    cli.sign_in(scopes=["account:information", "market:information"])
    done = cli("order", "preview", ACCOUNT, "AAPL", "buy", "1")
    assert done.code == 3
    assert "orders.preview() needs the scope order:execution" in done.err


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_ctrl_c_at_the_prompt_sends_nothing_and_does_not_hang(cli: Cli) -> None:
    import pty

    leader, follower = pty.openpty()
    proc = cli.spawn(*BUY_LIMIT, stdin=follower)
    os.close(follower)
    try:
        assert proc.stderr is not None
        prompt = proc.stderr.read(len("Place this order? [y/N] "))
        assert prompt == "Place this order? [y/N] "
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 130  # without anybody pressing Enter
        assert "nothing was sent" in proc.stderr.read()
    finally:
        os.close(leader)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert cli.requests(*PREVIEW) == 1 and cli.requests(*PLACE) == 0


# -- Ctrl-C while the order waits for its connect: nothing was sent ---------------------------


def _http_message(conn: socket.socket, head: bytes = b"") -> bytes:
    """One HTTP message read from ``conn``: its head and a ``Content-Length`` body."""
    data = head
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        assert chunk, data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = conn.recv(65536)
        assert chunk
        body += chunk
    return head + b"\r\n\r\n" + body


@contextlib.contextmanager
def one_exchange_then_no_connect(target: str) -> Iterator[str]:
    """A port in front of the API at ``target`` that relays one exchange, its answer saying
    ``Connection: close``, and then accepts no connection: one more waits in its queue, which
    is then full, so the kernel drops the SYN of the next and its connect waits. Yields the
    port's base URL."""
    host, port = yarl.URL(target).host, yarl.URL(target).port
    assert host is not None and port is not None
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        address = listener.getsockname()
        fillers: list[socket.socket] = []

        def relay() -> None:
            conn, _ = listener.accept()
            fillers.append(socket.create_connection(address))  # the queue is full from here
            with conn, socket.create_connection((host, port)) as api:
                api.sendall(_http_message(conn))
                status, _, rest = _http_message(api).partition(b"\r\n")
                conn.sendall(status + b"\r\nConnection: close\r\n" + rest)

        thread = threading.Thread(target=relay, daemon=True)
        thread.start()
        try:
            yield f"http://{address[0]}:{address[1]}"
        finally:
            thread.join(30)
            for filler in fillers:
                filler.close()


def connecting_to(base_url: str) -> Callable[[], None]:
    """Waits until a connect to ``base_url``'s port waits for its answer (a socket of this
    machine in ``SYN_SENT`` towards it, in ``/proc/net/tcp``)."""
    port = yarl.URL(base_url).port

    def wait() -> None:
        deadline = time.monotonic() + 30
        while not any(
            line.split()[2].endswith(f":{port:04X}") and line.split()[3] == "02"
            for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
        ):
            assert time.monotonic() < deadline
            time.sleep(0.01)

    return wait


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="Linux: /proc/net/tcp")
def test_ctrl_c_while_the_order_connects_says_it_was_not_placed(cli: Cli) -> None:
    """The preview's connection is closed after its answer; the order's own connect waits
    (the API's port accepts no more): interrupted there, nothing has left."""
    with one_exchange_then_no_connect(cli.sim.base_url) as base_url:
        cli.setenv(ARIES_BASE_URL=base_url, ARIES_CONNECT_TIMEOUT="60")
        proc = cli.spawn(*BUY_LIMIT, "--yes", "--client-id", "bot-79", "--json")
        code, out, err = interrupted(proc, connecting_to(base_url))
    assert code == 130
    assert "was NOT placed" in err and "bot-79" in err
    assert "outcome is unknown" not in err and "order find" not in err
    assert json.loads(out)["outcome"] == "not_sent"
    assert cli.requests(*PREVIEW) == 1 and cli.requests(*PLACE) == 0
    assert sim_orders(cli) == []
