"""An error answer's headers are kept on the error (a trace id to quote to the broker), read
from the simulator by the real client: looked up in any case, read-only, kept through a
pickle, and never a credential: no ``Set-Cookie``, no piece of the access token."""

from __future__ import annotations

import pickle
from collections.abc import Callable

import pytest
from multidict import CIMultiDictProxy

from aries_async import AriesClient
from aries_async.config import RetryPolicy
from aries_async.errors import APIError, ServerError
from aries_async.sim import ServerErrorFault, Simulator
from aries_async.testing import shows_secret

ROUTE = "/v2/users/me/accounts"


async def _refused(sim: Simulator, extra: Callable[[str], dict[str, str]]) -> tuple[APIError, str]:
    """The error of a call answered 503 with ``Retry-After: 0`` and the headers ``extra``
    makes of the access token the call was sent with, which is returned too."""
    token = sim.issue_token()
    sim.faults.retry_after_headers = {"Retry-After": "0", **extra(token.access_token)}
    sim.faults.server_errors[ROUTE] = ServerErrorFault(count=1, retry_after=0)
    config = sim.client_config(retry=RetryPolicy(max_attempts=1))
    async with AriesClient(config, token=token) as client:
        with pytest.raises(ServerError) as caught:
            await client.accounts.list()
    return caught.value, token.access_token


async def test_the_answers_headers_are_on_the_error_in_any_case() -> None:
    async with Simulator(seed=1) as sim:
        error, _ = await _refused(sim, lambda _: {"X-Trace-Id": "trace-7f3a"})
    assert isinstance(error.headers, CIMultiDictProxy)
    assert error.headers["x-trace-id"] == error.headers["X-TRACE-ID"] == "trace-7f3a"
    assert error.headers["Retry-After"] == "0"
    assert error.headers.get("X-Request-Id")  # the simulator's, on every answer
    with pytest.raises(TypeError):
        error.headers["X-Trace-Id"] = "changed"  # type: ignore[index]
    # Bounded: the headers are not part of the message nor of the repr.
    assert "trace-7f3a" not in str(error) and "trace-7f3a" not in repr(error)


async def test_cookies_and_headers_quoting_the_token_keep_no_secret() -> None:
    async with Simulator(seed=1) as sim:
        error, token = await _refused(
            sim,
            lambda token: {
                "Set-Cookie": "session=s3cr3t-session; HttpOnly",
                "X-Upstream-Auth": f"Bearer {token}",
                "X-Debug": f"refused {token[:20]}...",  # cut short: a piece of it
                "X-Trace-Id": "trace-7f3a",
            },
        )
    assert "Set-Cookie" not in error.headers
    assert "s3cr3t-session" not in repr(list(error.headers.items()))
    for name, value in error.headers.items():
        assert not shows_secret(value, token), name
    assert error.headers["X-Upstream-Auth"] == "Bearer [redacted]"
    assert error.headers["X-Debug"].startswith("refused [redacted]")
    assert error.headers["X-Trace-Id"] == "trace-7f3a"


async def test_the_headers_survive_a_pickle_round_trip() -> None:
    async with Simulator(seed=1) as sim:
        error, _ = await _refused(sim, lambda _: {"X-Trace-Id": "trace-7f3a"})
    again = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert type(again) is ServerError and str(again) == str(error)
    assert isinstance(again.headers, CIMultiDictProxy)
    assert again.headers == error.headers and again.headers["x-trace-id"] == "trace-7f3a"
    assert again.retry_after == 0.0 and again.request_id == error.request_id
