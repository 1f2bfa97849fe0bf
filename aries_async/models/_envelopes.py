"""What an answer object must carry to be read as its model, or as the list it holds.

A server leaves an empty list out of its answer (Go's ``omitempty``: ``{}`` for no
positions) or sends it as ``null``; both read as no items. An answer in another envelope
(``{"data": {"positions": [...]}}``, a proxy's or a newer server's) would read the same way,
every key unknown and so ignored: a bot told it holds nothing buys again. So an answer object
that carries keys, none of which its model (or its list's envelope) knows, is refused, the
keys that came named in the message; ``{}`` is an answer with everything left out.

The same holds for every object within an answer that is read as a model (an order's legs, a
user's account application, the items of a list): the spec describes each with named fields,
every one of which a server may leave out (rest.md: ``omitempty``), so ``{}`` reads as the
model with nothing set, and an object of keys none of which the model names is in a shape
this client does not know. The converter checks every model object it reads
(:func:`closed_keys`, :func:`unknown_keys`), the top-level one included; an open model (one
that keeps the keys it does not name, ``__wire_extra__``) takes any key, and a model without
fields has none to look for.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from aries_async.models.common import field_wire_name, wire_case

__all__ = ["closed_keys", "listed", "unknown_keys"]


def closed_keys(cls: type) -> frozenset[str] | None:
    """The wire keys of model ``cls``, of which an object read as it must carry one when it
    carries any (see the module docstring); None for an open model or one without fields."""
    if getattr(cls, "__wire_extra__", None) is not None:
        return None
    case = wire_case(cls)
    return frozenset(field_wire_name(a, case) for a in attrs.fields(cls)) or None


def unknown_keys(data: dict[str, Any], known: frozenset[str]) -> str:
    """Why ``data``, carrying none of the ``known`` keys, is refused: the keys that came."""
    return _unknown(data, known)


def listed(data: Any, key: str, also: Iterable[str] = ()) -> Any:
    """The list an answer object holds under ``key`` (what is there, to be read as a list);
    ``[]`` when the key is absent or ``null``, unless the object carries other keys and none
    of ``key`` and ``also`` (the keys documented beside it).

    Raises:
        ValueError: ``data`` is no object, or an object in another envelope (named).
    """
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object with {key!r}, got {data!r:.80}")
    found = data.get(key)
    if found is not None:
        return found
    known = frozenset((key, *also))
    if data and known.isdisjoint(data):
        raise ValueError(_unknown(data, known))
    return []


def _unknown(data: dict[str, Any], known: frozenset[str]) -> str:
    came = ", ".join(repr(k) for k in sorted(data)[:5]) + (", ..." if len(data) > 5 else "")
    wanted = ", ".join(repr(k) for k in sorted(known)[:5]) + (", ..." if len(known) > 5 else "")
    return (
        f"an object of the keys {came}, none of those expected ({wanted}): an envelope this "
        "client does not know, not read as empty"
    )
