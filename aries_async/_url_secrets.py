"""URLs in messages and logs without what may be secret in them: the one reading of where a
URL's credentials end, for the endpoint checks, the Redis helpers and the streams' logs.

Everything up to the last ``@`` after the scheme is taken for the user and the password, as
redis-py takes it: a password written unescaped may hold ``/`` or ``@``, which a URL parser
reads as the port and the path (``redis://:2024/Hs8@host`` is port 2024 and path
``/Hs8@host`` to yarl). A query or a fragment may carry a key too.
"""

from __future__ import annotations

import yarl

__all__ = ["masked", "redacted"]


def redacted(url: str) -> str | None:
    """``url`` as ``scheme://host:port/path``, without its user, password, query and
    fragment; None when it cannot be shown safely: it has no ``scheme://`` in front (a
    password may then be read as the scheme or the path), a ``?`` or ``#`` comes before the
    last ``@`` (a query's password or a password's own character), or it is not a URL."""
    scheme, slashes, rest = url.partition("://")
    if not slashes:
        return None
    user_info, at, location = rest.rpartition("@")
    if at and ("?" in user_info or "#" in user_info):
        return None
    try:
        parsed = yarl.URL(f"{scheme}://{location}")
    except (TypeError, ValueError):
        return None
    if not parsed.scheme or not url.lower().startswith(f"{parsed.scheme}://"):
        return None
    return f"{parsed.scheme}://{parsed.raw_authority}{parsed.raw_path}"


def masked(url: str) -> str:
    """``url`` as it was written, for a message about it, with its credentials masked:
    everything up to its last ``@`` but the scheme and a user name before a ``:`` (a URL with
    a user name alone may hold a token there: masked whole); and any query or fragment after
    the host."""
    head, at, tail = url.rpartition("@")
    cut = min((i for i in (tail.find("?"), tail.find("#")) if i != -1), default=-1)
    if cut != -1:
        tail = f"{tail[:cut]}{tail[cut]}***"
    if not at:
        return tail
    scheme, slashes, user_info = head.partition("://")
    if not slashes:
        scheme, user_info = "", head
    user, colon, _ = user_info.partition(":")
    if not colon or any(c in user for c in "/?#"):
        user, colon = "", ""
    return f"{scheme}{slashes}{user}{colon}***@{tail}"
