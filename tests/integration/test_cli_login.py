"""Sign-in end to end: loopback callback and paste mode, token file, logout, exit codes."""

from __future__ import annotations

import asyncio
import io
import json
import math
import os
import socket
import stat
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from child_process import sim_command
from cli_harness import Started, assert_python_names, run_main, run_script, use_env

from aries_async.auth.filestore import FileTokenStore
from aries_async.auth.login import login, read_pasted_line
from aries_async.auth.scopes import expand_scopes
from aries_async.cli import main
from aries_async.client import AriesClient
from aries_async.errors import (
    AuthorizationDeniedError,
    ConfigurationError,
    StateMismatchError,
    ValidationError,
)
from aries_async.sim import Simulator
from aries_async.testing import capture_logs, shows_secret


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    redirect = f"http://127.0.0.1:{_free_port()}/callback"
    async with Simulator(seed=3, redirect_uris=(redirect,)) as simulator:
        yield simulator


async def _consent(url: str) -> str:
    """What the browser does: the authorize page redirects (auto-approve) to the callback."""
    async with (
        aiohttp.ClientSession() as browser,
        browser.get(url, allow_redirects=False) as consent,
    ):
        assert consent.status == 302
        return consent.headers["Location"]


async def _browser(url: str) -> None:
    location = await _consent(url)
    async with aiohttp.ClientSession() as browser, browser.get(location) as page:
        assert page.status == 200
        assert "Signed in" in await page.text()


def _cli_env(sim: Simulator, home: Path) -> dict[str, str]:
    """The environment of a CLI run against ``sim`` with its config under ``home``."""
    return {
        "ARIES_BASE_URL": sim.base_url,
        "ARIES_CLIENT_ID": sim.client_id,
        "ARIES_CLIENT_SECRET": sim.client_secret,
        "ARIES_REDIRECT_URI": sim.redirect_uri,
        "XDG_CONFIG_HOME": str(home / "config"),
        "HOME": str(home),
    }


async def _cli(*args: str) -> tuple[int, str, str]:
    """``aries-async ARGS`` (``main()`` on a thread: the simulator runs on this loop), with
    nothing on stdin: the exit status, stdout and stderr."""
    done = await asyncio.to_thread(run_main, args)
    return done.code, done.out, done.err


async def _cli_login(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], *args: str
) -> tuple[str, str]:
    """``aries-async login --no-browser --json ARGS`` with ``env``, this test playing the
    browser that follows the printed URL to the loopback port; returns stdout and stderr."""
    use_env(monkeypatch, env)
    with Started("login", "--no-browser", "--json", "--timeout", "30", *args) as proc:
        url = await _authorize_url(proc.stderr)
        waiting = await asyncio.to_thread(proc.stderr.readline)
        assert "Waiting" in waiting  # the callback server is listening now
        await _browser(url)
        out, err = await asyncio.to_thread(proc.communicate)
    assert proc.returncode == 0, err
    return out, err


async def _authorize_url(stream: io.TextIOBase) -> str:
    """The authorize URL the CLI prints (the line with ``code_challenge=``)."""
    while True:
        line = await asyncio.to_thread(stream.readline)
        assert line, "the CLI exited before printing the URL"
        if "code_challenge=" in line:
            return line.strip()


async def test_login_loopback_saves_token(sim: Simulator, tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "token.json")
    lines: list[str] = []
    async with AriesClient(sim.client_config(), token_store=store) as client:
        token = await login(client, open_url=_browser, out=lines.append, timeout=20)
        accounts = await client.accounts.list()
    assert accounts
    saved = await store.load()
    assert saved == token
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    text = "\n".join(lines)
    assert "code_challenge=" in text and "state=" in text
    assert token.access_token not in text
    # A fresh client in another "run" signs in from the file alone.
    async with AriesClient(sim.client_config(), token_store=FileTokenStore(store.path)) as again:
        assert await again.accounts.list()


