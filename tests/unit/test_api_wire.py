"""The exact request of a sample of the API's operations, pinned without a server: each typed
method is called through a real :class:`AriesClient` whose HTTP goes to aioresponses
(``wire_mock``), and the method, path, query (as a multidict, in any order), JSON body,
``Authorization`` header and presence of an ``Idempotency-Key`` it sent are compared with what
the wire must carry. Each call is answered with a minimal body its response schema allows, so
that it completes; the simulator plays no part.

The sample is drawn from the API description (``aries_async/apispec``), so that a new operation
joins it by itself: in each group the generated operation with the most parameters, every
operation whose method is not GET, the first page of every paged operation, and every operation
called without a token. Each parameter of a sampled operation is given: the value of ``op_args``
(the fixtures of the every-operation tests), else an example of its JSON type. The few
hand-written methods the sample reaches (orders, an account) are called as :data:`HAND` says.

Why the expected values are independent of the code under test: they are written in wire form
and come from statements of the wire, never from the request building (``resources/_operation``,
``_arguments``, the hand-written resources) run a second time.

* The path is the description's template (``endpoints-all.md``'s row: ``test_api_generated``
  checks the two agree) with the fixture's wire strings put in, one segment each.
* The query pairs the description's wire names (taken from the spec's ``api-schema.json``) with
  the fixture's wire strings: dates ``YYYY-MM-DD``, booleans ``true``/``false``, a multi-value
  input as one comma-separated value, not repeated keys (``conventions.md`` §3).
* The body is ``op_args.BODIES``, wire JSON written by hand (``rest.md`` for the orders).
* ``Authorization: Bearer <token>`` on every call (``oauth.md``) except the prediction-market
  reference data, which the spec lists as "none (no auth hook)" (``endpoints-all.md``;
  ``test_api_wire_headers`` checks the description agrees); an ``Idempotency-Key`` on
  ``POST /v1/predictions/orders`` only (``conventions.md`` §2).

The test turns the wire strings into Python values by the parameter's JSON type (a date, an int,
a Decimal, a bool; a list for a comma-separated value) and the client must render them back.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal, NamedTuple, cast

import pytest
from op_args import BODIES, method_of, op_by_id
from spec_check import check_schema
from wire_mock import TOKEN, Sent, arguments, minimal, mocked_api, reply, wire_values

from aries_async import AriesClient, CancelRequest, ClientConfig, OrderRequest, ReplaceRequest
from aries_async.apispec import operations
from aries_async.auth import Token

# The only operation the spec gives an Idempotency-Key (conventions.md §2 and §7).
KEYED = ("POST", "/v1/predictions/orders")


def sample() -> list[str]:
    """The operation ids the module pins, in the description's order: each group's generated
    operation with the most parameters, and every write, paged and public operation."""
    ops = operations()
    chosen = {
        op["id"] for op in ops if op["method"] != "GET" or op["pagination"] or op["auth"] == "none"
    }
    for group in {op["group"] for op in ops}:
        members = [op for op in ops if op["group"] == group]
        generated = [op for op in members if not op["covered_by"]] or members
        chosen.add(max(generated, key=lambda op: len(op["params"]))["id"])
    return [op["id"] for op in ops if op["id"] in chosen]


def expected(op: dict[str, Any], values: dict[str, str], body: Any) -> Sent:
    """What ``op`` must send for ``values`` (wire strings) and ``body`` (wire JSON)."""
    segments = op["path"].split("/")
    query = []
    for param in op["params"]:
        if param["wire"] not in values:
            continue
        if param["in"] == "path":
            segments[segments.index("{" + param["wire"] + "}")] = values[param["wire"]]
        else:
            query.append((param["wire"], values[param["wire"]]))
    token = f"Bearer {TOKEN}" if op["auth"] != "none" else None
    headers = (token, (op["method"], op["path"]) == KEYED)
    return Sent(op["method"], segments, sorted(query), body, headers)


@pytest.fixture
async def client() -> AsyncIterator[AriesClient]:
    async with AriesClient(ClientConfig(), token=Token(access_token=TOKEN)) as aries:
        yield aries


# The hand-written methods (``covered_by``) the sample reaches: their own signatures, the wire
# parameters each sends, and their body as wire JSON beside ``op_args.BODIES``.
class Hand(NamedTuple):
    call: Callable[[AriesClient, dict[str, str], Any], Any]
    params: tuple[str, ...] = ()
    values: dict[str, str] = {}
    body: dict[str, Any] = {}
    answer: Any = None


def _order(cls: Any, body: dict[str, Any]) -> Any:
    """An order request model from its wire body (``tradingAccountId`` is ``account_id``)."""
    names = {"tradingAccountId": "account_id", "timeInForce": "time_in_force"}
    names |= {"origClOrdId": "orig_cl_ord_id", "clientId": "client_id", "qty": "quantity"}
    return cls(
        **{
            names.get(key, key): Decimal(value) if key in ("qty", "price") else value
            for key, value in body.items()
        }
    )


async def _all(pages: AsyncIterable[Any]) -> list[Any]:
    return [item async for item in pages]


ACK = {"success": True, "clOrdId": "c-2", "status": "NEW"}
NO_ORDERS = {"orders": [], "nextCursor": 0}
HAND: dict[str, Hand] = {
    "getAccountBalance": Hand(lambda c, v, _: c.accounts.balance(v["id"]), ("id",)),
    "placeOrder": Hand(
        lambda c, _, b: c.orders.place(_order(OrderRequest, b)),
        body={"clientId": "bot-7"},  # else a fresh tag
        answer=ACK,
    ),
    "previewOrder": Hand(lambda c, _, b: c.orders.preview(_order(OrderRequest, b))),
    "replaceOrder": Hand(lambda c, _, b: c.orders.replace(_order(ReplaceRequest, b)), answer=ACK),
    "cancelOrder": Hand(lambda c, _, b: c.orders.cancel(_order(CancelRequest, b)), answer=ACK),
    "listActiveOrders": Hand(
        lambda c, v, _: c.orders.active(v["id"], page_size=int(v["limit"])),
        ("id", "limit"),
        {"limit": "50"},
        answer=NO_ORDERS,
    ),
    "listOrderHistory": Hand(
        lambda c, v, _: _all(
            c.orders.history(
                v["id"],
                datetime.fromisoformat(v["from"]),
                datetime.fromisoformat(v["to"]),
                order_by=cast("Literal['asc', 'desc']", v["order_by"]),
                page_size=int(v["limit"]),
            )
        ),
        ("id", "from", "to", "order_by", "limit"),
        {"from": "2025-12-01T14:30:00Z", "to": "2025-12-05T21:00:00Z", "order_by": "asc"},
        answer=NO_ORDERS,
    ),
}


def test_the_sample_has_each_group_each_write_and_each_paged_operation() -> None:
    ids = set(sample())
    ops = operations()
    assert {op["group"] for op in ops if op["id"] in ids} == {op["group"] for op in ops}
    assert {op["id"] for op in ops if op["method"] != "GET"} <= ids
    assert {op["id"] for op in ops if op["pagination"]} <= ids
    # every hand-written operation it reaches has its call here, and only those
    assert {op["id"] for op in ops if op["covered_by"] and op["id"] in ids} == set(HAND)


@pytest.mark.parametrize("op_id", sample())
async def test_an_operation_sends_exactly_its_path_query_body_and_token(
    client: AriesClient, op_id: str
) -> None:
    op = op_by_id(op_id)
    hand = HAND.get(op_id)
    values = wire_values(op)
    body = BODIES.get(op_id)
    if hand is not None:
        values = {w: v for w, v in {**values, **hand.values}.items() if w in hand.params}
        body = {**body, **hand.body} if body is not None else None
    with mocked_api() as mocked:
        reply(mocked, op, None if hand is None else hand.answer)
        if hand is None:
            await method_of(client, op)(**arguments(op, values))
        else:
            await hand.call(client, values, body)
    (sent,) = Sent.read(mocked)
    headers = (sent.headers.get("Authorization"), "Idempotency-Key" in sent.headers)
    assert sent._replace(headers=headers) == expected(op, values, body)


def test_each_answer_is_one_the_spec_allows() -> None:
    # The minimal answers stand in for the server's: each must be valid for its schema.
    for op_id in sample():
        op = op_by_id(op_id)
        if op_id not in HAND and not op["response"]["content_type"].startswith("text/"):
            check_schema(op_id, minimal(op["response"]["schema"]))


def _text_path_params(op: dict[str, Any]) -> list[str]:
    """The wire names of ``op``'s free-text path parameters."""
    return [
        p["wire"] for p in op["params"] if p["in"] == "path" and p["schema"] == {"type": "string"}
    ]


@pytest.mark.parametrize(
    "op_id", [op["id"] for op in operations() if not op["covered_by"] and _text_path_params(op)]
)
async def test_a_path_value_stays_one_segment_whatever_it_holds(
    client: AriesClient, op_id: str
) -> None:
    # RFC 3986: "/", "?", "#" and "%" in a value must be percent-encoded, or the server reads
    # another path (or a query). Each sent segment is decoded alone: the value must be one.
    op = op_by_id(op_id)
    values = wire_values(op) | {wire: "a/b c?d#e%f" for wire in _text_path_params(op)}
    with mocked_api() as mocked:
        reply(mocked, op)
        await method_of(client, op)(**arguments(op, values))
    (sent,) = Sent.read(mocked)
    assert sent.path == expected(op, values, None).path
