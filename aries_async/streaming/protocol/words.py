"""The server's words in the streams' errors, as the decoder shows them (:class:`Words`): its
text as sent, anything else as compact JSON (its own spelling), a long quote cut; never a token
the stream authenticated with lately.
"""

from __future__ import annotations

import contextlib
from collections import deque
from decimal import Decimal
from typing import Any

import orjson

from aries_async._redaction import blanked

__all__ = ["KEPT_TOKENS", "QUOTED", "Words", "json_text"]

KEPT_TOKENS = 4
"""How many of the tokens a stream authenticated with are kept out of what it quotes: a server
answering late may echo one that a re-authentication has replaced."""

QUOTED = 80
"""The most characters of a server's line (or of words it sent as JSON) a quote shows."""


def json_text(value: Any) -> str:
    """``value`` (a parsed JSON value) written back as compact JSON: no spaces, the numbers the
    exact reader kept as ``Decimal`` with their digits, text unescaped but for what JSON
    escapes (``{"code":1,"why":["a","b"]}``)."""
    kind = type(value)
    if kind is dict:
        return "{" + ",".join(f"{json_text(str(k))}:{json_text(v)}" for k, v in value.items()) + "}"
    if kind is list:
        return "[" + ",".join(json_text(v) for v in value) + "]"
    if kind is int or isinstance(value, Decimal):
        return str(value)  # any size (orjson writes 64 bits at most), the digits as sent
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # not a JSON value: not from a frame
        return json_text(str(value))


class Words:
    """What the decoder quotes of the server: its words without the tokens the stream
    authenticated with lately."""

    def __init__(self) -> None:
        self._sent: deque[str] = deque(maxlen=KEPT_TOKENS)

    @property
    def sent(self) -> str | None:
        """The token the stream last authenticated with."""
        return self._sent[-1] if self._sent else None

    @sent.setter
    def sent(self, token: str | None) -> None:
        if token:
            with contextlib.suppress(ValueError):
                self._sent.remove(token)
            self._sent.append(token)

    def unquoted(self, text: str) -> str:
        """``text`` without any of the tokens the stream authenticated with lately (the
        newest and the few before it, which a server answering late may still echo)."""
        return blanked(text, self._sent) if self._sent else text

    def said(self, words: Any) -> str:
        """The server's words (an error's text, its code) without the tokens: text as sent,
        anything else (an object, a list, a number) as compact JSON, of which the first
        :data:`QUOTED` characters are shown (once the tokens are blanked out of it)."""
        if type(words) is str:
            return self.unquoted(words)
        return self.unquoted(json_text(words))[:QUOTED]
