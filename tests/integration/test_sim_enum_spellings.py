"""Every enum-like field the simulator sends is spelled as finance-dev declares its values: a
field whose model type is an enum or a ``Literal`` holds one of them (found a defect: the
options activity's ``putCall`` was ``call``/``put`` where finance-dev and the spec list
``PUT``/``CALL``, news items' ``news_type`` ``article`` where they list ``news`` and
``press_release``, and index values' ``identifierType`` a placeholder, ``SPX identifier
type``).

The survey walks each operation's answer with its success model (named in the spec's table of
operations) and its nested models; an answer finance-dev reads as one of several models (a
union) is checked against each member it has the fields of.
"""

from __future__ import annotations

import enum
import typing
from typing import Any

import pytest
from op_args import ENDPOINTS, endpoint_table, op_by_id, wire_args
from sim_http import SimApi

pytestmark = pytest.mark.finance_dev

finance_dev = pytest.importorskip("finance_dev")
pydantic = pytest.importorskip("pydantic")


def _models() -> dict[str, Any]:
    """The finance-dev success model of each operation the table names one for."""
    out = {}
    for cells in endpoint_table(ENDPOINTS):
        name = cells[8].split(" ")[1] if " " in cells[8] else ""
        model = getattr(finance_dev.models, name, None)
        if isinstance(model, type) and issubclass(model, pydantic.BaseModel):
            out[cells[5]] = model
    return out


MODELS = _models()


def _declared(annotation: Any) -> list[Any]:
    """The values an annotation's enums and ``Literal``s declare (none: it is free)."""
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return [member.value for member in annotation]
    if typing.get_origin(annotation) is typing.Literal:
        return list(typing.get_args(annotation))
    return [v for arg in typing.get_args(annotation) for v in _declared(arg)]


def _nested(annotation: Any) -> list[Any]:
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _nested(arg)]


def _misspelt(model: Any, value: Any, path: str) -> list[tuple[str, Any, list[Any]]]:
    """``(field path, value sent, values declared)`` of each enum-like field of ``value`` (read
    as ``model``) holding a value its model does not declare."""
    if isinstance(value, list):
        return [found for item in value for found in _misspelt(model, item, path)]
    if not isinstance(value, dict):
        return []
    out = []
    for name, field in model.model_fields.items():
        key = field.alias or name
        if key not in value:
            continue
        sent = value[key]
        declared = _declared(field.annotation)
        members = _nested(field.annotation)
        # a union of models: the members the value reads as (each, when it reads as none)
        tagged = [m for m in members if _tag_fits(m, sent)] or members
        if declared and not members:
            for one in sent if isinstance(sent, list) else [sent]:
                if one is not None and one not in declared:
                    out.append((f"{path}.{key}", one, declared))
        for member in tagged:
            out.extend(_misspelt(member, sent, f"{path}.{key}"))
    return out


def _tag_fits(model: Any, value: Any) -> bool:
    """Whether ``value`` reads as ``model``: every enum-like field it carries (a union's tag
    among them) holds one of its values."""
    if isinstance(value, list):
        return any(_tag_fits(model, item) for item in value) or not value
    if not isinstance(value, dict):
        return False
    for name, field in model.model_fields.items():
        key = field.alias or name
        tags = _declared(field.annotation)
        if tags and key in value and value[key] not in tags:
            return False
    return True


async def _expiry(api: SimApi) -> str:
    status, body = await api.call("GET", "/v1/options/AAPL/expiry-dates")
    assert status == 200, body
    return str(body["expiryDates"][0])


async def test_the_survey_knows_most_operations() -> None:
    assert len(MODELS) > 120


@pytest.mark.parametrize("op_id", sorted(MODELS))
async def test_enum_fields_hold_the_values_finance_dev_declares(api: SimApi, op_id: str) -> None:
    op = op_by_id(op_id)
    if op["method"] != "GET":
        pytest.skip("an answer to a change is checked by the contract tests")
    path, query, _ = wire_args(op, {"listOptionContracts": {"expiryDate": await _expiry(api)}})
    status, body = await api.call("GET", path, params=query)
    if status >= 400:
        pytest.skip(f"needs state first ({status})")
    assert _misspelt(MODELS[op_id], body, "") == []


async def test_an_option_trade_names_its_right_as_the_spec_spells_it(api: SimApi) -> None:
    path, query, _ = wire_args(op_by_id("getOptionsActivity"), {})
    status, body = await api.call("GET", path, params=query)
    assert status == 200, body
    activities = body["activities"]
    assert activities
    for activity in activities:  # rest.md: putCall is CALL or PUT (C, P the short forms)
        right = "CALL" if activity["optionSymbol"][-9] == "C" else "PUT"
        assert activity["putCall"] == right, activity


@pytest.mark.parametrize("op_id", ["getInstitutionalOwnership", "getInstitutionalPortfolio"])
async def test_a_stock_holding_names_no_right(api: SimApi, op_id: str) -> None:
    path, query, _ = wire_args(op_by_id(op_id), {})
    status, body = await api.call("GET", path, params=query)
    assert status == 200, body
    holdings = [h for h in _records(body) if "putCall" in h]
    assert holdings
    # finance-dev: "PUT, CALL, or empty for stock positions"; the simulated holdings are stock
    assert {h["putCall"] for h in holdings} == {""}, holdings


def _records(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, list):
        return [r for v in value for r in _records(v)]
    if isinstance(value, dict):
        return [value] + [r for v in value.values() for r in _records(v)]
    return []
