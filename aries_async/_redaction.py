"""Secrets out of texts: the stand-in a repr shows for a token, the blanking of a secret (whole or
in pieces, as a server may echo it) out of a server's words, and the words for a value that
must not be quoted. Served by :mod:`aries_async.auth.tokens` too, where they were first."""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any
from urllib.parse import quote, quote_plus

__all__ = [
    "BLANK",
    "SHOWN_RUN",
    "WORD",
    "blanked",
    "blanked_within",
    "kind_of",
    "prints_secret",
    "quotes_secret",
    "redact",
    "shown",
]


def redact(secret: str | None) -> str:
    """A stand-in for a secret in logs and reprs; it reveals nothing of the secret."""
    return "<none>" if not secret else "<redacted>"


BLANK = "[redacted]"
"""What :func:`blanked` puts where a secret was: a text holding it quoted one (the streams'
decoder blanks the server's words before the session reads them)."""

SHOWN_RUN = 12
"""The most characters of a secret in a row that :func:`blanked` leaves in a text (the window
of :func:`aries_async.testing.shows_secret`)."""


def _echoed_forms(secret: str) -> set[str]:
    r"""``secret`` as a server may echo it: as written, percent-encoded as in a form body or a
    query (``%2F``, a space as ``%20`` or ``+``), and escaped inside JSON (``/`` as ``\/`` too)."""
    escaped = json.dumps(secret)[1:-1]
    return {
        secret,
        quote(secret, safe=""),
        quote_plus(secret, safe=""),
        escaped,
        escaped.replace("/", "\\/"),
    }


def blanked(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` (a server's words) with every piece of a secret in it blanked out as
    ``[redacted]``: the secret whole, or cut short (any :data:`SHOWN_RUN` characters of it in a
    row), as a server shortening what it quotes would show it; also as a server echoes what it
    received, percent-encoded or escaped in JSON.

    Example:
        >>> blanked("bad token abcdefghijklmn... (expired)", ["abcdefghijklmnopqrstuvwxyz"])
        'bad token [redacted]... (expired)'
    """
    hidden = bytearray(len(text))
    windows: set[str] = set()
    for secret in {form for given in secrets if given for form in _echoed_forms(given)}:
        if len(secret) <= SHOWN_RUN:  # too short to cut: only whole
            start = text.find(secret)
            while start != -1:
                hidden[start : start + len(secret)] = b"\1" * len(secret)
                start = text.find(secret, start + 1)
            continue
        windows.update(secret[i : i + SHOWN_RUN] for i in range(len(secret) - SHOWN_RUN + 1))
    if windows:
        for start in range(len(text) - SHOWN_RUN + 1):
            if text[start : start + SHOWN_RUN] in windows:
                hidden[start : start + SHOWN_RUN] = b"\1" * SHOWN_RUN
    if not any(hidden):
        return text
    parts: list[str] = []
    for index, char in enumerate(text):
        if not hidden[index]:
            parts.append(char)
        elif index == 0 or not hidden[index - 1]:
            parts.append(BLANK)
    return "".join(parts)


PIECES_WITHIN = 16384
"""How far into a long text (an error page, an answer's body) :func:`blanked_within` looks for
pieces of a secret: a scan costs about 1 us a character, and a large page would hold the loop."""


def blanked_within(text: str, secret: str) -> str:
    """``text`` without ``secret``: whole everywhere, in pieces (:func:`blanked`) within its
    first :data:`PIECES_WITHIN` characters, where a server's message is."""
    whole = text.replace(secret, BLANK)
    return blanked(whole[:PIECES_WITHIN], [secret]) + whole[PIECES_WITHIN:]


def quotes_secret(text: str, secrets: Iterable[str | None]) -> bool:
    """Whether ``text`` holds a piece of a secret that :func:`blanked` would blank out."""
    return blanked(text, secrets) != text


def prints_secret(exc: BaseException, unquoted: Callable[[str], str]) -> bool:
    """Whether ``exc``, as its traceback prints it (its message, its chained causes and
    theirs), holds something ``unquoted`` blanks: a secret, whole or a piece of it. Such an
    error is not chained, nor logged with its traceback, as it is; what to do instead is the
    caller's (drop the chain, make a new error, log the traceback blanked)."""
    printed = "".join(traceback.format_exception(exc))
    return unquoted(printed) != printed


def kind_of(value: object) -> str:
    """What ``value`` is, without a piece of it: ``"a str of 40 characters"``, ``"a dict"``,
    ``"null"``. For a value of an answer that may hold a secret (a token answer's fields)."""
    if value is None:
        return "null"
    name = type(value).__name__
    article = "an" if name[:1] in "aeiou" else "a"
    if isinstance(value, str):
        return f"{article} {name} of {len(value)} characters"
    return f"{article} {name}"


WORD = 16
"""The longest text :func:`shown` quotes (a ``token_type``: ``mac``; an amount's ``N/A``)."""


def shown(value: Any, secrets: Iterable[str | None] = ()) -> str:
    """``value`` of an answer for a message: a number or a short word quoted, when it quotes
    none of ``secrets``; else what it is (:func:`kind_of`), never a piece of it: a long text
    where a number belongs may be a secret the server echoed."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return repr(value) if not isinstance(value, Decimal) else str(value)
    if isinstance(value, str) and len(value) <= WORD and not quotes_secret(value, secrets):
        return repr(value)
    return kind_of(value)