async def test_login_paste_mode_and_state_check(sim: Simulator, tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "token.json")
    captured: list[str] = []

    async def paste() -> str:
        url = next(line.strip() for line in captured if "code_challenge=" in line)
        return await _consent(url) + "\n"

    async with AriesClient(sim.client_config(), token_store=store) as client:
        token = await login(
            client, open_url=None, listen=False, read_line=paste, out=captured.append, timeout=20
        )
        assert await store.load() == token

        captured.clear()

        async def forged() -> str:
            location = await paste()
            return location.replace("state=", "state=forged")

        with pytest.raises(StateMismatchError):
            await login(
                client,
                open_url=None,
                listen=False,
                read_line=forged,
                out=captured.append,
                timeout=20,
            )


async def test_login_needs_a_way_back(sim: Simulator) -> None:
    async with AriesClient(sim.client_config()) as client:
        with pytest.raises(ConfigurationError):
            await login(client, redirect_uri="https://example.com/cb", open_url=None)


@pytest.mark.parametrize("timeout", [math.nan, math.inf, -math.inf, -1.0, True, "300"])
async def test_login_refuses_a_timeout_it_cannot_mean_before_anything(
    sim: Simulator, timeout: object
) -> None:
    """A NaN timeout waited for ever and a negative one gave up at once, after the browser was
    sent to sign in: refused as every call's ``timeout=``, before any address is shown."""
    shown: list[str] = []
    opened: list[str] = []
    async with AriesClient(sim.client_config()) as client:
        with pytest.raises(ValidationError) as info:
            await login(
                client,
                open_url=opened.append,
                out=shown.append,
                timeout=timeout,  # type: ignore[arg-type]
            )
    assert info.value.field == "timeout"
    assert (shown, opened) == ([], [])


