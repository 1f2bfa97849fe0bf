"""The README's code runs as written: users copy it.

Every ``python`` block carries a mark (see :mod:`doc_blocks`): ``<!-- test: NAME -->``, run
here by the test registered under ``NAME`` (``fleet``: in ``tests/fleet/test_readme_fleet.py``,
beside the Redis server), or ``<!-- not run: REASON -->``. A block without one fails, so a new
block is not added untested silently. Only what must change is substituted, each time said
where: the simulator's URLs, credentials and token for production's (through the variables the
reader would set, where the block reads them), the names a fragment takes from the prose around
it (``client``, ``account_id``), and ``print``, recorded so that the test can check what was
printed and stop an endless stream once it has printed.

Every ``sh`` block is parsed: each ``aries-async`` command by the CLI's own parser (its flags in
the comments must exist too), each ``python -m`` module must be importable, each ``pip install``
extra declared; the ``aries-async`` commands and CLI flags written inline in the prose as well.
The two commands a fresh machine runs are checked against ``pyproject.toml`` and ``.ci/run``.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
import shlex
import subprocess
import sys
import tomllib
from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from importlib import metadata, util
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import aiohttp
import pytest
from doc_blocks import (
    DocBlock,
    fenced_blocks,
    python_blocks,
    readers_environment,
    run_block,
    statements,
)
from packaging.requirements import Requirement

from aries_async import AriesClient, OrderRequest
from aries_async.cli import _parser
from aries_async.errors import StateMismatchError
from aries_async.sim import Simulator

pytest_plugins = ("pytester",)

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
ACCOUNT = "TEST-ACCOUNT-001"

RUN_HERE: dict[str, Callable[..., Awaitable[None] | None]] = {}
RUN_ELSEWHERE = {"fleet": ROOT / "tests" / "fleet" / "test_readme_fleet.py"}
"""Blocks whose test lives with the fixtures it needs, by name: the file that runs each."""


def readme_test(name: str) -> Callable[[Any], Any]:
    """Register the decorated test as the one that runs the block marked ``test: name``."""

    def register(test: Any) -> Any:
        RUN_HERE[name] = test
        return test

    return register


def block(name: str) -> DocBlock:
    """The README's python block marked ``test: name``."""
    (found,) = [b for b in python_blocks(README) if b.test == name]
    return found


class Printed:
    """Stands in for ``print`` in a block: records each call's arguments (as objects, so their
    types can be checked) and wakes who waits for the first line."""

    def __init__(self) -> None:
        self.lines: list[tuple[Any, ...]] = []
        self.first = asyncio.Event()
        self._loop = asyncio.get_running_loop()

    def __call__(self, *args: Any, **_: Any) -> None:
        self.lines.append(args)
        # A block that runs on a thread of its own prints there.
        self._loop.call_soon_threadsafe(self.first.set)


# -- every block is accounted for -------------------------------------------------------------


def test_every_python_block_is_run_or_says_why_not() -> None:
    blocks = python_blocks(README)
    assert len(blocks) >= 11
    unmarked = [b.label for b in blocks if b.test is None and b.not_run is None]
    assert not unmarked, f"mark them <!-- test: NAME --> or <!-- not run: REASON -->: {unmarked}"
    names = [b.test for b in blocks if b.test is not None]
    assert len(names) == len(set(names)), f"a test name is used twice: {names}"
    assert set(names) == set(RUN_HERE) | set(RUN_ELSEWHERE)
    for name, where in RUN_ELSEWHERE.items():
        assert f'block("{name}")' in where.read_text(encoding="utf-8"), where
    assert all(b.not_run for b in blocks if b.test is None), "a not-run mark needs its reason"


def test_every_block_is_python_or_sh() -> None:
    # A ``py`` or ``bash`` block would be run or parsed by nothing here.
    languages = {b.label: b.language for b in fenced_blocks(README)}
    assert set(languages.values()) == {"python", "sh"}, languages


# -- the python blocks ------------------------------------------------------------------------


