"""REST resources: users, accounts, orders, market."""

from aries_async.resources.accounts import Accounts
from aries_async.resources.market import Market
from aries_async.resources.orders import Orders
from aries_async.resources.users import Users

__all__ = ["Accounts", "Market", "Orders", "Users"]
