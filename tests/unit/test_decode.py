"""Bodies decode to what orjson gives, but for numbers a float may not hold (a run of more
than 15 digits), read exactly as ``Decimal``; large bodies decoded a slice at a time, or in
pieces, give exactly what a small body's decoding (``decode.loads``) gives."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import orjson
import pytest

from aries_async.errors import ResponseFormatError
from aries_async.http import decode
from aries_async.http.decode import SLICED_BYTES, decode_body, loads_in_slices

JSON = {"Content-Type": "application/json"}


def _document(seed: int, items: int) -> Any:
    rand = random.Random(seed)
    row = {
        "price": 187.25,
        "tiny": 1e-7,
        "huge": 1.5e300,
        "qty": 10,
        "neg": -(2**62),
        "max": 2**63 - 1,
        "text": 'é "quoted" \\ \n\t ☃ 𝄞',
        "none": None,
        "flags": [True, False],
        "nested": {"a": [], "b": {}, "c": [[1, 2.5], {"d": "e"}]},
    }
    return {
        "s": "ok",
        "rows": [dict(row, i=i, r=rand.random()) for i in range(items)],
        "t": [rand.randrange(10**10) for _ in range(items)],
    }


def test_a_number_a_float_does_not_hold_is_read_exactly() -> None:
    body = b'{"a": 123456789012345678.25, "b": 0.5, "c": 123456789012345678901, "d": [7, 1e3]}'
    read = decode.loads(body)
    assert read == {
        "a": Decimal("123456789012345678.25"),
        "b": Decimal("0.5"),  # every number with a fraction, in such a body
        "c": 123456789012345678901,
        "d": [7, Decimal("1E+3")],
    }
    assert [type(read[k]) for k in "abc"] == [Decimal, Decimal, int]
    assert orjson.loads(body)["a"] != read["a"]  # what a float made of it
    assert decode.loads(b'[-0.1234567890123456789, "x"]') == [
        Decimal("-0.1234567890123456789"),
        "x",
    ]


@pytest.mark.parametrize(
    "body",
    [
        b'{"lp": 228.14, "chp": -0.62, "v": 1250000, "t": 1701450000123, "id": "X-1"}',
        b'[123456789012345, 0.1234567890123, 1.5e300, "123456789012345"]',  # runs of 15
        b"[]",
    ],
)
def test_a_body_whose_numbers_a_float_holds_is_what_orjson_gives(body: bytes) -> None:
    read = decode.loads(body)
    assert read == orjson.loads(body)
    assert repr(read) == repr(orjson.loads(body))  # floats, not Decimals


@pytest.mark.parametrize("body", [b'{"a": 1.2345678901234567890', b"[12345678901234567890,]"])
def test_a_long_number_in_what_is_not_json_is_refused(body: bytes) -> None:
    with pytest.raises(ResponseFormatError, match="not JSON"):
        decode_body(body, JSON, "GET", "/x", None)


@pytest.mark.parametrize("items", [0, 1, 3_000])  # 3,000 rows span many slices
def test_slices_decode_to_what_a_small_body_decodes_to(items: int) -> None:
    body = orjson.dumps(_document(items, items))
    assert loads_in_slices(body) == decode.loads(body)
    assert loads_in_slices(b"  [1, 2.0, -3]  \n") == [1, 2.0, -3]
    assert [type(v) for v in loads_in_slices(b"[1, 2.0]")] == [int, float]
    exact = loads_in_slices(b" " * (1 << 17) + b"[1, 2.0, 0.1234567890123456789]")
    assert exact == [1, Decimal("2.0"), Decimal("0.1234567890123456789")]


def test_what_the_incremental_parser_refuses_orjson_decides() -> None:
    assert loads_in_slices(b"[-9223372036854775808, 1]") == [-(2**63), 1]


def test_a_body_split_inside_a_token_still_decodes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(decode, "_SLICE", 7)  # slices end inside strings, numbers and escapes
    body = orjson.dumps(_document(1, 40))
    assert loads_in_slices(body) == decode.loads(body)


@pytest.mark.parametrize("body", [b'{"a": [1, 2', b"[1] [2]", b"[NaN]", b"{'a': 1}", b"", b"[1,]"])
def test_what_is_not_one_json_document_is_refused(body: bytes) -> None:
    with pytest.raises(orjson.JSONDecodeError):
        loads_in_slices(body)


def test_decode_body_takes_the_sliced_path_for_large_bodies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sliced: list[int] = []

    def spy(body: bytes, **options: Any) -> Any:
        sliced.append(len(body))
        return loads_in_slices(body, **options)

    monkeypatch.setattr(decode, "loads_in_slices", spy)
    small = orjson.dumps(_document(2, 10))
    large = orjson.dumps(_document(3, 5_000))
    assert len(small) < SLICED_BYTES <= len(large)
    assert decode_body(small, JSON, "GET", "/x", None) == decode.loads(small, exact=False)
    assert decode_body(small, JSON, "GET", "/x", None, exact=True) == decode.loads(small)
    assert decode_body(large, JSON, "GET", "/x", len) == 3  # parse gets the decoded document
    assert sliced == [len(large)]
    with pytest.raises(ResponseFormatError, match="not JSON"):
        decode_body(large[:-1], JSON, "GET", "/x", None)


def _orders(items: int, text: str = "") -> Any:
    """An order page: objects that begin with one key, some with legs that are objects too."""
    legs = [{"symbol": "AAPL", "side": "BUY"}, {"symbol": "AAPL", "side": "SELL"}]
    return {
        "orders": [
            {"clOrdId": f"X{i}", "qty": "1.5", "text": text, "legs": legs if i % 3 else []}
            for i in range(items)
        ],
        "nextCursor": 7,
    }


@pytest.mark.parametrize("text", ["", "},{", "[{}],{", "}]},{", "é ☃ 𝄞"])
def test_a_long_list_of_objects_decodes_in_pieces_to_what_orjson_decodes(
    monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    monkeypatch.setattr(decode, "_PIECE", 200)  # many cuts; texts that look like a cut
    body = orjson.dumps(_orders(300, text))
    assert decode.loads_in_pieces(body) == orjson.loads(body)
    bare = orjson.dumps(_orders(300, text)["orders"])
    assert decode.loads_in_pieces(bare) == orjson.loads(bare)


def test_a_body_the_pieces_cannot_read_is_left_to_the_caller(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(decode, "_PIECE", 200)
    body = orjson.dumps(_orders(300))
    assert decode.loads_in_pieces(body.replace(b'"qty"', b'"q\\ty"')) is None  # a backslash
    assert decode.loads_in_pieces(orjson.dumps(_document(1, 300))) is None
    assert decode.loads_in_pieces(orjson.dumps({"t": list(range(3000))})) is None  # no objects
    broken = body[:5000] + b"}" + body[5000:]
    assert decode.loads_in_pieces(broken) is None
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(broken)


def test_decode_body_reads_a_large_list_of_objects_in_pieces_not_slices(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(body: bytes) -> Any:
        raise AssertionError("ijson's slices are for the other bodies")

    monkeypatch.setattr(decode, "loads_in_slices", refuse)
    large = orjson.dumps(_orders(20_000))
    assert len(large) >= SLICED_BYTES
    assert decode_body(large, JSON, "GET", "/x", None) == orjson.loads(large)


def test_a_cut_inside_a_nested_list_is_never_taken_for_one_in_the_outer_list(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(decode, "_PIECE", 150)
    leg = {"clOrdId": "L", "side": "BUY"}  # nested objects that begin with the outer key
    page = {"orders": [{"clOrdId": f"X{i}", "legs": [leg] * (i % 4)} for i in range(400)]}
    body = orjson.dumps(page)
    assert decode.loads_in_pieces(body) in (None, orjson.loads(body))


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (b'{"a": 1}', "application/json; charset=utf-8", {"a": 1}),
        (b'{"a": 1}', "text/plain", {"a": 1}),  # JSON under another type is still JSON
        (b" [1, 2]", "", [1, 2]),
        (b'"abc"', "application/json", "abc"),  # a JSON string, as the type says
        (b"plain words", "text/plain", "plain words"),
        (b"", "application/json", None),
    ],
)
def test_a_body_is_json_when_its_type_or_its_first_character_says_so(
    body: bytes, content_type: str, expected: object
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    assert decode_body(body, headers, "GET", "/x", None) == expected


def test_a_body_typed_json_that_is_not_json_is_refused() -> None:
    with pytest.raises(ResponseFormatError, match="GET /x: the body is not JSON"):
        decode_body(b"oops", {"Content-Type": "application/json"}, "GET", "/x", None)
