"""The fenced code blocks of a Markdown document, and how the tests run them as the reader would.

Shared by the tests that run documentation (``test_readme_code.py``, ``test_migrating_guide.py``,
``tests/fleet/test_readme_fleet.py``). A block may carry a mark, an HTML comment on the line just
above its fence, which the rendered page does not show:

* ``<!-- test: NAME -->``: a test runs it, found by ``NAME``;
* ``<!-- not run: REASON -->``: no test runs it, for ``REASON``;
* ``<!-- not typed: REASON -->`` (beside a ``test`` mark): ``test_doc_types.py`` does not hold
  it to ``mypy --strict``, for ``REASON``.

A block with a top-level ``await`` runs as a coroutine on the test's loop; one without (a script
ending in ``asyncio.run``) on a thread of its own, where it may start a loop.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import re
import shlex
from pathlib import Path
from typing import Any

import attrs
import pytest

from aries_async import FileTokenStore
from aries_async.sim import Simulator
from aries_async.sim.cli import shell_lines

__all__ = [
    "DocBlock",
    "fenced_blocks",
    "python_blocks",
    "readers_environment",
    "run_block",
    "statements",
]

FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<body>.*?)^```$", re.DOTALL | re.MULTILINE)
MARK = re.compile(r"<!--\s*(?P<kind>test|not run|not typed):\s*(?P<value>.*?)\s*-->")
MARKS = re.compile(rf"(?:\s*{MARK.pattern})+\s*$")


@attrs.frozen
class DocBlock:
    """One fenced block: its language (the info string), source, and where it is."""

    language: str
    source: str
    label: str
    """``<README.md:71>``: the file and the line of the opening fence, for tracebacks."""
    line: int
    """The line of the opening fence (the source starts on the next one)."""
    test: str | None
    """The ``NAME`` of a ``<!-- test: NAME -->`` mark."""
    not_run: str | None
    """The ``REASON`` of a ``<!-- not run: REASON -->`` mark."""
    not_typed: str | None = None
    """The ``REASON`` of a ``<!-- not typed: REASON -->`` mark."""


def fenced_blocks(path: Path) -> list[DocBlock]:
    """Every fenced block of the document at ``path``, in order, with its mark if any."""
    text = path.read_text(encoding="utf-8")
    blocks = []
    for found in FENCE.finditer(text):
        line = text.count("\n", 0, found.start()) + 1
        before = text[: found.start()].rstrip("\n").rsplit("\n", 1)[-1]
        line_marks = MARKS.search(before)
        marks = {m["kind"]: m["value"] for m in MARK.finditer(line_marks[0] if line_marks else "")}
        blocks.append(
            DocBlock(
                language=found["info"].strip(),
                source=found["body"],
                label=f"<{path.name}:{line}>",
                line=line,
                test=marks.get("test"),
                not_run=marks.get("not run"),
                not_typed=marks.get("not typed"),
            )
        )
    return blocks


def python_blocks(path: Path) -> list[DocBlock]:
    """The document's ``python`` blocks, in order."""
    return [block for block in fenced_blocks(path) if block.language == "python"]


def statements(source: str) -> list[str]:
    """The top-level statements of ``source``, each as its own source text, for a test that
    must act between two of them (a browser visit between asking for a URL and using it)."""
    tree = ast.parse(source)
    return [ast.get_source_segment(source, node) or "" for node in tree.body]


async def run_block(source: str, namespace: dict[str, Any], label: str) -> None:
    """Run ``source`` in ``namespace`` as the reader would: awaited on this loop when it has a
    top-level ``await`` (as in a notebook or ``python -m asyncio``), else on a thread of its own.
    """
    code = compile(source, label, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    if code.co_flags & inspect.CO_COROUTINE:
        await eval(code, namespace)  # noqa: S307 - the document's own code, on purpose
    else:
        await asyncio.to_thread(exec, code, namespace)  # the document's own code, on purpose


async def readers_environment(sim: Simulator, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Set the environment ``aries-async sim`` prints for another shell (its URLs, credentials
    and a token file in ``home``): the reader's, signed in with ``aries-async login``, moved
    from production to ``sim``."""
    token_file = home / "token.json"
    await FileTokenStore(token_file).save(sim.issue_token())
    for line in shell_lines(sim, token_file).splitlines():
        words = shlex.split(line, comments=True)
        if words[:1] == ["export"]:
            name, _, value = words[1].partition("=")
            monkeypatch.setenv(name, value)
        elif words[:1] == ["unset"]:
            monkeypatch.delenv(words[1], raising=False)
