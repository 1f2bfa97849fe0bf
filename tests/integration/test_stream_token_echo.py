"""A server that quotes the access token it was sent (the simulator's ``token_echo``): the token
reaches no status event, error or log record of the streams, and no REST error."""

from __future__ import annotations

import json
import pickle
from typing import Any

import pytest
import websockets.frames
from stream_helpers import FakeTime, Tokens, drained, make_stream, take, until

from aries_async import AriesClient, Token
from aries_async.errors import APIError, NotSignedInError
from aries_async.models.events import ServerErrorMessage, StreamConnected, StreamDisconnected
from aries_async.sim import ServerErrorFault, Simulator
from aries_async.sim.ws import WsHub
from aries_async.streaming import StreamConfig
from aries_async.testing import LogCapture, RecordingSleep, capture_logs, shows_secret

ACCOUNT = "TEST-ACCOUNT-001"
REFUSED = "a-token-the-server-refuses-and-quotes-back"


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
    # The revoked token was presented and refused (logged: the outage's one event is the drop).
    refusals = [line for line in every_record.lines if "credentials refused" in line]
    assert refusals, every_record.lines
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


@pytest.mark.parametrize("status", [500, 503])
async def test_a_server_error_quoting_the_token_keeps_it_out_of_the_error(
    sim: Simulator, every_record: LogCapture, status: int
) -> None:
    """A failing server that quotes the bearer token in its error: the APIError (message,
    body, repr, pickled copy) and the retries' log records carry no piece of it."""
    sim.faults.token_echo = True
    sim.faults.server_errors["GET /v2/users/me/accounts"] = ServerErrorFault(
        count=None, status=status
    )
    token = sim.issue_token()
    client = AriesClient(
        sim.client_config(), token=token, wall_clock=sim.clock.now, sleep=RecordingSleep()
    )
    async with client:
        with pytest.raises(APIError) as failed:
            await client.accounts.list()
    error = failed.value
    assert error.status == status and "simulated server failure" in str(error)
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own error
    texts = [str(error), repr(error), repr(vars(error)), repr(vars(copy)), *every_record.lines]
    texts.append(error.body.decode(errors="replace"))
    leaked = [text for text in texts if shows_secret(text, token.access_token)]
    assert not leaked, leaked[0][:300]


@pytest.mark.parametrize("kind", ["market", "accounts", "charts"])
async def test_a_refused_reauthentication_quoting_the_token_without_an_id_is_a_refusal(
    kind: str, sim: Simulator, hub: WsHub, fake_time: FakeTime, every_record: LogCapture
) -> None:
    """An ``error`` with no id that quotes the token of the pending re-authentication refuses
    it (its words are not the documented ones, but the token is ours): the token is replaced
    and the stream reconnects at once; nothing quoting it is delivered as data."""
    sim.faults.token_echo = True
    sim.faults.ws_auth_error_id = "none"
    tokens = Tokens(sim)
    config = StreamConfig(backoff_initial=5.0, backoff_jitter=0.0, auth_timeout=3600.0)
    extra = {"invalidate_token": tokens.invalidate}
    stream = make_stream(kind, sim, fake_time, config, tokens, account=ACCOUNT, **extra)
    status, events = stream.status(), stream.events()
    async with stream:
        assert [type(e) for e in await take(status, 1)] == [StreamConnected]
        tokens.current = REFUSED  # what the cache holds at refreshAuth
        assert hub.refresh_auth(kind) == 1
        [down, back] = await take(status, 2)
        assert isinstance(down, StreamDisconnected)
        assert (down.reason, down.retry_in) == ("re-authentication refused", 0.0)
        assert isinstance(back, StreamConnected) and back.reconnect
        assert tokens.refused == [REFUSED]
        delivered = drained(events)
    texts = [repr(item) for item in delivered] + every_record.lines
    assert not [text for text in texts if shows_secret(text, REFUSED)]


