"""What every ``aries-async`` command shares: exit codes, output, the client and its store."""

from __future__ import annotations

import argparse
import enum
import math
import os
import re
import select
import sys
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs
import orjson

from aries_async._cli.token_file import TOKEN_FILE, env_token
from aries_async._validate import refuse_option_ticker, require_symbol
from aries_async.apispec.naming import field_name
from aries_async.auth.store import TokenStore
from aries_async.models.common import datetime_to_wire, decimal_to_wire
from aries_async.models.events import (
    ServerErrorMessage,
    StatusEvent,
    StreamConnected,
    StreamReauthenticated,
    Timestamped,
)

__all__ = [
    "ENV_SIGN_IN_FIX",
    "EXIT_API",
    "EXIT_AUTH",
    "EXIT_DECLINED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_PIPE",
    "EXIT_TIMEOUT",
    "EXIT_USAGE",
    "LOGIN_FIX",
    "Refusals",
    "by_reason",
    "cell",
    "delay_seconds",
    "dumps",
    "emit",
    "env_token",
    "err",
    "finite_seconds",
    "jsonable",
    "make_client",
    "notice",
    "say",
    "seconds",
    "stdout_closed",
    "stream_options",
    "subcommand",
    "symbols",
    "table",
    "token_store",
]

EXIT_OK = 0
"""Success."""
EXIT_API = 1
"""The API or the network failed (or refused an order); see the message."""
EXIT_USAGE = 2
"""Bad arguments, bad input or bad configuration: nothing was sent."""
EXIT_AUTH = 3
"""Not signed in, or the credentials were refused (401 after a refresh, 403, a dead refresh
token)."""
EXIT_DECLINED = 4
"""You answered no at a confirmation prompt: nothing was sent."""
EXIT_TIMEOUT = 5
"""A wait with a time limit (``order wait --timeout``) ran out before what it waited for came:
the order is still working."""
EXIT_PIPE = 141
"""stdout's reader went away (``| head -1``): the status a shell reports for a Unix filter
that SIGPIPE stopped (128 + 13). The command ends quietly, as such a filter does."""
EXIT_INTERRUPTED = 130
"""Ctrl-C (128 + SIGINT, as shells report it); ``stream`` exits 0 instead, as Ctrl-C is how it
is meant to stop."""

LOGIN_FIX = "run: aries-async login"
"""What to do when signing in again mends it."""
ENV_SIGN_IN_FIX = "ARIES_ACCESS_TOKEN is set: replace it, or unset it and run: aries-async login"
"""That advice when ``ARIES_ACCESS_TOKEN`` is set: the variable wins over the token file, so
signing in alone would not mend it."""


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON data in the SDK's vocabulary: what every ``--json`` prints.

    * a model (an attrs class) becomes an object keyed by its Python attribute names, every
      field included (``null`` when unknown), but the ``raw`` wire copy some events keep and
      private fields; an event's envelope time is ``timestamp``, not ``timestamp_ms``;
    * a mapping's keys that are names become snake_case Python names by the models' rule
      (``clOrdId`` -> ``cl_ord_id``), so no wire key reaches the output. A name is made of
      letters, digits and ``_`` with at least one lowercase letter; other keys are data (a
      symbol ``AAPL`` or ``BRK.B``, a date, an id with dashes) and are printed as sent;
    * ``Decimal`` becomes an exact decimal string in plain notation (``"150.10"``; never a
      float, which would round, and never ``"1E+2"``);
    * ``datetime`` becomes ISO 8601 in UTC with a ``Z`` (``2026-01-15T14:30:05.123000Z``),
      ``date`` ``YYYY-MM-DD``, an enum member its value, a tuple or set a list.
    """
    if value is None or type(value) in (bool, int, float, str):
        return value
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, Decimal):
        return decimal_to_wire(value)
    if isinstance(value, datetime):
        return datetime_to_wire(value)
    if isinstance(value, date):
        return value.isoformat()
    if attrs.has(type(value)):
        return _model(value)
    if isinstance(value, Mapping):
        return {_key(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    return value if isinstance(value, (bool, int, float, str)) else str(value)


def _model(model: Any) -> dict[str, Any]:
    out = {
        a.name: jsonable(getattr(model, a.name))
        for a in attrs.fields(type(model))
        if not a.name.startswith("_") and a.name != "raw"
    }
    if isinstance(model, Timestamped):
        out.pop("timestamp_ms", None)
        out["timestamp"] = jsonable(model.timestamp)
    return out


def _key(key: Any) -> str:
    text = str(key)
    if not _NAME.fullmatch(text):  # data, not a name (see jsonable)
        return text
    return field_name(text)


_NAME = re.compile(r"[A-Za-z0-9_]*[a-z][A-Za-z0-9_]*")


def dumps(data: Any, *, indent: bool = False) -> str:
    """JSON text of :func:`jsonable` ``(data)``."""
    option = orjson.OPT_INDENT_2 if indent else 0
    return orjson.dumps(jsonable(data), option=option).decode()


def cell(value: Any) -> str:
    """One value as a text table shows it: as :func:`jsonable` writes it (a decimal exact, a
    time ISO 8601 UTC), ``-`` when unknown."""
    if value is None:
        return "-"
    data = jsonable(value)
    return data if isinstance(data, str) else dumps(data)


def emit(data: Any, as_json: bool, text: str) -> None:
    """Print ``data`` as indented JSON (see :func:`jsonable`) when ``as_json``, else ``text``."""
    sys.stdout.write((dumps(data, indent=True) if as_json else text) + "\n")
    sys.stdout.flush()


def subcommand(sub: Any, name: str, text: str, epilog: str) -> argparse.ArgumentParser:
    """A sub-command whose ``--help`` opens with ``text`` (as the list shows it) and ends with
    ``epilog`` as written: its examples and exit codes, line by line. It takes
    ``--token-file`` (:data:`TOKEN_FILE`)."""
    parser: argparse.ArgumentParser = sub.add_parser(
        name,
        help=text,
        description=text,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[TOKEN_FILE],
    )
    return parser


def stdout_closed() -> None:
    """Point stdout at the null device after its reader went away (``| head -1``): what is
    still written, and the flush at exit, then go nowhere instead of raising again. So does
    stderr when poll says it has no reader either (``2>&1 | head``): else Python's flush of
    it at exit fails, and the status becomes 120."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    if hasattr(select, "poll"):  # not on Windows
        poller = select.poll()
        poller.register(sys.stderr.fileno(), select.POLLOUT)
        if any(events & select.POLLERR for _, events in poller.poll(0)):
            os.dup2(devnull, sys.stderr.fileno())
    os.close(devnull)


