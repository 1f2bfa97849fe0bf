"""Large REST answers through the client: read off the event loop, amounts checked."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import attrs
import pytest

from aries_async import AriesClient, OrderRequest
from aries_async.errors import ResponseFormatError
from aries_async.models import Position
from aries_async.models._reader import BodyReader
from aries_async.resources import _base
from aries_async.sim import Simulator

ACCOUNT = "TEST-ACCOUNT-001"
POSITIONS = f"GET /v1/accounts/{ACCOUNT}/positions"
ACTIVE = f"GET /v2/accounts/{ACCOUNT}/orders"


@pytest.fixture
async def client(sim: Simulator) -> AsyncIterator[AriesClient]:
    cfg = sim.client_config(offload_parse_bytes=50_000)
    async with AriesClient(cfg, token=sim.issue_token()) as aries:
        yield aries


async def test_a_large_positions_answer_is_built_off_the_event_loop(
    sim: Simulator, client: AriesClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[int] = []
    read = BodyReader.read

    def spy(reader: BodyReader, body: bytes) -> Any:
        threads.append(threading.get_ident())
        return read(reader, body)

    few = await client.accounts.positions(ACCOUNT)  # the type is built once, as in any process
    monkeypatch.setattr(BodyReader, "read", spy)
    sim.faults.huge_body[POSITIONS] = 400_000
    many = await client.accounts.positions(ACCOUNT)
    assert len(many) > 100 * len(few) > 0
    assert threads and all(thread != threading.get_ident() for thread in threads)


async def test_the_first_call_of_a_process_is_read_from_the_bytes_too(
    sim: Simulator, client: AriesClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_base, "BUILT_TYPES", set())  # every type cold, as in a new process
    read: list[Any] = []
    reader_read = BodyReader.read

    def spy(reader: BodyReader, body: bytes) -> Any:
        read.append(reader_read(reader, body))
        return read[-1]

    monkeypatch.setattr(BodyReader, "read", spy)
    positions = await client.accounts.positions(ACCOUNT)
    assert positions and read == [positions]


@pytest.mark.parametrize("size", [400_000, 3_000_000])  # read whole; read in parts
async def test_a_large_answer_gives_the_models_built_one_by_one(
    sim: Simulator, client: AriesClient, size: int
) -> None:
    few = await client.accounts.positions(ACCOUNT)
    sim.faults.huge_body[POSITIONS] = size
    many = await client.accounts.positions(ACCOUNT)
    eager = [Position(**attrs.asdict(p, recurse=False)) for p in few]
    assert many[: len(few)] == eager == few
    assert all(isinstance(p.quantity, Decimal) for p in many)
    assert {hash(p) for p in many} == {hash(p) for p in eager}


@pytest.mark.parametrize("text", ["12.3.4", "abc", "NaN", "1,5", "[1]"])
async def test_a_malformed_amount_deep_in_a_large_answer_fails_the_call(
    sim: Simulator, client: AriesClient, text: str
) -> None:
    sim.faults.malformed_amount[POSITIONS] = text
    sim.faults.huge_body[POSITIONS] = 400_000
    with pytest.raises(ResponseFormatError, match="positions"):
        await client.accounts.positions(ACCOUNT)


async def test_a_malformed_amount_in_an_orders_page_fails_the_page(
    sim: Simulator, client: AriesClient
) -> None:
    request = OrderRequest(
        account_id=ACCOUNT, symbol="KO", side="BUY", type="LIMIT", quantity=1, price="1.00"
    )
    assert (await client.orders.place(request)).accepted
    resting = await client.orders.active(ACCOUNT)
    assert [order.price for order in resting] == [Decimal("1.00")]
    sim.faults.malformed_amount[ACTIVE] = "1.2.3"
    with pytest.raises(ResponseFormatError, match="orders"):
        await client.orders.active(ACCOUNT)
