"""The acknowledgement of ``orders.place()`` names the client id the order went out tagged
with, also the one the SDK made up when the request had none: the wire's ``OrdResponse`` does
not echo it, and without it a caller could not find the order by its tag later."""

from __future__ import annotations

from decimal import Decimal

from aries_async import AriesClient, OrderRequest

ACCOUNT = "TEST-SIM-001"


def limit_buy(client_id: str | None = None) -> OrderRequest:
    return OrderRequest(
        account_id=ACCOUNT,
        symbol="KO",
        side="BUY",
        type="LIMIT",
        quantity=1,
        price=Decimal(1),
        client_id=client_id,
    )


async def test_the_ack_names_the_client_id_the_sdk_made(aries: AriesClient) -> None:
    ack = await aries.orders.place(limit_buy())
    assert ack.client_id
    found = await aries.orders.find_by_client_id(ACCOUNT, ack.client_id)
    assert found is not None and found.cl_ord_id == ack.cl_ord_id


async def test_the_ack_names_the_callers_client_id(aries: AriesClient) -> None:
    ack = await aries.orders.place(limit_buy("my-tag-1"))
    assert ack.client_id == "my-tag-1"
