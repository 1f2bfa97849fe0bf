"""Tests reach the package through its public names, or through a seam listed here.

A private name (a module or attribute whose name starts with ``_``) is free to change without
notice: a test that imports one, reads one or patches one would break on a refactor that
changes no behaviour, or keep a shortcut alive only because a test pins it. Where a test does
need to look behind the public face, the place is a seam: listed in :data:`SEAMS` with the
reason, and in ``docs/architecture.md`` ("Seams for tests"). This module reads every test
file's syntax tree and fails on a private name that is not a listed seam, and on a seam that no
test uses any more.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent

SEAMS: dict[str, str] = {
    "aries_async.models._converter.strict_converter": (
        "the converter that refuses keys a model does not name: how tests prove that the"
        " models name every field of the spec's examples and the simulator's answers"
    ),
    "aries_async.resources._plan.plan": (
        "the runtime plan of a generated operation (its wire parameters and model), which the"
        " every-operation tests compare with the API description"
    ),
    "aries_async._closing.concurrently": (
        "concurrent calls that end together: a caller's cancellation racing a call's failure"
        " cannot be arranged through market.quotes() without timing"
    ),
    "aries_async.streaming._tasks.task_group": (
        "the streams' task group: a child started while the group shuts down (a sibling"
        " failed) cannot be arranged through a stream without timing"
    ),
    "aries_async.streaming._tasks.Spawn": "the type of that group's starter",
    "aries_async._deprecation.renamed": (
        "the one deprecated-alias descriptor: tests find the old names through it"
    ),
    "aries_async._cli.*": "the CLI's implementation, tested below its commands",
    "aries_async.cli._parser": (
        "the command line's parser: the README's commands are parsed, not run (they would sign"
        " in, place orders, serve)"
    ),
    "aries_async.models._deferred.Deferred": (
        "the one lazy mechanism: tests find a model's lazily converted fields through it"
    ),
    "aries_async.models._deferred.deferred_names": "the same, as a list of names",
    "aries_async.models._reader.*": (
        "the body reader (msgspec) of positions and orders: tests compare what it reads with"
        " what the converter builds, and see what it leaves to the converter"
    ),
    "aries_async.models._market_events.convert_quote_prices": (
        "the batch conversion of a socket read's bid and ask prices: tests feed it odd batches"
        " (inf, nan, strings) and compare with what a field read gives"
    ),
    "aries_async.resources._base.BUILT_TYPES": (
        "the model types already structured once (a type's first structuring runs in a worker"
        " thread): tests empty it to act as a new process"
    ),
    "aries_async.resources.generated._filters.*": (
        "the generated filters that `aries_async.filters` re-exports: a test checks that none"
        " is left out"
    ),
    "aries_async.auth.filestore._write_all": (
        "the token file's one write: tests make it fail midway to prove the old token survives"
    ),
    "aries_async.auth.filestore._LOCKING": (
        "the file lock's platform strategy: tests run the Windows strategy against a stand-in,"
        " and the no-lock fallback, on Linux"
    ),
    "aries_async.auth.filestore._MsvcrtLocking": "the Windows lock strategy (see _LOCKING)",
    "aries_async.http.decode._PIECE": (
        "the size of a large body's parse pieces: tests shrink it so that small bodies cross"
        " many cuts"
    ),
    "aries_async.http.decode._SLICE": "the same for the slices of the streaming parse",
    "aries_async.http.transport._TARGETS": (
        "the size of the parsed-URL cache: tests shrink it to see old entries go"
    ),
    "aries_async.resources._base.Resource._parse": (
        "where an answer becomes models: tests wrap it to see which thread runs it (off the"
        " event loop for large bodies)"
    ),
}
"""Dotted name -> why a test may use it; ``package.*`` allows the public names of every
module of a private package."""


def _private(dotted: str) -> bool:
    return any(part.startswith("_") and not part.startswith("__") for part in dotted.split("."))


def _chain(node: ast.expr) -> tuple[str, list[str]] | None:
    """The name an attribute chain starts from, and the attributes read after it."""
    attributes: list[str] = []
    while isinstance(node, ast.Attribute):
        attributes.insert(0, node.attr)
        node = node.value
    return (node.id, attributes) if isinstance(node, ast.Name) else None


def _uses(tree: ast.Module) -> Iterator[str]:
    """The dotted names of the package's private modules and names that the tree touches:
    imported, read as an attribute, or patched with ``setattr(obj, "_name", ...)``."""
    bound: dict[str, str] = {}  # local name -> the dotted name it stands for
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("aries_async"):
            for alias in node.names:
                bound[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("aries_async"):
                    local = alias.asname or alias.name.split(".")[0]
                    bound[local] = alias.name if alias.asname else local
                    yield alias.name
    yield from bound.values()
    for node in ast.walk(tree):
        chain = None
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
            chain = _chain(node)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "setattr"
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
        ):
            target = _chain(node.args[0])
            if target is not None:
                chain = (target[0], [*target[1], node.args[1].value])
        if chain is not None and chain[0] in bound:
            yield ".".join([bound[chain[0]], *chain[1]])


def _allowed(use: str) -> bool:
    """Whether ``use`` (a dotted name) is public, a seam, leads to one (the module that holds
    it), or is a public name read through one."""
    if not _private(use):
        return True
    for seam in SEAMS:
        if seam.endswith(".*"):
            package = seam[:-1]
            if use == seam[:-2]:
                return True
            if use.startswith(package) and not _private(use[len(package) :].split(".", 1)[-1]):
                return True
        elif seam == use or seam.startswith(use + "."):
            return True  # the seam itself, or the module that holds it
        elif use.startswith(seam + ".") and not _private(use[len(seam) + 1 :]):
            return True  # a public name read through it
    return False


@functools.cache
def _found() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(TESTS.rglob("*.py")):
        for use in _uses(ast.parse(path.read_text(encoding="utf-8"))):
            found.setdefault(use, []).append(str(path.relative_to(ROOT)))
    return found


def test_tests_use_only_public_names_and_the_listed_seams() -> None:
    stray = {use: files for use, files in _found().items() if not _allowed(use)}
    assert stray == {}


def test_every_seam_is_still_used_and_documented() -> None:
    found = _found()
    unused = [
        seam
        for seam in SEAMS
        if not any(
            use == seam or (seam.endswith(".*") and use.startswith(seam[:-2])) for use in found
        )
    ]
    assert unused == []
    notes = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = notes.split("## Seams for tests", 1)[-1].split("\n## ", 1)[0]
    assert [seam for seam in SEAMS if f"`{seam}`" not in section] == []


def test_the_reader_finds_each_kind_of_private_use() -> None:
    source = (
        "from aries_async.models._converter import strict_converter\n"
        "from aries_async.resources import _base\n"
        "import aries_async.streaming._hidden\n"
        "from aries_async.client import _secret\n"
        "from aries_async import AriesClient\n"
        "x = AriesClient._send\n"
        "monkeypatch.setattr(_base.Resource, '_parse', None)\n"
    )
    uses = {use for use in _uses(ast.parse(source)) if _private(use)}
    uses.discard("aries_async.resources._base.Resource")  # read on the way to _parse
    assert uses == {
        "aries_async.models._converter.strict_converter",
        "aries_async.resources._base",
        "aries_async.streaming._hidden",
        "aries_async.client._secret",
        "aries_async.AriesClient._send",
        "aries_async.resources._base.Resource._parse",
    }
    allowed = {use for use in uses if _allowed(use)}
    assert allowed == {
        "aries_async.models._converter.strict_converter",
        "aries_async.resources._base",  # the module that holds a seam
        "aries_async.resources._base.Resource._parse",
    }
