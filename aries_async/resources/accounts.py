"""``client.accounts``: accounts, balances and positions."""

from __future__ import annotations

import builtins
from typing import Any

from aries_async.errors import ResponseFormatError
from aries_async.models.accounts import Account, Balance, Position
from aries_async.resources._base import Resource, path_segment

__all__ = ["Accounts"]


class Accounts(Resource):
    """Account calls."""

    async def list(self) -> builtins.list[Account]:
        """``GET /v2/users/me/accounts``: every account of the user (live and ``is_sim``)."""
        data = await self._get("/v2/users/me/accounts")
        return await self._structure(_field(data, "accounts"), builtins.list[Account], "accounts")

    async def balance(self, account_id: str) -> Balance:
        """``GET /v2/accounts/{id}/balance``.

        Raises:
            ValidationError: empty account id (nothing sent).
            ServerError: 503 when the balance read model is unavailable (retried first).
        """
        seg = path_segment(account_id, "account_id")
        return await self._get_as(f"/v2/accounts/{seg}/balance", Balance, "balance")

    async def positions(self, account_id: str) -> builtins.list[Position]:
        """``GET /v1/accounts/{id}/positions``."""
        seg = path_segment(account_id, "account_id")
        data = await self._get(f"/v1/accounts/{seg}/positions")
        if isinstance(data, list):  # the oldest documented shape was a bare array
            return await self._structure(data, builtins.list[Position], "positions")
        positions = _field(data, "positions") or []
        return await self._structure(positions, builtins.list[Position], "positions")


def _field(data: Any, name: str) -> Any:
    if not isinstance(data, dict):
        raise ResponseFormatError(f"expected a JSON object with {name!r}")
    return data.get(name)
