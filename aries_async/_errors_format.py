"""The errors of a successful answer whose body could not be used, apart from
:mod:`aries_async.errors` (which serves them on first use): a body we could not read, an
in-band error, a symbol that could not be quoted, a body over the size cap, a page cursor
sent twice."""

from __future__ import annotations

from aries_async._answer_secrets import unquoted, unquoted_body
from aries_async._errors_pickle import served_from_errors
from aries_async.errors import AriesError

__all__ = ["PaginationError", "QuoteError", "ResponseFormatError", "ResponseTooLargeError"]


class ResponseFormatError(AriesError):
    """A successful response whose body we could not use, or an in-band error (``s: "error"``);
    ``body``: the raw response body."""

    def __init__(self, message: str, *, body: bytes | None = None) -> None:
        # The access token of the request it answers is never quoted (_answer_secrets).
        super().__init__(unquoted(message))
        self.body = unquoted_body(body) if body else body


class QuoteError(ResponseFormatError):
    """The server would not quote one symbol (an unknown symbol, most often).

    :meth:`Market.quote() <aries_async.resources.market.Market.quote>` raises it;
    :meth:`Market.quotes() <aries_async.resources.market.Market.quotes>` returns the good quotes
    and one of these per bad symbol in ``errors``. The server may say so in any of the ways the
    API leaves open: an item with ``s: "error"``, no item for the symbol, or a 400/404 for a
    request naming it (then ``__cause__`` is that :class:`APIError`).

    Attributes:
        symbol: the symbol as sent (upper case).
        reason: the server's message, when it sent one.
    """

    def __init__(
        self, symbol: str, reason: str | None = None, *, body: bytes | None = None
    ) -> None:
        suffix = f": {reason}" if reason else ""
        super().__init__(f"no quote for {symbol}{suffix}", body=body)
        self.symbol = symbol
        self.reason = reason


class ResponseTooLargeError(ResponseFormatError):
    """The response body was larger than ``ClientConfig.max_response_bytes``; reading stopped
    there (the connection is dropped, not reused). Not retried.

    Attributes:
        limit: the cap in bytes.
        status: the HTTP status of the response.
    """

    def __init__(self, message: str, *, limit: int, status: int) -> None:
        super().__init__(message)
        self.limit = limit
        self.status = status


class PaginationError(ResponseFormatError):
    """The server sent a page cursor or ``nextUrl`` it had already sent during this iteration:
    following it would loop forever. The items yielded before it were each yielded once."""


served_from_errors(globals(), __all__)
