"""``aries-async doctor`` against the simulator: the rows, ``--json`` and the exit status."""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path
from typing import Any

import attrs
import pytest
from cli_harness import Cli, cli_fixture, closed_port  # noqa: F401 - cli_fixture: `cli`

from aries_async._cli.doctor import check_expiry, check_scopes, exit_status
from aries_async.auth.filestore import FileTokenStore
from aries_async.auth.tokens import Token
from aries_async.sim import ServerErrorFault
from aries_async.testing import capture_logs, shows_secret


def rows(cli: Cli, *args: str) -> tuple[int, dict[str, dict[str, Any]]]:
    done = cli("doctor", "--json", "--timeout", "3", *args)
    return done.code, {row["check"]: row for row in done.json()}


def statuses(found: dict[str, dict[str, Any]]) -> dict[str, str]:
    return {name: row["status"] for name, row in found.items()}


def test_good_setup_every_row_ok(cli: Cli) -> None:
    cli.sign_in()
    code, found = rows(cli)
    assert code == 0
    assert statuses(found) == {
        "urls": "ok",
        "client credentials": "ok",
        "token file": "ok",
        "token directory": "ok",
        "token expiry": "ok",
        "scopes": "ok",
        "REST API": "ok",
        "market websocket": "ok",
        "accounts websocket": "ok",
        "charts websocket": "ok",
    }
    assert "2 account(s)" in found["REST API"]["detail"]
    assert "authenticated" in found["market websocket"]["detail"]
    assert set(found["urls"]) == {"check", "status", "detail", "fix", "kind"}

    text = cli("doctor")
    assert text.code == 0
    assert text.out.splitlines()[0].split() == ["CHECK", "STATUS", "DETAIL", "WHAT", "TO", "DO"]
    assert "10 ok, 0 fail" in text.out
    secret = cli.env["ARIES_CLIENT_SECRET"]
    token = Path(cli.token_file).read_text()
    assert secret not in text.out + text.err
    assert all(part not in text.out for part in token.split('"') if len(part) > 30)


def test_token_file_readable_by_others_warns_with_the_fix(cli: Cli) -> None:
    cli.sign_in(mode=0o644)
    code, found = rows(cli)
    assert code == 0  # a warning is not a failure
    row = found["token file"]
    assert row["status"] == "warn" and "0644" in row["detail"]
    assert "made it private" in row["detail"] and "aries-async login" in row["fix"]
    assert stat.S_IMODE(os.stat(cli.token_file).st_mode) == 0o600
    _, again = rows(cli)
    assert again["token file"]["status"] == "ok"


@pytest.mark.parametrize(
    ("mode", "status", "code", "who"),
    [
        (0o777, "fail", 2, "replace"),
        (0o770, "fail", 2, "replace"),
        (0o1777, "fail", 2, "replace"),
        (0o755, "warn", 0, "list"),
        (0o710, "warn", 0, "list"),
    ],
    ids=["0777", "0770", "1777", "0755", "0710"],
)
def test_a_loose_token_directory_is_reported_with_the_fix(
    cli: Cli, mode: int, status: str, code: int, who: str
) -> None:
    cli.sign_in()
    directory = cli.token_file.parent
    os.chmod(directory, mode)
    done, found = rows(cli)
    assert done == code
    row = found["token directory"]
    assert row["status"] == status and row["kind"] == "config"
    assert str(directory) in row["detail"] and f"{mode:04o}" in row["detail"]
    assert who in row["detail"]
    assert f"chmod 700 {directory}" in row["fix"]
    assert stat.S_IMODE(os.stat(directory).st_mode) == mode  # reported, not changed
    assert found["REST API"]["status"] == "ok"  # the token still works
    os.chmod(directory, 0o700)
    _, again = rows(cli)
    assert again["token directory"]["status"] == "ok"


def test_the_token_directory_row_without_a_directory_or_with_an_env_token(cli: Cli) -> None:
    _, found = rows(cli)  # never signed in: nothing made the directory yet
    assert found["token directory"]["status"] == "skip"
    cli.setenv(ARIES_ACCESS_TOKEN="x" * 40)
    _, found = rows(cli)
    assert found["token directory"]["status"] == "skip"


