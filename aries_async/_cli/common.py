"""What every ``aries-async`` command shares: exit codes, output, the client and its store."""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import orjson

from aries_async.auth.store import TokenStore
from aries_async.auth.tokens import Token

__all__ = [
    "EXIT_API",
    "EXIT_AUTH",
    "EXIT_DECLINED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "dumps",
    "emit",
    "env_token",
    "err",
    "make_client",
    "say",
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
EXIT_INTERRUPTED = 130
"""Ctrl-C (128 + SIGINT, as shells report it); ``stream`` exits 0 instead, as Ctrl-C is how it
is meant to stop."""


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def dumps(data: Any, *, indent: bool = False) -> str:
    """JSON text; ``Decimal`` becomes its exact string (never a float)."""
    option = orjson.OPT_INDENT_2 if indent else 0
    return orjson.dumps(data, default=_default, option=option).decode()


def emit(data: Any, as_json: bool, text: str) -> None:
    """Print ``data`` as indented JSON when ``as_json``, else ``text``."""
    sys.stdout.write((dumps(data, indent=True) if as_json else text) + "\n")
    sys.stdout.flush()


def err(text: str) -> None:
    """A line on stderr (messages that must not mix with ``--json`` output)."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def say(text: str) -> None:
    """A line on stdout, flushed at once (the user or a script must see it before we wait)."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


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


def env_token() -> Token | None:
    """The ``ARIES_ACCESS_TOKEN`` override as a token (no expiry or scopes known), if set."""
    access = os.environ.get("ARIES_ACCESS_TOKEN")
    return Token(access_token=access) if access else None


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
