"""The documentation's code type-checks under ``mypy --strict``, as a user's would: the README
promises a typed API, and its snippets are what users copy.

Checked: every python block of the README that a test runs (``test_readme_code.py``,
``tests/fleet/test_readme_fleet.py``), and the blocks of ``docs/migrating.md``, one program in
the order written (``test_migrating_guide.py``), unless a ``<!-- not typed: REASON -->`` mark
says why not. A fragment with a top-level ``await`` becomes the body of a coroutine, after a
preamble that declares, typed, the names it takes from the prose (``client``, ``account_id``,
``callback_url``; the guide's ``ACCOUNT``, ``BASE_URL``...) and the quickstart's imports. The
guide reuses a name for another section's value (``stream``: the account's, then the
market's), so its program may give a variable a new type (mypy's ``allow_redefinition``).
finance-dev's calls in the guide are its package's types, not ours: they are read as ``Any``.

One mypy run over every block (it reads the package's modules once), in a temporary directory,
with a cache of its own; errors are reported at their line of the document.
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from pathlib import Path

from doc_blocks import DocBlock, python_blocks
from mypy import api

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
GUIDE = ROOT / "docs" / "migrating.md"

PREAMBLE = """\
from datetime import date
from decimal import Decimal

from aries_async import AriesClient, OrderRequest

client: AriesClient
account_id: str
callback_url: str
ACCOUNT: str
BASE_URL: str
TOKEN_URL: str
CLIENT_ID: str
CLIENT_SECRET: str
"""

CONFIG = """\
[mypy]
strict = True
python_version = 3.11
warn_unreachable = True

[mypy-finance_dev.*]
follow_imports = skip
ignore_missing_imports = True
"""

ERROR = re.compile(r"^(?P<file>[^:\n]+\.py):(?P<line>\d+): (?P<message>.*)$", re.MULTILINE)


class Module:
    """A module made of documentation blocks: its text, and where each line came from."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.origins: list[str] = []

    def add(self, text: str, origin: str | None = None, first_line: int = 0) -> None:
        """Append ``text``; its lines come from ``origin`` from ``first_line`` on, or from the
        test itself (the preamble, a coroutine's ``def``)."""
        for offset, line in enumerate(text.splitlines()):
            self.lines.append(line)
            self.origins.append(f"{origin}:{first_line + offset}" if origin else "<preamble>")

    def add_block(self, block: DocBlock, path: Path, indent: str = "") -> None:
        self.add(textwrap.indent(block.source, indent), path.name, block.line + 1)

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def awaits_at_top(source: str) -> bool:
    """Whether ``source`` has a top-level ``await`` (``async for``, ``async with``)."""
    code = compile(source, "<block>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    return bool(code.co_flags & inspect.CO_COROUTINE)


def readme_modules() -> dict[str, Module]:
    """One module per README block that a test runs: a script as written, a fragment as the
    body of a coroutine after the preamble."""
    modules = {}
    for block in python_blocks(README):
        if block.test is None or block.not_typed:
            continue
        module = Module()
        if awaits_at_top(block.source):
            module.add(PREAMBLE + "\n\nasync def fragment() -> None:")
            module.add_block(block, README, indent="    ")
        else:
            module.add_block(block, README)
        modules[f"readme_{block.test.replace('-', '_')}"] = module
    return modules


def guide_module() -> Module:
    """The guide's blocks, one program in one coroutine, as its test runs them."""
    module = Module()
    module.add("# mypy: allow-redefinition\n" + PREAMBLE + "\n\nasync def guide() -> None:")
    for block in python_blocks(GUIDE):
        if not block.not_typed:
            module.add_block(block, GUIDE, indent="    ")
    return module


def test_the_documented_code_passes_mypy_strict(tmp_path: Path) -> None:
    modules = {**readme_modules(), "migrating_guide": guide_module()}
    assert len(modules) >= 12
    for name, module in modules.items():
        (tmp_path / f"{name}.py").write_text(module.text, encoding="utf-8")
    (tmp_path / "mypy.ini").write_text(CONFIG, encoding="utf-8")
    report, errors, status = api.run(
        [
            "--config-file",
            str(tmp_path / "mypy.ini"),
            "--cache-dir",
            str(tmp_path / ".mypy_cache"),
            "--no-error-summary",
            *(str(tmp_path / f"{name}.py") for name in modules),
        ]
    )

    def where(error: re.Match[str]) -> str:
        origins = modules[Path(error["file"]).stem].origins
        return f"{origins[int(error['line']) - 1]}: {error['message']}"

    found = [where(error) for error in ERROR.finditer(report)]
    assert not errors
    assert status == 0 and not found, "\n".join(found or [report])
