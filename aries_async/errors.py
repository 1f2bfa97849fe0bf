"""The one exception tree of aries-async. Catch :class:`AriesError` to catch everything we raise.

::

    AriesError
    ├── ConfigurationError            bad settings, missing credentials
    │   ├── MissingDependencyError    an optional extra is not installed (also an ImportError)
    │   └── ConfigurationValueError   a RateLimit's value (also a ValidationError, as it was)
    ├── ValidationError (ValueError)  bad input, raised before anything is sent
    │   └── OrderRejectedError        the server refused the order: nothing to wait for
    │       └── OrderRejectedHTTPError  ... with a 400 or 422 (also a BadRequestError)
    ├── AuthError                     OAuth flow problems (no request or a token-endpoint reply)
    │   ├── StateMismatchError        callback ``state`` differs from the one we issued
    │   ├── AuthorizationDeniedError  the user refused consent (``error=access_denied``)
    │   ├── NotSignedInError          no token in the store; run the login flow
    │   ├── ReauthenticationRequired  ``invalid_grant`` on refresh: sign in again
    │   └── TokenRefreshError         the token endpoint failed; the call was not sent
    ├── TransportError                nothing usable came back
    │   ├── ConnectionFailedError     connect/reset/DNS; wraps the aiohttp error
    │   │   └── StoreUnavailableError  a token store or rate budget is down (Redis, a disk)
    │   └── RequestTimeoutError       the call ran out of time
    ├── ClientClosedError             the client was closed (aclose); the call was not retried
    ├── WrongEventLoopError (RuntimeError)  used on a loop other than the one it belongs to
    ├── OrderOutcomeUnknownError      an order may or may not have landed; carries the request
    │   └── OrderMatchAmbiguousError  a lookup found several orders that may be it
    ├── ResponseFormatError           a 2xx body we could not read (also ``s: "error"`` in a 200)
    │   ├── QuoteError                one symbol could not be quoted (``market.quotes().errors``)
    │   ├── ResponseTooLargeError     the body exceeded ``config.max_response_bytes``
    │   └── PaginationError           the server repeated a page cursor or ``nextUrl``
    ├── APIError                      the server answered with an error status
    │   ├── BadRequestError           400
    │   ├── AuthenticationError       401
    │   ├── PermissionDeniedError     403 (``required_scopes``, ``missing_scope``)
    │   ├── NotFoundError             404
    │   ├── ConflictError             409
    │   ├── RateLimitError            429 (``retry_after`` seconds)
    │   ├── ServerError               5xx (``retry_after`` seconds, when the server said)
    │   └── (plain APIError)          any other 4xx
    └── StreamError                   websocket streams
        ├── StreamAuthError           the stream refused our credentials (fatal)
        ├── StreamClosedError         the stream was closed and will not come back
        ├── StreamOverflowError       an account-event buffer overflowed (never silent loss)
        ├── StreamRequestError        a socket request was refused (``status``, ``code``)
        │   ├── StreamRequestTimeout      no answer in time (also a ``TimeoutError``)
        │   └── StreamRequestInterrupted  the socket dropped with it in flight, not resent
        └── OrderStateUnknownError    an order finished unseen while the stream was down and was
                                      not found, or its account went (has its last known state)

Messages never contain tokens or secrets; the raw body is kept on :attr:`APIError.body` for you
to inspect, and is not part of ``str(error)``; its headers on :attr:`APIError.headers`, without
those that may carry a credential. Every error pickles with its attributes.

:func:`api_error_from_response`, :func:`parse_retry_after`, the input checks, the response
format, order, store and stream errors are served from here on first use; they live in modules
that import this one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from aries_async._errors_headers import shown_headers
from aries_async._errors_pickle import error_state, rebuild_error
from aries_async._lazy import lazy_getattr, names_to_modules

if TYPE_CHECKING:
    from multidict import CIMultiDictProxy

    from aries_async._errors_format import (
        PaginationError,
        QuoteError,
        ResponseFormatError,
        ResponseTooLargeError,
    )
    from aries_async._errors_orders import (
        OrderMatchAmbiguousError,
        OrderOutcomeUnknownError,
        OrderRejectedError,
        OrderRejectedHTTPError,
    )
    from aries_async._errors_store import StoreUnavailableError
    from aries_async._errors_stream import (
        OrderStateUnknownError,
        StreamAuthError,
        StreamClosedError,
        StreamError,
        StreamOverflowError,
        StreamRequestError,
        StreamRequestInterrupted,
        StreamRequestTimeout,
    )
    from aries_async._errors_wire import api_error_from_response, parse_retry_after
    from aries_async._validate import require_count as require_count
    from aries_async._validate import require_text as require_text

__all__ = [
    "APIError",
    "AriesError",
    "AuthError",
    "AuthenticationError",
    "AuthorizationDeniedError",
    "BadRequestError",
    "ClientClosedError",
    "ConfigurationError",
    "ConfigurationValueError",
    "ConflictError",
    "ConnectionFailedError",
    "MissingDependencyError",
    "NotFoundError",
    "NotSignedInError",
    "OrderMatchAmbiguousError",
    "OrderOutcomeUnknownError",
    "OrderRejectedError",
    "OrderRejectedHTTPError",
    "OrderStateUnknownError",
    "PaginationError",
    "PermissionDeniedError",
    "QuoteError",
    "RateLimitError",
    "ReauthenticationRequired",
    "RequestTimeoutError",
    "ResponseFormatError",
    "ResponseTooLargeError",
    "ServerError",
    "StateMismatchError",
    "StoreUnavailableError",
    "StreamAuthError",
    "StreamClosedError",
    "StreamError",
    "StreamOverflowError",
    "StreamRequestError",
    "StreamRequestInterrupted",
    "StreamRequestTimeout",
    "TokenRefreshError",
    "TransportError",
    "ValidationError",
    "WrongEventLoopError",
    "api_error_from_response",
    "parse_retry_after",
]


class AriesError(Exception):
    """Root of every exception raised by aries-async."""

    def __reduce__(self) -> tuple[Any, ...]:  # a call of the class needs its keywords
        return rebuild_error, (type(self), self.args, error_state(self))


class ConfigurationError(AriesError):
    """Settings are missing or wrong (no client id, a URL without a scheme...); ``setting``
    names the one to blame when known: its variable (``ARIES_BASE_URL``), else its argument."""

    def __init__(self, *args: object, setting: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # ``name=``: a MissingDependencyError's (ImportError)
        self.setting = setting


class MissingDependencyError(ConfigurationError, ImportError):
    """An optional dependency is not installed; the message names the extra that brings it
    (``pip install 'aries-async[pandas]'``), ``name`` the missing module."""


class ValidationError(AriesError, ValueError):
    """Input was rejected before any request was sent; ``field`` names the offending field,
    when one is to blame."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ConfigurationValueError(ConfigurationError, ValidationError):
    """A value refused by :class:`RateLimit <aries_async.RateLimit>`, given to it or to
    ``ClientConfig.rate_limit``: a :class:`ConfigurationError`, as every setting's refusal is,
    and a :class:`ValidationError` (a ``ValueError``) too, which it was before: code catching
    that goes on working. ``setting`` and ``field`` both name the setting."""

    def __init__(self, message: str, *, setting: str | None = None) -> None:
        super().__init__(message, setting=setting)  # ConfigurationError, then ValidationError
        self.field = setting


