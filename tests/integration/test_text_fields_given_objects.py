"""A JSON object or list where the wire has text is a misshapen answer, on every path.

cattrs' default ``str`` hook calls ``str()``, so a ``User.email`` sent as ``{"token": "x"}``
read as ``"{'token': 'x'}"`` (found defect): the text of an object, which may hold a secret,
kept as a value and shown by the model's repr. A REST answer is now refused (the path named,
the value said by its type, never quoted), a quote too; a stream update reads the field as
None, as its other odd values. A number or a boolean still reads as its text, as it did (the
spec's UNCERTAIN fields may send an id as a number).
"""

from __future__ import annotations

import logging
import traceback
from decimal import Decimal
from typing import Any

import orjson
import pytest
from stream_helpers import FakeTime, Tokens, make_stream, take, until

from aries_async import AriesClient
from aries_async.errors import QuoteError, ResponseFormatError
from aries_async.sim import Simulator
from aries_async.sim.ws import WsHub
from aries_async.streaming import StreamConfig

FAST = StreamConfig(backoff_initial=0.0, backoff_jitter=0.0)
USER = "GET /v1/users/me"
QUOTES = "GET /v1/chart/quotes"
SECRET = "sk-live-4f9a2c7e1b8d3a6f5e0c9b2a7d4e1f8c"


def _printed(exc: BaseException) -> str:
    """The exception as a traceback prints it: its message and every chained cause."""
    return "".join(traceback.format_exception(exc))


@pytest.mark.parametrize(
    ("value", "kind"), [({"token": SECRET}, "dict"), ([SECRET], "list"), ({}, "dict")]
)
async def test_a_text_field_given_an_object_is_refused_naming_its_path_and_type(
    sim: Simulator, aries: AriesClient, caplog: pytest.LogCaptureFixture, value: Any, kind: str
) -> None:
    sim.faults.answer_body[USER] = orjson.dumps({"id": 7, "email": value, "country": "US"})
    caplog.set_level(logging.DEBUG, logger="aries_async")
    with pytest.raises(ResponseFormatError) as raised:
        await aries.users.me()
    message = str(raised.value)
    assert "$.email" in message and kind in message, message
    assert SECRET not in _printed(raised.value)
    assert all(SECRET not in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize("value", [{"token": SECRET}, [SECRET]])
async def test_a_text_in_a_list_or_a_nested_model_given_an_object_is_refused(
    sim: Simulator, aries: AriesClient, value: Any
) -> None:
    application = {"id": 1, "status": "CREATED", "missing_fields": ["ssn", value]}
    sim.faults.answer_body[USER] = orjson.dumps({"id": 7, "account_application": application})
    with pytest.raises(ResponseFormatError) as raised:
        await aries.users.me()
    assert "$.account_application.missing_fields[1]" in str(raised.value), str(raised.value)
    assert SECRET not in _printed(raised.value)


@pytest.mark.parametrize(("value", "text"), [(12, "12"), (1.5, "1.5"), (True, "True")])
async def test_a_number_or_a_boolean_for_a_text_field_still_reads_as_its_text(
    sim: Simulator, aries: AriesClient, value: Any, text: str
) -> None:
    sim.faults.answer_body[USER] = orjson.dumps({"id": 7, "email": value})
    user = await aries.users.me()
    assert user.email == text


def _quotes_body(item: dict[str, Any]) -> bytes:
    return orjson.dumps({"s": "ok", "d": [item]})


@pytest.mark.parametrize("field", ["short_name", "description", "exchange"])
async def test_a_quote_text_given_an_object_is_refused_naming_it(
    sim: Simulator, aries: AriesClient, field: str
) -> None:
    values = {"lp": 190.5, "short_name": "AAPL", field: {"token": SECRET}}
    sim.faults.answer_body[QUOTES] = _quotes_body({"n": "AAPL", "s": "ok", "v": values})
    with pytest.raises(ResponseFormatError) as raised:
        await aries.market.quote("AAPL")
    assert field in str(raised.value) and "dict" in str(raised.value), str(raised.value)
    assert SECRET not in _printed(raised.value)


async def test_a_quote_item_whose_symbol_is_an_object_is_refused(
    sim: Simulator, aries: AriesClient
) -> None:
    item = {"n": {"token": SECRET}, "s": "ok", "v": {"lp": 190.5}}
    sim.faults.answer_body[QUOTES] = _quotes_body(item)
    with pytest.raises(ResponseFormatError) as raised:
        await aries.market.quotes(["AAPL"])
    assert "dict" in str(raised.value), str(raised.value)
    assert SECRET not in _printed(raised.value)


async def test_an_error_item_whose_message_is_an_object_keeps_it_unsaid(
    sim: Simulator, aries: AriesClient
) -> None:
    item = {"n": "AAPL", "s": "error", "v": {"errmsg": {"token": SECRET}}}
    sim.faults.answer_body[QUOTES] = _quotes_body(item)
    with pytest.raises(QuoteError) as raised:
        await aries.market.quote("AAPL")
    assert raised.value.symbol == "AAPL"
    assert raised.value.reason is not None and SECRET not in raised.value.reason
    assert SECRET not in _printed(raised.value)


async def test_a_stream_text_field_given_an_object_reads_as_none(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    def quote_line(bid: float, exchange: Any) -> str:
        data = {"bidPrice": bid, "bidExchange": exchange}
        payload = {"action": "update", "type": "quote", "symbol": "AAPL", "data": data}
        return orjson.dumps({"type": "event", "payload": payload}).decode()

    async with make_stream("market", sim, fake_time, FAST, Tokens(sim)) as stream:
        await stream.subscribe("AAPL", channels=["quotes"])
        await until(lambda: "AAPL" in stream.acknowledged)
        quotes = stream.quotes()
        for bid, exchange in [(1.25, {"token": SECRET}), (1.5, [SECRET]), (1.75, 12), (2.0, "Q")]:
            assert hub.inject(quote_line(bid, exchange), "market") == 1
        got = await take(quotes, 4)
    assert [q.bid_price for q in got] == [Decimal(x) for x in ("1.25", "1.5", "1.75", "2.0")]
    assert [q.bid_exchange for q in got] == [None, None, "12", "Q"]
    assert all(SECRET not in repr(q) for q in got)
