"""What a stream's connection says of a failure outside the protocol: its token provider
failing (the attempt ends, the backoff follows) and a bug of the stream (it ends), neither
quoting the stream's tokens.

Apart from :mod:`~aries_async.streaming.connection`, which carries out the attempts: these are
the words the status events, the logs and the stream's end error show."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

from aries_async._redaction import prints_secret
from aries_async.errors import StreamClosedError
from aries_async.streaming._tasks import leaf_error
from aries_async.streaming.protocol.session import End

__all__ = ["stopped_by_bug", "token_failure"]

log = logging.getLogger("aries_async.streaming")


def token_failure(exc: Exception, unquoted: Callable[[str], str]) -> End:
    """The end of an attempt whose token provider failed with ``exc`` (a transient failure of
    the token source): its reason names the failure, without what ``unquoted`` blanks (the
    stream's tokens: the provider may quote the one it gave before), and the backoff follows."""
    return End(f"token provider failed: {type(exc).__name__}: {unquoted(str(exc))}")


def stopped_by_bug(name: str, exc: Exception, unquoted: Callable[[str], str]) -> StreamClosedError:
    """The error that ends the ``name`` stream after ``exc``, a bug (the one error a task group
    wrapped, when it wrapped one): it names the bug and chains it. Logs it at ERROR with its
    traceback; call it where ``exc`` is handled.

    A bug whose words (or its causes') quote what ``unquoted`` blanks (the stream's tokens: a
    connector failing on the auth request may quote the frame) is told blanked: the error's
    message and the logged traceback without them, and the bug left unchained (its object
    holds them whole).
    """
    bug = leaf_error(exc)
    said = f"{name} stream stopped by an unexpected error: {type(bug).__name__}: {bug}"
    if not prints_secret(bug, unquoted):
        log.exception("%s stream: unexpected error", name)
        error = StreamClosedError(said)
        error.__cause__ = bug
        return error
    printed = "".join(traceback.format_exception(bug))
    log.error("%s stream: unexpected error\n%s", name, unquoted(printed).rstrip())
    error = StreamClosedError(unquoted(said))
    error.__suppress_context__ = True
    return error
