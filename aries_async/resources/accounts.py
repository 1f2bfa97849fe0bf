"""``client.accounts``: accounts, balances and positions."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any

from aries_async._lazy import load
from aries_async.errors import ResponseFormatError
from aries_async.resources._base import Resource, list_of, path_segment

if TYPE_CHECKING:
    from aries_async.models.accounts import Account, Balance, Position

_MODELS = "aries_async.models.accounts"

__all__ = ["Accounts"]


class Accounts(Resource):
    """Account calls."""

    async def list(self) -> builtins.list[Account]:
        """``GET /v2/users/me/accounts`` (finance-dev ``accounts.get_user_accounts``): every
        account of the user (live and ``is_sim``)."""
        models = await load(_MODELS)
        data = await self._get("/v2/users/me/accounts", operation="accounts.list")
        accounts = _listed(data, "accounts", "accounts")
        found: builtins.list[Account] = await self._structure(
            accounts, list_of(models.Account), "accounts"
        )
        return found

    async def balance(self, account_id: str) -> Balance:
        """``GET /v2/accounts/{id}/balance`` (finance-dev ``accounts.get_account_balance``).

        Raises:
            ValidationError: empty account id (nothing sent).
            ServerError: 503 when the balance read model is unavailable (retried first).
        """
        seg = path_segment(account_id, "account_id")
        models = await load(_MODELS)
        balance: Balance = await self._get_as(
            f"/v2/accounts/{seg}/balance", models.Balance, "balance", operation="accounts.balance"
        )
        return balance

    async def positions(self, account_id: str) -> builtins.list[Position]:
        """``GET /v1/accounts/{id}/positions`` (finance-dev ``accounts.get_account_positions``)."""
        seg = path_segment(account_id, "account_id")
        models = await load(_MODELS)

        def parse(data: Any, cls: type[builtins.list[Position]], what: str) -> Any:
            if not isinstance(data, list):  # the oldest documented shape was a bare array
                # Absent (left out when empty) or null: none; DOCS-new adds "availability".
                data = _listed(data, "positions", what, ("availability",))
            return self._parse(data, cls, what)

        # Structured where the body is decoded: off the event loop when the answer is large.
        found: builtins.list[Position] = await self._request_as(
            "GET",
            f"/v1/accounts/{seg}/positions",
            list_of(models.Position),
            "positions",
            parse=parse,
            bulk=True,
            key="positions",
            operation="accounts.positions",
        )
        return found


def _listed(data: Any, key: str, what: str, also: tuple[str, ...] = ()) -> Any:
    """The list under ``key`` of an answer object (see :func:`~aries_async.models._envelopes.
    listed`: absent or null is none, another envelope an error)."""
    from aries_async.models._envelopes import listed

    try:
        return listed(data, key, also)
    except ValueError as exc:
        raise ResponseFormatError(f"unexpected {what} response: {exc}") from None