async def test_cli_login_accounts_logout(
    sim: Simulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_env(monkeypatch, _cli_env(sim, tmp_path))
    token_file = tmp_path / "config" / "aries-async" / "token.json"
    code, _, err = await _cli("accounts", "--json")
    assert code == 3 and "aries-async login" in err

    out, err = await _cli_login(monkeypatch, _cli_env(sim, tmp_path))
    data = json.loads(out)
    assert data["signed_in"] is True and data["token_file"] == str(token_file)
    assert_python_names(data, "login")
    assert datetime.fromisoformat(data["expires_at"]).tzinfo == UTC
    assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600
    saved = await FileTokenStore(token_file).load()
    assert saved is not None and saved.access_token not in out + err

    code, out, err = await _cli("accounts", "--json")
    assert code == 0, err
    assert json.loads(out)

    code, out, _ = await _cli("logout", "--json")
    assert code == 0 and json.loads(out)["had_token"] is True
    assert not token_file.exists()
    code, _, _ = await _cli("quote", "AAPL")
    assert code == 3

    # Paste mode: nothing listens; the address the browser ended on comes on stdin.
    with Started("login", "--paste") as proc:
        url = await _authorize_url(proc.stdout)
        location = await _consent(url)
        raw_out, raw_err = await asyncio.to_thread(proc.communicate, location + "\n")
    assert proc.returncode == 0, raw_err
    assert "Signed in" in raw_out
    code, out, err = await _cli("quote", "AAPL", "--json")
    assert code == 0, err
    assert [q["symbol"] for q in json.loads(out)["quotes"]] == ["AAPL"]


async def test_cli_login_asks_for_the_scopes_of_groups(
    sim: Simulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, _ = await _cli_login(monkeypatch, _cli_env(sim, tmp_path), "--scopes", "analytics, orders")
    expected = expand_scopes(["analytics", "orders"])
    assert "analytics:information" in expected and "order:execution" in expected
    assert json.loads(out)["scopes"] == sorted(expected)
    saved = await FileTokenStore(tmp_path / "config" / "aries-async" / "token.json").load()
    assert saved is not None and saved.scopes == frozenset(expected)


async def test_cli_login_scopes_win_over_a_broken_aries_scopes(
    sim: Simulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The flag replaces the variable, so the variable's value is not read: a stale
    ``ARIES_SCOPES`` in a shell profile does not stop a sign-in that names its scopes."""
    env = {**_cli_env(sim, tmp_path), "ARIES_SCOPES": "market analytix"}
    out, _ = await _cli_login(monkeypatch, env, "--scopes", "market")
    assert json.loads(out)["scopes"] == sorted(expand_scopes(["market"]))


async def test_cli_login_and_logout_say_that_aries_access_token_still_wins(
    sim: Simulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ``ARIES_ACCESS_TOKEN`` set, the other commands use it, not the token file: "Signed
    in" or "Signed out" alone would leave the user to find out why nothing changed. (The
    logout: the installed ``aries-async`` itself, once in this file.)"""
    env = {**_cli_env(sim, tmp_path), "ARIES_ACCESS_TOKEN": "a-stale-token"}
    out, err = await _cli_login(monkeypatch, env)
    assert json.loads(out)["signed_in"] is True
    assert "ARIES_ACCESS_TOKEN is set" in err and "unset it" in err
    done = await asyncio.to_thread(run_script, ["logout"], env)
    assert done.code == 0 and "Signed out" in done.out
    assert "ARIES_ACCESS_TOKEN is set" in done.err


def test_cli_login_refuses_an_unknown_scope_group(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["login", "--paste", "--scopes", "market analytix"]) == 2
    err = capsys.readouterr().err
    assert "unknown scope group 'analytix'" in err and "nothing was sent" in err
    assert "all, alternative_data, analytics" in err  # the valid groups are listed


@pytest.mark.parametrize("value", ["0", "-5", "nan", "soon"])
def test_cli_login_refuses_a_timeout_that_is_no_wait(
    value: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A usage error (exit 2) before any sign-in starts, as ``stream --duration`` has: not
    a sign-in that "timed out" at once (exit 3) after printing its address."""
    monkeypatch.setenv("ARIES_CLIENT_ID", "an-app")
    monkeypatch.setenv("ARIES_BASE_URL", f"http://127.0.0.1:{_free_port()}")
    monkeypatch.setenv("ARIES_REDIRECT_URI", f"http://127.0.0.1:{_free_port()}/callback")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["login", "--paste", f"--timeout={value}"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "--timeout" in err and "positive number of seconds" in err


def test_main_usage_errors_return_2() -> None:
    assert main(["nonsense"]) == 2
    assert main(["login", "--bogus"]) == 2
    assert main(["--help"]) == 0


async def test_sim_subcommand_then_in_process_main(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``aries-async sim`` serves; ``main()`` (in a thread) signs in and reads from it."""
    port = _free_port()
    redirect = f"http://127.0.0.1:{port}/callback"
    async with sim_command("--redirect-uri", redirect) as (proc, info):
        try:
            monkeypatch.setenv("ARIES_BASE_URL", info["base_url"])
            monkeypatch.setenv("ARIES_CLIENT_ID", info["client_id"])
            monkeypatch.setenv("ARIES_CLIENT_SECRET", info["client_secret"])
            monkeypatch.setenv("ARIES_REDIRECT_URI", info["redirect_uri"])
            monkeypatch.delenv("ARIES_ACCESS_TOKEN", raising=False)
            token_file = str(tmp_path / "token.json")

            status = await asyncio.to_thread(main, ["--token-file", token_file, "accounts"])
            assert status == 3

            # Sign in through the loopback callback; "the browser" is this test.
            from aries_async.config import ClientConfig

            store = FileTokenStore(token_file)
            async with AriesClient(ClientConfig.from_env(), token_store=store) as client:
                await login(client, open_url=_browser, out=lambda _: None, timeout=20)
            capsys.readouterr()

            status = await asyncio.to_thread(
                main, ["--token-file", token_file, "accounts", "--json"]
            )
            captured = capsys.readouterr()
            assert status == 0, captured.err
            assert {a["trading_account_id"] for a in json.loads(captured.out)} >= {"TEST-SIM-001"}

            status = await asyncio.to_thread(
                main, ["--token-file", token_file, "quote", "AAPL", "--json"]
            )
            captured = capsys.readouterr()
            assert status == 0, captured.err
            assert float(json.loads(captured.out)["quotes"][0]["ask_price"]) > 0
        finally:
            proc.terminate()
            assert await asyncio.wait_for(proc.wait(), 30) == 0


async def test_login_callback_ignores_a_request_with_the_wrong_state(sim: Simulator) -> None:
    """A forged or stale callback gets 400 and the sign-in keeps waiting for the real one."""
    answers: list[int] = []

    async def attacker_then_browser(url: str) -> None:
        async with aiohttp.ClientSession() as other:
            for query in (
                "code=evil-code&state=forged",
                "code=evil-code",
                "error=access_denied&state=forged",
                "code=evil-code&state=%C3%A9t%C3%A9",  # not ASCII
            ):
                async with other.get(f"{sim.redirect_uri}?{query}") as forged:
                    answers.append(forged.status)
                    assert "Signed in" not in await forged.text()
        await _browser(url)

    async with AriesClient(sim.client_config()) as client:
        token = await login(client, open_url=attacker_then_browser, out=lambda _: None, timeout=20)
        assert await client.accounts.list()
    assert answers == [400, 400, 400, 400]
    assert token.refresh_token
    assert sim.token_requests == 1  # the forged code was never exchanged


@pytest.mark.parametrize("with_state", [True, False], ids=["state", "no_state"])
async def test_login_callback_ends_on_a_denial_with_or_without_state(
    sim: Simulator, with_state: bool
) -> None:
    """The user pressed Deny: the redirect (RFC 6749 4.1.2.1 wants state, oauth.md 2 leaves a
    denial's parameters open) ends the wait as a denial either way, and the page says so."""
    sim.faults.deny_authorization = True
    sim.faults.error_redirects_without_state = not with_state
    pages: list[tuple[int, str]] = []

    async def deny(url: str) -> None:
        location = await _consent(url)
        assert ("state=" in location) is with_state
        async with aiohttp.ClientSession() as browser, browser.get(location) as page:
            pages.append((page.status, await page.text()))

    async with AriesClient(sim.client_config()) as client:
        # The browser comes back inside open_url, before the wait: a timeout of 0 still
        # takes a callback already received, and a callback ignored fails at once.
        with pytest.raises(AuthorizationDeniedError, match="the user denied access") as info:
            await login(client, open_url=deny, out=lambda _: None, timeout=0)
    assert info.value.error == "access_denied"
    [(status, text)] = pages
    assert status == 200 and "Sign-in refused" in text and "access_denied" in text
    assert sim.token_requests == 0


async def test_from_env_uses_the_token_file_of_cli_login(
    sim: Simulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """README's "Use" snippet right after ``aries-async login``: no store passed anywhere."""
    env = _cli_env(sim, tmp_path)
    await _cli_login(monkeypatch, env)

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    async with AriesClient.from_env() as client:
        assert await client.accounts.list()
    # ARIES_TOKEN_FILE moves it, for the CLI and the library alike.
    token_file = tmp_path / "config" / "aries-async" / "token.json"
    moved = tmp_path / "elsewhere.json"
    token_file.rename(moved)
    monkeypatch.setenv("ARIES_TOKEN_FILE", str(moved))
    client = AriesClient.from_env()
    try:
        assert await client.accounts.list()  # and without ``async with``
    finally:
        await client.aclose()


async def test_a_pasted_callback_is_not_shown_in_asyncio_debug_logs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """asyncio's debug mode logs a slow callback with its arguments (cut to about 13
    characters at each end): the pasted line, whose code may come last (``echo -n URL |
    aries-async login --paste``), is not one of them. Every callback counts as slow here."""
    code = "sim_code_QWERTYUIOPASDFGHJKLZXCVBNM12"
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"http://127.0.0.1:9/cb?state=s&code={code}"))
    loop = asyncio.get_running_loop()
    monkeypatch.setattr(loop, "slow_callback_duration", 0.0)
    with capture_logs() as logs:
        loop.set_debug(True)
        try:
            line = await read_pasted_line()
        finally:
            loop.set_debug(False)
    assert line.endswith(code)
    assert any("Executing" in text for text in logs.lines)
    assert not [text for text in logs.lines if shows_secret(text, code)]
