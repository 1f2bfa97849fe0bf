"""A hand-written model reads each field as the API's description types it, and as the official
package's model does; one that reads a schema the generated models name too is that name (one
class per wire object: ``tools/apigen_alias.py``, ``HAND_WRITTEN``).

The one departure is the house rule for market data (``docs/architecture.md``, Quantities): a
size or a volume is a ``Decimal`` in a hand-written model, where a generated model keeps the
schema's ``int``. Anything else the schema calls an integer (a sequence number, a count, a code)
is an ``int``.
"""

from __future__ import annotations

import enum
import logging
import typing
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs
import pytest

from aries_async.apispec import schemas
from aries_async.models import (
    Balance,
    EquityDetails,
    EquityDetailsResponse,
    Holiday,
    OptionChain,
    OptionDetails,
    OptionDetailsResponse,
    Order,
    OrderAck,
    Position,
    ReplaceAck,
    SymbolError,
    generated,
    structure,
)
from aries_async.models.common import field_wire_name
from aries_async.models.orders import OrderLegState

# (hand-written model, the schema it reads), where the generated models name that schema too:
# the generated name is the hand-written class.
SAME: list[tuple[type[Any], str]] = [
    (EquityDetails, "EquityDetailsDTO"),
    (EquityDetailsResponse, "GetEquityDetailsResponse"),
    (OptionDetails, "OptionDetailsDTO"),
    (OptionDetailsResponse, "GetOptionDetailsResponse"),
    (SymbolError, "SymbolError"),
]
# Those of them whose fields are values (not lists of models).
VALUES = [(model, schema) for model, schema in SAME if model in (EquityDetails, OptionDetails)]

# (hand-written model, the description's schema of the wire object it reads), for the models
# with times: each reads exactly that schema's fields.
DESCRIBED: list[tuple[type[Any], str]] = [
    (EquityDetails, "EquityDetailsDTO"),
    (Order, "TradeOrderV2"),
    (OrderLegState, "TradeOrderLegV2"),
    (OrderAck, "OrdResponse"),
    (ReplaceAck, "ReplaceOrdResponse"),
    (Balance, "AccountBalanceV2"),
    (Position, "AccountPosition"),
    (Holiday, "MarketHoliday"),
    (OptionChain, "OptionContractsResponse"),
]

# The Python types a field may have for each JSON type of the description (a date-only string
# is a ``date``, its plain ``string`` type notwithstanding).
FOR_JSON_TYPE: dict[str, set[type[Any]]] = {
    "integer": {int},
    "number": {Decimal},
    "boolean": {bool},
    "string": {str, date},
    "string/date-time": {datetime},
}


def json_type(schema_name: str, wire_name: str) -> str:
    """The description's type of one property (``string/date-time`` for a formatted one)."""
    prop = schemas()[schema_name]["properties"][wire_name]
    (kind,) = [part for part in prop.get("anyOf", [prop]) if part.get("type") != "null"]
    return str(kind["type"]) + (f"/{kind['format']}" if "format" in kind else "")


# Fields the SDK fills itself, beside what the wire object holds (read from it too if a
# server sends them): (model, attribute) -> why.
FILLED_BY_THE_SDK: dict[tuple[type[Any], str], str] = {
    (OrderAck, "client_id"): "the tag place() sent, which OrdResponse does not echo",
}


def by_wire_name(model: type[Any]) -> dict[str, tuple[str, type[Any]]]:
    """Each field's wire name -> (its attribute, its type without ``None``)."""
    hints = typing.get_type_hints(model)
    out = {}
    for field in attrs.fields(model):
        if (model, field.name) in FILLED_BY_THE_SDK:
            continue
        (kind,) = [t for t in typing.get_args(hints[field.name]) if t is not type(None)]
        out[field_wire_name(field, "camel")] = (field.name, kind)
    return out


def sized(attribute: str) -> bool:
    """Whether the field is a market-data size or volume (``Decimal`` by the house rule)."""
    return attribute == "size" or attribute.endswith("_size") or "volume" in attribute


