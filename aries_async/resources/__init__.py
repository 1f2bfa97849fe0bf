"""REST resources: users, accounts, orders, market (each imported on first use)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aries_async._lazy import lazy_dir, lazy_getattr

if TYPE_CHECKING:
    from aries_async.resources.accounts import Accounts
    from aries_async.resources.market import Market
    from aries_async.resources.orders import Orders
    from aries_async.resources.users import Users

__all__ = ["Accounts", "Market", "Orders", "Users"]

_LAZY = {
    "Accounts": "aries_async.resources.accounts",
    "Market": "aries_async.resources.market",
    "Orders": "aries_async.resources.orders",
    "Users": "aries_async.resources.users",
}


__getattr__ = lazy_getattr(__name__, _LAZY, globals())
__dir__ = lazy_dir(globals(), __all__)