class AuthError(AriesError):
    """Something went wrong in the OAuth flow.

    Attributes:
        error: the RFC 6749 error code (``invalid_grant``...), when the server sent one.
        status: the HTTP status of the token endpoint, when there was a reply.
    """

    def __init__(
        self, message: str, *, error: str | None = None, status: int | None = None
    ) -> None:
        super().__init__(message)
        self.error = error
        self.status = status


class StateMismatchError(AuthError):
    """The ``state`` in the callback is not the one issued; possible CSRF. Nothing was sent."""


class AuthorizationDeniedError(AuthError):
    """The user (or the server) refused the authorization request."""


class NotSignedInError(AuthError):
    """No token to use (none in the store, or a logout cleared it), or it expired or the server
    refused it, and it cannot be renewed: sign in (:meth:`OAuth.exchange_code`, ``login()``, or
    ``aries-async login``, whose token file :meth:`AriesClient.from_env` reads)."""


class ReauthenticationRequired(AuthError):
    """The refresh token was refused (``invalid_grant``): the grant is gone, sign in again. The
    refused grant is not sent again: later calls raise this at once, until a new token is set
    (``client.auth.set_token``) or saved in the token store (a sign-in elsewhere)."""


class TokenRefreshError(AuthError):
    """A call needed a fresh access token and the token endpoint did not give one: unreachable,
    timed out, or a 429 or 5xx (after the client's retries). The call was **not** sent (an order
    certainly not placed); try again later. ``__cause__``: the token request's error; ``status``:
    its HTTP status, if any. A token store that is down raises :class:`StoreUnavailableError`.
    Neither is raised while the token in hand is inside its renewal margin and more than a few
    seconds from its expiry: the call is sent with it (:mod:`aries_async.auth.renewal_outage`)."""


class TransportError(AriesError):
    """The request did not produce a usable HTTP response; ``request_sent``: whether the
    server may have seen it (each subclass says when it certainly did not)."""

    def __init__(self, message: str, *, request_sent: bool = True) -> None:
        super().__init__(message)
        self.request_sent = request_sent


class ConnectionFailedError(TransportError):
    """Connecting, sending or reading failed; ``__cause__`` is the aiohttp/OS error.
    ``request_sent`` is False when the connection could not be opened or, for an order write
    on the client's own connection pool, when the request was not being written yet."""


