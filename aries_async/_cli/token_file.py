"""``--token-file``: where the command line keeps the token, before or after the command;
and ``ARIES_ACCESS_TOKEN``, the token that overrides it."""

from __future__ import annotations

import argparse
import os

from aries_async.auth.token_dir import token_file_path
from aries_async.auth.tokens import Token, token_from_variable
from aries_async.errors import ConfigurationError

__all__ = ["PATH_HELP", "TOKEN_FILE", "env_token", "token_file_arg"]

PATH_HELP = (
    "where the token is kept (default: ARIES_TOKEN_FILE, else "
    "$XDG_CONFIG_HOME/aries-async/token.json; a leading ~ is your home directory); before "
    "or after the command: given both, the one after the command wins"
)
"""What ``--token-file`` says in every ``--help``."""


def token_file_arg(text: str) -> str | None:
    """``--token-file``'s value, or ``ARIES_TOKEN_FILE``'s (its default, which argparse reads
    with this too), when it names a file (:func:`~aries_async.auth.token_dir.token_file_path`);
    empty: None, the default token file (as an empty ``ARIES_TOKEN_FILE`` is).

    Raises:
        argparse.ArgumentTypeError: naming both, so that the CLI exits 2 before any request.
    """
    if text:
        try:
            token_file_path(text, "--token-file (or ARIES_TOKEN_FILE)")
        except ConfigurationError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    return text or None


def _token_file_parent() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: left out after the command, it keeps what came before it (or the default).
    parent.add_argument(
        "--token-file",
        type=token_file_arg,
        default=argparse.SUPPRESS,
        metavar="PATH",
        help=PATH_HELP,
    )
    return parent


TOKEN_FILE = _token_file_parent()
"""The parent parser (``parents=[TOKEN_FILE]``) of every command that signs in: its
``--token-file`` may follow the command, and wins over one given before it."""


def env_token() -> Token | None:
    """The ``ARIES_ACCESS_TOKEN`` override as a token (no expiry or scopes known), if set.

    Raises:
        ValidationError: it holds a character no token has (a trailing newline, say).
    """
    access = os.environ.get("ARIES_ACCESS_TOKEN")
    return token_from_variable(access) if access else None
