"""Checks of the simulator's answers against the API description (``aries_async.apispec``).

:func:`check_answer` validates a body against the JSON Schema of an operation's response,
strictly: no object may carry a field the schema does not name (a misspelt field would
otherwise pass as an unknown one), and the official ``finance-dev`` model parses it when that
package is installed. :func:`official_client` is that package's client on a simulator.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import importlib
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest

from aries_async.apispec import operations, schemas
from aries_async.sim.records import parse_rfc3339
from aries_async.sim.threaded import ThreadedSimulator

__all__ = [
    "check_answer",
    "check_definition",
    "check_schema",
    "official_client",
    "operation",
    "parse_official",
]


def operation(operation_id: str) -> dict[str, Any]:
    """The description of one operation."""
    found = [op for op in operations() if op["id"] == operation_id]
    assert len(found) == 1, operation_id
    return found[0]


def _closed(node: Any) -> Any:
    """``node`` with ``additionalProperties: false`` on every object schema that lists its
    properties (and leaves the others open)."""
    if isinstance(node, dict):
        closed = {key: _closed(value) for key, value in node.items()}
        if "properties" in node and "additionalProperties" not in node:
            closed["additionalProperties"] = False
        return closed
    if isinstance(node, list):
        return [_closed(item) for item in node]
    return node


def _date_time(value: object) -> bool:
    """An RFC 3339 date-time with a zone (jsonschema checks none without an extra package)."""
    return not isinstance(value, str) or bool(parse_rfc3339(value))


_FORMATS = jsonschema.FormatChecker()
_FORMATS.checks("date-time", raises=ValueError)(_date_time)


@functools.cache
def _validator(operation_id: str) -> jsonschema.Draft202012Validator:
    root = copy.deepcopy(operation(operation_id)["response"]["schema"])
    root["$defs"] = schemas()
    return jsonschema.Draft202012Validator(_closed(root), format_checker=_FORMATS)


@functools.cache
def _definition_validator(name: str) -> jsonschema.Draft202012Validator:
    root = {"$ref": f"#/$defs/{name}", "$defs": copy.deepcopy(schemas())}
    return jsonschema.Draft202012Validator(_closed(root), format_checker=_FORMATS)


def check_definition(name: str, body: Any) -> None:
    """Assert that ``body`` is valid for the API description's definition ``name`` (one of
    its ``$defs``, e.g. ``TradeOrderV2``), as strictly as :func:`check_schema`."""
    error = jsonschema.exceptions.best_match(_definition_validator(name).iter_errors(body))
    assert error is None, f"{name}: {error.message} at {error.json_path}"


def _model_name(operation_id: str) -> str:
    schema = operation(operation_id)["response"]["schema"]
    refs = [part["$ref"] for part in schema.get("anyOf", [schema]) if "$ref" in part]
    assert len(refs) == 1, schema
    name: str = refs[0].rsplit("/", 1)[-1]
    return name


def parse_official(operation_id: str, body: Any) -> Any:
    """The body parsed by the official ``finance-dev`` model of the operation's response."""
    models = importlib.import_module("finance_dev.models")
    return getattr(models, _model_name(operation_id)).model_validate(body)


def check_schema(operation_id: str, body: Any) -> None:
    """Assert that ``body`` is valid for the operation's response schema (no field it does not
    name, formats checked)."""
    error = jsonschema.exceptions.best_match(_validator(operation_id).iter_errors(body))
    assert error is None, f"{error.message} at {error.json_path}"


def check_answer(operation_id: str, status: int, body: Any) -> None:
    """Assert that ``(status, body)`` is a documented success answer of the operation."""
    assert status == operation(operation_id)["response"]["status"], (status, body)
    check_schema(operation_id, body)
    try:
        importlib.import_module("finance_dev")
    except ImportError:  # the compare extra is optional; its own tests skip without it
        return
    parse_official(operation_id, body)


@contextlib.contextmanager
def official_client(sim: ThreadedSimulator) -> Iterator[Any]:
    """The official ``finance-dev`` client, unmodified, signing in to ``sim`` with client
    credentials (the test skips when the package is not installed)."""
    finance_dev = pytest.importorskip("finance_dev")
    security = finance_dev.models.Security(
        client_id=sim.client_id, client_secret=sim.client_secret, token_url=sim.token_url
    )
    with finance_dev.FinanceDev(security=security, server_url=sim.base_url) as client:
        yield client
