"""A token read with its line break (a secret file, an environment variable filled from one, a
hand-edited token file) is refused with a typed error naming the cause, before anything is
sent: it used to reach aiohttp, whose ``ValueError`` (a header with a control character)
escaped every call, ``orders.place()`` included, and every CLI command as a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import attrs
import pytest
from cli_harness import Cli, cli_fixture  # noqa: F401 - the `cli` fixture
from sim_http import follow_consent

from aries_async import AriesClient, ClientConfig, ConfigurationError, Token, ValidationError
from aries_async.sim import Simulator

BROKEN = ["\n", "\r\n", " ", "\t", "\x00"]


@pytest.mark.parametrize("tail", BROKEN, ids=repr)
async def test_a_token_with_a_line_break_is_refused_before_anything_is_sent(tail: str) -> None:
    async with Simulator(tick_interval=None) as sim:
        secret = sim.issue_token().access_token
        with pytest.raises(ValidationError) as raised:
            Token(access_token=secret + tail)
        assert raised.value.field == "access_token"
        assert secret not in str(raised.value)
        assert "line break" in str(raised.value) or "character" in str(raised.value)
        assert sum(sim.requests.values()) == 0


@pytest.mark.parametrize("tail", BROKEN, ids=repr)
def test_a_refresh_token_with_a_line_break_is_refused(tail: str) -> None:
    """Sent as it is, the server would refuse it, and the grant be taken for revoked."""
    with pytest.raises(ValidationError) as raised:
        Token(access_token="a" * 40, refresh_token="r" * 40 + tail)
    assert raised.value.field == "refresh_token"
    assert "r" * 40 not in str(raised.value)


def test_a_token_endpoints_answer_with_a_line_break_is_no_token() -> None:
    with pytest.raises(ValueError, match="access_token"):
        Token.from_response({"access_token": "a" * 40 + "\n", "expires_in": 60}, now=0)


def test_a_saved_token_with_a_line_break_is_no_token() -> None:
    with pytest.raises(ValueError, match="access_token"):
        Token.from_dict({"access_token": "a" * 40 + "\n"})


def test_a_token_of_printable_characters_is_taken() -> None:
    """The bearer token's characters (RFC 6750 2.1), and others a server may use."""
    token = Token(access_token="aZ09-._~+/=" + "x" * 30, refresh_token="r!#$%&*" + "y" * 30)
    assert token.access_token.startswith("aZ09")


async def test_the_client_calls_with_a_good_token() -> None:
    async with (
        Simulator(tick_interval=None) as sim,
        AriesClient(sim.client_config(), token=sim.issue_token()) as client,
    ):
        assert await client.accounts.list()


@pytest.mark.parametrize("command", [("accounts",), ("doctor",)])
def test_the_cli_says_what_is_wrong_with_the_token_variable(
    cli: Cli, command: tuple[str, ...]
) -> None:
    secret = cli.sim.issue_token().access_token
    cli.setenv(ARIES_ACCESS_TOKEN=secret + "\n")
    done = cli(*command)
    assert done.code == 2, done.err
    assert "ARIES_ACCESS_TOKEN" in done.err + done.out and "Traceback" not in done.err
    assert secret not in done.err + done.out
    assert cli.on_sim(lambda: list(cli.sim.journal)) == []


def test_the_cli_reads_a_token_file_with_a_line_break_as_no_token(cli: Cli) -> None:
    cli.sign_in()
    saved = json.loads(Path(cli.token_file).read_text())
    saved["access_token"] += "\n"
    Path(cli.token_file).write_text(json.dumps(saved))
    done = cli("accounts")
    assert done.code in (2, 3), done.err
    assert "Traceback" not in done.err
    assert saved["access_token"].strip() not in done.err + done.out


@pytest.mark.parametrize("name", ["client_id", "client_secret"])
@pytest.mark.parametrize("value", ["s3cret-value\n", "s3cret\x00value", "s3cret-välue", 123])
async def test_client_credentials_a_token_endpoint_cannot_take_are_refused(
    name: str, value: object
) -> None:
    """A secret read with its line break was sent, and the server's ``invalid_client`` said
    the secret was wrong; a number escaped as urllib's TypeError. Client ids and secrets are
    printable ASCII, spaces included (RFC 6749 A.1, A.2)."""
    async with Simulator(tick_interval=None) as sim:
        changes: dict[str, Any] = {name: value}
        with pytest.raises(ConfigurationError) as raised:
            attrs.evolve(sim.client_config(), **changes, app_token=True)
        assert raised.value.setting == name
        assert "s3cret" not in str(raised.value)
        assert sim.token_requests == 0


def test_a_secret_with_a_space_is_taken() -> None:
    config = ClientConfig(client_id="my app", client_secret="two words")
    assert config.client_secret == "two words"


def test_the_variable_holding_a_broken_secret_is_named() -> None:
    env = {"ARIES_CLIENT_ID": "app", "ARIES_CLIENT_SECRET": "s3cret-value\n"}
    with pytest.raises(ConfigurationError) as raised:
        ClientConfig.from_env(env)
    assert raised.value.setting == "ARIES_CLIENT_SECRET"
    assert "ARIES_CLIENT_SECRET" in str(raised.value) and "s3cret" not in str(raised.value)


@pytest.mark.parametrize("kind", [bytes, bytearray])
async def test_a_callback_given_as_bytes_is_refused_without_showing_it(kind: type) -> None:
    """It escaped as a TypeError from the URL parser; the code is a secret until spent."""
    async with Simulator(seed=3) as sim, AriesClient(sim.client_config()) as client:
        request = client.oauth.authorization_url()
        callback = await follow_consent(request.url)
        with pytest.raises(ValidationError) as raised:
            await client.oauth.exchange_code(kind(callback.encode()), request)
        assert raised.value.field == "callback"
        code = parse_qs(urlsplit(callback).query)["code"][0]
        assert code not in str(raised.value)
        assert sim.token_requests == 0
