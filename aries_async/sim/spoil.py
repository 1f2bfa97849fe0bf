"""One value of an answer spoiled, for the ``malformed_amount`` and ``malformed_date`` faults
(:mod:`aries_async.sim.faults`): the value is looked for in the last object of the answer's
first list of objects, deep in a large answer, where a reader that stops at the first items
would miss it. And an answer whose list is an object, for the ``list_as_object`` fault, and
one with fields no schema names, for ``unknown_fields``. :func:`reshaped` applies the body
faults of :mod:`aries_async.sim.fault_bodies` to an answer."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import orjson
from aiohttp import web

from aries_async.sim.fault_routes import route_matches
from aries_async.sim.responses import json_response

if TYPE_CHECKING:
    from aries_async.sim.fault_bodies import BodyFaults

__all__ = [
    "last_item",
    "list_as_object",
    "reshaped",
    "spoil_amount",
    "spoil_date",
    "with_unknown_fields",
]

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_AMOUNT = re.compile(r"-?\d+(\.\d+)?")


def last_item(data: Any) -> dict[str, Any] | None:
    """The last object of the first list of objects: the answer itself when it is a list,
    else the first of its values that is one; None when there is none."""
    lists = [data] if isinstance(data, list) else [v for v in data.values() if isinstance(v, list)]
    items = next((found for found in lists if found and isinstance(found[-1], dict)), None)
    return None if items is None else items[-1]


def spoil_amount(item: dict[str, Any], text: str) -> bool:
    """Set the first decimal-string amount among ``item``'s own fields to ``text`` (a day,
    ``2026-01-28``, is not one); whether there was one."""
    for key, value in item.items():
        if isinstance(value, str) and _AMOUNT.fullmatch(value):
            item[key] = text
            return True
    return False


def spoil_date(item: dict[str, Any], text: str) -> bool:
    """Set the first calendar day (a ``YYYY-MM-DD`` string) in ``item`` to ``text``, looking
    depth-first into its objects and lists (an order's legs); whether there was one."""
    for key, value in item.items():
        if isinstance(value, str) and _DAY.fullmatch(value):
            item[key] = text
            return True
        nested = value if isinstance(value, list) else [value]
        if any(isinstance(inner, dict) and spoil_date(inner, text) for inner in nested):
            return True
    return False


def list_as_object(data: Any) -> Any:
    """``data`` (an answer's JSON) with its first list (the answer itself, or an object's
    first value that is one) an object keyed by the items' places (``{}`` when empty)."""
    if isinstance(data, list):
        return {str(n): item for n, item in enumerate(data)}
    key = next((k for k, v in data.items() if isinstance(v, list)), None)
    return data if key is None else {**data, key: list_as_object(data[key])}


def with_unknown_fields(value: Any) -> Any:
    """``value`` with two keys no schema names in each of its objects (``simUnknownText``, a
    string, and ``simUnknownNumber``, a number): a server newer than the client."""
    if isinstance(value, list):
        return [with_unknown_fields(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: with_unknown_fields(v) for k, v in value.items()}
    out.update(simUnknownText="added by a newer server", simUnknownNumber=1.25)
    return out


def reshaped(
    response: web.StreamResponse, faults: BodyFaults, method: str, path: str, template: str
) -> web.StreamResponse:
    """``response`` as the body faults set for this request make it (itself when none is)."""
    if not isinstance(response, web.Response) or response.status != 200:
        return response

    def matching(keys: Any) -> list[Any]:
        return [key for key in keys if route_matches(key, method, path, template)]

    for spoils, spoil in (
        (faults.malformed_amount, spoil_amount),
        (faults.malformed_date, spoil_date),
    ):
        for key in matching(spoils):
            response = _spoiled(response, spoils[key], spoil)
    if matching(faults.list_as_object):
        response = json_response(list_as_object(orjson.loads(_body_of(response))), 200)
    for key in matching(faults.wrap_answer):
        response = json_response({faults.wrap_answer[key]: orjson.loads(_body_of(response))}, 200)
    for key in matching(faults.answer_body):
        response = web.Response(
            body=faults.answer_body[key], status=200, content_type="application/json"
        )
    return response


def _spoiled(
    response: web.Response, text: str, spoil: Callable[[dict[str, Any], str], bool]
) -> web.Response:
    """``response`` with one value of its first list's last object set to ``text`` by
    ``spoil`` (see :mod:`aries_async.sim.spoil`); unchanged when it has none."""
    data = orjson.loads(_body_of(response))
    item = last_item(data)
    if item is None or not spoil(item, text):
        return response
    return json_response(data, response.status)


def _body_of(response: web.Response) -> bytes:
    body = response.body
    return body if isinstance(body, bytes) else b""
