"""What every generated method does, once: check its arguments, build the request from the
operation's description (:mod:`aries_async.apispec`), send it, and read the answer as its model.

A generated method is one line, ``self._call("getStockTrades", locals())``: its parameters by
Python name. The operation's plan (:mod:`~aries_async.resources._plan`) checks them against the
description (required, type, allowed values; :class:`~aries_async.errors.ValidationError`
naming the parameter, nothing sent) and puts them where the wire wants them: path segments
through :func:`~aries_async.resources._base.path_segment`, the query as text (dates
``YYYY-MM-DD``, booleans ``true``/``false``, lists comma-joined, numbers as plain decimals),
the body as JSON (attrs models through the converter, mappings as given). The call is retried
only when the operation is safe to repeat; an operation that needs no token is sent without one;
one that takes an ``Idempotency-Key`` sends the same key on every retry of the call.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, Callable, Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import yarl

from aries_async._lazy import load, loaded
from aries_async.errors import PaginationError
from aries_async.http.pagination import Paged, following, paginate
from aries_async.resources._base import Resource, list_of

if TYPE_CHECKING:
    from aries_async.resources._plan import Plan, Request

__all__ = ["Operations"]

PLANS = "aries_async.resources._plan"
"""Loaded by the first call of a generated method, off the event loop (see ``_lazy.load``; a
paged method's first call loads it at its first ``await`` or ``async for`` step):
``client.market``'s hand-written calls never need it."""

MODELS = "aries_async.models.generated"
"""Where each generated model is (its ``MODULES``), loaded with the first model."""

EXACT_JSON = "aries_async.http.exact_json"
"""The exact reading of long numbers (msgspec), loaded with the first model: many answers of
the market data's vendors hold a nanosecond clock, a run of digits that asks for it."""


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
            the message names the method and the parameter, and nothing is sent. A paged
            method raises it as it is called, or, when it is the program's first generated
            call, at its first ``await`` or ``async for`` step (:meth:`_paged`).
        PermissionDeniedError: 403; the message names the scope this method needs.
        APIError: another error answer, as the subclass of its status
            (:mod:`aries_async.errors`).
        PaginationError: (a paged method, while iterating) the server sent a continuation
            twice, or a ``nextUrl`` off the API's origin (not followed).
        TypeError: a ``**filters`` key that is none of the operation's parameters, as for any
            unknown keyword argument (a paged method: when it raises ValidationError).
    """

    async def _call(self, op_id: str, values: Mapping[str, Any]) -> Any:
        """Call ``op_id`` with the method's arguments ``values``; its answer as a model."""
        steps: Plan = (await load(PLANS)).plan(op_id)
        return await self._send(steps, steps.build(values))

    async def _send(self, steps: Plan, request: Request, url: str | None = None) -> Any:
        """Send ``request`` (or fetch ``url``, a ``nextUrl``); the answer as the result."""
        op = steps.op
        cls: Any = None
        if steps.model is not None:
            # The models' table (a few hundred names) is a module of its own: loaded as the
            # models are, off the event loop.
            models = await load(MODELS)
            module = await load(models.MODULES[steps.model])
            await load(EXACT_JSON)  # for an answer with a number a float does not hold
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
            data = await self._client.request(
                op["method"], url or request.path, exact=True, **kwargs
            )
            return steps.parse(data, None, steps.what)
        return await self._request_as(
            op["method"], url or request.path, cls, steps.what, parse=steps.parse, **kwargs
        )

    def _paged(self, op_id: str, values: Mapping[str, Any]) -> Paged[Any, Any]:
        """``op_id``'s first page when awaited, every item of its pages when iterated (see
        :mod:`aries_async.http.pagination`).

        The arguments are checked now once a call has loaded the plans. Before that (the
        program's first generated call is this one), they are checked at the first ``await``
        or first ``async for`` step, after the plans have loaded off the event loop: the same
        error, raised before anything is sent.
        """
        plans = loaded(PLANS)
        if plans is not None:
            steps: Plan = plans.plan(op_id)
            first = steps.build(values)
            return Paged(lambda: self._send(steps, first), lambda: self._items(steps, first))
        # Importing the plans here would run on the event loop (the module and the API
        # description it parses: milliseconds), stalling every other task meanwhile.
        checked: list[tuple[Plan, Request]] = []

        async def check() -> tuple[Plan, Request]:
            if not checked:  # a refused check is made again, and refused again, each time
                steps = (await load(PLANS)).plan(op_id)
                checked.append((steps, steps.build(values)))
            return checked[0]

        async def page() -> Any:
            return await self._send(*await check())

        async def items() -> AsyncGenerator[Any, None]:
            async with contextlib.aclosing(self._items(*await check())) as pages:
                async for item in pages:
                    yield item

        return Paged(page, items)

    def _items(self, steps: Plan, first: Request) -> AsyncGenerator[Any, None]:
        """Every item of the pages that ``first`` starts."""
        from aries_async.apispec.naming import field_name  # loaded with the plans
        from aries_async.apispec.ranges import FIRST_PAGES

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
        # A listing documented to count from 1 numbers its pages so; one whose first page is
        # undocumented may answer its first page again as page 1 (skipped once).
        first_page = FIRST_PAGES.get(steps.op["id"], 0)

        async def fetch(current: Hashable | None) -> tuple[Sequence[Any], Hashable | None]:
            url = None
            request = first
            if current is not None and style == "next_url":
                url = _same_origin(str(current), origin, steps.what)
            elif current is not None and cont_wire:
                request = attrs.evolve(first, query={**first.query, cont_wire: str(current)})
            page = await self._send(steps, request, url)
            # The items at their path; or, for a page of columns, the rows its model reads.
            rows = paging.get("rows")
            items = (
                getattr(page, rows) if rows else _read(page, paging["items"], field_name)
            ) or []
            if paging.get("backwards"):  # older pages follow: newest first throughout
                items = items[::-1]
            sent = _read(page, paging["next"], field_name) if "next" in paging else None
            after = following(
                style,
                sent=sent,
                count=len(items),
                current=current or start,
                size=size,
                first=first_page,
            )
            return items, after

        renumbered = style == "page" and start in (None, 0) and steps.op["id"] not in FIRST_PAGES
        return paginate(fetch, steps.what, start, first_may_repeat=renumbered)


def _read(page: Any, path: str, field_name: Callable[[str], str]) -> Any:
    """The value at ``path`` (wire names, dotted: ``data.nextCursor``) in the page model;
    None when a step is missing or None."""
    value = page
    for step in path.split("."):
        value = getattr(value, field_name(step), None) if value is not None else None
    return value


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
