"""Checks of caller input, raising :class:`~aries_async.errors.ValidationError` before anything
is sent."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar

from aries_async.errors import ValidationError

__all__ = [
    "MAX_SYMBOL_LENGTH",
    "OPTION_TICKER_PREFIX",
    "one_or_more",
    "printable",
    "refuse_option_ticker",
    "require_count",
    "require_day",
    "require_headers",
    "require_instance",
    "require_items",
    "require_method",
    "require_symbol",
    "require_text",
    "stored_symbol",
]

_T = TypeVar("_T")


def printable(text: str, *, spaces: bool = False) -> bool:
    """Whether ``text`` holds no line break, tab or other control character, nor any other
    character Python would not print as itself (``str.isprintable``), and no space unless
    ``spaces``: the one rule for what is sent as a symbol, a tag, a token or a URL."""
    return text.isprintable() and (spaces or " " not in text)


def stored_symbol(symbol: str) -> str:
    """``symbol`` in the one form the package stores and looks symbols up in: stripped and
    upper-cased (``" aapl"`` is ``"AAPL"``), as the REST calls send it and the streams keep it.
    Without checks: for a symbol a server sent, or one looked up, which is never refused."""
    return symbol.strip().upper()


def require_text(value: object, field: str) -> str:
    """``value`` stripped, when it is a string with more than white space in it.

    Raises:
        ValidationError: naming ``field``, for anything else (an empty string, None, a number).
    """
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ValidationError(f"{field} must be a non-empty string, got {value!r}", field=field)
    return text


def require_instance(value: object, kind: type[_T], field: str) -> _T:
    """``value``, when it is a ``kind`` (a call's request model).

    Raises:
        ValidationError: naming ``field`` and the type it must be, for anything else (a
            mapping of the same fields too: the model is what checks them).
    """
    if not isinstance(value, kind):
        raise ValidationError(
            f"{field} must be {_article(kind.__name__)} {kind.__name__}, got {value!r:.80}",
            field=field,
        )
    return value


def require_items(value: object, field: str, kind: type | None = None) -> list[Any]:
    """The items of ``value``, when it is a list of them (any iterable but a string, bytes or a
    mapping), each a ``kind`` when one is given.

    Raises:
        ValidationError: naming ``field``, for anything else.
    """
    what = f"a list of {kind.__name__}" if kind else "a list of strings (or one string)"
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise ValidationError(f"{field} must be {what}, got {value!r:.80}", field=field)
    items = list(value)
    for item in items:
        if kind is not None and not isinstance(item, kind):
            raise ValidationError(f"{field} must be {what}, got {item!r:.80} in it", field=field)
    return items


def one_or_more(value: object, field: str, kind: type | None = None) -> list[Any]:
    """``[value]`` for one string (one symbol, one channel name: a string is not taken letter
    by letter), else the items of ``value`` (:func:`require_items`: ``None``, a number or bytes
    refused by ``field``)."""
    return [value] if isinstance(value, str) else require_items(value, field, kind)


def require_day(value: object, field: str) -> date:
    """``value``, when it is a calendar day: a :class:`~datetime.date`, not a
    :class:`~datetime.datetime` (a date to ``isinstance``, whose ``isoformat()`` carries its
    time, and whose day depends on the zone it is read in).

    Raises:
        ValidationError: naming ``field``, for anything else.
    """
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValidationError(f"{field} must be a datetime.date, got {value!r:.80}", field=field)
    return value


def _article(noun: str) -> str:
    return "an" if noun[:1].upper() in "AEIOU" else "a"


MAX_SYMBOL_LENGTH = 21
"""The longest symbol (an OSI option symbol): orders, quotes and the CLI refuse a longer one."""


OPTION_TICKER_PREFIX = "O:"
"""What an option ticker puts before the OSI symbol (``O:AAPL250117C00150000``)."""


def refuse_option_ticker(symbol: str, field: str = "symbol", hint: str = "") -> str:
    """``symbol``, unless it is an option ticker: ``O:`` + OSI, as option chains,
    contract lists and contract snapshots name a contract. Quotes, the market and charts
    sockets and orders want the bare OSI symbol (conventions.md section 9); stripping the
    prefix silently would deliver a subscription's updates under another symbol than asked.

    Raises:
        ValidationError: naming ``field`` and the OSI symbol to pass instead (then ``hint``,
            when given).
    """
    if symbol[: len(OPTION_TICKER_PREFIX)].upper() != OPTION_TICKER_PREFIX:
        return symbol
    osi = stored_symbol(symbol[len(OPTION_TICKER_PREFIX) :])
    raise ValidationError(
        f"{field}: {symbol!r} is an option ticker (as option chains and contract snapshots "
        f"name a contract); pass its OSI symbol {osi!r} (OptionContract.osi){hint}",
        field=field,
    )


def require_symbol(value: object, field: str = "symbol") -> str:
    """``value`` stripped of the white space around it and upper-cased, when it is then one
    symbol: 1 to :data:`MAX_SYMBOL_LENGTH` characters, no space, control character or comma
    inside (the quotes endpoint reads a comma as a list). The rule of market calls, streams
    and the CLI.

    Raises:
        ValidationError: naming ``field``, for anything else.
    """
    symbol = stored_symbol(require_text(value, field))
    if "," in symbol:
        raise ValidationError(f"one symbol per item, got {value!r}", field=field)
    if len(symbol) > MAX_SYMBOL_LENGTH or not printable(symbol):
        raise ValidationError(
            f"{field}: {MAX_SYMBOL_LENGTH} characters at most, no space or control character, "
            f"got {value!r}",
            field=field,
        )
    return symbol


def require_count(value: object, field: str, maximum: int | None = None) -> int:
    """``value``, when it is a whole number from 1 up to ``maximum`` (a bool is not one).

    Raises:
        ValidationError: naming ``field``, for anything else.
    """
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value < 1
        or (maximum is not None and value > maximum)
    ):
        span = "of at least 1" if maximum is None else f"1..{maximum}"
        raise ValidationError(f"{field} must be a whole number {span}, got {value!r}", field=field)
    return value


_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
"""An HTTP field name, or method: one RFC 9110 token."""
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
"""Characters no field value may hold: CR and LF (which would start another header or the
body: header injection), NUL and the other controls; a tab is allowed."""
_RESERVED_HEADERS: dict[str, str] = {
    "authorization": "the client sets it (the bearer token of the signed-in session)",
    "host": "the client sets it (the host of its base URL, which the token is sent to)",
    "content-length": "aiohttp sets it (the length of the body it sends)",
    "transfer-encoding": "aiohttp sets it (how the body it sends is framed)",
}
"""Set by the client and aiohttp alone (the bearer token, the host, the message framing):
lower-case name -> why, as the refusal says it."""


def require_method(method: object) -> str:
    """``method`` upper-cased, when it is an HTTP method: one RFC 9110 token.

    Raises:
        ValidationError: naming ``method``, for anything else (a space or a line break in it
            would break the request line).
    """
    if not isinstance(method, str) or not _HEADER_NAME.fullmatch(method):
        raise ValidationError(f"method must be an HTTP method, got {method!r}", field="method")
    return method.upper()


def require_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Extra request headers, checked: names are HTTP tokens, each at most once (names are
    case-insensitive), values are strings without control characters, and none of
    ``Authorization``, ``Host``, ``Content-Length``, ``Transfer-Encoding`` is among them.

    Raises:
        ValidationError: naming the header at fault (its value is never shown: it may be a
            secret).
    """
    if not isinstance(headers, Mapping):
        raise ValidationError(
            f"headers must be a mapping of names to values, got {type(headers).__name__}",
            field="headers",
        )
    checked: dict[str, str] = {}
    seen: set[str] = set()
    for name, value in headers.items():
        if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name):
            raise ValidationError(
                f"header name {name!r} is not a valid HTTP field name", field="headers"
            )
        lower = name.lower()
        if lower in _RESERVED_HEADERS:
            raise ValidationError(
                f"header {name!r} cannot be given: {_RESERVED_HEADERS[lower]}", field="headers"
            )
        if lower in seen:
            raise ValidationError(
                f"header {name!r} is given twice (names ignore case)", field="headers"
            )
        if not isinstance(value, str) or _CONTROL.search(value):
            kind = (
                "a string"
                if not isinstance(value, str)
                else "a value without control characters (CR, LF...)"
            )
            raise ValidationError(f"header {name!r} must be {kind}", field="headers")
        seen.add(lower)
        checked[name] = value
    return checked