@pytest.fixture
async def reader_env(sim: Simulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The reader's ``ARIES_*`` environment, moved to ``sim``."""
    await readers_environment(sim, tmp_path, monkeypatch)


@readme_test("quickstart")
@pytest.mark.usefixtures("reader_env")
async def test_the_quickstart_places_an_order_that_fills() -> None:
    printed = Printed()
    namespace: dict[str, Any] = {"__name__": "__main__", "print": printed}
    await run_block(block("quickstart").source, namespace, block("quickstart").label)
    ((status, average_price),) = printed.lines
    assert status == "FILLED"
    assert isinstance(average_price, Decimal)


@readme_test("sign-in")
async def test_signing_in_with_state_and_pkce(sim: Simulator, http: aiohttp.ClientSession) -> None:
    # ``client``: one signed out; ``callback_url``: where the browser lands after the user
    # approves, which the test fetches between the block's two lines, as the browser would.
    ask, exchange = statements(block("sign-in").source)
    label = block("sign-in").label
    async with AriesClient(sim.client_config()) as client:
        namespace: dict[str, Any] = {"client": client}
        await run_block(ask, namespace, label)
        request_url = namespace["request"].url
        async with http.get(request_url, allow_redirects=False) as answer:
            callback_url = answer.headers["Location"]
        # "checks state first": a callback with another state is refused before any request.
        parts = urlsplit(callback_url)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()} | {"state": "forged"}
        forged = urlunsplit(parts._replace(query=urlencode(query)))
        with pytest.raises(StateMismatchError):
            await run_block(exchange, {**namespace, "callback_url": forged}, label)
        assert sim.token_requests == 0
        await run_block(exchange, namespace | {"callback_url": callback_url}, label)
        assert sim.token_requests == 1
        assert await client.accounts.list()


@readme_test("option-order")
def order_fragment_names(aries: AriesClient) -> dict[str, Any]:
    """What an orders fragment takes from around it: ``client`` and ``account_id``, the
    prose's; ``OrderRequest`` and ``Decimal``, the quickstart's imports."""
    return {
        "client": aries,
        "account_id": ACCOUNT,
        "OrderRequest": OrderRequest,
        "Decimal": Decimal,
    }


async def test_an_option_order_takes_the_osi_symbol(aries: AriesClient) -> None:
    namespace = order_fragment_names(aries)
    await run_block(block("option-order").source, namespace, block("option-order").label)
    call, details = namespace["call"], namespace["details"]
    assert call.symbol == f"O:{call.osi}"  # "call.symbol: the ticker"
    (quote,) = details.data  # "its quote: bid, ask, last"
    assert quote.symbol == call.osi
    assert None not in (quote.bid_price, quote.ask_price, quote.last_price)


@readme_test("change-order")
async def test_a_working_order_is_changed_by_what_changes(
    sim: Simulator, aries: AriesClient
) -> None:
    namespace = order_fragment_names(aries)
    await run_block(block("change-order").source, namespace, block("change-order").label)
    order, moved = namespace["order"], namespace["moved"]
    new = sim.state.order(ACCOUNT, moved.cl_ord_id)
    # "10 AAPL, LIMIT, DAY: kept"; "moved.cl_ord_id: its new id"
    assert (new.symbol, new.qty, new.type, new.time_in_force) == (
        "AAPL",
        Decimal(10),
        "LIMIT",
        "DAY",
    )
    assert new.price == Decimal("1.60") and moved.cl_ord_id != order.cl_ord_id
    assert sim.state.order(ACCOUNT, order.cl_ord_id).status == "REPLACED"


@readme_test("operation-groups")
async def test_the_groups_methods_run(aries: AriesClient) -> None:
    namespace: dict[str, Any] = {"client": aries, "date": date}
    await run_block(block("operation-groups").source, namespace, block("operation-groups").label)
    assert namespace["tech"].name == "Tech"
    page, last = namespace["page"], namespace["trade"]  # awaited: one page; iterated: the last
    assert page.results
    assert type(last) is type(page.results[0])


async def run_until_printed(name: str, client: AriesClient) -> Printed:
    """Run the block, an endless stream loop, until it has printed; then close the client,
    which ends the stream and with it the loop, as it would a reader's."""
    printed = Printed()
    namespace: dict[str, Any] = {"client": client, "print": printed}
    running = asyncio.create_task(run_block(block(name).source, namespace, block(name).label))
    first = asyncio.create_task(printed.first.wait())
    await asyncio.wait([running, first], return_when=asyncio.FIRST_COMPLETED)
    first.cancel()
    assert not running.done(), "the stream loop ended before printing anything"
    await client.aclose()
    await running
    return printed


@readme_test("stream-batches")
@readme_test("chart-stream")
@pytest.mark.parametrize(
    ("name", "symbols"),
    [
        ("stream-batches", {"AAPL", "MSFT"}),  # symbol, bid, ask
        ("chart-stream", {"AAPL", "AAPL270115C00230000"}),  # symbol, last, change %
    ],
)
async def test_a_stream_loop_prints_prices(
    aries: AriesClient, name: str, symbols: set[str]
) -> None:
    printed = await run_until_printed(name, aries)
    for symbol, *prices in printed.lines:
        assert symbol in symbols
        assert [type(price) for price in prices] == [Decimal, Decimal]


