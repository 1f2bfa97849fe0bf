"""A hand-written model and the generated model of the same wire object read each field as the
API's description types it, and as the official package's model does.

The one departure is the house rule for market data (``docs/architecture.md``, Quantities): a
size or a volume is a ``Decimal`` in a hand-written model, where the generated model keeps the
schema's ``int``. Anything else the schema calls an integer (a sequence number, a count, a code)
is an ``int`` in both.
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
    Holiday,
    OptionChain,
    Order,
    OrderAck,
    Position,
    ReplaceAck,
    structure,
)
from aries_async.models.common import field_wire_name
from aries_async.models.generated import EquityDetailsDTO
from aries_async.models.orders import OrderLegState

# (hand-written model, its generated twin): the same wire object.
TWINS: list[tuple[type[Any], type[Any]]] = [(EquityDetails, EquityDetailsDTO)]

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


@pytest.mark.parametrize(("model", "twin"), TWINS)
def test_the_twins_read_the_same_fields(model: type[Any], twin: type[Any]) -> None:
    assert set(by_wire_name(model)) == set(by_wire_name(twin))
    assert set(by_wire_name(twin)) == set(schemas()[twin.__name__]["properties"])


@pytest.mark.parametrize(("model", "twin"), TWINS)
def test_each_field_has_the_type_the_description_gives_it(
    model: type[Any], twin: type[Any]
) -> None:
    generated = by_wire_name(twin)
    disagree = {}
    for wire_name, (attribute, kind) in by_wire_name(model).items():
        described = json_type(twin.__name__, wire_name)
        twin_kind = generated[wire_name][1]
        expected = Decimal if sized(attribute) and described == "integer" else twin_kind
        if twin_kind not in FOR_JSON_TYPE[described] or kind is not expected:
            disagree[attribute] = (described, twin_kind.__name__, kind.__name__)
    assert disagree == {}  # attribute: (the description's type, the generated, the hand-written)


@pytest.mark.finance_dev
@pytest.mark.parametrize("twin", [twin for _, twin in TWINS])
def test_the_official_model_types_each_field_as_the_description_does(twin: type[Any]) -> None:
    models = pytest.importorskip("finance_dev.models")
    official = getattr(models, twin.__name__)
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
        if said != json_type(twin.__name__, wire_name):
            disagree[wire_name] = said
    assert disagree == {}
    assert {f.alias or n for n, f in official.model_fields.items()} == set(by_wire_name(twin))


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
        "total_volume",
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
