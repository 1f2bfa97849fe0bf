"""The package's shape: modules of one responsibility each, no import cycles, stable names."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import aries_async

PACKAGE = Path(aries_async.__file__).parent

MAX_LINES = 400

AWAITING_SPLIT: frozenset[str] = frozenset()
"""Modules still over the limit (by a few lines), to split next; each is checked to be over
it, so an entry goes when its module is split."""


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _lines(path: str) -> int:
    return len((PACKAGE / path).read_text().splitlines())


@pytest.mark.parametrize(
    "path",
    sorted(
        p.relative_to(PACKAGE).as_posix()
        for p in PACKAGE.rglob("*.py")
        if p.relative_to(PACKAGE).as_posix() not in AWAITING_SPLIT
    ),
)
def test_a_module_holds_at_most_400_lines(path: str) -> None:
    assert _lines(path) <= MAX_LINES, f"{path} has {_lines(path)} lines"


def test_the_modules_awaiting_a_split_are_still_over_the_limit() -> None:
    assert {path: _lines(path) > MAX_LINES for path in AWAITING_SPLIT} == dict.fromkeys(
        AWAITING_SPLIT, True
    )


def _imports_at_load(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The package's modules that importing ``module`` imports at once: top-level imports,
    not those under ``TYPE_CHECKING`` nor inside functions (which run later)."""
    found: set[str] = set()
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.If):
                if "TYPE_CHECKING" not in ast.unparse(node.test):
                    visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                for block in (node.body, node.orelse, node.finalbody):
                    visit(block)
                for handler in node.handlers:
                    visit(handler.body)
            elif isinstance(node, ast.With):
                visit(node.body)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    prefix = package[: len(package) - node.level + 1]
                    base = ".".join([*prefix, base] if base else prefix)
                for alias in node.names:
                    submodule = f"{base}.{alias.name}"
                    found.add(submodule if submodule in known else base)

    visit(ast.parse(path.read_text()).body)
    return {name for name in found if name in known and name != module}


def test_no_module_imports_itself_back_at_load() -> None:
    known = _modules()
    graph = {name: _imports_at_load(name, path, known) for name, path in known.items()}
    cycles = []
    done: set[str] = set()

    def walk(name: str, trail: list[str]) -> None:
        if name in trail:
            cycles.append(" -> ".join([*trail[trail.index(name) :], name]))
            return
        if name in done:
            return
        for target in sorted(graph[name]):
            walk(target, [*trail, name])
        done.add(name)

    for name in sorted(graph):
        walk(name, [])
    assert cycles == []


@pytest.mark.parametrize(
    ("module", "names"),
    [
        (
            "aries_async.errors",
            (
                "api_error_from_response",
                "parse_retry_after",
                "require_text",
                "require_count",
                "OrderStateUnknownError",
                "StreamRequestError",
                "StreamRequestTimeout",
                "StreamRequestInterrupted",
            ),
        ),
        ("aries_async.client", ("AriesClient", "StreamOpener")),
        (
            "aries_async._cli.doctor",
            ("Check", "check_expiry", "check_scopes", "exit_status", "probe_websocket", "run"),
        ),
    ],
)
def test_names_stay_where_users_import_them(module: str, names: tuple[str, ...]) -> None:
    loaded = importlib.import_module(module)
    assert [name for name in names if not callable(getattr(loaded, name, None))] == []
