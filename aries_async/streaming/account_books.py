"""The accounts of an account stream (:class:`AccountBooks`, a mixin of
:class:`~aries_async.streaming.accounts.AccountStream`): a book per account
(:class:`~aries_async.streaming.account_book.AccountBook`), what the stream's first account
shows, and to which book an account message goes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from aries_async.errors import ValidationError
from aries_async.models.accounts import Balance, Position
from aries_async.models.events import AccountSnapshot, OrderEvent
from aries_async.models.orders import Order
from aries_async.streaming.account_book import AccountBook, account_of
from aries_async.streaming.protocol import AccountSubscriptions

__all__ = ["AccountBooks"]

log = logging.getLogger("aries_async.streaming")


class AccountBooks:
    """The accounts of an account stream (a mixin of
    :class:`~aries_async.streaming.accounts.AccountStream`): one :class:`AccountBook` each,
    the first one the stream's own (:attr:`snapshot`, :attr:`orders`... describe it)."""

    account_id: str
    _books: dict[str, AccountBook]
    _book_options: dict[str, Any]
    _topics: AccountSubscriptions
    # Removed accounts (until added again), with the orders their book held: what the server
    # sent of them before it read the unsubscribe is dropped on arrival.
    _removed: dict[str, frozenset[str]]

    def _add_book(self, account_id: str) -> bool:
        self._removed.pop(account_id, None)
        if account_id in self._books:
            return False
        self._books[account_id] = AccountBook(account_id, **self._book_options)
        self._topics.add("account", {"accountId": account_id})
        return True

    # -- accounts -------------------------------------------------------------------------------

    @property
    def account_ids(self) -> tuple[str, ...]:
        """The accounts the stream follows, the first one first."""
        return tuple(self._books)

    def _drop_book(self, account_id: str) -> list[asyncio.Task[None]]:
        """Forget an account's book; its lookup tasks, cancelled, for the caller to await."""
        book = self.account(account_id)
        del self._books[account_id]
        self._removed[account_id] = frozenset(book.mirror.orders)
        return book.remove()

    def account(self, account_id: str) -> AccountBook:
        """The state of one of the stream's accounts (``snapshot``, ``orders``, ``positions``,
        ``balance``).

        Raises:
            ValidationError: not one of :attr:`account_ids`.
        """
        book = self._books.get(account_id)
        if book is None:
            raise ValidationError(f"the stream does not follow {account_id!r}", field="account_id")
        return book

    # -- state --------------------------------------------------------------------------------

    @property
    def reconciling(self) -> int:
        """Orders that left the working set while the stream was down and are being looked
        up over REST right now (every account)."""
        return sum(len(book.mirror.pending) for book in self._books.values())

    @property
    def snapshot(self) -> AccountSnapshot | None:
        """The first account's latest snapshot (None until the first arrives)."""
        return self._books[self.account_id].snapshot

    @property
    def orders(self) -> Mapping[str, Order]:
        """The orders of the first account seen (snapshot plus events) by ``clOrdId``, in
        their latest state (:meth:`account` for the others): every working one and the latest
        :attr:`StreamConfig.terminal_orders_kept` terminal ones."""
        return self._books[self.account_id].orders

    @property
    def positions(self) -> Mapping[str, Position]:
        """The first account's positions by symbol, latest state."""
        return self._books[self.account_id].positions

    @property
    def balance(self) -> Balance | None:
        """The first account's latest balance."""
        return self._books[self.account_id].balance

    def _removed_account_of(self, message: Any) -> str | None:
        """The removed account ``message`` is of: the one it names, or for an order event
        that names none, the one whose book held the order (unless a followed one holds it);
        None when it is of no removed account, as far as the stream can tell."""
        account = account_of(message)
        if account is not None:
            return account if account in self._removed else None
        if type(message) is not OrderEvent:
            return None
        cl_ord_id = message.order.cl_ord_id
        if any(cl_ord_id in book.mirror.orders for book in self._books.values()):
            return None
        return next((a for a, held in self._removed.items() if cl_ord_id in held), None)

    def _book_of(self, message: Any) -> AccountBook | None:
        account = account_of(message)
        if account is None and len(self._books) == 1:
            return self._books[self.account_id]
        books = self._books.values()
        if account is None and type(message) is OrderEvent:  # the book that knows the order
            account = next(
                (b.account_id for b in books if message.order.cl_ord_id in b.mirror.orders), None
            )
        book = self._books.get(account or "")
        if book is None:
            log.warning(
                "account event the stream cannot place (account %s): published only", account
            )
        return book
