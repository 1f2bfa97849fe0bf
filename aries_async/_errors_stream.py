"""The stream errors, which live apart from :mod:`aries_async.errors` (which serves them on
first use): a stream's failure, a refused sign-in, a closed stream, an overflowed buffer, an
order of unknown state, and the failures of socket requests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aries_async._errors_pickle import served_from_errors
from aries_async.errors import AriesError

if TYPE_CHECKING:
    from aries_async.models.orders import Order

__all__ = [
    "OrderStateUnknownError",
    "StreamAuthError",
    "StreamClosedError",
    "StreamError",
    "StreamOverflowError",
    "StreamRequestError",
    "StreamRequestInterrupted",
    "StreamRequestTimeout",
]


class StreamError(AriesError):
    """A websocket stream failed."""


class StreamAuthError(StreamError):
    """The stream refused our credentials, or the grant is gone. Not retried."""


class StreamClosedError(StreamError):
    """The stream is closed for good (you left its context, or it failed fatally)."""


class StreamOverflowError(StreamError):
    """An account-event consumer fell so far behind that its bounded buffer overflowed.
    Account events are never dropped silently: this is raised to that consumer instead."""


class StreamRequestError(StreamError):
    """A request over a stream's socket (``MarketStream.expiry_dates()``...) failed: the server
    refused it.

    Attributes:
        request_id: the request's correlation id.
        status: the HTTP-like status the server answered with, when it sent one.
        code: the server's error code, when it sent one.
    """

    def __init__(
        self,
        message: str,
        *,
        request_id: str | None = None,
        status: int | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.request_id = request_id
        self.status = status
        self.code = code


class StreamRequestTimeout(StreamRequestError, TimeoutError):
    """No answer to a socket request came in time (a resent request included)."""


class StreamRequestInterrupted(StreamRequestError):
    """The socket dropped while the request was in flight and it was not resent (it was not
    safe to, or it had been resent once already)."""


class OrderStateUnknownError(StreamError):
    """``AccountStream.wait_for_order``: the order's state could not be determined.

    It left the working set while the stream was disconnected, and the REST lookup failed or
    did not find it; or its account was removed from the stream while it was waited for (the
    message names the account). Check the order history before acting on it.

    Attributes:
        cl_ord_id: the order.
        last_known: its last state seen by the stream (an :class:`~aries_async.models.Order`).
        not_found: True when the REST lookup answered without the order (a wrong id, or an
            order of another account), False when it failed or the state is unknown otherwise.
    """

    def __init__(
        self, message: str, *, cl_ord_id: str, last_known: Order, not_found: bool = False
    ) -> None:
        super().__init__(message)
        self.cl_ord_id = cl_ord_id
        self.last_known = last_known
        self.not_found = not_found


served_from_errors(globals(), __all__)
