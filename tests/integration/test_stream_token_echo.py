"""A server that quotes the access token it refuses (the simulator's ``token_echo``): the token
reaches no status event, error or log record of the streams, and no REST error."""

from __future__ import annotations

from typing import Any

import pytest
from stream_helpers import take, until

from aries_async import AriesClient, Token
from aries_async.errors import NotSignedInError
from aries_async.sim import Simulator
from aries_async.sim.ws import WsHub
from aries_async.testing import LogCapture, capture_logs, shows_secret

ACCOUNT = "TEST-ACCOUNT-001"


@pytest.fixture
def every_record() -> Any:
    with capture_logs() as capture:
        yield capture


def _drain(consumer: Any) -> list[Any]:
    events = []
    while (event := consumer.get_nowait()) is not None:
        events.append(event)
    return events


async def test_a_refusal_quoting_the_token_keeps_it_out_of_events_and_logs(
    sim: Simulator, hub: WsHub, every_record: LogCapture
) -> None:
    sim.faults.token_echo = True
    token = sim.issue_token()
    client = AriesClient(sim.client_config(), token=token, wall_clock=sim.clock.now)
    async with client, client.market_stream() as market, client.account_stream(ACCOUNT) as account:
        statuses = [market.status(), account.status()]
        quotes = market.quotes()
        await market.subscribe(["AAPL"], channels=["quotes"])
        await until(lambda: account.snapshot is not None)
        sim.revoke_tokens()
        hub.drop()  # the new sockets present the revoked token: refused, quoting it
        await until(lambda: market.reconnects >= 1 and account.reconnects >= 1)
        sim.advance(1)
        await take(quotes, 1)
        events = [event for status in statuses for event in _drain(status)]
        shown = [repr(market), repr(account)]
    refusals = [e for e in events if "credentials refused" in str(getattr(e, "reason", ""))]
    assert refusals, events  # the revoked token was presented and refused
    shown += [repr(event) for event in events] + every_record.lines
    leaked = [text for text in shown if shows_secret(text, token.access_token)]
    assert not leaked, leaked[0][:300]


async def test_a_rest_refusal_quoting_the_token_keeps_it_out_of_the_error(
    sim: Simulator, every_record: LogCapture
) -> None:
    """Checked clean: the client says the token was refused in its own words."""
    sim.faults.token_echo = True
    bare = Token(access_token=sim.issue_token().access_token)  # cannot be renewed
    async with AriesClient(sim.client_config(), token=bare, wall_clock=sim.clock.now) as client:
        sim.revoke_tokens()
        with pytest.raises(NotSignedInError) as refused:
            await client.accounts.list()
    texts, error = [*every_record.lines], refused.value
    cause: BaseException | None = error
    while cause is not None:
        texts += [str(cause), repr(cause), repr(vars(cause))]
        cause = cause.__cause__ or cause.__context__
    assert not [text for text in texts if shows_secret(text, bare.access_token)]
