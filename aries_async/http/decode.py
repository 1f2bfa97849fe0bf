"""Response bodies into Python data: JSON (else text), then the caller's ``parse``.

A ``parse`` that can read the body's bytes itself (:class:`BodyParse`: the answers of many
models, which msgspec reads straight into them) is given the bytes first; what it does not
read is decoded here and given to it as JSON.

Small bodies are decoded with orjson at once. The client runs large ones in a worker thread
so that the event loop goes on meanwhile; but a thread only helps while it lets go of the
interpreter lock, and orjson holds it for a whole document (about 7 ms a megabyte). A body of
:data:`SLICED_BYTES` or more is therefore decoded in parts, the lock let go between them
(:func:`~aries_async._give_way.give_way`):

* a long list of objects (positions, orders: ``[{...},{...},...]``) is cut between two of
  its objects every :data:`_PIECE` bytes, and each part read by the ``parse``'s
  ``read_items``, else by orjson (:func:`loads_in_pieces`);
* anything else is read by ijson's C parser a slice at a time (:func:`loads_in_slices`),
  4-6 times slower than orjson.

The event loop never waits for more than one part (two for the ends of a cut list).

Numbers are read exactly where the caller asks (``exact``: the typed methods do, a bare
``client.request()`` does not, see :func:`loads`): a float holds 15 significant digits for
sure, so a body holding a longer run of digits (and points) than that, which orjson would
read as a float with other digits (``123456789012345678.25`` as ``1.2345678901234568e17``, a
whole number beyond 64 bits too), is read by msgspec instead, every number with a fraction or
an exponent a ``Decimal`` of the digits sent, whole numbers ``int``. Looking for such a run
costs a fraction of a microsecond a kilobyte; bodies without one (nearly all) are orjson's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

import orjson

from aries_async._give_way import give_way
from aries_async.errors import ResponseFormatError

__all__ = [
    "SLICED_BYTES",
    "BodyParse",
    "Parse",
    "decode_body",
    "loads",
    "loads_in_pieces",
    "loads_in_slices",
]

Parse = Callable[[Any], Any]
"""Turns decoded JSON into what a call returns (models); may raise ResponseFormatError."""


class BodyParse(Protocol):
    """A :data:`Parse` that may read a JSON body's bytes itself."""

    def __call__(self, data: Any) -> Any:
        """What the call returns, from the decoded JSON."""

    def read_body(self, body: bytes) -> Any:
        """What the call returns, from the body's bytes; None when it does not read them."""

    def read_items(self, part: bytes) -> list[Any] | None:
        """The items of a JSON list cut from a large body (see :func:`loads_in_pieces`),
        which ``__call__`` takes in place of their JSON; None when it does not read them."""


SLICED_BYTES = 1 << 20
"""Bodies from this size up are decoded a slice at a time (see the module docstring)."""

_SLICE = 1 << 16
"""Bytes handed to the incremental parser at a time (well under a millisecond of parsing)."""

_PIECE = 1 << 17
"""Bytes of a list of objects read at a time (about 2 ms into models: the longest a waiting
event loop waits for the worker; smaller parts cost more in all, 5-8% at 64 KiB)."""

_OPENING_WITHIN = 1 << 16
"""How far into a body :func:`loads_in_pieces` looks for the opening of its list of objects."""

_MARK = b'"\\u0000aries-async"'
_MARK_VALUE = "\x00aries-async"
"""A list item that stands for the cut-out parts of a list: no body without a backslash can
hold it (a JSON text writes the character U+0000 only as an escape)."""


_NUMERALS = bytes(0x30 if chr(i) in "0123456789." else 0x20 for i in range(256))
"""``bytes.translate`` table: a digit or a point becomes ``0``, anything else a space."""

_LONG_RUN = b"0" * 16
"""A run of more characters of a number than the 15 significant digits every float holds:
its number may not survive as a float (its text, in a string, is no number: the exact read
gives the same value for it, a little slower)."""


def exact_needed(body: bytes) -> bool:
    """Whether ``body`` may hold a number that a float does not hold exactly (see the module
    docstring): a run of 16 digits and points."""
    # find(), not "in": bytes.__contains__ first tries its argument as an integer, and a
    # bytes argument raises (and clears) a TypeError every time, which costs more than the
    # search of a small body
    return body.translate(_NUMERALS).find(_LONG_RUN) >= 0


def loads(body: bytes, *, exact: bool = True) -> Any:
    """The JSON document in ``body``: orjson's values, unless ``exact`` and a number in it
    may not survive as a float; then every number with a fraction or an exponent is the
    ``Decimal`` of its digits and every whole number an ``int``.

    Raises:
        ValueError: the body is not one JSON document (orjson's or msgspec's error).
    """
    if not exact or not exact_needed(body):
        return orjson.loads(body)
    from aries_async.http import exact_json  # loaded when first needed

    try:
        return exact_json.decoder.decode(body)
    except exact_json.DecodeError as exc:
        raise ValueError(str(exc)) from None


def decode_body(
    body: bytes,
    headers: Mapping[str, str],
    method: str,
    path: str,
    parse: Parse | None,
    exact: bool = False,
) -> Any:
    """A response body decoded (JSON, else text; None when empty), then ``parse``d if given;
    ``exact``: its long numbers read exactly (:func:`loads`), else as orjson reads them.

    Raises:
        ResponseFormatError: the body claims to be JSON and is not.
    """
    data: Any = None
    if body:
        content_type = headers.get("Content-Type", "")
        if "json" not in content_type and body.lstrip()[:1] not in (b"{", b"["):
            data = body.decode("utf-8", "replace")
        else:
            read_body = getattr(parse, "read_body", None)
            if read_body is not None and len(body) < SLICED_BYTES:
                read = read_body(body)
                if read is not None:
                    return read
            try:
                if len(body) < SLICED_BYTES:
                    data = loads(body, exact=exact)
                else:
                    data = loads_in_pieces(body, getattr(parse, "read_items", None), exact=exact)
                    if data is None:
                        data = loads_in_slices(body, exact=exact)
                    give_way()  # before the models are made of it (or checked, once made)
            except ValueError as exc:  # orjson's and ijson's errors both derive from it
                raise ResponseFormatError(
                    f"{method} {path}: the body is not JSON", body=body
                ) from exc
    return data if parse is None else parse(data)


