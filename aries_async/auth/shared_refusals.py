"""A refresh token's refusal shared through the token store, so that a fleet sends it once.

A store that can keep a refusal beside the token (:class:`~aries_async.auth.redisstore.
RedisTokenStore`) has two more methods: ``refuse(record)``, called under its lock once the
token endpoint refused the refresh token loaded under it (``invalid_grant``:
:class:`~aries_async.errors.ReauthenticationRequired`), and ``refusal()``, the record kept for
the token there (None when there is none, or the token changed since: a save, a clear or a
sign-in drops it). Other stores lack them and keep refusals per process, as before.

Only that refusal is shared: it is the grant's, whoever sends it. Others (a wrong client
secret, a refused client-credentials grant) may be one process's configuration, and a process
configured right must still try. The record holds what the error said: its message, already
free of secrets, its OAuth ``error`` code and HTTP status.
"""

from __future__ import annotations

import logging
from typing import Any

from aries_async.auth.store import TokenStore
from aries_async.errors import AriesError, AuthError, ReauthenticationRequired

__all__ = ["record_refusal", "recorded_refusal"]

log = logging.getLogger("aries_async.auth")


async def record_refusal(store: TokenStore, error: AuthError) -> None:
    """Keep ``error``, when it is :class:`~aries_async.errors.ReauthenticationRequired`, in
    ``store`` beside the grant it refused, when the store can; a failure to keep it is logged,
    not raised (``error`` is what the caller raises)."""
    refuse = getattr(store, "refuse", None)
    if refuse is None or not isinstance(error, ReauthenticationRequired):
        return
    record = {
        "message": str(error),
        "error": error.error,
        "status": error.status,
    }
    try:
        await refuse(record)
    except AriesError as exc:
        log.warning("could not share the grant's refusal with the fleet (%s)", exc)


async def recorded_refusal(store: TokenStore) -> ReauthenticationRequired | None:
    """The refusal another process kept for the grant in ``store``, as the error it raised;
    None when there is none or the store keeps none."""
    refusal = getattr(store, "refusal", None)
    if refusal is None:
        return None
    record: dict[str, Any] | None = await refusal()
    if record is None:
        return None
    status, code = record.get("status"), record.get("error")
    return ReauthenticationRequired(
        f"{record.get('message')} (refused in another process sharing the token store)",
        error=code if isinstance(code, str) else None,
        status=status if isinstance(status, int) else None,
    )
