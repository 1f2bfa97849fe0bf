"""An access token the client cannot renew: the error says what is known. A token the server
refused may be invalid, revoked or expired; one the client knows to be past its expiry is
expired. Against the simulator, whose clock the clients read."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import attrs
import pytest
from cli_harness import Cli, cli_fixture  # noqa: F401 - cli_fixture: `cli`

from aries_async import AriesClient, Token
from aries_async.errors import NotSignedInError, StreamAuthError
from aries_async.sim import ManualClock, Simulator

REFUSED = "the server refused the access token (expired, revoked or invalid)"


@contextlib.asynccontextmanager
async def manual_sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=5, clock=ManualClock(), tick_interval=None) as sim:
        yield sim


def client_on(sim: Simulator, token: Token) -> AriesClient:
    return AriesClient(sim.client_config(), token=token, wall_clock=sim.clock.now)


def bare(token: Token) -> Token:
    """``token`` without its refresh token: nothing to renew it with."""
    return attrs.evolve(token, refresh_token=None, refresh_expires_at=None)


async def test_a_token_the_server_never_issued_is_refused_not_expired() -> None:
    async with manual_sim() as sim, client_on(sim, Token(access_token="never-issued")) as client:
        for call in (client.accounts.list, lambda: client.market.quote("AAPL")):
            with pytest.raises(NotSignedInError) as info:
                await call()
            message = str(info.value)
            assert message.startswith(REFUSED), message
            assert "cannot be renewed" in message and "sign in again" in message
            assert "never-issued" not in message


async def test_a_revoked_token_is_refused_not_expired() -> None:
    async with manual_sim() as sim:
        token = bare(Token.from_response(sim.issue_token_response(), now=sim.clock.now()))
        async with client_on(sim, token) as client:
            assert await client.accounts.list()
            sim.revoke_tokens()
            with pytest.raises(NotSignedInError, match="^" + re.escape(REFUSED)):
                await client.accounts.list()


async def test_a_token_known_to_be_past_its_expiry_says_when_it_expired() -> None:
    async with manual_sim() as sim:
        token = bare(Token.from_response(sim.issue_token_response(ttl=600), now=sim.clock.now()))
        assert token.expires_at is not None
        async with client_on(sim, token) as client:
            sim.advance(3600)
            with pytest.raises(NotSignedInError) as info:
                await client.accounts.list()
            when = datetime.fromtimestamp(token.expires_at, UTC).strftime("%Y-%m-%d %H:%M:%S")
            message = str(info.value)
            assert message.startswith(f"the access token expired at {when} UTC"), message
            assert "no refresh token" in message and "refused" not in message


async def open_market_stream(client: AriesClient) -> None:
    async with client.market_stream() as stream:
        await stream.subscribe("AAPL", channels=["quotes"])


async def test_a_stream_says_the_token_was_refused() -> None:
    async with manual_sim() as sim, client_on(sim, Token(access_token="never-issued")) as client:
        with pytest.raises(StreamAuthError, match="refused the access token"):
            await open_market_stream(client)


def test_the_cli_says_the_token_was_refused_and_that_the_variable_wins(cli: Cli) -> None:
    cli.setenv(ARIES_ACCESS_TOKEN="not-a-token-the-simulator-issued")
    done = cli("quote", "AAPL")
    assert done.code == 3, done.err
    assert REFUSED in done.err and "expired and cannot" not in done.err
    assert "ARIES_ACCESS_TOKEN" in done.err
    assert "not-a-token-the-simulator-issued" not in done.err


async def test_a_token_that_cannot_be_renewed_is_used_to_its_last_second() -> None:
    """Within the margin before its expiry where a renewable token would be renewed, one that
    cannot be (no refresh token: an ``ARIES_ACCESS_TOKEN``) still works, and is used until it
    expires; then the error says when it expired."""
    async with manual_sim() as sim:
        issued = sim.issue_token_response(ttl=600)
        token = bare(Token.from_response(issued, now=sim.clock.now()))
        async with client_on(sim, token) as client:
            assert await client.accounts.list()
            sim.advance(590)  # 10 s left: inside the renewal margin
            assert await client.accounts.list()
            assert (await client.market.quote("AAPL")).symbol == "AAPL"
            sim.advance(11)
            with pytest.raises(NotSignedInError, match="expired at"):
                await client.accounts.list()
