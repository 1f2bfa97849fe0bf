"""Every public exception pickles with its message and attributes: an error raised in a
``ProcessPoolExecutor`` worker reaches the parent process pickled, and must arrive as itself
rather than as a ``TypeError`` from a constructor that wants keyword-only arguments."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from aries_async import errors
from aries_async.models import Order, OrderAck, OrderRequest, OrderStatus

REQUEST = OrderRequest(
    account_id="TEST-ACCOUNT-001",
    symbol="AAPL",
    side="BUY",
    type="LIMIT",
    quantity=10,
    price="150.25",
    client_id="bot-7f3a",
)
ORDER = Order(
    cl_ord_id="bot-7f3a",
    symbol="AAPL",
    ord_status=OrderStatus.NEW,
    price=Decimal("150.25"),
    updated_at=datetime(2026, 3, 2, 14, 30, tzinfo=UTC),
)
ACK = OrderAck(
    success=False, cl_ord_id="bot-7f3a", status=OrderStatus.REJECTED, ord_rej_reason="buying power"
)
ANSWER: dict[str, Any] = {
    "status": 400,
    "code": "INVALID_ORDER",
    "error_type": "VALIDATION",
    "request_id": "req-42",
    "body": b'{"error": {"code": "INVALID_ORDER"}}',
    "details": [{"field": "price", "issue": "off the tick"}],
    "method": "POST",
    "path": "/v1/orders",
    "headers": {"X-Trace-Id": "trace-7f3a", "Set-Cookie": "sid=1"},  # read-only; no cookie kept
}
STARTED = datetime(2026, 3, 2, 14, 29, 59, tzinfo=UTC)


def _refused_scope() -> errors.PermissionDeniedError:
    error = errors.api_error_from_response(
        403, {}, b'{"error": "forbidden"}', method="GET", path="/v1/market/status"
    )
    assert isinstance(error, errors.PermissionDeniedError)
    # The client names the scopes after building the error: attributes no constructor takes.
    error.required_scopes = ("market:read",)
    error.operation = "market.status"
    return error


MAKERS: dict[str, Callable[[], BaseException]] = {
    "AriesError": lambda: errors.AriesError("something failed"),
    "ConfigurationError": lambda: errors.ConfigurationError(
        "ARIES_BASE_URL has no scheme", setting="ARIES_BASE_URL"
    ),
    "ConfigurationValueError": lambda: errors.ConfigurationValueError(
        "rate_limit.per_second must be positive, got 0", setting="rate_limit"
    ),
    "MissingDependencyError": lambda: errors.MissingDependencyError(
        "to_frame() needs pandas: pip install 'aries-async[pandas]'",
        setting="pandas",
        name="pandas",
    ),
    "ValidationError": lambda: errors.ValidationError("quantity must be > 0", field="quantity"),
    "OrderRejectedError": lambda: errors.OrderRejectedError(
        "the order was not accepted", ack=ACK, reason="buying power"
    ),
    "OrderRejectedHTTPError": lambda: errors.OrderRejectedHTTPError("price off the tick", **ANSWER),
    "AuthError": lambda: errors.AuthError(
        "token endpoint said no", error="invalid_client", status=401
    ),
    "StateMismatchError": lambda: errors.StateMismatchError("the callback's state does not match"),
    "AuthorizationDeniedError": lambda: errors.AuthorizationDeniedError(
        "consent refused", error="access_denied"
    ),
    "NotSignedInError": lambda: errors.NotSignedInError("no token in the store: sign in first"),
    "ReauthenticationRequired": lambda: errors.ReauthenticationRequired(
        "the grant is gone", error="invalid_grant", status=400
    ),
    "TokenRefreshError": lambda: errors.TokenRefreshError("token endpoint 503", status=503),
    "TransportError": lambda: errors.TransportError("no usable answer", request_sent=False),
    "ConnectionFailedError": lambda: errors.ConnectionFailedError(
        "connection reset", request_sent=True
    ),
    "StoreUnavailableError": lambda: errors.StoreUnavailableError(
        "the token store in Redis at redis://cache:6379/0 is unreachable", request_sent=False
    ),
    "RequestTimeoutError": lambda: errors.RequestTimeoutError("timed out", request_sent=False),
    "ClientClosedError": lambda: errors.ClientClosedError(
        "the client was closed", request_sent=True
    ),
    "WrongEventLoopError": lambda: errors.WrongEventLoopError("used on another loop"),
    "OrderOutcomeUnknownError": lambda: errors.OrderOutcomeUnknownError(
        "the order may or may not have been placed",
        client_id="bot-7f3a",
        account_id="TEST-ACCOUNT-001",
        request=REQUEST,
        started_at=STARTED,
    ),
    "OrderMatchAmbiguousError": lambda: errors.OrderMatchAmbiguousError(
        "two orders match",
        candidates=(ORDER, ORDER),
        client_id="bot-7f3a",
        account_id="TEST-ACCOUNT-001",
        request=REQUEST,
        started_at=STARTED,
    ),
    "ResponseFormatError": lambda: errors.ResponseFormatError("not JSON", body=b"<html>"),
    "QuoteError": lambda: errors.QuoteError("NOSUCH", "unknown symbol", body=b'{"s": "error"}'),
    "ResponseTooLargeError": lambda: errors.ResponseTooLargeError(
        "body over 8 MiB", limit=8 << 20, status=200
    ),
    "PaginationError": lambda: errors.PaginationError("cursor 7 again", body=b"{}"),
    "APIError": lambda: errors.APIError("teapot", **{**ANSWER, "status": 418}),
    "BadRequestError": lambda: errors.BadRequestError("bad", **ANSWER),
    "AuthenticationError": lambda: errors.AuthenticationError(
        "expired", **{**ANSWER, "status": 401}
    ),
    "PermissionDeniedError": _refused_scope,
    "NotFoundError": lambda: errors.NotFoundError("no such order", **{**ANSWER, "status": 404}),
    "ConflictError": lambda: errors.ConflictError("already filled", **{**ANSWER, "status": 409}),
    "RateLimitError": lambda: errors.RateLimitError(
        "slow down", **{**ANSWER, "status": 429}, retry_after=1.5
    ),
    "ServerError": lambda: errors.ServerError(
        "maintenance", **{**ANSWER, "status": 503}, retry_after=30.0
    ),
    "StreamError": lambda: errors.StreamError("the stream failed"),
    "StreamAuthError": lambda: errors.StreamAuthError("credentials refused"),
    "StreamClosedError": lambda: errors.StreamClosedError("the stream is closed"),
    "StreamOverflowError": lambda: errors.StreamOverflowError("buffer of 1000 overflowed"),
    "StreamRequestError": lambda: errors.StreamRequestError(
        "refused", request_id="r-9", status=404, code="NOT_FOUND"
    ),
    "StreamRequestTimeout": lambda: errors.StreamRequestTimeout(
        "no answer in 10 s", request_id="r-9"
    ),
    "StreamRequestInterrupted": lambda: errors.StreamRequestInterrupted(
        "socket dropped", request_id="r-9"
    ),
    "OrderStateUnknownError": lambda: errors.OrderStateUnknownError(
        "order bot-7f3a finished unseen", cl_ord_id="bot-7f3a", last_known=ORDER
    ),
}


def _state(error: BaseException) -> dict[str, object]:
    """What an error carries: its attributes, and the module-level fields of the built-in
    bases (an ImportError's ``name`` and ``path``) that are not in ``vars()``."""
    found = dict(vars(error))
    if isinstance(error, ImportError):
        found.update(name=error.name, path=error.path)
    return found


def test_every_exported_exception_is_covered() -> None:
    # The module's classes are its exceptions; its functions are lower case.
    assert {name for name in errors.__all__ if name[:1].isupper()} == set(MAKERS)


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_an_error_survives_a_pickle_round_trip(name: str) -> None:
    error = MAKERS[name]()
    assert type(error) is getattr(errors, name)
    error.add_note("placing the 3rd order of the basket")
    error.__cause__ = ValueError("why")
    again = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert type(again) is type(error)
    assert str(again) == str(error) and again.args == error.args
    assert _state(again) == _state(error)
    assert again.__notes__ == ["placing the 3rd order of the basket"]
    # As for every Python exception, the chain stays behind: a cause (an aiohttp error, say)
    # need not pickle, and may hold what the error itself does not show.
    assert again.__cause__ is None
    copied = copy.copy(error)
    assert type(copied) is type(error) and str(copied) == str(error)


def test_a_pickled_error_holds_nothing_but_its_message_and_attributes() -> None:
    secret = "ya29.SECRET-ACCESS-TOKEN"
    error = errors.ConnectionFailedError("connection reset", request_sent=True)
    try:
        try:
            raise OSError(f"proxy refused Authorization: Bearer {secret}")
        except OSError as exc:
            raise error from exc
    except errors.ConnectionFailedError:
        pass
    assert error.__cause__ is not None and error.__traceback__ is not None
    data = pickle.dumps(error)
    assert secret.encode() not in data and b"SECRET" not in data
