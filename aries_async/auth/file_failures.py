"""What a token file that cannot be read, written, deleted or locked means for its store.

A file system failing for a while says nothing of the token, as a Redis that is down does not:
full (``ENOSPC``, ``EDQUOT``: a Redis under ``maxmemory`` that evicts nothing is an outage too),
an I/O error (a failing disk, a network file system that lost its server: ``EIO``, ``ESTALE``,
``ETIMEDOUT`` and the network's own), no descriptor or lock left (``EMFILE``, ``ENFILE``,
``ENOLCK``), a call interrupted or busy. It is an outage of the store,
:class:`~aries_async.errors.StoreUnavailableError` (nothing was sent; try again later), through
which the token in hand serves inside its renewal margin
(:mod:`~aries_async.auth.renewal_outage`). Anything else (no permission, a directory in the
way, a name too long, a read-only file system) is a mistake that waiting does not cure:
:class:`~aries_async.errors.ConfigurationError`, the call's error at once.
"""

from __future__ import annotations

import errno
from pathlib import Path

from aries_async._errors_store import StoreUnavailableError
from aries_async.errors import AriesError, ConfigurationError

__all__ = ["OUTAGES", "file_failure"]

OUTAGES = frozenset(
    code
    for name in (
        "ENOSPC",
        "EDQUOT",
        "EIO",
        "ESTALE",
        "ETIMEDOUT",
        "EHOSTDOWN",
        "EHOSTUNREACH",
        "ENETDOWN",
        "ENETUNREACH",
        "ENOLCK",
        "EMFILE",
        "ENFILE",
        "ENOMEM",
        "EAGAIN",
        "EBUSY",
        "EINTR",
    )
    if (code := getattr(errno, name, None)) is not None  # not every platform has each
)
"""The ``errno`` of a file system that fails for a while (see the module notes)."""


def file_failure(what: str, path: Path, exc: OSError) -> AriesError:
    """The error of a token file at ``path`` that the store could not ``what`` ("read",
    "write", ...) for ``exc``: :class:`StoreUnavailableError` for an outage (:data:`OUTAGES`),
    else :class:`ConfigurationError`; the message names the file and the reason, never the
    token."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    message = f"cannot {what} the token file {path}: {reason}"
    if exc.errno in OUTAGES:
        return StoreUnavailableError(message, request_sent=False)
    return ConfigurationError(message)
