"""The public API's types, as a user's type checker sees them: the ``_typed_*`` functions are
never run, only checked by the suite's ``mypy --strict`` (``typing.assert_type`` and a
``type: ignore`` that would be reported as unused if the call type-checked); the tests beside
them check at run time what those types promise."""

from __future__ import annotations

import inspect
import typing
from datetime import datetime
from typing import Any, assert_type

import attrs

from aries_async import AriesClient, ClientConfig, Endpoints, OrderRequest, login
from aries_async.client_options import ClientOptions, ConfigOptions, ConfigOverrides
from aries_async.errors import OrderOutcomeUnknownError
from aries_async.models.events import AccountEvent, ChartEvent, MarketEvent
from aries_async.sim import Simulator
from aries_async.stream_opener import OpenerOptions
from aries_async.streaming import AccountStream, ChartStream, Consumer, MarketStream
from aries_async.streaming.base import STATUS_TYPES, StreamOptions


async def _typed_stream_events(
    market: MarketStream, charts: ChartStream, account: AccountStream
) -> None:
    assert_type(market.events(), Consumer[MarketEvent])
    assert_type(market.events("AAPL"), Consumer[MarketEvent])
    assert_type(charts.events(), Consumer[ChartEvent])
    assert_type(account.events(), Consumer[AccountEvent])
    async for event in market.events():
        assert_type(event, MarketEvent)


async def _typed_unknown_outcome(client: AriesClient, request: OrderRequest) -> None:
    """The README's and the error's own idiom: what a lost placement carries is what
    ``find_placed`` takes, with nothing to narrow."""
    try:
        await client.orders.place(request)
    except OrderOutcomeUnknownError as error:
        assert_type(error.request, OrderRequest)
        assert_type(error.started_at, datetime)
        await client.orders.find_placed(error.request, since=error.started_at)


def _count(data: Any) -> int:
    return len(data)


async def _typed_request(client: AriesClient) -> None:
    assert_type(await client.request("GET", "/v1/x"), Any)
    assert_type(await client.request("GET", "/v1/x", parse=None), Any)
    assert_type(await client.request("GET", "/v1/x", parse=_count), int)


def _typed_keywords(client: AriesClient) -> None:
    """A keyword an opener does not take, or a value of the wrong type, is a type error (as
    it is a ``TypeError`` when called)."""
    client.market_stream(buffer=10)  # type: ignore[call-arg]
    client.chart_stream(config=ClientConfig())  # type: ignore[arg-type]
    client.account_stream("ACC1", reconcile_attempts="3")  # type: ignore[arg-type]
    client.account_stream("ACC1", token_store=None)  # type: ignore[call-arg]
    AriesClient.from_env(tokn=None)  # type: ignore[call-arg]
    AriesClient.from_env(rate_budget=20)  # type: ignore[arg-type]
    ClientConfig.from_env(rate_limt=20)  # type: ignore[call-arg]
    ClientConfig.from_env(timeout="30")  # type: ignore[arg-type]
    ClientConfig.for_base_url("http://127.0.0.1", endpoints=Endpoints())  # type: ignore[call-arg]
    ClientConfig.for_base_url("http://127.0.0.1", pool_size=None)  # type: ignore[arg-type]


async def _typed_login(client: AriesClient) -> None:
    """``login`` takes scopes as ``authorization_url`` does, which it hands them to."""
    await login(client, scopes=["trading", "analytics"], open_url=None)
    await login(client, scopes="trading analytics", open_url=None)
    client.oauth.authorization_url(scopes=["trading"])


def _typed_simulator(sim: Simulator) -> None:
    sim.client_config(timeout="30")  # type: ignore[arg-type]
    sim.client_config(time_out=30)  # type: ignore[call-arg]


def test_every_status_event_is_in_each_stream_event_union() -> None:
    """``events()`` delivers the connection's status events, the re-authentication included,
    so a ``match`` over the union it is typed with reaches each of them."""
    for union in (MarketEvent, ChartEvent, AccountEvent):
        assert set(STATUS_TYPES) <= set(typing.get_args(union))


def test_from_env_takes_the_keywords_of_the_client_but_config() -> None:
    """``ClientOptions`` types ``from_env``'s keywords: it names each keyword of the client."""
    keywords = inspect.signature(AriesClient.__init__).parameters
    taken = {name for name, p in keywords.items() if p.kind is p.KEYWORD_ONLY}
    assert set(ClientOptions.__optional_keys__) == taken


def test_the_openers_take_the_keywords_of_the_streams_but_the_token_callbacks() -> None:
    """``OpenerOptions`` repeats ``StreamOptions`` (the opener may not load the streaming code
    to read it): the two stay the same but for what the client passes itself."""
    client_passes = {"invalidate_token", "renew_token"}
    assert OpenerOptions.__optional_keys__ == StreamOptions.__optional_keys__ - client_passes
    assert _texts(OpenerOptions) == {
        name: text for name, text in _texts(StreamOptions).items() if name not in client_passes
    }


def _texts(options: Any) -> dict[str, str]:
    """Each key's annotation as written (the modules postpone their annotations)."""
    return {name: ref.__forward_arg__ for name, ref in options.__annotations__.items()}


def test_the_settings_keywords_are_the_fields_of_the_settings() -> None:
    """``ConfigOverrides`` types ``ClientConfig.from_env``'s keywords, ``ConfigOptions`` those
    of ``for_base_url`` (which sets ``endpoints`` itself): each names a field of the class."""
    fields = {field.name for field in attrs.fields(ClientConfig)}
    assert set(ConfigOverrides.__optional_keys__) == fields
    assert set(ConfigOptions.__optional_keys__) == fields - {"endpoints"}