async def test_websockets_frame_log_shows_no_frame_quoting_the_token(
    sim: Simulator, hub: WsHub, every_record: LogCapture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """websockets logs every frame at DEBUG, cut to ``WEBSOCKETS_MAX_LOG_SIZE`` characters
    (75 by default; raised here as a user who wants to read whole frames raises it): the
    server's refusal quoting the token is logged by its size only, as our auth requests are."""
    monkeypatch.setattr(websockets.frames.Frame, "MAX_LOG_SIZE", 100_000)
    sim.faults.token_echo = True
    token = sim.issue_token()
    client = AriesClient(sim.client_config(), token=token, wall_clock=sim.clock.now)
    async with client, client.market_stream() as market:
        quotes = market.quotes()
        await market.subscribe(["AAPL"], channels=["quotes"])
        sim.revoke_tokens()
        hub.drop()  # the new socket presents the revoked token: refused, quoting it
        await until(lambda: market.reconnects >= 1 and market.connected)
        sim.advance(1)
        await take(quotes, 1)
    frames = [line for line in every_record.lines if line.startswith("websockets.client DEBUG <")]
    assert any("authentication failed" in line or "not shown" in line for line in frames)
    leaked = [line for line in every_record.lines if shows_secret(line, token.access_token)]
    assert not leaked, leaked[0][:300]


@pytest.mark.parametrize("kind", ["market", "accounts", "charts"])
async def test_an_error_quoting_an_older_token_is_no_refusal_of_the_reauthentication(
    kind: str, sim: Simulator, hub: WsHub, fake_time: FakeTime, every_record: LogCapture
) -> None:
    """While a re-authentication awaits its answer, an ``error`` with no id quoting the token
    of the connection's first authentication (the server answering late a request of the
    session before): it does not quote the token the re-authentication sent, nor say what
    an authentication refusal says, so it is no answer to it: the socket stays up, no token
    is told refused, and the error is delivered, the older token blanked out of it. One
    quoting the token the re-authentication sent then refuses it."""
    tokens = Tokens(sim)
    tokens.fresh_each_call = True  # the re-authentication sends a new token
    config = StreamConfig(backoff_initial=5.0, backoff_jitter=0.0, auth_timeout=3600.0)
    extra = {"invalidate_token": tokens.invalidate}
    stream = make_stream(kind, sim, fake_time, config, tokens, account=ACCOUNT, **extra)
    status, events = stream.status(), stream.events()
    async with stream:
        assert [type(e) for e in await take(status, 1)] == [StreamConnected]
        first = tokens.current
        sim.faults.ws_auth_unanswered = True  # the re-authentication stays pending
        assert hub.refresh_auth(kind) == 1
        await until(lambda: hub.auth_requests == 2)
        assert tokens.current != first
        said = f"request of session {first} is no longer served"
        payload = {"action": "error", "error": said}
        line = {"type": "event", "payload": payload}
        bad = stream.malformed
        assert hub.inject(json.dumps(line), kind) == 1
        assert hub.inject("not json", kind) == 1  # read once the error was
        await until(lambda: stream.malformed == bad + 1)
        assert hub.inject("not json", kind) == 1  # on a socket still up, or the news of its end
        await until(lambda: stream.malformed == bad + 2 or status.pending > 0)
        delivered = drained(events)
        assert drained(status) == [] and tokens.refused == [] and stream.reauths == 0
        # One quoting the token the re-authentication sent (a JWT as alike to the first as
        # two of one issuer are) is its refusal.
        sent = tokens.current
        payload["error"] = f"token {sent} refused"
        assert hub.inject(json.dumps(line), kind) == 1
        [down] = await take(status, 1)
        assert isinstance(down, StreamDisconnected)
        assert down.reason == "re-authentication refused" and tokens.refused == [sent]
    [error] = [e for e in delivered if type(e) is ServerErrorMessage]
    assert error.error.startswith("request of session [redacted]"), error.error
    texts = [repr(item) for item in delivered] + every_record.lines
    assert not [text for text in texts if shows_secret(text, first)]