class RequestTimeoutError(TransportError):
    """The request did not finish within its timeout. ``request_sent`` is False when the
    attempt ran out of time before its request could be sent: waiting for its turn under the
    rate limit or, for an order write on the client's own connection pool, for a connection
    or its connect."""


class ClientClosedError(AriesError):
    """The client was closed (:meth:`~aries_async.AriesClient.aclose`, or the end of its
    ``async with``): a call in flight was ended and not retried, and no call can start. A closed
    client stays closed; build a new one. An order write in flight when the client closed may
    have reached the server: ``orders.place()`` reports it as :class:`OrderOutcomeUnknownError`.

    Attributes:
        request_sent: False when the call ended before its request could be sent (the client
            was already closed, or closed during a wait before a retry or, for an order write
            on the client's own connection pool, while it waited for a connection).
    """

    def __init__(self, message: str, *, request_sent: bool = False) -> None:
        super().__init__(message)
        self.request_sent = request_sent


class WrongEventLoopError(AriesError, RuntimeError):
    """The client was used on an event loop other than the one it was first used on (its
    connections, locks and waits belong to that loop). Nothing was sent: make the client on
    the loop that uses it (each ``asyncio.run()`` starts a new one)."""


class APIError(AriesError):
    """The server answered with an error status.

    Attributes:
        status: the HTTP status code.
        code: the machine-readable error code when the body had one (``MISSING_SYMBOLS``...).
        error_type: the nested envelope's ``type`` (``VALIDATION``, ``RATE_LIMIT``...).
        message: the human message from the body, or the HTTP reason.
        request_id: the server's request id when the body had one.
        body: the raw body bytes (may be empty).
        details: field-level details (``codes`` of the flat envelope, ``details`` of the nested).
        retry_after: the seconds ``Retry-After`` asked us to wait (429 and 5xx), when sent.
        headers: the response's headers, read-only, looked up in any case (a trace id to quote
            to the broker); never ``Authorization``, ``Cookie`` or ``Set-Cookie``, and any piece
            of the access token the request carried is blanked out of the others.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: str | None = None,
        error_type: str | None = None,
        request_id: str | None = None,
        body: bytes = b"",
        details: Any = None,
        method: str | None = None,
        path: str | None = None,
        retry_after: float | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.status = status
        self.headers: CIMultiDictProxy[str] = shown_headers(headers or {})
        self.retry_after = retry_after
        self.code = code
        self.error_type = error_type
        self.message = message
        self.request_id = request_id
        self.body = body
        self.details = details
        self.method = method
        self.path = path
        where = f" ({method} {path})" if method and path else ""
        extra = f" [code={code}]" if code else ""
        rid = f" [request_id={request_id}]" if request_id else ""
        super().__init__(f"HTTP {status}{where}: {message}{extra}{rid}")


class BadRequestError(APIError):
    """400: the request was malformed or failed server-side validation."""


class AuthenticationError(APIError):
    """401: the access token was missing, invalid or expired (after one refresh and replay)."""


class PermissionDeniedError(APIError):
    """403: the token lacks a scope or permission; the message names the scopes the operation
    needs and whether the token has them.

    Attributes:
        missing_scope: the scope the token lacks: the one the server named, else the one the
            operation needs when the token's granted scopes are known and lack it.
        required_scopes: the scopes that open the operation (any one suffices), per
            :mod:`aries_async.auth.scopes`; ``()`` when not known.
        operation: the method refused (``market.status``), else ``GET /v1/path template``.
    """

    required_scopes: tuple[str, ...] = ()
    operation: str | None = None

    def __init__(self, message: str, *, missing_scope: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.missing_scope = missing_scope


class NotFoundError(APIError):
    """404: the resource does not exist or is not visible to this token."""


class ConflictError(APIError):
    """409: the request conflicts with the resource's state."""


class RateLimitError(APIError):
    """429: too many requests. ``retry_after``: the seconds the server asked to wait, if sent."""


class ServerError(APIError):
    """5xx: the server or an upstream failed. ``retry_after``: the seconds the server asked us
    to wait (``Retry-After``: a 503 for maintenance, most often), when it said."""


_HOMES = {  # module -> the names it defines that are served from here
    "aries_async._errors_format": "PaginationError QuoteError ResponseFormatError"
    " ResponseTooLargeError",
    "aries_async._errors_orders": "OrderMatchAmbiguousError OrderOutcomeUnknownError"
    " OrderRejectedError OrderRejectedHTTPError",
    "aries_async._errors_store": "StoreUnavailableError",
    "aries_async._errors_stream": "OrderStateUnknownError StreamAuthError StreamClosedError"
    " StreamError StreamOverflowError StreamRequestError StreamRequestInterrupted"
    " StreamRequestTimeout",
    "aries_async._errors_wire": "api_error_from_response parse_retry_after",
    "aries_async._validate": "require_count require_text",
}
_LAZY = names_to_modules(_HOMES)
__getattr__ = lazy_getattr(__name__, _LAZY, globals())
