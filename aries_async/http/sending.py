"""Whether one request has started to be written: told by the traced session
(:func:`~aries_async.http.sessions.sending_trace`), read by the calls that must know whether
their request may have left (order writes, token grants). Apart from the sessions, so that a
caller can hold one without loading aiohttp."""

from __future__ import annotations

__all__ = ["Sending"]


class Sending:
    """Whether aiohttp has started to write one request: given as the request's
    ``trace_request_ctx`` to a session traced by
    :func:`~aries_async.http.sessions.sending_trace`, it says ``begun`` from the moment aiohttp
    is about to write the request's first byte."""

    __slots__ = ("begun",)

    def __init__(self) -> None:
        self.begun = False