def test_not_signed_in_exits_3_but_still_reaches_the_servers(cli: Cli) -> None:
    code, found = rows(cli)
    assert code == 3
    assert found["token file"]["status"] == "fail"
    assert "aries-async login" in found["token file"]["fix"]
    # No token to authenticate with, yet doctor says the servers are there.
    assert found["REST API"]["status"] == "skip" and "answered" in found["REST API"]["detail"]
    assert found["market websocket"]["status"] == "skip"
    assert found["charts websocket"]["status"] == "skip"
    assert "opened" in found["accounts websocket"]["detail"]


def test_an_unreadable_token_file_is_a_failed_row_not_a_traceback(cli: Cli) -> None:
    Path(cli.token_file).mkdir(parents=True)  # a directory where the file should be
    code, found = rows(cli)
    assert code == 3
    row = found["token file"]
    assert row["status"] == "fail" and "cannot read the token file" in row["detail"]
    assert "--token-file" in row["fix"]
    assert found["REST API"]["status"] == "skip"  # the servers are still checked
    listed = cli("accounts")
    assert listed.code == 2 and "cannot read the token file" in listed.err


def test_a_token_file_the_disk_fails_to_read_is_a_failed_row_not_a_traceback(cli: Cli) -> None:
    Path(cli.token_file).parent.mkdir(parents=True, exist_ok=True)
    # Read at offset 0, /proc/self/mem (never mapped there) fails with EIO, as a failing disk.
    Path(cli.token_file).symlink_to("/proc/self/mem")
    code, found = rows(cli)
    assert code == 3
    row = found["token file"]
    assert row["status"] == "fail" and "Input/output error" in row["detail"]
    assert "disk" in row["fix"]
    assert found["REST API"]["status"] == "skip"


def test_expired_token_without_refresh_token_exits_3(cli: Cli) -> None:
    cli.sign_in(ttl=0, refresh=False)  # expired on arrival
    code, found = rows(cli)
    assert code == 3
    assert found["token expiry"]["status"] == "fail"
    assert "no refresh token" in found["token expiry"]["detail"]
    assert found["REST API"]["status"] == "fail" and found["REST API"]["kind"] == "auth"
    # Not sent at all: the client knew it expired; the server refused nothing.
    assert "refused" not in found["REST API"]["detail"]
    assert "the access token expired at" in found["REST API"]["detail"]


def test_a_token_that_cannot_be_renewed_works_to_its_end_and_is_not_called_expired(
    cli: Cli,
) -> None:
    token = cli.sign_in(ttl=40, refresh=False)
    # Obtained an hour ago, so that 40 s left is inside the refresh margin (60 s): nothing to
    # renew it with, and the server still takes it.
    old = attrs.evolve(token, obtained_at=token.obtained_at - 3600)
    asyncio.run(FileTokenStore(cli.token_file).save(old))
    code, found = rows(cli)
    assert found["REST API"]["status"] == "ok", found["REST API"]
    row = found["token expiry"]
    assert row["status"] == "warn", row
    assert "expired" not in row["detail"] and "no refresh token" in row["detail"]
    assert code == 0


def test_expired_token_is_refreshed_by_the_check(cli: Cli) -> None:
    before = cli.sign_in(ttl=0)
    code, found = rows(cli)
    assert code == 0, found
    assert found["token expiry"]["status"] == "ok"
    assert found["token expiry"]["detail"].startswith("refreshed by this check")
    assert cli.on_sim(lambda: cli.sim.token_requests) == 1  # REST and sockets shared one refresh
    assert before.access_token not in cli.token_file.read_text()


def test_refused_refresh_exits_3_and_says_sign_in_again(cli: Cli) -> None:
    cli.sign_in(ttl=0)
    cli.on_sim(lambda: cli.sim.revoke_tokens(refresh_tokens=True))
    code, found = rows(cli)
    assert code == 3
    assert found["token expiry"]["status"] == "fail"
    assert "refresh was refused" in found["token expiry"]["detail"]
    assert found["REST API"]["kind"] == "auth"


