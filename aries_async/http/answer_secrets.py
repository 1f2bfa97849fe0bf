"""An answer read without quoting the secrets of its request (the access token it carried, the
refresh token and client secret the client holds): see :mod:`aries_async._answer_secrets`."""

from __future__ import annotations

import asyncio
from typing import Any

from aries_async._answer_secrets import answering, scrubbed
from aries_async.errors import ResponseFormatError
from aries_async.http.decode import decode_body

__all__ = ["read_answer"]


async def read_answer(
    args: tuple[Any, ...], offload: bool, sent: tuple[str | None, ...] = ()
) -> Any:
    """:func:`~aries_async.http.decode.decode_body` of ``args``, in a worker thread when
    ``offload``, with the secrets ``sent`` noted (:func:`~aries_async._answer_secrets.answering`)
    and kept out of its errors and warnings."""
    answering(sent)
    try:
        if not offload:
            return decode_body(*args)
        return await asyncio.to_thread(decode_body, *args)
    except ResponseFormatError as exc:
        scrubbed(exc)
        raise
