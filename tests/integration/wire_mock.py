"""The client's HTTP answered by aioresponses, for the unit tests that pin request bytes.

:func:`wire_values` gives every parameter of an operation a wire string (``op_args``'s value,
else an example of its type) and :func:`arguments` turns them into the typed method's keyword
arguments. :func:`mocked_api` patches aiohttp for a test; :func:`reply` answers an operation
with the minimal body its response schema allows (or a given one); :meth:`Sent.read` gives what
left the client: method, path segments, query pairs, JSON body and headers.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any, NamedTuple
from urllib.parse import unquote

import aiohttp
from aioresponses import aioresponses
from multidict import CIMultiDict
from op_args import BODIES, VALUES, body_kwargs, param_values, python_value
from yarl import URL

from aries_async.apispec import schemas
from aries_async.apispec.naming import ref_name, variants
from aries_async.apispec.ranges import RANGES

__all__ = [
    "EXAMPLES",
    "TOKEN",
    "Recorder",
    "Sent",
    "arguments",
    "minimal",
    "mocked_api",
    "reply",
    "wire_values",
]

TOKEN = "t0ken-" + "x" * 34
ANYWHERE = re.compile(r"https://api\.aries\.com/.*")  # the spec's base URL, the default one

EXAMPLES = {
    "date": "2025-12-02",
    "date-time": "2025-12-02T15:00:00Z",
    "integer": "2",
    "number": "1.5",
    "boolean": "false",
}
"""An example wire value by JSON type (or string format)."""

TEXT_EXAMPLES = {
    "strikePrice": "180.5",
    "expirationDate": "2025-12-02",
    "timestamp": "2025-12-02",
    "limit": "2",
    "size": "2",
}
"""An example wire value of a ``string`` parameter that holds a number, a time or a count, by
the start of its wire name (``strikePriceGte`` is a ``strikePrice``): the client refuses text
that is none (``strikePriceGte-1``)."""


class MockedResponse(aiohttp.ClientResponse):
    """aioresponses' answer: it builds it without the ``stream_writer`` that aiohttp 3.14
    requires (pnuckowski/aioresponses#289, open), so a stand-in is given where it is missing."""

    def __init__(self, method: str, url: URL, **kwargs: Any) -> None:
        if _STREAM_WRITER:
            kwargs.setdefault("stream_writer", SimpleNamespace(output_size=0))
        super().__init__(method, url, **kwargs)


_STREAM_WRITER = "stream_writer" in inspect.signature(aiohttp.ClientResponse.__init__).parameters


def wire_values(op: dict[str, Any]) -> dict[str, str]:
    """Wire name -> wire string of every parameter of ``op``."""
    given = param_values(op, {})
    out = {}
    for param in op["params"]:
        wire, schema = param["wire"], param["schema"]
        if wire in given:
            out[wire] = given[wire]
        elif "enum" in schema:
            out[wire] = str(schema["enum"][-1])
        else:
            kind = schema.get("format", schema.get("type"))
            text = next((v for k, v in TEXT_EXAMPLES.items() if wire.startswith(k)), None)
            out[wire] = EXAMPLES.get(kind) or VALUES.get(wire) or text or f"{wire}-1"
    # The two ends of a range the examples gave: the upper one above the lower, so that the
    # range holds a value whichever ends exclude theirs (``dateFrom`` with ``dateBefore``).
    for (low, high), kind in RANGES.items():
        if low in out and high in out and not {low, high} & given.keys():
            if kind == "text":
                out[low], out[high] = "A", "Z"
            else:
                out[high] = LATER.get(out[high], out[high])
    return out


LATER = {"2025-12-02": "2025-12-09", "1.5": "2.5", "2": "3", "180.5": "190.5"}
"""The upper end of a range :func:`wire_values` gives the examples to: a later day or a larger
number than the example, which its lower end keeps (a ticker range: ``A`` to ``Z``)."""


def arguments(op: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """The method's keyword arguments for the wire ``values`` (and the body of ``op_args``)."""
    kwargs = {}
    for param in op["params"]:
        value = python_value(param["schema"], values[param["wire"]])
        if param["in"] == "query" and isinstance(value, str) and "," in value:
            value = value.split(",")  # a multi-value input, given as a list
        kwargs[param["name"]] = value
    if op["body"]:
        kwargs.update(body_kwargs(op, BODIES[op["id"]]))
    return kwargs


class Recorder(aioresponses):
    """aioresponses that keeps each request as the client handed it to aiohttp.

    aioresponses' own record (``requests``) is keyed by a normalised URL whose query it decodes
    and encodes again, which yarl 1.17 (our floor) encodes twice (``AAPL%252CMSFT``); this one
    keeps the URL, query and headers the client gave, before any of that. aioresponses has no
    public hook for it: ``_request_mock`` is the method it patches into aiohttp, with the same
    signature from 0.6 to 0.7.9.
    """

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[str, URL, dict[str, Any]]] = []

    async def _request_mock(
        self,
        orig_self: aiohttp.ClientSession,
        method: str,
        url: URL | str,
        *args: Any,
        **kwargs: Any,
    ) -> aiohttp.ClientResponse:
        target = URL(url)
        if kwargs.get("params"):  # as aiohttp joins them
            target = target.extend_query(kwargs["params"])
        self.sent.append((method, target, dict(kwargs)))
        return await super()._request_mock(orig_self, method, url, *args, **kwargs)


@contextmanager
def mocked_api() -> Iterator[Recorder]:
    """Every aiohttp request of the block goes to a :class:`Recorder` (none reaches a
    network)."""
    mocked = Recorder()
    with mocked:
        yield mocked


def minimal(schema: dict[str, Any]) -> Any:
    """The smallest JSON value ``schema`` allows (required fields only, empty lists)."""
    name = ref_name(schema)
    if name:
        return minimal(schemas()[name])
    alts = [alt for alt in variants(schema) if alt.get("type") != "null"]
    if alts and alts[0] is not schema:
        return minimal(alts[0])
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {key: minimal(props.get(key, {})) for key in schema.get("required", [])}
    if kind == "array":
        return []
    if kind == "string":
        return EXAMPLES.get(schema.get("format", ""), "0")
    return {"integer": 0, "number": 0, "boolean": False}.get(str(kind))


def reply(mocked: Recorder, op: dict[str, Any], payload: Any = None, *, status: int = 200) -> None:
    """Answer the next call of ``op`` (any path) with ``payload``, else the minimal body of
    its response schema (``text/plain`` answers: a time, which any text answer may be)."""
    kind = op["response"]["content_type"]
    answer: dict[str, Any] = {"payload": payload}
    if payload is None and kind.startswith("text/"):
        answer = {"body": "2026-01-05T14:30:00Z", "content_type": kind}
    elif payload is None:
        answer = {"payload": minimal(op["response"]["schema"])}
    mocked.add(ANYWHERE, op["method"], status=status, response_class=MockedResponse, **answer)


class Sent(NamedTuple):
    """One request as it left the client."""

    method: str
    path: list[str]  # the segments, percent-decoded one by one (a "/" in a value stays in one)
    query: list[tuple[str, str]]  # every pair, sorted: a multidict in any order
    body: Any  # the JSON body, parsed
    headers: Any  # a CIMultiDict: the request's own (not the session's User-Agent, Accept)

    @classmethod
    def read(cls, mocked: Recorder) -> list[Sent]:
        """Every request of ``mocked``, in order."""
        return [
            cls(
                method,
                [unquote(segment) for segment in url.raw_path.split("/")],
                sorted(url.query.items()),
                json.loads(kwargs["data"]) if kwargs.get("data") else None,
                CIMultiDict(kwargs.get("headers") or {}),
            )
            for method, url, kwargs in mocked.sent
        ]
