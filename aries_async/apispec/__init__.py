"""The description of the Aries REST API, as data: one entry per operation.

``operations.json`` holds, for each of the API's operations: its ``id`` (the operationId), the
client ``group`` and method ``name`` that serve it, ``method`` and ``path``, ``params`` (name in
Python and on the wire, where it goes, whether it is required, its JSON Schema), the ``body``
schema, the ``response`` (status, content type, schema), the OAuth2 ``scopes``, ``auth``
(``bearer`` or ``none``), whether it is safe to ``retry``, whether it sends an
``idempotency_key``, its ``pagination`` style, and ``covered_by`` when a hand-written method
serves it. ``schemas.json`` holds the named schemas the ``$ref``\\ s point at.

The client's typed methods and models, and the simulator's answers, are all built from this
description: adding an operation starts here. ``tools/derive_apispec.py`` derived it from the
wire-protocol notes.
"""

from __future__ import annotations

import functools
import json
from typing import Any

__all__ = ["operations", "operations_by_id", "schemas"]


@functools.cache
def operations() -> tuple[dict[str, Any], ...]:
    """Every operation, sorted by group and method name."""
    return tuple(json.loads(_read("operations.json")))


@functools.cache
def operations_by_id() -> dict[str, dict[str, Any]]:
    """Every operation by its ``id`` (the operationId)."""
    return {op["id"]: op for op in operations()}


@functools.cache
def schemas() -> dict[str, Any]:
    """The named JSON Schemas that ``{"$ref": "#/$defs/NAME"}`` refers to, by name."""
    loaded: dict[str, Any] = json.loads(_read("schemas.json"))
    return loaded


def _read(name: str) -> str:
    # importlib.resources loads with the first call, not with every client's import.
    from importlib.resources import files

    return files(__package__).joinpath(name).read_text(encoding="utf-8")