def err(text: str) -> None:
    """A line on stderr (messages that must not mix with ``--json`` output)."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def say(text: str) -> None:
    """A line on stdout, flushed at once (the user or a script must see it before we wait)."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def seconds(text: str, *, finite: bool = False, zero: bool = False) -> float:
    """A positive number of seconds from argv, for ``--timeout``, ``--duration`` and the like
    (``inf`` when it may wait for ever and not ``finite``; ``0`` too when ``zero``).

    Raises:
        argparse.ArgumentTypeError: not a number, not positive (a negative, ``nan``; 0 unless
            ``zero``) or, when ``finite``, infinite (the CLI exits 2 with the usage).
    """
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not ((value > 0 or (zero and value == 0)) and (math.isfinite(value) or not finite)):
        kind = "non-negative" if zero else "positive"
        raise argparse.ArgumentTypeError(f"expected a {kind} number of seconds, got {text!r}")
    return value or 0.0  # -0 is 0


def finite_seconds(text: str) -> float:
    """:func:`seconds`, finite: a wait that must end (a network check, a reconnect delay)."""
    return seconds(text, finite=True)


def delay_seconds(text: str) -> float:
    """:func:`seconds`, finite, or 0: a delay where 0 is none (the simulator's ``--latency``)."""
    return seconds(text, finite=True, zero=True)


def symbols(values: Sequence[str]) -> list[str]:
    """The symbols of the command line, stripped and upper-cased, each once, in order.

    Raises:
        ValidationError: one is empty, too long, holds a space, a control character or a comma
            inside it (the rule of the market calls), or is an option's ``O:`` ticker (the
            sockets want its OSI symbol): nothing is sent for any of them.
    """
    return list(dict.fromkeys(refuse_option_ticker(require_symbol(value)) for value in values))


