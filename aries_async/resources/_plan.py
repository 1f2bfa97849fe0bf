"""An operation's plan, read once from its description (:mod:`aries_async.apispec`): its
arguments checked and rendered as the request (:meth:`Plan.build`), its answer read as the
method's result (:meth:`Plan.parse`).

The runtime of the generated methods (:class:`~aries_async.resources._operation.Operations`)
loads this module with the first call that needs it, off the event loop: the description's
rules, and the classes here, are no part of a client that only calls hand-written methods.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from aries_async.apispec import operations_by_id, schemas
from aries_async.apispec.naming import BODY_PARAMS, TIME_TEXT, field_name, ref_name, variants
from aries_async.errors import ResponseFormatError
from aries_async.models.common import parse_datetime
from aries_async.resources._arguments import blank_text, body_value, invalid, query_value
from aries_async.resources._base import Resource, path_segment
from aries_async.resources._ranges import check_ranges

__all__ = ["Plan", "Request", "plan"]


@attrs.frozen
class Request:
    """One call's request, checked and rendered."""

    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str] | None


@attrs.frozen
class Plan:
    """An operation's description, read once for its calls."""

    op: dict[str, Any]
    name: str
    model: str | None
    many: bool
    text: bool

    @property
    def what(self) -> str:
        return f"{self.name} ({self.op['id']})"

    def build(self, values: Mapping[str, Any]) -> Request:
        """The request for ``values`` (the method's arguments by Python name).

        Raises:
            ValidationError: a parameter is missing, of the wrong type or not allowed, or a
                range's start is after its end.
        """
        op = self.op
        values = self._with_filters(values)
        path = op["path"]
        query: dict[str, str] = {}
        for param in op["params"]:
            name = param["name"]
            value = values.get(name)
            if value is None:
                if param["required"]:
                    raise invalid(self.name, name, "is required")
                continue
            text = query_value(self.name, name, value, param["schema"], param["wire"], op["id"])
            if param["in"] == "path":
                path = path.replace("{" + param["wire"] + "}", path_segment(text, name))
            else:
                query[param["wire"]] = text
        check_ranges(self.name, op["params"], values, op["id"], query)
        headers = None
        if op["idempotency_key"]:
            key = values.get("idempotency_key")
            if key is None:
                key = str(uuid.uuid4())
            elif not isinstance(key, str) or not key.strip():
                raise invalid(self.name, "idempotency_key", "must be a non-empty string")
            headers = {"Idempotency-Key": key}
        return Request(path, query, self._body(values), headers)

    def _with_filters(self, values: Mapping[str, Any]) -> Mapping[str, Any]:
        """``values`` with the keys of the method's ``**filters`` (a ``TypedDict`` of query
        parameters that operations share) beside its other parameters.

        Raises:
            TypeError: a key that is none of the operation's parameters, as Python says of an
                unknown keyword argument (a type checker says it first).
        """
        filters = values.get("filters")
        if not filters:
            return values
        known = {param["name"] for param in self.op["params"]}
        unknown = sorted(set(filters) - known)
        if unknown:
            raise TypeError(f"{self.name}() got an unexpected keyword argument {unknown[0]!r}")
        return {**values, **filters}

    def _body(self, values: Mapping[str, Any]) -> Any:
        spec = self.op["body"]
        if not spec:
            return None
        schema = spec["schema"]
        if schema.get("type") == "array":
            name = BODY_PARAMS.get(self.op["id"], "body")
            items = values.get(name)
            if isinstance(items, (str, bytes, Mapping)) or not isinstance(items, Sequence):
                raise invalid(self.name, name, "must be a list of models or mappings")
            return [
                body_value(self.name, f"{name}[{i}]", item, schema["items"], "")
                for i, item in enumerate(items)
            ]
        # An object body's fields are parameters; an ``anyOf`` body's alternatives share them,
        # and the body must then carry what one of them requires.
        parts = [
            (ref_name(alt) or self.op["id"], _target(alt))
            for alt in ([schema] if "properties" in schema else variants(schema))
        ]
        body: dict[str, Any] = {}
        for owner, target in parts:
            for wire, prop in target["properties"].items():
                name = field_name(wire, owner)
                value = values.get(name)
                if value is not None and wire not in body:
                    body[wire] = body_value(self.name, name, value, prop, owner, wire)
        if not body and not spec["required"]:
            return None
        # A required string that is blank is missing too (the server refuses it); one that
        # only another alternative requires is left as given.
        missing = [
            [
                w
                for w in target.get("required", [])
                if w not in body or blank_text(body[w], target["properties"].get(w, {}))
            ]
            for _, target in parts
        ]
        if all(missing):
            need = " or ".join(
                " and ".join(field_name(w, owner) for w in target["required"])
                for owner, target in parts
            )
            index, first = min(enumerate(missing), key=lambda item: len(item[1]))
            name = field_name(first[0], parts[index][0])
            why = "must not be empty" if first[0] in body else "is required"
            raise invalid(self.name, name, f"{why} (the body needs {need})")
        return body

    def parse(self, data: Any, cls: Any, what: str) -> Any:
        """The answer as the method's result (``null`` is ``[]`` for a list)."""
        if self.text and self.op["id"] not in TIME_TEXT:
            if not isinstance(data, str):
                raise ResponseFormatError(f"unexpected {self.what} response: not text")
            return data
        if self.text:
            try:
                parsed = parse_datetime(data.strip() if isinstance(data, str) else data)
            except (ValueError, OverflowError, OSError) as exc:
                raise ResponseFormatError(f"unexpected {self.what} response: {exc}") from None
            if parsed is None:
                raise ResponseFormatError(f"unexpected {self.what} response: empty")
            return parsed
        if data is None:
            if not self.many:
                raise ResponseFormatError(f"unexpected {self.what} response: null")
            data = []
        return Resource._parse(data, cls, what)


def _target(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema``, or the named schema it refers to."""
    name = ref_name(schema)
    found: dict[str, Any] = schemas()[name] if name else schema
    return found


_OPERATIONS = operations_by_id()
"""The description by operation id, read as this module loads: in the thread that loads it for
a first call, so that call does not parse the description (a few milliseconds) on the loop."""


@functools.cache
def plan(op_id: str) -> Plan:
    """The :class:`Plan` of operation ``op_id``."""
    op = _OPERATIONS[op_id]
    schema = op["response"]["schema"] or {}
    text = op["response"]["content_type"].startswith("text/")
    alt = next((a for a in variants(schema) if a.get("type") != "null"), {})
    many = alt.get("type") == "array"
    model = ref_name(alt["items"] if many else alt)
    return Plan(op, f"{op['group']}.{op['name']}", model, many, text)
