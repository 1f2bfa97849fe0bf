"""The error of a fleet's shared store being unreachable, apart from :mod:`aries_async.errors`
(which serves it on first use)."""

from __future__ import annotations

from aries_async._errors_pickle import served_from_errors
from aries_async.errors import ConnectionFailedError

__all__ = ["StoreUnavailableError"]


class StoreUnavailableError(ConnectionFailedError):
    """The Redis of a :class:`~aries_async.RedisTokenStore` or
    :class:`~aries_async.RedisRateBudget` could not be reached or timed out (or the file system
    of a :class:`~aries_async.FileTokenStore` failed for a while: full, an I/O error): the call
    was **not** sent (``request_sent`` is False), and the token endpoint was not asked either,
    so this is never a :class:`~aries_async.errors.TokenRefreshError`. Try again once the store
    is back. The message says which (the token store and its key or file, or the rate budget)
    and where, without the password; ``__cause__`` is redis-py's error, or the ``OSError``. A
    wrong password or database, or a file that may not be read, is a
    :class:`~aries_async.errors.ConfigurationError` instead.

    Inside the renewal margin, a token store's outage is not raised while the token in hand
    has more than a few seconds left: the call is sent with it
    (:mod:`aries_async.auth.renewal_outage`)."""


served_from_errors(globals(), __all__)
