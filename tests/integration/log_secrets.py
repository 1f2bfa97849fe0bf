"""What the fleet's tests ask of every log line: no secret in it, whole or in part."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from aries_async import Token
from aries_async.testing import shows_secret


def assert_no_secret(
    records: Iterable[logging.LogRecord], tokens: Iterable[Token], *others: str
) -> None:
    """No record's message or traceback shows ``tokens`` (access and refresh) or ``others``
    (a password, say), nor a piece of one that :func:`shows_secret` would find."""
    secrets = list(others)
    for token in tokens:
        secrets += [token.access_token, token.refresh_token or token.access_token]
    for record in records:
        line = f"{record.getMessage()} {record.exc_text or ''}"
        assert not any(shows_secret(line, secret) for secret in secrets), line