@readme_test("simulator")
async def test_the_simulator_block_runs() -> None:
    # ``AriesClient``: the quickstart's import.
    namespace: dict[str, Any] = {"AriesClient": AriesClient}
    await run_block(block("simulator").source, namespace, block("simulator").label)
    assert namespace["sim"].faults.rate_limit["GET /v1/chart/quotes"].count == 2


# The settings the prose asks of the reader's pyproject (the last two), as options.
PYTEST_OPTIONS: tuple[str, ...] = ("-p", "no:cacheprovider", "-p", "no:xdist", "-W", "error")
PYTEST_OPTIONS += ("-o", "asyncio_mode=auto", "-o", "asyncio_default_fixture_loop_scope=function")


@readme_test("manual-clock-fixture")
def test_the_manual_clock_fixture(pytester: pytest.Pytester) -> None:
    # The block is the reader's conftest.py; the test beside it checks what the prose says of
    # it: time moves on advance() alone, from a trading day's 10:00 in New York.
    pytester.makeconftest(block("manual-clock-fixture").source)
    pytester.makepyfile(
        test_clock="""
from datetime import datetime
from zoneinfo import ZoneInfo

async def test_time_moves_on_advance(aries_sim, aries_client):
    start = aries_sim.clock.now()
    opened = datetime.fromtimestamp(start, ZoneInfo("America/New_York"))
    assert (opened.hour, opened.minute, opened.weekday() < 5) == (10, 0, True)
    await aries_client.market.quote("AAPL")
    assert aries_sim.clock.now() == start
    aries_sim.advance(30)
    assert aries_sim.clock.now() == start + 30
"""
    )
    pytester.runpytest_inprocess(*PYTEST_OPTIONS).assert_outcomes(passed=1)


@readme_test("rate-limit-test")
@readme_test("recording-sleep-test")
def test_the_readers_tests_pass(pytester: pytest.Pytester) -> None:
    # Each block is a test module of the reader's, with the installed plugin's fixtures.
    pytester.makepyfile(
        test_survives=block("rate-limit-test").source,
        test_waits=block("recording-sleep-test").source,
    )
    pytester.runpytest_inprocess(*PYTEST_OPTIONS).assert_outcomes(passed=2)


# -- the shell blocks -------------------------------------------------------------------------


def commands(line: str) -> list[list[str]]:
    """The commands of one shell line (``a && b``), comments dropped."""
    found: list[list[str]] = [[]]
    for word in shlex.split(line, comments=True):
        if word == "&&":
            found.append([])
        else:
            found[-1].append(word)
    return [words for words in found if words]


def cli_help(args: list[str]) -> str:
    """The ``--help`` text of the command ``args`` names (the top level's for none)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        _parser().parse_args([*args, "--help"])
    return out.getvalue()


def has_flag(help_text: str, flag: str) -> bool:
    """Whether ``help_text`` names ``flag`` itself (not a longer flag it begins)."""
    return re.search(re.escape(flag) + r"(?![\w-])", help_text) is not None


def check_cli(args: list[str], where: str) -> None:
    """``aries-async`` with ``args`` is a command its parser takes."""
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            _parser().parse_args(args)
    except SystemExit as exc:
        if exc.code == 0 and ("--help" in args or args == ["--version"]):
            return  # they print and exit 0, as they should
        pytest.fail(f"{where}: aries-async {shlex.join(args)}: {err.getvalue()}")


def extras() -> set[str]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return set(pyproject["project"]["optional-dependencies"])


def check_command(words: list[str], comment: str, where: str) -> None:
    program = Path(words[0]).name
    if program == "aries-async":
        check_cli(words[1:], where)
        # The flags a comment names are the command's own (``--no-browser, --paste``).
        text = cli_help(words[1:])
        for flag in re.findall(r"(?<![\w-])--[a-z][\w-]*", comment):
            assert has_flag(text, flag), f"{where}: {flag} is not a flag of aries-async {words[1]}"
    elif program in ("python", "python3") and words[1] == "-m":
        assert util.find_spec(words[2]) is not None, f"{where}: no module {words[2]}"
    elif program == "pip":
        assert words[1] == "install", where
        for spec in words[2:]:
            wanted = re.fullmatch(r"\.(?:\[(.*)\])?", spec)
            if spec.startswith("-"):
                continue
            assert wanted, f"{where}: installs {spec}, not this checkout"
            unknown = set(filter(None, (wanted[1] or "").split(","))) - extras()
            assert not unknown, f"{where}: no such extra {unknown}"
    else:
        pytest.fail(f"{where}: {program}: teach this test to check such a command")


def test_every_shell_command_exists() -> None:
    blocks = [b for b in fenced_blocks(README) if b.language == "sh"]
    assert len(blocks) >= 4
    for b in blocks:
        for line in b.source.splitlines():
            comment = line.partition("#")[2]
            for words in commands(line):
                check_command(words, comment, f"{b.label} {line!r}")


FENCED = re.compile(r"^```.*?^```$", re.DOTALL | re.MULTILINE)

PLACEHOLDERS = {"N": "1"}
"""Words the prose writes for a value the reader picks, and one the parser takes."""

ELSEWHERE_FLAGS = {
    "--aries-sim-seed": ROOT / "aries_async" / "testing.py",  # the pytest plugin's option
    "--profile": ROOT / "benchmarks" / "quote_polling.py",  # the benchmarks' option
}
"""Flags the prose names that are not the CLI's, and the file that defines each."""