def test_missing_scopes_warn_and_name_the_features(cli: Cli) -> None:
    cli.sign_in(scopes=["account:information", "market:information", "order:information"])
    code, found = rows(cli)
    assert code == 0
    row = found["scopes"]
    assert row["status"] == "warn"
    assert "order:execution for placing" in row["detail"]
    assert "aries-async login" in row["fix"]


def test_unreachable_rest_and_websockets_exit_1(cli: Cli) -> None:
    cli.sign_in()
    cli.setenv(ARIES_BASE_URL=f"http://127.0.0.1:{closed_port()}")
    code, found = rows(cli)
    assert code == 1
    for name in ("REST API", "market websocket", "accounts websocket", "charts websocket"):
        assert found[name]["status"] == "fail" and found[name]["kind"] == "network", name
        assert "check" in found[name]["fix"]


def test_each_network_check_is_one_attempt(cli: Cli) -> None:
    cli.sign_in()
    # Every answer a 503, which a call would retry (a connection dropped unanswered, aiohttp
    # itself sends again once).
    fault = ServerErrorFault(count=None, status=503)
    cli.on_sim(lambda: cli.sim.faults.server_errors.update({"*": fault}))
    code, found = rows(cli)
    assert code == 1
    for name in ("REST API", "market websocket", "accounts websocket", "charts websocket"):
        assert found[name]["status"] == "fail" and found[name]["kind"] == "network", name
    assert cli.requests("GET", "/v2/users/me/accounts") == 1
    kinds = ("market", "accounts", "charts")
    sockets = {kind: cli.requests("GET", f"/v1/{kind}/ws") for kind in kinds}
    assert sockets == dict.fromkeys(kinds, 1)


@pytest.mark.parametrize("kind", ["market", "charts"])
def test_unreachable_websocket_only(cli: Cli, kind: str) -> None:
    cli.sign_in()
    url = f"ws://127.0.0.1:{closed_port()}/v1/{kind}/ws"
    cli.setenv(**{f"ARIES_{kind.upper()}_WS_URL": url})
    code, found = rows(cli)
    assert code == 1
    sockets = {name: row for name, row in found.items() if name.endswith("websocket")}
    assert {name: row["status"] for name, row in sockets.items()} == {
        name: "fail" if name == f"{kind} websocket" else "ok"
        for name in ("market websocket", "accounts websocket", "charts websocket")
    }
    assert found[f"{kind} websocket"]["kind"] == "network"
    assert found["REST API"]["status"] == "ok"
    assert f"{kind} ws {url}" in found["urls"]["detail"]


def test_refused_token_exits_3(cli: Cli) -> None:
    cli.sign_in()
    cli.setenv(ARIES_ACCESS_TOKEN="not-a-token-the-simulator-issued")
    code, found = rows(cli)
    assert code == 3
    assert found["token file"]["status"] == "skip"  # the override is used instead
    assert found["REST API"]["status"] == "fail" and found["REST API"]["kind"] == "auth"
    assert "refused the access token (expired, revoked or invalid)" in found["REST API"]["detail"]
    assert found["market websocket"]["status"] == "fail"
    # Signing in alone would not mend it: the variable wins over the token file.
    for row in (found["REST API"], found["market websocket"]):
        assert row["fix"].startswith("ARIES_ACCESS_TOKEN is set: replace it, or unset it"), row


@pytest.mark.parametrize(
    ("variable", "value"),
    [("ARIES_TIMEOUT", "soon"), ("ARIES_MARKET_WS_URL", "http://127.0.0.1:1/v1/market/ws")],
)
def test_configuration_errors_exit_2(cli: Cli, variable: str, value: str) -> None:
    cli.sign_in()
    cli.setenv(**{variable: value})
    code, found = rows(cli)
    assert code == 2
    assert any(r["status"] == "fail" and r["kind"] == "config" for r in found.values())


