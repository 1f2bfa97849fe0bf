"""The client at the transport seam (aioresponses), for what the simulator cannot do: a 408, a
sequence of different 5xx, a reset or a timeout of one request, a 400 on a read, a connection
refused then accepted. Exact requests, and the failures the simulator injects, are tested
against it in ``tests/integration/test_client_requests.py`` and ``test_client_faults.py``."""

from __future__ import annotations

from typing import Any

import pytest
from aioresponses import aioresponses

from aries_async import AriesClient, ClientConfig, OrderRequest, RetryPolicy, Token
from aries_async.errors import (
    BadRequestError,
    ConnectionFailedError,
    OrderOutcomeUnknownError,
)
from aries_async.http.retry import should_retry
from aries_async.testing import RecordingSleep

BASE = "https://api.test"
ACCESS = "access-token-value-0123456789abcdef"


def make_client(sleep: RecordingSleep | None = None, **config: Any) -> AriesClient:
    cfg = ClientConfig.for_base_url(BASE, client_id="cid", client_secret="csecret", **config)
    token = Token(access_token=ACCESS, expires_at=4e9, refresh_token="refresh-value-xyz")
    return AriesClient(cfg, token=token, sleep=sleep or RecordingSleep())


def sent(m: aioresponses, method: str, url: str) -> list[Any]:
    return [
        call
        for key, calls in m.requests.items()
        if key[0] == method and str(key[1]).split("?")[0] == url
        for call in calls
    ]


ACCOUNT = {
    "trading_account_id": "A1",
    "broker_account_id": "",
    "status": "OPEN",
    "is_sim": True,
    "account_type": "",
    "account_class": "",
}


@pytest.mark.parametrize(
    ("failures", "expect_error", "attempts", "waits"),
    [
        ([dict(status=408)], None, 2, [0.5]),
        ([dict(status=502), dict(status=504)], None, 3, [0.5, 1.0]),
        ([dict(exception=ConnectionResetError("reset"))], None, 2, [0.5]),
        ([dict(status=400, payload={"error": "bad", "codes": []})], BadRequestError, 1, []),
    ],
)
async def test_retry_table_for_idempotent_calls(
    failures: list[dict[str, Any]],
    expect_error: type[Exception] | None,
    attempts: int,
    waits: list[float],
) -> None:
    sleep = RecordingSleep()
    url = BASE + "/v2/users/me/accounts"
    with aioresponses() as m:
        for failure in failures:
            m.get(url, **failure)
        m.get(url, payload={"accounts": [ACCOUNT]})
        async with make_client(sleep, retry=RetryPolicy(jitter=0.0)) as client:
            if expect_error is None:
                accounts = await client.accounts.list()
                assert accounts[0].id == "A1"
            else:
                with pytest.raises(expect_error):
                    await client.accounts.list()
        assert len(sent(m, "GET", url)) == attempts
    assert sleep.waits == waits


@pytest.mark.parametrize(
    "failure",
    [dict(exception=ConnectionResetError("x")), dict(exception=TimeoutError())],
)
async def test_place_is_never_retried_after_sending(failure: dict[str, Any]) -> None:
    sleep = RecordingSleep()
    with aioresponses() as m:
        m.post(BASE + "/v1/orders", **failure)
        m.post(BASE + "/v1/orders", payload={"success": True, "clOrdId": "DUP"})
        async with make_client(sleep) as client:
            req = OrderRequest(
                account_id="A1",
                symbol="AAPL",
                side="BUY",
                type="MARKET",
                qty=1,
                client_id="my-tag-1",
            )
            with pytest.raises(OrderOutcomeUnknownError) as info:
                await client.orders.place(req)
        assert len(sent(m, "POST", BASE + "/v1/orders")) == 1
    assert info.value.client_id == "my-tag-1" and info.value.account_id == "A1"
    assert sleep.waits == []


async def test_connection_refused_is_not_an_unknown_outcome() -> None:
    cfg = ClientConfig.for_base_url("http://127.0.0.1:9", retry=RetryPolicy(max_attempts=1))
    async with AriesClient(cfg, token=Token(access_token="x" * 30)) as client:
        with pytest.raises(ConnectionFailedError) as info:
            await client.orders.place(
                OrderRequest(account_id="A1", symbol="AAPL", side="BUY", type="MARKET", qty=1)
            )
    assert info.value.request_sent is False


async def test_place_is_retried_when_the_connection_could_not_be_opened() -> None:
    import types

    import aiohttp

    key = types.SimpleNamespace(host="127.0.0.1", port=9, ssl=None)
    refused = aiohttp.ClientConnectorError(key, ConnectionRefusedError(111, "refused"))  # type: ignore[arg-type]
    sleep = RecordingSleep()
    with aioresponses() as m:
        m.post(BASE + "/v1/orders", exception=refused)
        m.post(BASE + "/v1/orders", payload={"success": True, "clOrdId": "C1"})
        async with make_client(sleep, retry=RetryPolicy(jitter=0.0)) as client:
            ack = await client.orders.place(
                OrderRequest(account_id="A1", symbol="AAPL", side="BUY", type="MARKET", qty=1)
            )
        assert len(sent(m, "POST", BASE + "/v1/orders")) == 2
    assert ack.cl_ord_id == "C1" and len(sleep.waits) == 1


def test_only_a_connection_never_opened_is_retried_for_a_write() -> None:
    policy = RetryPolicy()
    never_sent = ConnectionFailedError("x", request_sent=False)
    maybe_sent = ConnectionFailedError("x")
    assert should_retry(never_sent, idempotent=False, policy=policy)
    assert not should_retry(maybe_sent, idempotent=False, policy=policy)
    assert should_retry(maybe_sent, idempotent=True, policy=policy)