def test_the_commands_and_flags_in_the_prose_exist() -> None:
    text = FENCED.sub("", README.read_text(encoding="utf-8"))
    spans = [" ".join(span.split()) for span in re.findall(r"`([^`]+)`", text)]
    lines = [span for span in spans if re.fullmatch(r"aries-async( [\w.,-]+)+", span)]
    assert len(lines) >= 5
    for span in lines:
        words = [PLACEHOLDERS.get(word, word) for word in span.split()[1:]]
        check_cli(words, f"README: `{span}`")
    # A flag alone is one of some command's: the commands the README shows, and order's.
    shown = {span.split()[1] for span in lines if len(span.split()) > 1}
    helps = [cli_help([])] + [cli_help([name]) for name in shown | {"doctor", "order"}]
    helps += [cli_help(["order", name]) for name in ("preview", "place", "cancel", "list", "find")]
    for span in spans:
        flag = re.fullmatch(r"(--[a-z][\w-]*)( [A-Z]+)?", span)
        if flag is None:
            continue
        if flag[1] in ELSEWHERE_FLAGS:
            assert flag[1] in ELSEWHERE_FLAGS[flag[1]].read_text(encoding="utf-8")
        else:
            assert any(has_flag(text, flag[1]) for text in helps), f"README: `{span}`: no such flag"


# -- the two commands of a fresh machine ------------------------------------------------------


def the_two_commands() -> tuple[list[list[str]], list[list[str]]]:
    install_demo, install_test = (
        commands(b.source.strip()) for b in fenced_blocks(README)[:2] if b.language == "sh"
    )
    return install_demo, install_test


def test_the_test_command_is_the_first_of_ci() -> None:
    _, readme = the_two_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    (first,) = [line for line in ci.splitlines() if line.startswith("python3 -m venv .ci-venv ")]
    # CI keeps its environment in .ci-venv and installs quietly; the rest is the same.
    ran = [
        [
            word.replace(".ci-venv", ".venv")
            for word in words
            if word != "-q" or "pip" not in words[0]
        ]
        for words in commands(first)
    ]
    assert ran == readme


def base_distributions() -> set[str]:
    """The distributions ``pip install .`` brings: ours and its dependencies', no extras."""
    wanted, seen = ["aries-async"], set()
    while wanted:
        name = wanted.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in seen:
            continue
        seen.add(key)
        for text in metadata.requires(name) or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                wanted.append(requirement.name)
    return seen


def test_the_demo_runs_on_the_base_install() -> None:
    # ``pip install -e .`` installs no extra: the demo must not need one. Every module of a
    # distribution that install would not bring is made unimportable in the demo's process.
    (_, install, demo), _ = the_two_commands()
    assert install[1:] == ["install", "-e", "."], install
    assert Path(demo[0]).name == "aries-async"
    base = base_distributions()
    blocked = sorted(
        module
        for module, owners in metadata.packages_distributions().items()
        if module.isidentifier()
        and not any(re.sub(r"[-_.]+", "-", owner).lower() in base for owner in owners)
    )
    assert "pandas" in blocked
    script = (
        f"import sys\nfor name in {blocked!r}:\n    sys.modules[name] = None\n"
        f"from aries_async.cli import main\nraise SystemExit(main({demo[1:]!r}))\n"
    )
    done = subprocess.run(  # noqa: S603 - this interpreter, this script
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "FILLED" in done.stdout