@pytest.mark.parametrize(("model", "schema"), SAME, ids=lambda x: getattr(x, "__name__", x))
def test_the_generated_name_of_the_schema_is_the_hand_written_model(
    model: type[Any], schema: str
) -> None:
    assert getattr(generated, schema) is model
    assert set(by_wire_name(model)) == set(schemas()[schema]["properties"])


@pytest.mark.parametrize(("model", "schema"), VALUES, ids=lambda x: getattr(x, "__name__", x))
def test_each_field_has_the_type_the_description_gives_it(model: type[Any], schema: str) -> None:
    disagree = {}
    for wire_name, (attribute, kind) in by_wire_name(model).items():
        described = json_type(schema, wire_name)
        allowed = {Decimal} if sized(attribute) and described == "integer" else None
        if kind not in (allowed or FOR_JSON_TYPE[described]):
            disagree[attribute] = (described, kind.__name__)
    assert disagree == {}  # attribute: (the description's type, the model's)


@pytest.mark.finance_dev
@pytest.mark.parametrize("schema", [schema for _, schema in VALUES])
def test_the_official_model_types_each_field_as_the_description_does(schema: str) -> None:
    models = pytest.importorskip("finance_dev.models")
    official = getattr(models, schema)
    as_json = {int: "integer", float: "number", bool: "boolean", str: "string"}
    disagree = {}
    for name, field in official.model_fields.items():
        wire_name = field.alias or name
        (kind,) = [t for t in typing.get_args(field.annotation) if t is not type(None)]
        if kind is datetime:
            said = "string/date-time"
        elif isinstance(kind, type) and issubclass(kind, enum.Enum):
            said = "string"  # an open enum of strings (putCall)
        else:
            said = as_json[kind]
        if said != json_type(schema, wire_name):
            disagree[wire_name] = said
    assert disagree == {}
    assert {f.alias or n for n, f in official.model_fields.items()} == set(
        schemas()[schema]["properties"]
    )


def test_the_sized_rule_names_only_sizes_and_volumes() -> None:
    attributes = [attribute for attribute, _ in by_wire_name(EquityDetails).values()]
    assert sorted(filter(sized, attributes)) == [
        "ask_size",
        "average_volume_4_weeks",
        "bid_size",
        "nasdaq_buy_volume",
        "nasdaq_sell_volume",
        "nyse_buy_volume",
        "nyse_sell_volume",
        "size",
        "volume",
    ]


def text_times(model: type[Any], schema: str) -> list[tuple[str, str]]:
    """(attribute, wire name) of the model's ``date`` and ``datetime`` fields that the
    description types as a plain string (no ``format``: no promise of a time)."""
    return [
        (attribute, wire_name)
        for wire_name, (attribute, kind) in by_wire_name(model).items()
        if kind in (date, datetime) and json_type(schema, wire_name) == "string"
    ]


@pytest.mark.parametrize(("model", "schema"), DESCRIBED, ids=lambda x: getattr(x, "__name__", x))
def test_a_time_the_description_leaves_a_string_reads_malformed_as_none_and_a_warning(
    model: type[Any], schema: str, caplog: pytest.LogCaptureFixture
) -> None:
    # As the generated models and the official package read them: one odd value must not
    # lose the answer. A formatted time (the description promises one) stays strict.
    assert set(by_wire_name(model)) == set(schemas()[schema]["properties"])
    for attribute, wire_name in text_times(model, schema):
        caplog.clear()
        with caplog.at_level(logging.WARNING, "aries_async.models"):
            read = structure({wire_name: "TBD", "symbol": "AAPL"}, model)
        assert getattr(read, attribute) is None
        assert attribute in caplog.text and "'TBD'" in caplog.text


def test_the_times_the_description_leaves_strings_are_known() -> None:
    # The test above must not pass on nothing: these are the fields it reads.
    found = {(m.__name__, a) for m, schema in DESCRIBED for a, _ in text_times(m, schema)}
    assert found == {
        ("EquityDetails", "high_52_week_date"),
        ("EquityDetails", "low_52_week_date"),
        ("EquityDetails", "ytd_high_date"),
        ("EquityDetails", "ytd_low_date"),
        ("EquityDetails", "expiration_date"),
        ("OrderLegState", "maturity"),
    }
