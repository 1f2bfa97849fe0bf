"""The models package stays readable: small files, no private name borrowed across modules."""

from __future__ import annotations

import ast
from pathlib import Path

import aries_async.models

MODELS = Path(aries_async.models.__file__).parent
MAX_LINES = 400


def test_no_models_file_is_over_the_line_limit() -> None:
    long = {
        path.name: n
        for path in MODELS.glob("*.py")
        if (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def test_no_private_name_is_imported_from_another_module() -> None:
    borrowed: list[str] = []
    for path in sorted((MODELS.parent).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "aries_async.models"
            ):
                borrowed += [
                    f"{path.name}: {node.module}.{alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_")
                ]
    assert borrowed == []


def test_wire_numbers_become_decimals_in_one_module() -> None:
    """Every float-to-Decimal conversion goes through ``models/_values.py``."""
    decoder = MODELS.parent / "streaming" / "protocol" / "decoder.py"
    writers = [
        path.name
        for path in [*MODELS.glob("*.py"), decoder]
        if path.name != "_values.py"
        and any(s in path.read_text() for s in ("create_decimal", "Decimal(repr(", "EXACT"))
    ]
    assert writers == []
