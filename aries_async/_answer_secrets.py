"""The secrets of a request, kept out of what reading its answer says: the access token it
carried, and the refresh token and client secret the client holds.

A server may quote what it was sent (an echo), and may put it where the model wants something
else: the structuring error of such an answer would quote the token, and so would the warning
of a field read leniently. :meth:`AriesClient.request` notes the secrets as the answer arrives
(:func:`answering`); every :class:`~aries_async.errors.ResponseFormatError` made afterwards
blanks them out of its message and body (:func:`unquoted`, :func:`unquoted_body`), whole or
any piece of them (:func:`~aries_async._redaction.blanked`), and so do the converter's
warnings; :func:`scrubbed` also drops an error's chained causes that quote one (cattrs'
errors, which hold the value whole), where the answers are read.

The secrets noted stay noted for the rest of the task (the next request replaces them): a
model built for the first time is read after :meth:`AriesClient.request` returns, in a worker
thread that runs in a copy of the task's context; so is a hand-written resource's answer.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING

from aries_async._redaction import BLANK, SHOWN_RUN, blanked, blanked_within, prints_secret

if TYPE_CHECKING:
    from aries_async.errors import ResponseFormatError

__all__ = ["answering", "scrubbed", "unquoted", "unquoted_body", "unquoted_start"]

_SENT: ContextVar[tuple[str | None, ...]] = ContextVar("aries_async_answer_to", default=())


def answering(secrets: tuple[str | None, ...]) -> None:
    """Note ``secrets``, those of the request whose answer is read next: the access token it
    carried, the refresh token and the client secret the client holds (None: not held). Noted
    as given, on every request's path: the few readers skip the Nones."""
    if _SENT.get() != secrets:
        _SENT.set(secrets)


def unquoted(text: str) -> str:
    """``text`` without the noted secrets, whole or in part."""
    sent = _SENT.get()
    return blanked(text, sent) if any(sent) else text


def unquoted_start(text: str, size: int) -> str:
    """The first ``size`` characters of ``text`` (a ``[redacted]`` that the cut would split
    kept whole) without the noted secrets: blanked before the cut, which could leave a piece
    of one too short to be told for it."""
    shown = unquoted(text[: size + SHOWN_RUN])  # the window of a piece ending at the cut
    cut = shown.find(BLANK, max(size - len(BLANK) + 1, 0))
    return shown[: cut + len(BLANK) if 0 <= cut < size else size]


def unquoted_body(body: bytes) -> bytes:
    """An answer's ``body`` without the noted secrets (their pieces looked for in its start)."""
    sent = _SENT.get()
    if not any(sent) or not body:
        return body
    text = shown = body.decode(errors="replace")
    for secret in sent:
        if secret:
            shown = blanked_within(shown, secret)
    return body if shown == text else shown.encode()


def scrubbed(exc: ResponseFormatError) -> ResponseFormatError:
    """``exc`` (changed in place) without its chained causes when one of them quotes a noted
    secret, and with a :class:`~aries_async.errors.QuoteError`'s ``reason`` without them
    (its message and body never quote them: see the module's notes)."""
    sent = _SENT.get()
    if not any(sent):
        return exc
    reason = getattr(exc, "reason", None)
    if isinstance(reason, str):
        exc.reason = blanked(reason, sent)  # type: ignore[attr-defined]  # a QuoteError's
    cause = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    if cause is not None and prints_secret(cause, unquoted):
        exc.__cause__ = None
        exc.__suppress_context__ = True
    return exc
