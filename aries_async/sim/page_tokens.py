"""The simulator's opaque continuation tokens: an offset into a listing, with a letter that
says which listing's it is, so a token of one kind is refused by another (``o`` the described
routes' pages, ``a`` the aggregates'); a token may also carry what its listing pins (the tick
history's: the history as its first page read it)."""

from __future__ import annotations

import base64
import binascii

__all__ = ["offset_of", "pinned_of", "token_of"]


def token_of(offset: int, kind: str, pinned: str = "") -> str:
    """The token that continues a listing of ``kind`` at ``offset`` (carrying ``pinned``)."""
    text = f"{kind}:{offset}" + (f"@{pinned}" if pinned else "")
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _parts(token: str, kind: str) -> tuple[int, str] | None:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    found, _, rest = text.partition(":")
    number, _, pinned = rest.partition("@")
    return (int(number), pinned) if found == kind and number.isdigit() else None


def offset_of(token: str, kind: str) -> int | None:
    """The offset ``token`` continues a listing of ``kind`` at; None for a token that is not
    one (of another kind, or made up)."""
    parts = _parts(token, kind)
    return None if parts is None else parts[0]


def pinned_of(token: str, kind: str) -> str:
    """What ``token`` of a listing of ``kind`` pins ("" for nothing, or no such token)."""
    parts = _parts(token, kind)
    return "" if parts is None else parts[1]
