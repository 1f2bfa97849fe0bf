"""The order errors that live apart from :mod:`aries_async.errors` (which serves them on first
use): an order write whose outcome is unknown, a lookup that cannot tell which order it was,
and an order the server refused (in an acknowledgement or with an HTTP status)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from aries_async._errors_pickle import served_from_errors
from aries_async.errors import APIError, AriesError, BadRequestError, ValidationError

if TYPE_CHECKING:
    from aries_async.models.orders import Order, OrderAck, OrderRequest, ReplaceAck

__all__ = [
    "OrderMatchAmbiguousError",
    "OrderOutcomeUnknownError",
    "OrderRejectedError",
    "OrderRejectedHTTPError",
]


class OrderOutcomeUnknownError(AriesError):
    """An order write may have reached the server, but no answer says whether it landed. The
    order was **not** retried. Before sending anything again, learn whether it exists::

        await client.orders.find_placed(error.request, since=error.started_at)

    which finds it by its ``clientId`` tag and, on a server that does not echo tags in the
    orders it returns (conventions.md 7 leaves it open), by its terms.

    Attributes:
        client_id: the ``clientId`` tag the order was sent with.
        account_id: the trading account the order was for.
        request: the request as sent (with that tag).
        started_at: the client's time (aware UTC) just before the attempt.
    """

    def __init__(
        self,
        message: str,
        *,
        client_id: str,
        account_id: str,
        request: OrderRequest,
        started_at: datetime,
    ) -> None:
        super().__init__(message)
        self.client_id = client_id
        self.account_id = account_id
        self.request = request
        self.started_at = started_at


class OrderMatchAmbiguousError(OrderOutcomeUnknownError):
    """:meth:`Orders.find_placed <aries_async.resources.orders.Orders.find_placed>` found no
    order carrying the tag, on a server that does not echo tags, and more than one order with
    the request's terms since the attempt; or orders carrying the tag since the attempt that
    this client was not told of (another process's under the same tag, maybe), not exactly
    one of them with the request's terms: any of them may be the one sent, or none. Nothing
    is guessed; look at ``candidates`` (or wait for the account stream) before sending again.

    Attributes:
        candidates: the orders that match the request's terms, oldest first (those under
            the tag when none does).
    """

    def __init__(self, message: str, *, candidates: tuple[Order, ...] = (), **known: Any) -> None:
        super().__init__(message, **known)
        self.candidates = candidates


class OrderRejectedError(ValidationError):
    """The server refused the order, or the replacement (for its terms: buying power, an
    unknown symbol, a price off the tick...), so there is no order to wait for. The API says
    so in one of two ways (rest.md 6.1 leaves it open): an acknowledgement with
    ``success: false`` or ``REJECTED``, which ``wait_for_order()`` raises this for, or an
    HTTP 400 or 422 answer, which ``place()`` and ``replace()`` raise
    :class:`OrderRejectedHTTPError` for. A :class:`ValidationError` (``field`` is
    ``"order"``), apart from one for input refused before sending by being its own class.

    Attributes:
        ack: the acknowledgement that said so; None for an HTTP answer.
        reason: the server's words (its ``ordRejReason`` and ``text``, or the error's
            message), or "no reason given".
    """

    def __init__(
        self,
        message: str,
        *,
        ack: OrderAck | ReplaceAck | None = None,
        reason: str = "no reason given",
    ) -> None:
        super().__init__(message, field="order")
        self.ack = ack
        self.reason = reason


class OrderRejectedHTTPError(BadRequestError, OrderRejectedError):
    """An order placement or replacement answered HTTP 400 or 422: the server refused it and
    nothing was placed or changed. Both an :class:`OrderRejectedError` (``reason`` is the
    error's message, ``ack`` None) and a :class:`BadRequestError` (``status``, ``code``...)."""

    def __init__(self, message: str, **answer: Any) -> None:
        super().__init__(message, **answer)
        self.reason = message

    @classmethod
    def of(cls, error: APIError) -> OrderRejectedHTTPError:
        """The rejection an order write's error answer says."""
        return cls(
            error.message,
            status=error.status,
            code=error.code,
            error_type=error.error_type,
            request_id=error.request_id,
            body=error.body,
            details=error.details,
            method=error.method,
            path=error.path,
            headers=error.headers,
        )


served_from_errors(globals(), __all__)
