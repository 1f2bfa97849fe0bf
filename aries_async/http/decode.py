"""Response bodies into Python data: JSON (else text), then the caller's ``parse``.

Small bodies are decoded with orjson at once. The client runs large ones in a worker thread
so that the event loop goes on meanwhile; but a thread only helps while it lets go of the
interpreter lock, and orjson holds it for a whole document (about 7 ms a megabyte). A body of
:data:`SLICED_BYTES` or more is therefore decoded a slice at a time by ijson's C parser, which
lets the lock go between slices: the event loop never waits for more than one slice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import orjson

from aries_async.errors import ResponseFormatError

__all__ = ["SLICED_BYTES", "Parse", "decode_body", "loads_in_slices"]

Parse = Callable[[Any], Any]
"""Turns decoded JSON into what a call returns (models); may raise ResponseFormatError."""

SLICED_BYTES = 1 << 20
"""Bodies from this size up are decoded a slice at a time (see the module docstring)."""

_SLICE = 1 << 16
"""Bytes handed to the incremental parser at a time (well under a millisecond of parsing)."""


def decode_body(
    body: bytes, headers: Mapping[str, str], method: str, path: str, parse: Parse | None
) -> Any:
    """A response body decoded (JSON, else text; None when empty), then ``parse``d if given.

    Raises:
        ResponseFormatError: the body claims to be JSON and is not.
    """
    data: Any = None
    if body:
        content_type = headers.get("Content-Type", "")
        if "json" not in content_type and body.lstrip()[:1] not in (b"{", b"["):
            data = body.decode("utf-8", "replace")
        else:
            try:
                data = orjson.loads(body) if len(body) < SLICED_BYTES else loads_in_slices(body)
            except ValueError as exc:  # orjson's and ijson's errors both derive from it
                raise ResponseFormatError(
                    f"{method} {path}: the body is not JSON", body=body
                ) from exc
    return data if parse is None else parse(data)


def loads_in_slices(body: bytes) -> Any:
    """The JSON document in ``body``, parsed :data:`_SLICE` bytes at a time; the same values
    as ``orjson.loads`` (floats as ``float``, whole numbers as ``int``). A body the
    incremental parser refuses goes to orjson, which reads it or raises.

    Raises:
        orjson.JSONDecodeError: the body is not one JSON document.
    """
    import ijson  # only for large bodies

    found = ijson.sendable_list()
    parser = ijson.items_coro(found, "", use_float=True)
    view = memoryview(body)
    try:
        for start in range(0, len(body), _SLICE):
            parser.send(bytes(view[start : start + _SLICE]))
        parser.close()
    except ijson.JSONError:
        found.clear()
    if len(found) == 1:
        return found[0]
    # What yajl refuses (a whole number of 2**63 and up, say) orjson may still read: orjson
    # decides, in one go, as for a small body.
    return orjson.loads(body)
