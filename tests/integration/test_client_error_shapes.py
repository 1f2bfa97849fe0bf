"""Every documented error body shape (conventions.md section 5) for every status the client
maps, read by the real client from the simulator: the typed error, the server's message and
code kept, the raw body on the exception and nothing else of it in the message."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from http import HTTPStatus

import pytest

from aries_async import AriesClient
from aries_async.errors import (
    APIError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)
from aries_async.sim import ErrorFault, ManualClock, Simulator
from aries_async.sim.faults import ERROR_SHAPES
from aries_async.testing import RecordingSleep

ACCOUNT = "TEST-ACCOUNT-001"
PATH = f"/v1/accounts/{ACCOUNT}/positions"
CODE = "SIM_CODE_42"
MESSAGE = "positions are resting"

STATUSES: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: APIError,  # any other 4xx: the plain APIError
    429: RateLimitError,
    500: ServerError,
    503: ServerError,
}

WITH_TYPE = frozenset(("nested", "prediction", "prediction_order"))
"""The shapes whose ``error`` is an object with a ``type``."""


def _expected(shape: str, status: int) -> tuple[str, str | None]:
    """The message and code the client reads from ``shape``."""
    if shape in ("empty", "html"):  # nothing readable: the HTTP reason, no code
        return HTTPStatus(status).phrase, None
    if shape == "flat_bare":
        return MESSAGE, None
    if shape == "legacy":  # {"error": word, "message": text}
        return f"{CODE}: {MESSAGE}", CODE
    return MESSAGE, CODE


@pytest.fixture
async def served() -> AsyncIterator[tuple[Simulator, AriesClient, str]]:
    """A simulator, and a client on it whose retries do not wait; the client's access token."""
    async with Simulator(seed=1, clock=ManualClock(), tick_interval=None) as sim:
        token = sim.issue_token()
        config = sim.client_config()
        async with AriesClient(config, token=token, sleep=RecordingSleep()) as client:
            yield sim, client, token.access_token


@pytest.mark.parametrize("status", sorted(STATUSES))
@pytest.mark.parametrize("shape", ERROR_SHAPES)
async def test_each_error_shape_of_each_status_is_its_typed_error(
    served: tuple[Simulator, AriesClient, str], shape: str, status: int
) -> None:
    sim, client, secret = served
    fault = ErrorFault(count=None, status=status, shape=shape, code=CODE, message=MESSAGE)
    sim.faults.error_responses[PATH] = fault
    with pytest.raises(APIError) as info:
        await client.accounts.positions(ACCOUNT)
    error = info.value
    message, code = _expected(shape, status)
    assert type(error) is STATUSES[status]
    assert (error.status, error.message, error.code) == (status, message, code)
    assert bool(error.body) is (shape != "empty")  # the raw body kept on the error
    sent_type = json.loads(error.body)["error"]["type"] if shape in WITH_TYPE else None
    assert error.error_type == sent_type
    assert error.request_id is not None and error.request_id.startswith("req-")
    head = f"HTTP {status} (GET {PATH}): {message}"
    head += (f" [code={code}]" if code else "") + f" [request_id={error.request_id}]"
    text = str(error)
    assert text == head or (status == 403 and text.startswith(head + "; "))  # + the scopes
    for junk in ("{", "<", "gateway", "metadata", "success", "sim.", secret):
        assert junk not in text and junk not in repr(error)
