"""What a :class:`~aries_async.auth.redisstore.RedisTokenStore` remembers of the token, so that
a Redis that loses it or goes back to an older copy does not sign the fleet out.

Each store remembers the token it last loaded or saved and the version it had in Redis. It
puts that token back (the ``RESTORE`` script of :mod:`~aries_async.auth.redis_token_scripts`,
at that version, with a warning) when it finds:

- no hash at all (Redis restarted without persistence, flushed, the key evicted or deleted);
- an older version than the one it saw (Redis restarted from a snapshot taken before the last
  renewal, or a failover onto a replica that had not received it): the older copy's refresh
  token was spent at that renewal, and sending it would be refused, signing the fleet out;
- a token put back by another process that was obtained earlier than its own.

So the fleet converges on the newest grant any of its processes holds. A logout keeps the
hash's version (a store that saw it remembers no token, and puts nothing back).
"""

from __future__ import annotations

import logging
from typing import Any

import orjson

from aries_async.auth.tokens import Token

__all__ = ["KeptToken"]

log = logging.getLogger("aries_async.auth")


class KeptToken:
    """The token a store last loaded or saved (``token``; None after a logout or an empty
    load) and its ``version`` in Redis then."""

    __slots__ = ("token", "version")

    def __init__(self) -> None:
        self.token: Token | None = None
        self.version = 0

    def saw(self, token: Token | None, version: Any) -> None:
        """Remember ``token``, found or saved at ``version`` (None: forget the token)."""
        self.token = token
        if token is not None:
            self.version = int(version or 0)

    def to_put_back(self, version: Any, restored: Any) -> Token | None:
        """The token to put back when Redis, showing ``version`` and ``restored`` (the hash's
        fields, None when missing), lost it or went back to an older copy; else None."""
        token = self.token
        if token is None:
            return None
        if version is None or int(version) < self.version:
            return token
        return token if restored is not None and float(restored) < token.obtained_at else None

    def restore_args(self, token: Token, label: str) -> list[bytes | str]:
        """The ``RESTORE`` script's ARGV to put ``token`` (:meth:`to_put_back`) back."""
        data = orjson.dumps(token.to_dict())
        return [data, repr(token.obtained_at), label, str(self.version)]


def warn_put_back(key: str) -> None:
    """The warning of a token put back at ``key``."""
    log.warning(
        "restored the token at %s from this process's memory: Redis had lost it, or gone back "
        "to an older copy (restarted without persistence or from an older snapshot, flushed, a "
        "failover onto a replica behind, the key evicted or deleted; a logout is clear(), "
        "which is kept)",
        key,
    )
