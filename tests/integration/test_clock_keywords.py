"""One name for each clock: ``wall_clock`` (Unix seconds) and ``monotonic`` everywhere. The
old keyword ``clock`` (the client's wall clock, a stream's monotonic one) still works for one
release, meaning what it meant, with a DeprecationWarning on the caller's line.

The simulator runs on a ManualClock months away from the machine's, and the streams on
:class:`FakeTime`: a time the SDK stamps shows which clock it read.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from stream_helpers import FakeTime, Tokens, take

from aries_async import AriesClient, ClientConfig
from aries_async.auth import AuthSession, MemoryTokenStore, OAuth, Token
from aries_async.http import Transport
from aries_async.models.events import StreamConnected, StreamReauthenticated
from aries_async.sim import Simulator
from aries_async.sim.ws import WsHub
from aries_async.streaming import AccountStream, ChartStream, MarketStream

ACCOUNT = "TEST-ACCOUNT-001"
KINDS = ("market", "charts", "account")


def _deprecated(call: str, new: str) -> str:
    old = f"{call}(clock=...)"
    return f"{old} is deprecated and will be removed in the next release; use {call}({new}=...)"


def _stream(kind: str, sim: Simulator, **options: Any) -> Any:
    tokens = Tokens(sim)
    if kind == "market":
        return MarketStream(sim.market_ws_url, tokens, **options)
    if kind == "charts":
        return ChartStream(sim.charts_ws_url, tokens, **options)
    return AccountStream(sim.accounts_ws_url, tokens, ACCOUNT, **options)


def _opener(client: AriesClient, kind: str, **options: Any) -> Any:
    if kind == "market":
        return client.market_stream(**options)
    if kind == "charts":
        return client.chart_stream(**options)
    return client.account_stream(ACCOUNT, **options)


# -- the client: ``clock`` was its wall clock ------------------------------------------------


@pytest.mark.parametrize("keyword", ["wall_clock", "clock"])
async def test_the_clients_wall_clock_stamps_its_quotes(sim: Simulator, keyword: str) -> None:
    assert abs(sim.clock.now() - datetime.now(UTC).timestamp()) > 86_400
    options: dict[str, Any] = {"token": sim.issue_token(), keyword: sim.clock.now}
    if keyword == "clock":
        with pytest.warns(DeprecationWarning, match=r"\(clock=") as caught:
            client = AriesClient(sim.client_config(), **options)
        assert [str(w.message) for w in caught] == [_deprecated("AriesClient", "wall_clock")]
        assert caught[0].filename == __file__
    else:
        client = AriesClient(sim.client_config(), **options)
    async with client:
        quote = await client.market.quote("AAPL")
    assert quote.received_at == datetime.fromtimestamp(sim.clock.now(), UTC)


def test_the_clients_old_clock_from_env_warns_on_the_callers_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ARIES_ACCESS_TOKEN", "t" * 40)
    old: dict[str, Any] = {"clock": lambda: 5.0}  # a keyword only the untyped path takes
    with pytest.warns(DeprecationWarning, match=r"AriesClient\(clock=") as caught:
        AriesClient.from_env(**old)
    assert caught[0].filename == __file__  # past from_env, a frame of ours


# -- the streams: ``clock`` was their monotonic clock -----------------------------------------


@pytest.mark.parametrize("keyword", ["monotonic", "clock"])
@pytest.mark.parametrize("kind", KINDS)
async def test_a_streams_monotonic_clock_stamps_at_and_its_wall_clock_timestamp(
    sim: Simulator, fake_time: FakeTime, kind: str, keyword: str
) -> None:
    fake_time.now = 4321.5  # no monotonic clock of the machine reads exactly this
    options: dict[str, Any] = {
        "sleep": fake_time.sleep,
        keyword: fake_time.clock,
        "wall_clock": sim.clock.now,
    }
    if keyword == "clock":
        with pytest.warns(DeprecationWarning, match=r"\(clock=") as caught:
            stream = _stream(kind, sim, **options)
        name = type(stream).__name__
        assert [str(w.message) for w in caught] == [_deprecated(name, "monotonic")]
        assert caught[0].filename == __file__  # not the base class's, three frames down
    else:
        stream = _stream(kind, sim, **options)
    status = stream.status()
    async with stream:
        (up,) = await take(status, 1)
    assert isinstance(up, StreamConnected)
    assert up.at == 4321.5
    assert up.timestamp == datetime.fromtimestamp(sim.clock.now(), UTC)


@pytest.mark.parametrize("kind", KINDS)
async def test_a_clients_stream_takes_the_old_clock_as_monotonic_when_called(
    sim: Simulator, hub: WsHub, fake_time: FakeTime, kind: str
) -> None:
    fake_time.now = 4321.5
    client = AriesClient(sim.client_config(), token=sim.issue_token(), wall_clock=sim.clock.now)
    async with client:
        with pytest.warns(DeprecationWarning, match=r"\(clock=") as caught:
            opener = _opener(client, kind, sleep=fake_time.sleep, clock=fake_time.clock)
        method = f"AriesClient.{'chart' if kind == 'charts' else kind}_stream"
        assert [str(w.message) for w in caught] == [_deprecated(method, "monotonic")]
        assert caught[0].filename == __file__  # the call's line, not the later ``async with``
        async with opener as stream:
            status = stream.status()
            assert hub.refresh_auth() == 1
            (said,) = await take(status, 1)
    assert isinstance(said, StreamReauthenticated)
    assert said.at == 4321.5
    assert said.timestamp == datetime.fromtimestamp(sim.clock.now(), UTC)


# -- what the SDK's auth reads on the wall clock -------------------------------------------------


def _build(keyword: str, owner: str, build: Callable[[], Any]) -> Any:
    """``build()``; with the old keyword, check that it warns once, on ``build``'s line."""
    if keyword == "wall_clock":
        return build()
    with pytest.warns(DeprecationWarning, match=r"\(clock=") as caught:
        built = build()
    assert [str(w.message) for w in caught] == [_deprecated(owner, "wall_clock")]
    assert caught[0].filename == __file__
    return built