def test_missing_client_id_fails_configuration(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    cli.sign_in()
    monkeypatch.delenv("ARIES_CLIENT_ID")
    code, found = rows(cli)
    assert code == 2
    assert found["client credentials"]["status"] == "fail"


# -- the token checks as pure functions ---------------------------------------------------------

NOW = 1_800_000_000.0


def token(**values: Any) -> Token:
    return Token(access_token="a" * 40, **values)


@pytest.mark.parametrize(
    ("values", "status", "words"),
    [
        ({"expires_at": NOW + 3600, "refresh_token": "r"}, "ok", "valid for 60 min"),
        ({"expires_at": None, "refresh_token": "r"}, "ok", "does not expire"),
        ({"expires_at": NOW + 3600}, "warn", "no refresh token"),
        ({"expires_at": NOW - 10, "refresh_token": "r"}, "warn", "refreshed on the next call"),
        ({"expires_at": NOW - 10, "refresh_token": "r"}, "warn", "expired 10 s ago"),
        ({"expires_at": NOW + 30, "refresh_token": "r"}, "warn", "expires in 30 s; it will"),
        ({"expires_at": NOW - 10}, "fail", "no refresh token"),
        ({"expires_at": NOW + 3600, "grant_type": "client_credentials"}, "ok", "app token"),
        (
            {"expires_at": NOW - 10, "grant_type": "client_credentials"},
            "warn",
            "refreshed on the next call",
        ),
        (
            {"expires_at": NOW - 10, "refresh_token": "r", "refresh_expires_at": NOW - 1},
            "fail",
            "refresh token expired",
        ),
        (
            {"expires_at": NOW + 3600, "refresh_token": "r", "refresh_expires_at": NOW + 86400},
            "warn",
            "refresh token ends in 24.0 h",
        ),
    ],
)
def test_check_expiry(values: dict[str, Any], status: str, words: str) -> None:
    row = check_expiry(token(**values), now=NOW)
    assert row.status == status
    assert words in row.detail


def test_check_scopes_positions_accept_either_scope() -> None:
    everything = {
        "account:information",
        "order:information",
        "order:execution",
        "market:information",
        "market:supplemental",
        "user:information",
    }
    assert check_scopes(token(scopes=frozenset(everything))).status == "ok"
    # account:information is in everything: positions are covered without position:information
    assert "position:information" not in everything
    only_positions = (everything - {"account:information"}) | {"position:information"}
    row = check_scopes(token(scopes=frozenset(only_positions)))
    assert "positions" not in row.detail  # positions covered by the other scope
    without_either = everything - {"account:information"}
    row = check_scopes(token(scopes=frozenset(without_either)))
    assert row.status == "warn" and "positions" in row.detail
    assert check_scopes(token(scopes=frozenset())).status == "warn"
    assert check_scopes(None).status == "skip"


def test_exit_status_order() -> None:
    from aries_async._cli.doctor import Check

    def row(status: str, kind: str) -> Check:
        return Check(check="x", status=status, detail="", kind=kind)

    assert exit_status([row("ok", "config"), row("warn", "auth")]) == 0
    assert exit_status([row("fail", "network")]) == 1
    assert exit_status([row("fail", "network"), row("fail", "auth")]) == 3
    assert exit_status([row("fail", "auth"), row("fail", "config")]) == 2


@pytest.mark.parametrize(
    ("variable", "value", "words"),
    [
        ("ARIES_BASE_URL", "api.aries.example", "has no scheme"),
        ("ARIES_BASE_URL", "ftp://x", "has the scheme 'ftp', not http or https"),
        ("ARIES_TOKEN_URL", "https:///v1/oauth2/token", "has no host"),
        ("ARIES_CHARTS_WS_URL", "127.0.0.1:1/v1/charts/ws", "has no scheme"),
    ],
)
def test_a_malformed_url_is_a_failed_urls_row_not_a_traceback(
    cli: Cli, variable: str, value: str, words: str
) -> None:
    cli.sign_in()
    cli.setenv(**{variable: value})
    code, found = rows(cli)
    assert code == 2
    row = found["urls"]
    assert (row["status"], row["kind"]) == ("fail", "config")
    assert row["detail"].startswith(f"{variable}={value!r}") and words in row["detail"]
    assert variable in row["fix"]


@pytest.mark.parametrize("command", [("doctor", "--json"), ("doctor",), ("accounts", "--json")])
def test_a_password_with_a_slash_in_a_url_is_never_printed(cli: Cli, command: tuple[str]) -> None:
    """A generated password written into ``ARIES_BASE_URL`` (``/`` and ``@`` in it, which a
    URL parser reads as the path): refused, and no piece of it in what the command prints."""
    password = "Hs8+Jd3/Lk5Wq9@Zr7Tn4Bx"
    cli.sign_in()
    cli.setenv(ARIES_BASE_URL=f"http://bot:{password}@127.0.0.1:{closed_port()}")
    done = cli(*command)
    assert done.code == 2
    for piece in ("Hs8+Jd3", "Lk5Wq9", "Zr7Tn4Bx"):
        assert piece not in done.out + done.err


def test_the_websocket_checks_log_no_token_at_debug(cli: Cli) -> None:
    """Run where logging is on at DEBUG (websockets then logs every frame it sends): the
    frames of the checks' ``POST /auth`` requests are logged without their token."""
    token = cli.sign_in()
    with capture_logs() as logs:
        code, found = rows(cli)
    assert code == 0, found
    assert any(line.startswith("websockets.client DEBUG > TEXT") for line in logs.lines)
    leaked = [line for line in logs.lines if shows_secret(line, token.access_token)]
    assert not leaked, leaked[0]


@pytest.mark.parametrize("value", ["inf", "0", "-1", "nan"])
def test_a_timeout_that_is_no_limit_exits_2_before_any_check(cli: Cli, value: str) -> None:
    """Doctor promises never to hang: ``--timeout inf`` is a usage error, not a traceback
    from the HTTP stack that cannot schedule an endless deadline."""
    cli.sign_in()
    done = cli("doctor", "--json", f"--timeout={value}")
    assert (done.code, done.out) == (2, ""), done.err
    assert f"--timeout: expected a positive number of seconds, got '{value}'" in done.err
    assert "Traceback" not in done.err
    assert cli.requests("GET", "/v2/users/me/accounts") == 0


@pytest.mark.parametrize("output", [(), ("--json",)])
def test_a_refusal_quoting_the_token_is_shown_without_it(cli: Cli, output: tuple[str, ...]) -> None:
    """A server whose websocket refusals quote the token they refuse (the simulator's
    ``token_echo``): the rows keep its words, with the token blanked out."""
    refused = "a-long-token-the-server-refuses-and-quotes-back"
    cli.on_sim(lambda: setattr(cli.sim.faults, "token_echo", True))
    cli.setenv(ARIES_ACCESS_TOKEN=refused)
    done = cli("doctor", "--timeout", "3", *output)
    assert done.code == 3, done.out
    assert "market websocket" in done.out and "refused the token" in done.out
    assert "[redacted]" in done.out  # the server did quote it
    assert not shows_secret(done.out + done.err, refused)


def test_a_disk_that_fails_during_the_checks_is_a_failed_row_not_a_traceback(cli: Cli) -> None:
    """The token is renewed by the checks, and the disk fails right after the grant: the
    renewed token is not saved, and the token file's read after the checks fails too."""
    cli.sign_in(ttl=0)  # expired: the first check renews it
    path = Path(cli.token_file)

    def fail() -> None:
        path.rename(path.with_name(path.name + ".aside"))
        path.symlink_to("/proc/self/mem")  # every read fails with EIO

    async def disk_fails() -> None:
        cli.sim.faults.after_token_grant = None
        fail()

    cli.on_sim(lambda: setattr(cli.sim.faults, "after_token_grant", disk_fails))
    done = cli("doctor", "--json", "--timeout", "3")
    assert "Traceback" not in done.err, done.err
    assert done.out, done.err
    found = {row["check"]: row for row in done.json()}
    assert done.code == 3
    assert found["REST API"]["status"] == "ok"  # served by the renewed token, in memory
    row = found["token expiry"]
    assert row["status"] == "fail" and "Input/output error" in row["detail"]
    assert "disk" in row["fix"]
