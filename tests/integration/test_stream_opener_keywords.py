"""A client's stream openers (``market_stream``, ``chart_stream``, ``account_stream``) check
their keywords when called, as a Python function does: a misspelled one is a TypeError there,
naming the client's method and the keyword, not one that an internal class raises at
``async with``. What the client gives the stream itself (its token callbacks) is not a
keyword of the opener."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from aries_async import AriesClient
from aries_async.sim import Simulator
from aries_async.streaming import AccountStream, ChartStream, MarketStream, StreamConfig
from aries_async.streaming.base import StreamOptions

ACCOUNT = "TEST-ACCOUNT-001"
METHODS = {"market": "market_stream", "charts": "chart_stream", "account": "account_stream"}
CLASSES: dict[str, type[Any]] = {
    "market": MarketStream,
    "charts": ChartStream,
    "account": AccountStream,
}
FROM_THE_CLIENT = {"invalidate_token", "renew_token"}
"""Keywords of every stream that the client passes (its auth session's)."""


def _opener(client: AriesClient, kind: str, **options: Any) -> Any:
    if kind == "account":
        return client.account_stream(ACCOUNT, **options)
    return getattr(client, METHODS[kind])(**options)


def _stream_keywords(kind: str) -> set[str]:
    """Every keyword the stream class takes: its options and its own keyword-only ones."""
    own = inspect.signature(CLASSES[kind]).parameters.values()
    return set(StreamOptions.__annotations__) | {
        p.name for p in own if p.kind is inspect.Parameter.KEYWORD_ONLY
    }


@pytest.mark.parametrize("keyword", ["confg", "invalidate_token"])
@pytest.mark.parametrize("kind", list(METHODS))
async def test_an_unknown_keyword_is_refused_when_the_opener_is_called(
    sim: Simulator, kind: str, keyword: str
) -> None:
    async with AriesClient(sim.client_config(), token=sim.issue_token()) as client:
        with pytest.raises(TypeError) as caught:
            _opener(client, kind, **{keyword: StreamConfig()})
    message = str(caught.value)
    said = f"AriesClient.{METHODS[kind]}() got an unexpected keyword argument {keyword!r}"
    assert message.startswith(said), message
    taken = sorted(_stream_keywords(kind) - FROM_THE_CLIENT)
    assert message.endswith(f" (it takes {', '.join(taken)})"), message


@pytest.mark.parametrize("kind", list(METHODS))
async def test_every_keyword_its_stream_takes_is_taken_by_the_opener(
    sim: Simulator, kind: str
) -> None:
    names = _stream_keywords(kind) - FROM_THE_CLIENT
    assert "config" in names and "monotonic" in names
    async with AriesClient(sim.client_config(), token=sim.issue_token()) as client:
        _opener(client, kind, **dict.fromkeys(names))  # checked, not entered


@pytest.mark.parametrize("kind", list(METHODS))
async def test_a_stream_opened_with_a_keyword_uses_it(sim: Simulator, kind: str) -> None:
    config = StreamConfig(market_buffer=7)
    async with (
        AriesClient(sim.client_config(), token=sim.issue_token()) as client,
        _opener(client, kind, config=config) as stream,
    ):
        assert stream.config is config