@pytest.mark.parametrize("keyword", ["wall_clock", "clock"])
async def test_the_auth_sessions_wall_clock_decides_a_tokens_expiry(keyword: str) -> None:
    token = Token(access_token="t" * 40, expires_at=1000.0)  # long expired by time.time()
    store = MemoryTokenStore()
    oauth: Any = None  # not reached: the token in memory is usable
    options: dict[str, Any] = {keyword: lambda: 900.0}
    session = _build(
        keyword, "AuthSession", lambda: AuthSession(oauth, store, refresh_skew=60.0, **options)
    )
    await session.set_token(token)
    assert session.cached() is token  # 100 s left at 900, more than the skew


@pytest.mark.parametrize("keyword", ["wall_clock", "clock"])
async def test_oauth_stamps_a_grants_expiry_on_the_wall_clock(sim: Simulator, keyword: str) -> None:
    config = sim.client_config()
    transport = Transport(config)
    options: dict[str, Any] = {keyword: sim.clock.now}
    try:
        oauth = _build(
            keyword, "OAuth", lambda: OAuth(config, transport, MemoryTokenStore(), **options)
        )
        token = await oauth.client_credentials()
    finally:
        await transport.close()
    assert token.expires_at == sim.clock.now() + 3600.0  # the simulator's token_ttl


@pytest.mark.parametrize("keyword", ["wall_clock", "clock"])
def test_the_transport_takes_its_wall_clock_under_either_name(keyword: str) -> None:
    options: dict[str, Any] = {keyword: lambda: 5.0}
    _build(keyword, "Transport", lambda: Transport(ClientConfig(), **options))


# -- both names, and what help() shows ---------------------------------------------------------

BOTH: list[tuple[str, Callable[..., object]]] = [
    ("AriesClient", lambda **kw: AriesClient(ClientConfig(), **kw)),
    ("AuthSession", lambda **kw: AuthSession(None, MemoryTokenStore(), **kw)),  # type: ignore[arg-type]
    ("Transport", lambda **kw: Transport(ClientConfig(), **kw)),
    ("MarketStream", lambda **kw: MarketStream("ws://127.0.0.1:9/", _token, **kw)),
    ("ChartStream", lambda **kw: ChartStream("ws://127.0.0.1:9/", _token, **kw)),
    ("AccountStream", lambda **kw: AccountStream("ws://127.0.0.1:9/", _token, "A", **kw)),
]


async def _token() -> str:
    return "t" * 40


@pytest.mark.parametrize(("owner", "build"), BOTH, ids=[owner for owner, _ in BOTH])
def test_the_old_and_the_new_name_together_are_a_type_error(
    owner: str, build: Callable[..., object]
) -> None:
    new = "monotonic" if owner.endswith("Stream") else "wall_clock"
    with pytest.raises(
        TypeError, match=rf"^{owner}\(\) got both 'clock' and its new name '{new}'$"
    ):
        build(clock=lambda: 1.0, **{new: lambda: 1.0})


async def test_a_clients_stream_refuses_both_names_when_called(sim: Simulator) -> None:
    async with AriesClient(sim.client_config(), token=sim.issue_token()) as client:
        for kind in KINDS:
            with pytest.raises(TypeError, match="got both 'clock' and its new name 'monotonic'"):
                _opener(client, kind, clock=lambda: 1.0, monotonic=lambda: 1.0)


@pytest.mark.parametrize("public", [AriesClient, AuthSession, OAuth, Transport])
def test_help_shows_the_new_name_only(public: Callable[..., object]) -> None:
    parameters = inspect.signature(public).parameters
    assert "wall_clock" in parameters
    assert "clock" not in parameters


def test_stream_options_name_the_monotonic_clock() -> None:
    from aries_async.streaming.base import StreamOptions

    assert {"monotonic", "wall_clock"} <= StreamOptions.__annotations__.keys()
    assert "clock" not in StreamOptions.__annotations__
