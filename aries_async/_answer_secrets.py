"""The access token a request carried, kept out of what reading its answer says.

A server may quote what it was sent (an echo), and may put it where the model wants something
else: the structuring error of such an answer would quote the token, and so would the warning
of a field read leniently. :meth:`AriesClient.request` notes the token as the answer arrives
(:func:`answering`); every :class:`~aries_async.errors.ResponseFormatError` made afterwards
blanks it out of its message and body (:func:`unquoted`, :func:`unquoted_body`), whole or
any piece of it (:func:`~aries_async._redaction.blanked`), and so do the converter's warnings;
:func:`scrubbed` also drops an error's chained causes that quote it (cattrs' errors, which
hold the value whole), where the answers are read.

The token noted stays noted for the rest of the task (the next request replaces it): a model
built for the first time is read after :meth:`AriesClient.request` returns, in a worker thread
that runs in a copy of the task's context; so is a hand-written resource's answer.
"""

from __future__ import annotations

import traceback
from contextvars import ContextVar
from typing import TYPE_CHECKING

from aries_async._redaction import blanked, blanked_within, quotes_secret

if TYPE_CHECKING:
    from aries_async.errors import ResponseFormatError

__all__ = ["answering", "scrubbed", "unquoted", "unquoted_body"]

_SENT: ContextVar[str | None] = ContextVar("aries_async_answer_to", default=None)


def answering(sent: str | None) -> None:
    """Note ``sent``, the access token of the request whose answer is read next (None: it
    carried none)."""
    if _SENT.get() != sent:
        _SENT.set(sent)


def unquoted(text: str) -> str:
    """``text`` without the noted token, whole or in part."""
    sent = _SENT.get()
    return blanked(text, [sent]) if sent else text


def unquoted_body(body: bytes) -> bytes:
    """An answer's ``body`` without the noted token (its pieces looked for in its start)."""
    sent = _SENT.get()
    if not sent or not body:
        return body
    text = body.decode(errors="replace")
    shown = blanked_within(text, sent)
    return body if shown == text else shown.encode()


def scrubbed(exc: ResponseFormatError) -> ResponseFormatError:
    """``exc`` (changed in place) without its chained causes when one of them quotes the
    noted token, and with a :class:`~aries_async.errors.QuoteError`'s ``reason`` without it
    (its message and body never quote it: see the module's notes)."""
    sent = _SENT.get()
    if not sent:
        return exc
    reason = getattr(exc, "reason", None)
    if isinstance(reason, str):
        exc.reason = blanked(reason, [sent])  # type: ignore[attr-defined]  # a QuoteError's
    cause = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    if cause is not None and quotes_secret("".join(traceback.format_exception(cause)), [sent]):
        exc.__cause__ = None
        exc.__suppress_context__ = True
    return exc
