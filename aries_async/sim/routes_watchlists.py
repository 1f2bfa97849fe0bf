"""The simulator's watchlist routes (``/v1/config/watchlist``), mapped onto
:class:`~aries_async.sim.watchlists.Watchlists` for the token's user.

Bad bodies and ids get the nested ``VALIDATION`` envelope (conventions.md section 5, B) with
``details.field``; an unknown id is a 404 ``WATCHLIST_NOT_FOUND``; a taken name a 400
``WATCHLIST_ALREADY_EXISTS`` (the code the official package documents).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from aries_async.sim.responses import (
    Handler,
    context_of,
    grant_of,
    json_array_body,
    json_body,
    json_response,
    nested_error,
)
from aries_async.sim.watchlists import SimWatchlist, WatchlistError, Watchlists

__all__ = ["add_routes"]


Call = Callable[[web.Request, Watchlists, int], Awaitable[web.StreamResponse]]


def _route(call: Call) -> Handler:
    """A handler calling ``call(request, watchlists, user_id)`` for the token's user (the auth
    middleware kept the grant), a :class:`WatchlistError` answered in the nested envelope."""

    async def handler(request: web.Request) -> web.StreamResponse:
        state = context_of(request).state
        grant = grant_of(request)
        user_id = grant.user_id if grant is not None else state.user_id
        try:
            return await call(request, state.watchlists, user_id)
        except WatchlistError as exc:
            kind = "NOT_FOUND" if exc.status == 404 else "VALIDATION"
            details = {"field": exc.field} if exc.field else None
            return nested_error(request, exc.status, kind, exc.code, exc.message, details)

    return handler


def _text(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise WatchlistError(400, "INVALID_FIELD", f"{key} must be a string", key)
    return value


def _name(body: dict[str, Any], where: str = "name") -> str:
    value = _text(body, "name")
    if value is None:
        raise WatchlistError(400, "MISSING_FIELD", "name is required", where)
    return value


def _symbols(body: dict[str, Any], key: str) -> list[str] | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise WatchlistError(400, "INVALID_FIELD", f"{key} must be an array of strings", key)
    return value


def _watchlist_id(request: web.Request) -> int:
    raw = request.match_info["watchlist_id"]
    if not raw.isdigit() or int(raw) == 0:
        raise WatchlistError(
            400, "INVALID_WATCHLIST_ID", "watchlist_id must be a positive integer", "watchlist_id"
        )
    return int(raw)


def _listing(user_id: int, lists: list[SimWatchlist]) -> dict[str, Any]:
    return {"user_id": user_id, "watchlist": [w.wire() for w in lists]}


async def _list(request: web.Request, books: Watchlists, user_id: int) -> web.StreamResponse:
    return json_response(_listing(user_id, books.all(user_id)))


async def _get(request: web.Request, books: Watchlists, user_id: int) -> web.StreamResponse:
    return json_response(books.get(user_id, _watchlist_id(request)).wire())


async def _create(request: web.Request, books: Watchlists, user_id: int) -> web.StreamResponse:
    body = await json_body(request)
    if isinstance(body, web.Response):
        return body
    created, invalid = books.create(user_id, _name(body), _symbols(body, "symbols") or [])
    return json_response(created.wire(invalid), 201)


async def _update(request: web.Request, books: Watchlists, user_id: int) -> web.StreamResponse:
    body = await json_body(request)
    if isinstance(body, web.Response):
        return body
    watchlist_id = _watchlist_id(request)
    name = _text(body, "name")
    add, remove = _symbols(body, "add_symbols"), _symbols(body, "remove_symbols")
    if name is None and add is None and remove is None:
        raise WatchlistError(
            400,
            "MISSING_FIELDS",
            "include at least one of name, add_symbols or remove_symbols",
            "name",
        )
    updated, invalid = books.update(
        user_id, watchlist_id, name=name, add=add or [], remove=remove or []
    )
    return json_response(updated.wire(invalid))


async def _delete(request: web.Request, books: Watchlists, user_id: int) -> web.StreamResponse:
    return json_response(books.delete(user_id, _watchlist_id(request)).wire())


def _entries(body: list[Any]) -> list[tuple[str, list[str] | None]]:
    entries: list[tuple[str, list[str] | None]] = []
    for index, item in enumerate(body):
        where = f"[{index}]"
        if not isinstance(item, dict):
            raise WatchlistError(400, "INVALID_FIELD", f"entry {where} must be an object", where)
        name = _name(item, f"{where}.name")
        if not name.strip():
            raise WatchlistError(400, "INVALID_NAME", "name must not be empty", f"{where}.name")
        if any(name == seen for seen, _ in entries):
            raise WatchlistError(
                400, "DUPLICATE_NAME", f"name {name!r} appears twice", f"{where}.name"
            )
        symbols = _symbols(item, "symbols")
        if symbols is not None and len(set(symbols)) != len(symbols):
            raise WatchlistError(
                400, "DUPLICATE_SYMBOLS", f"entry {where} repeats a symbol", f"{where}.symbols"
            )
        entries.append((name, symbols))
    return entries


async def _replace_all(request: web.Request, books: Watchlists, user_id: int) -> web.StreamResponse:
    body = await json_array_body(request)
    if isinstance(body, web.Response):
        return body
    entries = _entries(body)
    return json_response(_listing(user_id, books.replace_all(user_id, entries)), 201)


def add_routes(router: web.UrlDispatcher) -> None:
    """Serve the six watchlist operations on ``router``."""
    router.add_get("/v1/config/watchlist", _route(_list))
    router.add_post("/v1/config/watchlist", _route(_create))
    router.add_put("/v1/config/watchlist", _route(_replace_all))
    router.add_get("/v1/config/watchlist/{watchlist_id}", _route(_get))
    router.add_patch("/v1/config/watchlist/{watchlist_id}", _route(_update))
    router.add_delete("/v1/config/watchlist/{watchlist_id}", _route(_delete))