def loads_in_slices(body: bytes, *, exact: bool = True) -> Any:
    """The JSON document in ``body``, parsed :data:`_SLICE` bytes at a time; the same values
    as :func:`loads` with ``exact`` (floats as ``float``, whole numbers as ``int``; with
    ``exact``, in a body that may hold a number a float does not, ``Decimal`` for every
    number with a fraction). A body the incremental parser refuses goes to :func:`loads`,
    which reads it or raises.

    Raises:
        ValueError: the body is not one JSON document.
    """
    import ijson  # only for large bodies

    view = memoryview(body)
    decimals = False
    for start in range(0, len(body), _SLICE) if exact else ():
        # a run across two slices is in the second
        if exact_needed(bytes(view[max(0, start - 16) : start + _SLICE])):
            decimals = True
            break
        give_way()
    found = ijson.sendable_list()
    parser = ijson.items_coro(found, "", use_float=not decimals)
    try:
        for start in range(0, len(body), _SLICE):
            parser.send(bytes(view[start : start + _SLICE]))
            give_way()
        parser.close()
    except ijson.JSONError:
        found.clear()
    if len(found) == 1:
        return found[0]
    # What yajl refuses (a whole number of 2**63 and up, say) orjson or msgspec may still
    # read: they decide, in one go, as for a small body.
    return loads(body, exact=exact)


def loads_in_pieces(
    body: bytes,
    read_items: Callable[[bytes], list[Any] | None] | None = None,
    *,
    exact: bool = True,
) -> Any:
    """The JSON document in ``body``, when it holds a long list of objects, read by orjson in
    parts of about :data:`_PIECE` bytes; None when the body is not of that kind or not JSON
    (the caller then reads it another way). ``read_items`` may read a part (a JSON list of
    those objects) instead, into the items that take their place; ``exact`` is
    :func:`loads`'s.

    The list is cut after its ``[`` and at ``},{"key"`` (the key its first object begins
    with) where that is outside any string: the count of ``"`` before it is even, which is
    exact in a body without a backslash (and a body with one is left to the caller). Each
    part between two cuts is read as the items of a list; the rest of the document (the list's
    last object and what surrounds the list), with one marker item in place of those parts,
    is read as a whole, and the parts
    are put in place of the marker. If every read succeeds, the document is the one
    :func:`loads` gives: JSON's grammar lets any run of items of a list be read
    apart, and a cut that is not between two items of one list makes a part or the rest
    unreadable.
    """
    # The list opens near the start of such a body (bare, or under its object's first keys):
    # looking further would scan a large body of another kind (bars' columns) to no end.
    opening = body.find(b'[{"', 0, _OPENING_WITHIN)
    if opening < 0 or b"\\" in body:
        return None
    # The list's objects begin with the same key, which an object nested in them (an order's
    # legs) seldom does: cutting only before that key keeps the cuts in the one list.
    between = b'},{"' + body[opening + 3 : body.find(b'"', opening + 3) + 1]
    find, count = body.find, body.count
    quotes = count(b'"', 0, opening)
    if quotes % 2:  # the "[" is in a string
        return None
    cut = opening  # the last cut; the first part begins with the list's first object
    parts: list[Any] = []  # each read as soon as its end is found, the lock let go after it
    counted = opening
    try:
        at = find(between, opening + _PIECE)
        while at >= 0:
            quotes += count(b'"', counted, at)
            counted = at
            if quotes % 2 == 0:  # outside a string
                parts.append(_read_part(body, cut, at + 1, read_items, exact))
                cut = at + 1  # the comma between the two objects
                give_way()
                at = find(between, at + _PIECE)
            else:
                at = find(between, at + len(between))
        # The last part ends before the list's last object, the only one left to the rest.
        last = body.rfind(between, cut + 1)
        if last > counted and (quotes + count(b'"', counted, last)) % 2 == 0:
            parts.append(_read_part(body, cut, last + 1, read_items, exact))
            cut = last + 1
        if not parts:
            return None
        rest = loads(b"".join((body[: opening + 1], _MARK, body[cut:])), exact=exact)
    except ValueError:  # orjson's and msgspec's (loads) errors
        return None
    return rest if _splice(rest, parts) else None


def _read_part(
    body: bytes,
    start: int,
    end: int,
    read_items: Callable[[bytes], list[Any] | None] | None,
    exact: bool,
) -> Any:
    """The items of ``body`` between the cuts ``start`` and ``end``."""
    part = b"".join((b"[", body[start + 1 : end], b"]"))
    items = None if read_items is None else read_items(part)
    return loads(part, exact=exact) if items is None else items


def _splice(document: Any, parts: list[list[Any]]) -> bool:
    """Put the items of ``parts`` in place of the marker item in ``document``'s lists."""
    pending = [document]
    while pending:
        node = pending.pop()
        if type(node) is dict:
            pending.extend(v for v in node.values() if type(v) is dict or type(v) is list)
        elif type(node) is list:
            if _MARK_VALUE in node:
                at = node.index(_MARK_VALUE)
                node[at : at + 1] = [item for part in parts for item in part]
                return True
            pending.extend(v for v in node if type(v) is dict or type(v) is list)
    return False
