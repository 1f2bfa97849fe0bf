"""The server's words in the streams' errors, as the decoder shows them (:class:`Words`): its
text as sent, anything else as compact JSON (its own spelling), a long quote cut; never a token
the stream authenticated with lately; and which errors quoted the token it authenticated with
last (what tells a refusal of a re-authentication from a late answer of the session before it:
see :meth:`~aries_async.streaming.protocol.session.Session`).
"""

from __future__ import annotations

import contextlib
from collections import deque
from decimal import Decimal
from typing import Any

import orjson

from aries_async._redaction import blanked, quotes_secret

__all__ = ["KEPT_TOKENS", "QUOTED", "Words", "json_text"]

KEPT_TOKENS = 4
"""How many of the tokens a stream authenticated with are kept out of what it quotes: a server
answering late may echo one that a re-authentication has replaced."""

QUOTED = 80
"""The most characters of a server's line (or of words it sent as JSON) a quote shows."""

_NOTED = 16
"""How many of the errors quoting the newest token are remembered (they are looked up by the
session as soon as their frame is decoded: a few suffice)."""


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
    authenticated with lately, and the errors that quoted the last of them."""

    def __init__(self) -> None:
        self._sent: deque[str] = deque(maxlen=KEPT_TOKENS)
        self._quoting: deque[Any] = deque(maxlen=_NOTED)

    @property
    def sent(self) -> str | None:
        """The token the stream last authenticated with."""
        return self._sent[-1] if self._sent else None

    @sent.setter
    def sent(self, token: str | None) -> None:
        if token:
            if token != self.sent:
                self._quoting.clear()  # they quoted a token no longer the last
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

    def note(self, message: Any, *words: Any) -> Any:
        """``message`` (an error), whose ``words`` the server sent: remembered when they
        quote the token the stream authenticated with last (whole or in part, as
        :func:`~aries_async._redaction.blanked` finds it: a piece it shares with an older
        token only, as two tokens of one issuer do, is that one's). Returns ``message``."""
        newest = self.sent
        if newest is not None:
            # Tokens of one issuer share pieces (a JWT's header, its claims' names): what is
            # left once the older tokens are blanked out is the newest's own.
            older = list(self._sent)[:-1]
            texts = (w if type(w) is str else json_text(w) for w in words if w is not None)
            if any(quotes_secret(blanked(text, older), [newest]) for text in texts):
                self._quoting.append(message)
        return message

    def quotes_sent(self, message: Any) -> bool:
        """Whether the server's words in ``message`` (an error decoded since the stream
        last authenticated) quoted the token it authenticated with last (not only an older
        one: what :meth:`said` blanks out of both looks alike)."""
        return any(noted is message for noted in self._quoting)
