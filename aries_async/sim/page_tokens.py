"""The simulator's opaque continuation tokens: an offset into a listing, with a letter that
says which listing's it is, so a token of one kind is refused by another (``o`` the described
routes' pages, ``a`` the aggregates')."""

from __future__ import annotations

import base64
import binascii

__all__ = ["offset_of", "token_of"]


def token_of(offset: int, kind: str) -> str:
    """The token that continues a listing of ``kind`` at ``offset``."""
    return base64.urlsafe_b64encode(f"{kind}:{offset}".encode()).decode().rstrip("=")


def offset_of(token: str, kind: str) -> int | None:
    """The offset ``token`` continues a listing of ``kind`` at; None for a token that is not
    one (of another kind, or made up)."""
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    found, _, number = text.partition(":")
    return int(number) if found == kind and number.isdigit() else None
