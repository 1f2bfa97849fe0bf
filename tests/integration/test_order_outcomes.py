"""What an order write reports when its outcome is not a plain acknowledgement: a token that
could not be refreshed before sending (nothing sent: the auth error), a 2xx whose body is
not an order acknowledgement (an unknown outcome, never a rejection), and a rejection that
says only ``status: REJECTED`` (a rejection all the same)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from aries_async.client import AriesClient
from aries_async.config import RetryPolicy
from aries_async.errors import (
    AuthError,
    NotSignedInError,
    OrderOutcomeUnknownError,
    ReauthenticationRequired,
    TokenRefreshError,
)
from aries_async.models.orders import (
    CancelAck,
    CancelRequest,
    OrderAck,
    OrderRequest,
    OrderStatus,
    ReplaceAck,
    ReplaceRequest,
)
from aries_async.sim import ManualClock, ServerErrorFault, Simulator

ACCOUNT = "TEST-ACCOUNT-001"
PLACE = ("POST", "/v1/orders")
TOKEN_ROUTE = "POST /v1/oauth2/token"


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=11, clock=ManualClock(), tick_interval=None) as s:
        yield s


class WallClock:
    """The client's token clock, moved by hand."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def buy(client_id: str | None = None) -> OrderRequest:
    fields: dict[str, Any] = {"symbol": "KO", "side": "BUY", "type": "LIMIT", "quantity": 2}
    return OrderRequest(account_id=ACCOUNT, client_id=client_id, price="1.00", **fields)


# -- a refresh that fails before the order is sent -------------------------------------------


def token_endpoint_down(sim: Simulator) -> None:
    sim.faults.server_errors[TOKEN_ROUTE] = ServerErrorFault(count=None, status=503)


def refresh_token_revoked(sim: Simulator) -> None:
    sim.revoke_tokens(refresh_tokens=True)


@pytest.mark.parametrize(
    ("break_refresh", "error"),
    [
        (token_endpoint_down, TokenRefreshError),
        (refresh_token_revoked, ReauthenticationRequired),
    ],
)
@pytest.mark.parametrize("how", ["expired", "refused with 401"])
async def test_a_refresh_that_fails_before_sending_raises_the_auth_error_not_unknown(
    sim: Simulator,
    break_refresh: Callable[[Simulator], None],
    error: type[AuthError],
    how: str,
) -> None:
    clock = WallClock()
    config = sim.client_config(retry=RetryPolicy(max_attempts=1))
    async with AriesClient(config, token=sim.issue_token(ttl=600), wall_clock=clock) as client:
        if how == "expired":
            clock.now += 3600  # the client must refresh before it can send anything
        else:
            sim.revoke_tokens()  # the order is refused with 401 (unprocessed), then refreshed
        break_refresh(sim)
        with pytest.raises(AuthError) as info:
            await client.orders.place(buy("never-sent"))
        assert isinstance(info.value, error)
        assert not isinstance(info.value, OrderOutcomeUnknownError)
        assert sim.state.find_by_client_id("never-sent") == []
        expected_posts = 0 if how == "expired" else 1  # the 401 was refused unprocessed
        assert sim.requests[PLACE] == expected_posts


async def test_no_refresh_token_before_an_order_is_not_signed_in(sim: Simulator) -> None:
    clock = WallClock()
    token = sim.issue_token(ttl=600)
    from aries_async.auth.tokens import Token

    bare = Token(access_token=token.access_token, expires_at=token.expires_at)
    async with AriesClient(sim.client_config(), token=bare, wall_clock=clock) as client:
        clock.now += 3600
        with pytest.raises(NotSignedInError):
            await client.orders.place(buy())
    assert sim.requests[PLACE] == 0


async def test_a_cancel_also_reports_a_failed_refresh_as_an_auth_error(
    sim: Simulator,
) -> None:
    clock = WallClock()
    config = sim.client_config(retry=RetryPolicy(max_attempts=1))
    async with AriesClient(config, token=sim.issue_token(ttl=600), wall_clock=clock) as client:
        ack = await client.orders.place(buy())
        assert ack.accepted and ack.cl_ord_id
        clock.now += 3600
        token_endpoint_down(sim)
        cancel = CancelRequest(
            orig_cl_ord_id=ack.cl_ord_id, account_id=ACCOUNT, symbol="KO", side="BUY"
        )
        with pytest.raises(TokenRefreshError) as info:
            await client.orders.cancel(cancel)
        assert "not sent" in str(info.value)
        assert info.value.status == 503
    assert sim.requests[("POST", "/v1/orders/cancel")] == 0


# -- a 2xx that is not an order acknowledgement ----------------------------------------------
# (each non-ack body as an unknown outcome: test_client_sim.py)


@pytest.fixture
async def client(sim: Simulator) -> AsyncIterator[AriesClient]:
    async with AriesClient(sim.client_config(), token=sim.issue_token()) as c:
        yield c


async def test_only_a_body_that_says_rejected_is_a_rejection(
    sim: Simulator, client: AriesClient
) -> None:
    rejected = await client.orders.place(
        OrderRequest(account_id=ACCOUNT, symbol="NOSUCH", side="BUY", type="MARKET", quantity=1)
    )
    assert rejected.success is False and not rejected.accepted
    accepted = await client.orders.place(buy())
    assert accepted.accepted and accepted.cl_ord_id


REFUSED_TEXT = {
    "place": "Order rejected",
    "replace": "order is not open",
    "cancel": "order is not open (CANCELED)",
}


@pytest.mark.parametrize("status_only", [False, True], ids=["success-false", "status-only"])
@pytest.mark.parametrize("what", ["place", "replace", "cancel"])
async def test_a_rejection_that_says_only_status_rejected_is_a_rejection(
    sim: Simulator, client: AriesClient, what: str, status_only: bool
) -> None:
    ack = await client.orders.place(buy())
    assert ack.accepted and ack.cl_ord_id
    cancel = CancelRequest(
        orig_cl_ord_id=ack.cl_ord_id, account_id=ACCOUNT, symbol="KO", side="BUY"
    )
    assert (await client.orders.cancel(cancel)).accepted  # no longer open: both are refused
    sim.faults.rejections_status_only = status_only
    refused: OrderAck | ReplaceAck | CancelAck
    if what == "place":
        unknown = OrderRequest(
            account_id=ACCOUNT, symbol="NOSUCH", side="BUY", type="MARKET", quantity=1
        )
        refused = await client.orders.place(unknown)
    elif what == "replace":
        replace = ReplaceRequest(
            orig_cl_ord_id=ack.cl_ord_id, account_id=ACCOUNT, symbol="KO", quantity=3
        )
        refused = await client.orders.replace(replace)
    else:
        refused = await client.orders.cancel(cancel)
    # the same rejection as one saying "success": false, not an unknown outcome
    assert (refused.accepted, refused.status) == (False, OrderStatus.REJECTED)
    assert refused.text == REFUSED_TEXT[what]
    assert refused.success is (None if status_only else False)  # as the server sent it