def table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, wrap: Mapping[int, int] | None = None
) -> str:
    """A plain-text table: left-aligned columns sized to their widest cell, a rule under the head.

    Args:
        headers: the column headings.
        rows: the cells, one sequence per row.
        wrap: column index -> width; cells of those columns are wrapped onto several lines.

    Example:
        >>> print(table(["a", "bb"], [["xyz", "1"]]))
        a    bb
        ---  --
        xyz  1
    """
    limits = wrap or {}
    lines: list[list[str]] = []
    for row in rows:
        cells = [
            textwrap.wrap(cell, limits[i], break_on_hyphens=False) or [""]
            if i in limits
            else [cell]
            for i, cell in enumerate(row)
        ]
        height = max(len(c) for c in cells)
        lines += [[c[n] if n < len(c) else "" for c in cells] for n in range(height)]
    widths = [len(h) for h in headers]
    for wrapped in lines:
        widths = [max(w, len(cell)) for w, cell in zip(widths, wrapped, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    rule = ["-" * w for w in widths]
    return "\n".join([line(headers), line(rule), *(line(c) for c in lines)])


def token_store(args: argparse.Namespace) -> TokenStore:
    """The CLI's token file (``--token-file``, ``ARIES_TOKEN_FILE`` or the default path)."""
    from aries_async.auth.filestore import FileTokenStore

    return FileTokenStore(args.token_file)


def make_client(args: argparse.Namespace, **config: Any) -> Any:
    """An ``AriesClient`` from the environment and the token file (``ARIES_ACCESS_TOKEN`` wins).

    Args:
        args: the parsed command line (for ``--token-file``).
        **config: :class:`~aries_async.config.ClientConfig` overrides (timeouts, retry policy).

    Raises:
        ConfigurationError: an ``ARIES_*`` variable cannot be read.
    """
    from aries_async.auth.filestore import token_store_from_env
    from aries_async.client import AriesClient
    from aries_async.config import ClientConfig

    settings = ClientConfig.from_env(**config)
    return AriesClient(settings, token_store=token_store_from_env(path=args.token_file))


def stream_options(args: argparse.Namespace) -> dict[str, Any]:
    """The keywords ``stream`` opens its stream with: with ``--reconnect-delay``, a ``config``
    whose reconnects first wait that long (doubled after each failed attempt in a row, up to
    the default cap or that delay, whichever is longer); else none (the defaults)."""
    delay: float | None = args.reconnect_delay
    if delay is None:
        return {}
    from aries_async.streaming.config import StreamConfig

    cap = max(delay, StreamConfig().backoff_max)
    return {"config": StreamConfig(backoff_initial=delay, backoff_max=cap)}


def notice(event: StatusEvent) -> str:
    """What the commands print for a status event."""
    if isinstance(event, StreamConnected):
        if not event.reconnect:
            return "connected"
        # One StreamDisconnected came for the whole outage: this says how it went.
        failed = event.failed_attempts
        tried = f" and {failed} failed attempt{'s' * (failed != 1)}" if failed else ""
        after = f" after {event.down_for:.1f} s{tried}" if event.down_for is not None else ""
        return f"reconnected{after} (snapshots follow)"
    if isinstance(event, StreamReauthenticated):
        return "re-authenticated on the live socket (subscriptions sent again)"
    retry = f"; retrying in {event.retry_in:.1f} s" if event.retry_in is not None else ""
    end = "" if event.will_reconnect else "; not reconnecting"
    return f"disconnected: {event.reason}{retry}{end}"


def by_reason(names: Iterable[str], reason: Callable[[str], str]) -> str:
    """The names grouped by the server's reason for refusing each, in the order met:
    ``"NOPE, BAD (invalid symbol); AAPL (not entitled to trades)"``."""
    grouped: dict[str, list[str]] = {}
    for name in names:
        grouped.setdefault(reason(name), []).append(name)
    return "; ".join(f"{', '.join(group)} ({why})" for why, group in grouped.items())


class Refusals:
    """What ``stream`` tells of the server's refusals of the ``asked`` symbols or accounts.

    A stream keeps asking for what the server refused (every reconnect sends it again, and it
    is refused again): each refusal is told once, and again only when its reason changes or
    after the name was acknowledged in between (it left the stream's ``refused``).
    """

    def __init__(self, noun: str, asked: Sequence[str]) -> None:
        self.noun = noun
        self.asked = list(asked)
        self.told: dict[str, str] = {}  # name -> the reason told

    def lifted(self, refused: Mapping[str, str]) -> None:
        """Forget what was told of the names ``refused`` (the stream's) no longer holds: they
        were acknowledged since, so a later refusal of them is news."""
        for name in [name for name in self.told if name not in refused]:
            del self.told[name]

    def news(self, refused: Mapping[str, str]) -> tuple[str, bool] | None:
        """What to say of the refusals in ``refused`` (each name with the server's reason)
        not told yet, or told with another reason, and whether the server refused every name
        asked; None when there is nothing new."""
        new = [n for n in self.asked if n in refused and self.told.get(n) != refused[n]]
        if not new:
            return None
        self.told.update((name, refused[name]) for name in new)
        every = all(name in refused for name in self.asked)
        named = by_reason(self.asked if every else new, refused.__getitem__)
        if every:
            return f"the server refused every {self.noun}: {named}", True
        others = ", ".join(name for name in self.asked if name not in refused)
        return f"the server refused {named}; streaming {others}", False

    def repeats(self, error: ServerErrorMessage) -> bool:
        """Whether ``error`` refuses again what was told already (a reconnect asked again):
        nothing to say."""
        return error.error in self.told.values()
