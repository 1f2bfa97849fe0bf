"""What every resource shares: a handle on the client's authenticated call and the converter."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import types
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast
from urllib.parse import quote

from aries_async._answer_secrets import scrubbed
from aries_async._validate import require_text
from aries_async.errors import ResponseFormatError, ValidationError

if TYPE_CHECKING:
    from aries_async.client import AriesClient
    from aries_async.http.decode import BodyParse
    from aries_async.http.transport import Query
    from aries_async.models._reader import BodyReader

__all__ = ["BUILT_TYPES", "Resource", "list_of", "path_segment"]

T = TypeVar("T")

BUILT_TYPES: set[Any] = set()
"""The types the converter has built in this process (cattrs has generated their code); a test
clears it to see a type built for the first time."""


def list_of(item: type[T]) -> type[list[T]]:
    """``list[item]``, for a model class loaded at run time (see :func:`aries_async._lazy.load`)."""
    return cast("type[list[T]]", types.GenericAlias(list, (item,)))


def path_segment(value: str, field: str) -> str:
    """An identifier as one path segment: stripped, then percent-encoded with nothing left
    as it is (``/``, ``?``, ``#`` and ``%`` included), so it can never reach another path.

    Every path built from user input goes through here.

    Raises:
        ValidationError: the value is empty or not a string, or ``.`` or ``..``, which URL
            normalisation would turn into "this" or "the parent" path (nothing is sent).
    """
    text = require_text(value, field)
    if text in (".", ".."):
        raise ValidationError(f"{field} must not be {text!r}", field=field)
    return quote(text, safe="")


class Resource:
    """Base of ``client.accounts``, ``client.orders``... (never touches aiohttp)."""

    def __init__(self, client: AriesClient) -> None:
        self._client = client

    if not TYPE_CHECKING:  # hidden from type checkers: a misspelt method stays their error

        def __getattr__(self, name: str) -> Any:
            from aries_async.resources._official import missing_attribute

            raise missing_attribute(self, name)

    def _now(self) -> datetime:
        """The client's wall clock (its ``wall_clock``) as an aware UTC datetime."""
        return datetime.fromtimestamp(self._client._wall_clock(), UTC)

    @contextlib.contextmanager
    def _server_dates(self) -> Iterator[list[tuple[str | None, datetime]]]:
        """The ``Date`` header (the server's clock; None when absent) of every answer the
        client receives in the block, each beside the client's clock when it had arrived."""
        dates: list[tuple[str | None, datetime]] = []
        with self._client._answers_to(lambda h: dates.append((h.get("Date"), self._now()))):
            yield dates

    async def _get(
        self,
        path: str,
        params: Query | None = None,
        *,
        timeout: float | None = None,
        parse: Callable[[Any], T] | None = None,
        operation: str | None = None,
    ) -> Any:
        """``GET path``: the decoded body, or what ``parse`` makes of it (off the event loop
        with a large body, see ``AriesClient.request``); ``operation`` names the method in a
        403's message."""
        return await self._client.request(
            "GET",
            path,
            params=params,
            timeout=timeout,
            parse=parse,
            operation=operation,
            exact=True,
        )

    async def _get_as(
        self,
        path: str,
        cls: type[T],
        what: str,
        params: Query | None = None,
        *,
        operation: str | None = None,
        bulk: bool = False,
    ) -> T:
        """``GET path`` structured as ``cls``: decoding and structuring both run off the
        event loop when the body is large, or when ``cls`` is built for the first time."""
        return await self._request_as(
            "GET", path, cls, what, params=params, operation=operation, bulk=bulk
        )

    async def _request_as(
        self,
        method: str,
        path: str,
        cls: type[T],
        what: str,
        *,
        parse: Callable[[Any, type[T], str], T] | None = None,
        bulk: bool = False,
        key: str | None = None,
        **kwargs: Any,
    ) -> T:
        """``client.request(method, path, **kwargs)`` structured as ``cls`` (by ``parse``,
        :meth:`_parse` by default), as :meth:`_get_as` does it.

        ``bulk``: an answer that may hold thousands of models (positions, orders), read from
        its bytes by msgspec where it can (:mod:`aries_async.models._reader`); ``key``: the
        object key that holds such an answer's list, when it is not the bare list.
        """
        request = functools.partial(self._client.request, exact=True)
        if bulk and cls not in BUILT_TYPES:
            # The type's first use: its body reader and the converter's code (for what the
            # reader leaves) are made in a worker thread; the call then runs as later ones do.
            await asyncio.to_thread(_BulkAnswer.prepare, cls, key)
            BUILT_TYPES.add(cls)
        if cls not in BUILT_TYPES:
            data = await request(method, path, **kwargs)
            return await self._structure(data, cls, what, parse)
        chosen = parse or self._parse

        def answer(data: Any) -> T:
            return chosen(data, cls, what)

        if bulk:  # decode_body gives the bytes to the reader first
            reading: BodyParse = _BulkAnswer(cls, key, answer)
            parsed: T = await request(method, path, parse=reading, **kwargs)
        else:
            parsed = await request(method, path, parse=answer, **kwargs)
        return parsed

    async def _structure(
        self,
        data: Any,
        cls: type[T],
        what: str,
        parse: Callable[[Any, type[T], str], T] | None = None,
    ) -> T:
        """``data`` as ``cls``. The first time a type is built in this process, cattrs writes
        and compiles its code (milliseconds, more for nested models): that runs in a worker
        thread, so the event loop goes on meanwhile.

        Raises:
            ResponseFormatError: the data does not fit ``cls``.
        """
        parse = parse or self._parse
        try:
            if cls in BUILT_TYPES:
                return parse(data, cls, what)
            built = await asyncio.to_thread(parse, data, cls, what)
        except ResponseFormatError as exc:
            scrubbed(exc)  # the token of the request it answers is never quoted
            raise
        BUILT_TYPES.add(cls)
        return built

    @staticmethod
    def _parse(data: Any, cls: type[T], what: str) -> T:
        # cattrs and the converter load on the first response that needs them (quotes do not).
        from aries_async.models._problems import structure_answer

        return structure_answer(data, cls, what)


class _BulkAnswer(Generic[T]):
    """``parse`` for an answer of many models: read from the body's bytes when the body fits
    the models' mirror (:meth:`read_body`, :meth:`read_items`, which
    :func:`~aries_async.http.decode.decode_body` calls), else from the decoded JSON by the
    converter (calling the object)."""

    def __init__(self, cls: type[T], key: str | None, parse: Callable[[Any], T]) -> None:
        from aries_async.models._reader import body_reader

        self._reader: BodyReader | None = body_reader(cls, key)  # made by prepare()
        self._parse = parse

    @staticmethod
    def prepare(cls: Any, key: str | None) -> None:
        """Make the body reader of ``cls`` answers and the converter's structuring of ``cls``
        (on a type's first use: best run off the event loop)."""
        from aries_async.models._converter import converter
        from aries_async.models._reader import body_reader

        converter.get_structure_hook(cls)
        body_reader(cls, key)

    def __call__(self, data: Any) -> T:
        return self._parse(data)

    def read_body(self, body: bytes) -> T | None:
        from aries_async.models._reader import Unread

        if self._reader is None:
            return None
        try:
            read: T = self._reader.read(body)
        except Unread:
            return None
        return read

    def read_items(self, part: bytes) -> list[Any] | None:
        from aries_async.models._reader import Unread

        if self._reader is None:
            return None
        try:
            return self._reader.read_items(part)
        except Unread:
            return None
