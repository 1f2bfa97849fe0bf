"""``docs/uncertain.md`` stays true: every simulator switch, ``aries-async sim`` flag, test file
and test it names exists, and every switch of :mod:`aries_async.sim.fault_variants` (the ones
that exist for the spec's uncertain points alone) is in it."""

from __future__ import annotations

import argparse
import inspect
import re
from pathlib import Path

import attrs
import pytest

from aries_async.sim import Simulator
from aries_async.sim.cli import add_arguments
from aries_async.sim.context import SimSettings
from aries_async.sim.fault_variants import VariantFaults
from aries_async.sim.faults import Faults
from aries_async.sim.ws_faults import WebsocketFaults

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "uncertain.md").read_text(encoding="utf-8")
TABLE = "\n".join(line for line in DOC.splitlines() if line.startswith("|"))
"""The table's rows (the text around them names the notation with placeholders)."""
TESTS = ROOT / "tests"


def _named(pattern: str) -> list[str]:
    return sorted(set(re.findall(pattern, TABLE)))


def _help() -> str:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.format_help()


def test_the_table_names_switches_of_every_kind() -> None:
    # A change of notation would leave the checks below with nothing to check.
    assert len(_named(r"`faults\.(\w+)`")) > 40
    assert _named(r"`settings\.(\w+)`") and _named(r"`Simulator\((\w+)=\)`")
    assert len(_named(r"`(--[a-z0-9-]+)`")) > 40
    assert len(_named(r"`((?:unit/)?test_\w+\.py)(?:::\w+)?`")) > 25


@pytest.mark.parametrize("name", _named(r"`faults\.(\w+)`"))
def test_each_fault_named_is_a_field_of_faults(name: str) -> None:
    assert name in attrs.fields_dict(Faults)


@pytest.mark.parametrize("name", _named(r"`settings\.(\w+)`"))
def test_each_setting_named_is_a_field_of_the_settings(name: str) -> None:
    assert name in attrs.fields_dict(SimSettings)


@pytest.mark.parametrize("name", _named(r"`Simulator\((\w+)=\)`"))
def test_each_simulator_argument_named_is_one(name: str) -> None:
    assert name in inspect.signature(Simulator).parameters


@pytest.mark.parametrize("flag", _named(r"`(--[a-z0-9-]+)`"))
def test_each_flag_named_is_a_flag_of_the_simulator(flag: str) -> None:
    assert re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", _help())


@pytest.mark.parametrize(
    ("module", "test"), re.findall(r"`((?:unit/)?test_\w+\.py)(?:::(\w+))?`", TABLE)
)
def test_each_test_named_exists(module: str, test: str) -> None:
    path = TESTS / (module if module.startswith("unit/") else f"integration/{module}")
    assert path.is_file(), path
    if test:
        assert re.search(rf"^(async )?def {test}\(", path.read_text("utf-8"), re.M), test


VARIANTS = sorted(set(attrs.fields_dict(VariantFaults)) - set(attrs.fields_dict(WebsocketFaults)))


@pytest.mark.parametrize("name", VARIANTS)
def test_each_variant_switch_is_in_the_table(name: str) -> None:
    assert f"`faults.{name}`" in TABLE
