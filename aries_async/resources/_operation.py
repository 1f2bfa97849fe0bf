"""What every generated method does, once: check its arguments, build the request from the
operation's description (:mod:`aries_async.apispec`), send it, and read the answer as its model.

A generated method is one line, ``self._call("getStockTrades", locals())``: its parameters by
Python name. Here they are checked against the description (required, type, allowed values;
:class:`~aries_async.errors.ValidationError` naming the parameter, nothing sent) and put where
the wire wants them: path segments through :func:`path_segment`, the query as text (dates
``YYYY-MM-DD``, booleans ``true``/``false``, lists comma-joined, numbers as plain decimals),
the body as JSON (attrs models through the converter, mappings as given). The call is retried
only when the operation is safe to repeat; an operation that needs no token is sent without one;
one that takes an ``Idempotency-Key`` sends the same key on every retry of the call.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import AsyncIterator, Hashable, Mapping, Sequence
from typing import Any

import attrs
import yarl

from aries_async._lazy import load
from aries_async.apispec import operations, schemas
from aries_async.apispec.naming import BODY_PARAMS, TIME_TEXT, field_name, ref_name, variants
from aries_async.errors import PaginationError, ResponseFormatError
from aries_async.http.pagination import Paged, following, paginate
from aries_async.models.common import parse_datetime
from aries_async.resources._arguments import blank_text, body_value, invalid, query_value
from aries_async.resources._base import Resource, list_of, path_segment

__all__ = ["Operations", "Plan", "plan"]


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
            ValidationError: a parameter is missing, of the wrong type or not allowed.
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
            text = query_value(self.name, name, value, param["schema"], param["wire"])
            if param["in"] == "path":
                path = path.replace("{" + param["wire"] + "}", path_segment(text, name))
            else:
                query[param["wire"]] = text
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
            return [body_value(self.name, name, item, schema["items"], "") for item in items]
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


@functools.cache
def plan(op_id: str) -> Plan:
    """The :class:`Plan` of operation ``op_id``."""
    op = next(o for o in operations() if o["id"] == op_id)
    schema = op["response"]["schema"] or {}
    text = op["response"]["content_type"].startswith("text/")
    alt = next((a for a in variants(schema) if a.get("type") != "null"), {})
    many = alt.get("type") == "array"
    model = ref_name(alt["items"] if many else alt)
    return Plan(op, f"{op['group']}.{op['name']}", model, many, text)


class Operations(Resource):
    """Base of the generated resource classes: one method per operation calls :meth:`_call`
    (or :meth:`_paged` for a paginated one).

    A method's docstring gives its operation's HTTP method and path, scope, retries and paging,
    and where each parameter goes (path, query or body) under which wire name; its signature
    gives each parameter's type, allowed values and whether it is needed. Query filters that
    operations share are the keys of a ``TypedDict`` the method takes as ``**filters``
    (:mod:`aries_async.filters`), each documented there once.

    Raises (every method):
        ValidationError: a parameter is missing, of the wrong type or not an allowed value;
            the message names the method and the parameter, and nothing is sent.
        PermissionDeniedError: 403; the message names the scope this method needs.
        APIError: another error answer, as the subclass of its status
            (:mod:`aries_async.errors`).
        PaginationError: (a paged method, while iterating) the server sent a continuation
            twice, or a ``nextUrl`` off the API's origin (not followed).
        TypeError: a ``**filters`` key that is none of the operation's parameters, as for any
            unknown keyword argument.
    """

    async def _call(self, op_id: str, values: Mapping[str, Any]) -> Any:
        """Call ``op_id`` with the method's arguments ``values``; its answer as a model."""
        steps = plan(op_id)
        return await self._send(steps, steps.build(values))

    async def _send(self, steps: Plan, request: Request, url: str | None = None) -> Any:
        """Send ``request`` (or fetch ``url``, a ``nextUrl``); the answer as the result."""
        op = steps.op
        cls: Any = None
        if steps.model is not None:
            from aries_async.models.generated import MODULES

            module = await load(MODULES[steps.model])
            cls = getattr(module, steps.model)
            cls = list_of(cls) if steps.many else cls
        kwargs: dict[str, Any] = {
            "params": None if url else (request.query or None),
            "json": request.body,
            "idempotent": bool(op["retry"]),
            "authenticated": op["auth"] != "none",
            "scopes": op["scopes"],  # a 403 names them and the method
            "operation": steps.name,
        }
        if request.headers:
            kwargs["headers"] = request.headers
        if cls is None:  # a text answer
            data = await self._client.request(op["method"], url or request.path, **kwargs)
            return steps.parse(data, None, steps.what)
        return await self._request_as(
            op["method"], url or request.path, cls, steps.what, parse=steps.parse, **kwargs
        )

    def _paged(self, op_id: str, values: Mapping[str, Any]) -> Paged[Any, Any]:
        """``op_id``'s first page when awaited, every item of its pages when iterated (see
        :mod:`aries_async.http.pagination`); the arguments are checked now."""
        steps = plan(op_id)
        first = steps.build(values)
        return Paged(lambda: self._send(steps, first), lambda: self._items(steps, first))

    def _items(self, steps: Plan, first: Request) -> AsyncIterator[Any]:
        """Every item of the pages that ``first`` starts."""
        paging = steps.op["pagination"]
        style = paging["style"]
        # What goes back on the wire: a query parameter, or (nextUrl) the whole URL.
        cont_wire = None if style == "next_url" else paging["param"]
        size_wire = paging.get("size")
        size = int(first.query[size_wire]) if size_wire and size_wire in first.query else None
        start: Hashable | None = first.query.get(cont_wire) if cont_wire else None
        if style in ("page", "cursor") and start is not None:
            start = int(str(start))
        origin = yarl.URL(self._client.config.endpoints.base_url)

        async def fetch(current: Hashable | None) -> tuple[Sequence[Any], Hashable | None]:
            url = None
            request = first
            if current is not None and style == "next_url":
                url = _same_origin(str(current), origin, steps.what)
            elif current is not None and cont_wire:
                request = attrs.evolve(first, query={**first.query, cont_wire: str(current)})
            page = await self._send(steps, request, url)
            items = page
            for step in paging["items"].split("."):
                items = getattr(items, field_name(step), None) if items is not None else None
            items = items or []
            sent = (
                getattr(page, field_name(paging.get("next", "")), None)
                if "next" in paging
                else None
            )
            after = following(
                style, sent=sent, count=len(items), current=current or start, size=size
            )
            return items, after

        return paginate(fetch, steps.what, start)


def _same_origin(url: str, base: yarl.URL, what: str) -> str:
    """``url`` (a ``nextUrl``, maybe relative to the base URL) when it is on the API's origin.

    Raises:
        PaginationError: it is on another origin or carries credentials (nothing is sent).
    """
    try:
        target = yarl.URL(url)
        if not target.is_absolute():  # relative to the base URL, as the client joins paths
            target = yarl.URL(f"{str(base).rstrip('/')}/{url.lstrip('/')}")
        ok = target.raw_user is None and target.origin() == base.origin()
    except ValueError:
        ok = False
    if not ok:
        raise PaginationError(
            f"{what}: the server's nextUrl {url.split('?', 1)[0]!r} is not on the API's origin "
            f"{str(base.origin())!r}; not followed (the access token goes nowhere else)"
        )
    return str(target)
