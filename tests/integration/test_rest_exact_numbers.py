"""A REST answer's JSON numbers come out of the client with every digit they were sent with.

A float holds 15 to 17 significant digits: a number with more, decoded as a float, comes out
of the client as another number (``123456789012345678.25`` as ``123456789012345680``), and a
whole number beyond 64 bits as a float too. Money must be exact. The simulator answers a body
written here (``Faults.answer_body``) with such numbers where the models want a ``Decimal`` or
an ``int``; numbers a float holds read as they always have.
"""

from __future__ import annotations

from decimal import Decimal

import orjson
import pytest

from aries_async import AriesClient
from aries_async.errors import ResponseFormatError
from aries_async.sim import Simulator

ACCOUNT = "TEST-ACCOUNT-001"
BALANCE = f"GET /v2/accounts/{ACCOUNT}/balance"
QUOTES = "GET /v1/chart/quotes"

LONG = {
    "past a float's integer digits": "123456789012345678.25",
    "past a float's fraction digits": "0.1234567890123456789",
    "negative, 20 significant digits": "-98765432109876.543210",
}
"""Amounts no float holds, as the wire writes them."""


def _with_numbers(answer: dict[str, object], numbers: dict[str, str]) -> bytes:
    """``answer`` as JSON with the fields of ``numbers`` as bare JSON numbers of those digits
    (orjson would write a float's)."""
    marked = {**answer, **{key: f"@{key}@" for key in numbers}}
    body = orjson.dumps(marked)
    for key, digits in numbers.items():
        body = body.replace(f'"@{key}@"'.encode(), digits.encode())
    return body


@pytest.mark.parametrize("digits", sorted(LONG.values()))
async def test_a_balance_amount_sent_as_a_long_number_keeps_every_digit(
    sim: Simulator, aries: AriesClient, digits: str
) -> None:
    raw = await aries.request("GET", BALANCE.split(" ", 1)[1])
    body = _with_numbers(raw, {"cashBalance": digits, "balance": "1234.5"})
    sim.faults.answer_body[BALANCE] = body
    assert digits.encode() in body  # sent as a number, not a string
    balance = await aries.accounts.balance(ACCOUNT)
    assert balance.cash_balance == Decimal(digits)
    assert str(balance.cash_balance) == digits  # the digits as sent
    assert balance.balance == Decimal("1234.5")  # a number a float holds, as before


async def test_a_whole_number_beyond_64_bits_is_that_number(
    sim: Simulator, aries: AriesClient
) -> None:
    raw = await aries.request("GET", BALANCE.split(" ", 1)[1])
    big = "123456789012345678901"
    sim.faults.answer_body[BALANCE] = _with_numbers(
        raw, {"pendingOrdersCount": big, "cashBalance": big}
    )
    balance = await aries.accounts.balance(ACCOUNT)
    assert balance.pending_orders_count == int(big)
    assert balance.cash_balance == Decimal(big)


async def test_a_whole_number_field_sent_a_long_fraction_is_refused(
    sim: Simulator, aries: AriesClient
) -> None:
    """``int()`` of the exact number would cut its fraction without a word, as of a float."""
    raw = await aries.request("GET", BALANCE.split(" ", 1)[1])
    sim.faults.answer_body[BALANCE] = _with_numbers(
        raw, {"pendingOrdersCount": "3.0000000000000000001"}
    )
    with pytest.raises(ResponseFormatError) as refused:
        await aries.accounts.balance(ACCOUNT)
    (why,) = refused.value.__cause__.exceptions  # type: ignore[union-attr]
    assert str(why) == "expected a whole number, got 3.0000000000000000001"


@pytest.mark.parametrize("digits", sorted(LONG.values()))
async def test_a_quote_price_sent_as_a_long_number_keeps_every_digit(
    sim: Simulator, aries: AriesClient, digits: str
) -> None:
    raw = await aries.request("GET", "/v1/chart/quotes", params={"symbols": "AAPL"})
    (item,) = raw["d"]
    item["v"]["lp"] = "@lp@"
    item["v"]["bid"] = "@bid@"
    body = orjson.dumps(raw).replace(b'"@lp@"', digits.encode()).replace(b'"@bid@"', b"228.5")
    sim.faults.answer_body[QUOTES] = body
    quote = await aries.market.quote("AAPL")
    assert quote.last_price == Decimal(digits)
    assert str(quote.last_price) == digits
    assert quote.bid_price == Decimal("228.5")
    assert quote.ask_price == Decimal(str(item["v"]["ask"]))  # untouched: the float's digits


async def test_a_bare_request_reads_numbers_one_way_whatever_the_body(
    sim: Simulator, aries: AriesClient
) -> None:
    """``client.request()`` gives JSON's plain values (a ``float`` for a number with a
    fraction) for every body, a long number in it or not: code that reads its numbers must
    not meet a ``float`` from one body and a ``Decimal`` from the next (``price * 1.01``,
    ``json.dumps``). ``exact=True`` asks for the digits, as the typed methods do."""
    path = BALANCE.split(" ", 1)[1]
    raw = await aries.request("GET", path)
    sim.faults.answer_body[BALANCE] = _with_numbers(
        raw, {"cashBalance": LONG["past a float's fraction digits"], "balance": "1234.5"}
    )
    plain = await aries.request("GET", path)
    assert type(plain["balance"]) is float and type(plain["cashBalance"]) is float
    exact = await aries.request("GET", path, exact=True)
    assert exact["cashBalance"] == Decimal(LONG["past a float's fraction digits"])
    assert exact["balance"] == Decimal("1234.5")
