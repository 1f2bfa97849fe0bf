"""One account of an account stream (:class:`AccountBook`): its mirror, its snapshots and
resyncs, and the REST lookups of its orders (the stream's set of books is
:mod:`~aries_async.streaming.account_books`; the wait for an order across the stream's
accounts is :mod:`~aries_async.streaming.order_wait`).

A stream may follow several accounts on one socket; each has a book, and every snapshot,
order, position and balance event goes to the book of its account. The snapshot after a
reconnect resyncs that account alone: its changed orders are published, its vanished ones
looked up, and its gap swept for orders begun and ended in it
(:mod:`~aries_async.streaming.gap_sweep`), with its own lookup task.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from aries_async._validate import require_text
from aries_async.errors import OrderStateUnknownError, ValidationError
from aries_async.models.accounts import Balance, Position
from aries_async.models.events import AccountSnapshot, BalanceEvent, OrderEvent, PositionEvent
from aries_async.models.orders import Order
from aries_async.streaming._tasks import Spawn
from aries_async.streaming.config import StreamConfig
from aries_async.streaming.lookup import OrderLookup, OrderStateUnknown, Reconciler
from aries_async.streaming.mirror import AccountMirror, status_known
from aries_async.streaming.relooks import Relooks

__all__ = ["AccountBook", "account_ids_of", "account_of"]

log = logging.getLogger("aries_async.streaming")


def account_ids_of(accounts: str | Iterable[str]) -> list[str]:
    """The account ids given (one or several), each once, in order.

    Raises:
        ValidationError: none, or an empty one.
    """
    items = [accounts] if isinstance(accounts, str) else list(accounts)
    ids = list(dict.fromkeys(require_text(a, "account_id") for a in items))
    if not ids:
        raise ValidationError("at least one account id is needed", field="account_id")
    return ids


def account_of(message: Any) -> str | None:
    """The account an account-topic message is about, when it says."""
    kind = type(message)
    if kind is AccountSnapshot:
        listed = (*message.positions, *message.orders)
        found = message.account_id or message.balance.account_id
        return found or next((item.account_id for item in listed if item.account_id), None)
    if kind is OrderEvent or kind is OrderStateUnknown:
        return message.order.account_id  # type: ignore[no-any-return]
    if kind is PositionEvent:
        return message.position.account_id  # type: ignore[no-any-return]
    if kind is BalanceEvent:
        return message.balance.account_id  # type: ignore[no-any-return]
    account = getattr(message, "account_id", None)
    return account if isinstance(account, str) and account else None


class AccountBook:
    """The state of one account on the stream.

    Args:
        account_id: the account.
        reconcile: the REST order lookup (None: missed orders are reported unknown at once).
        attempts: failed lookups in a row before orders are reported unknown.
        config, sleep, rand: as the stream was given them.
        publish: publishes an event to the stream's consumers.
        changed: wakes the order waiters.
        spawn: starts a task owned by the stream's connection.
        online: set while the stream is connected (the timed lookups wait for it).
        wall_clock: Unix seconds (the stream's): when a snapshot without a time arrived.
    """

    def __init__(
        self,
        account_id: str,
        *,
        reconcile: OrderLookup | None,
        attempts: int,
        config: StreamConfig,
        sleep: Callable[[float], Awaitable[Any]],
        rand: Callable[[], float],
        publish: Callable[[Any], None],
        changed: Callable[[], None],
        spawn: Spawn,
        online: asyncio.Event,
        wall_clock: Callable[[], float],
    ) -> None:
        self.account_id = account_id
        self._wall_clock = wall_clock
        self.mirror = AccountMirror(
            terminal_kept=config.terminal_orders_kept,
            unknown_kept=config.unknown_orders_kept,
            account_id=account_id,
        )
        self._publish = publish
        self._changed = changed
        self._spawn = spawn
        self._task: asyncio.Task[None] | None = None
        self._lookups: set[asyncio.Task[None]] = set()  # the order waiters' lookups
        self.removed = False
        """Set once the stream stops following the account (:meth:`remove`)."""
        self.reconciler = (
            None
            if reconcile is None
            else Reconciler(
                reconcile,
                account_id,
                self.mirror,
                attempts=attempts,
                config=config,
                sleep=sleep,
                rand=rand,
                publish=publish,
                give_up=self.give_up,
                changed=self._looked_up,
            )
        )
        # A waiter's order of a status the client does not know that the server no longer
        # lists: looked up again on a timer (only with a lookup: none, it is never kept).
        self._relooks = Relooks(
            due=lambda cl_ord_id: cl_ord_id in self.mirror.relooked(),
            look_up=self._look_up_again,
            online=online,
            sleep=sleep,
            rand=rand,
            spawn=spawn,
        )

    def __repr__(self) -> str:
        """What a notebook shows of the account: its orders (the working ones among them, and
        those of a status the client does not know, apart), positions and cash, or that its
        snapshot has not come yet."""
        mirror = self.mirror
        if mirror.snapshot is None:
            return f"AccountBook({self.account_id!r}, awaiting its snapshot)"
        orders = mirror.orders.values()
        # An order of a status the client does not know is neither working nor terminal.
        unknown = sum(1 for order in orders if not status_known(order))
        working = sum(1 for order in orders if not order.is_terminal) - unknown
        counts = f"{working} working" + (f", {unknown} of unknown status" if unknown else "")
        cash = mirror.balance.cash_balance if mirror.balance is not None else None
        return (
            f"AccountBook({self.account_id!r}, {len(orders)} orders ({counts}), "
            f"{len(mirror.positions)} positions, cash {cash})"
        )

    @property
    def snapshot(self) -> AccountSnapshot | None:
        """The latest snapshot (None until the first arrives)."""
        return self.mirror.snapshot

    @property
    def orders(self) -> Mapping[str, Order]:
        """The orders seen (snapshot plus events) by ``clOrdId``, in their latest state: every
        working one, and the latest :attr:`StreamConfig.terminal_orders_kept` terminal ones."""
        return dict(self.mirror.orders)

    @property
    def positions(self) -> Mapping[str, Position]:
        """Positions by symbol, latest state."""
        return dict(self.mirror.positions)

    @property
    def balance(self) -> Balance | None:
        """The latest balance."""
        return self.mirror.balance

    def apply(self, message: OrderEvent | PositionEvent | BalanceEvent) -> None:
        """A live order, position or balance event of this account (then published)."""
        self.mirror.apply(message)
        self._publish(message)

    def on_snapshot(self, snapshot: AccountSnapshot) -> None:
        """A snapshot of this account: published (``resync=True`` after the first), then an
        :class:`OrderEvent` for each order that changed while the stream was down, and the
        orders that vanished are looked up (or reported unknown), and the gap swept when the
        snapshot may leave out orders begun and ended in it."""
        # An order still unknown is looked up again after later reconnects, spaced out;
        # reported once when there is nothing to look it up with.
        resync = self.mirror.apply_snapshot(snapshot, relook_unknown=self.reconciler is not None)
        self._publish(resync.snapshot)
        for order in resync.changed:
            self._publish(OrderEvent(order=order, resync=True))
        reconciler = self.reconciler
        if reconciler is None:
            if resync.vanished:
                self.give_up(resync.vanished, "no order lookup configured")
        else:
            self.mirror.pending.update(resync.vanished)  # unknown until found
            sweep = reconciler.on_snapshot(resync.snapshot, self._wall_clock())
            if resync.vanished or sweep:
                self._reconcile()
        self._changed()

    def _reconcile(self) -> asyncio.Task[None] | None:
        """The lookup task of the pending orders, started unless it runs already."""
        if self.reconciler is not None and (self._task is None or self._task.done()):
            self._task = self._spawn(self.reconciler.run(), "reconcile")
        return self._task

    def _looked_up(self) -> None:
        """A lookup's outcome is in the mirror: the orders to look up again on a timer are
        followed, and the order waiters woken."""
        self._relooks.follow(self.mirror.relooked())
        self._changed()

    async def _look_up_again(self, cl_ord_id: str) -> None:
        """Look up a held order of a status the client does not know (see
        :mod:`~aries_async.streaming.relooks`) as a resync does, with its retries, unless
        a lookup of it is pending already; returns once the lookup task is done."""
        order = self.mirror.orders.get(cl_ord_id)
        if order is None:
            return
        self.mirror.pending.setdefault(cl_ord_id, order)
        task = self._reconcile()
        if task is not None:
            await asyncio.wait((task,))

    def adopt(self, order: Order) -> None:
        """An order the stream has not seen, found over REST by an order waiter: held and
        published as :class:`OrderEvent` (``resync=True``), as a resync does, so that the
        stream's consumers hear of it too (its events were lost on a live socket). One of a
        status the client does not know that the stream told and let go is held again, and
        published only when it changed (:meth:`AccountMirror.adopt`)."""
        # Not when the stream told it meanwhile (its state is the newer), nor when it is a
        # terminal order the mirror told and then forgot.
        told = self.mirror.adopt(order)
        self._relooks.follow(self.mirror.relooked())  # one it let go, taken back
        if not told:
            return
        self._publish(OrderEvent(order=order, resync=True))
        self._changed()

    async def look_up_unseen(self, cl_ord_id: str, hint: Order) -> Order | None:
        """An order waiter's lookup of an order the stream has not seen (see
        :meth:`~aries_async.streaming.lookup.Reconciler.look_up_unseen`), in a task of the
        stream's connection that :meth:`remove` cancels: a removal ends the wait at once,
        not when the request returns. While the resync's sweep of the gap is due or under way
        (:attr:`Reconciler.sweeping <aries_async.streaming.lookup.Reconciler.sweeping>`), it
        waits for that first: found there, the order is the stream's without a read of its
        own. None when the stream has seen the order meanwhile, or has ended.

        Raises:
            OrderStateUnknownError: the lookup failed or did not find the order, or the
                account was removed while it ran.
        """
        reconciler = self.reconciler
        assert reconciler is not None
        sweep = self._task
        if reconciler.sweeping and sweep is not None and not sweep.done():
            # The resync's sweep reads the orders begun in the gap: its answer, not a read
            # of our own, is the stream's (and it may well be this order).
            await asyncio.wait((sweep,))
            if cl_ord_id in self.mirror.orders:
                return None
        found: list[Order | None] = []
        failed: list[Exception] = []

        async def look_up() -> None:
            try:
                found.append(await reconciler.look_up_unseen(cl_ord_id, hint))
            except Exception as error:  # the waiter's to raise: a child's would end the stream
                failed.append(error)

        task = self._spawn(look_up(), "order-lookup")
        if task is None:
            return None  # the stream has ended
        self._lookups.add(task)
        try:
            await asyncio.wait((task,))
        except asyncio.CancelledError:  # the waiter is cancelled (its timeout): the lookup too
            task.cancel()
            await asyncio.wait((task,))
            raise
        finally:
            self._lookups.discard(task)
        if failed:
            raise failed[0]
        if found:
            return found[0]
        if self.removed:
            raise OrderStateUnknownError(
                f"order {cl_ord_id} was being looked up in account {self.account_id} when the "
                "stream stopped following it (it was removed); check the order history",
                cl_ord_id=cl_ord_id,
                last_known=hint,
            )
        return None  # cancelled as the stream ended

    def remove(self) -> list[asyncio.Task[None]]:
        """The stream stops following the account: its lookup tasks (the resync's, the order
        waiters') are cancelled (and returned, for the stream to await) and the order waiters
        are woken (one waiting for an order of this account raises)."""
        self.removed = True
        tasks = [*self._lookups, *([self._task] if self._task is not None else [])]
        tasks += self._relooks.cancel()
        self._task = None
        for task in tasks:
            task.cancel()
        self._changed()
        return tasks

    def give_up(self, orders: Mapping[str, Order], reason: str) -> None:
        """Publish :class:`OrderStateUnknown` for each order not reported so already;
        ``wait_for_order`` raises."""
        for order in self.mirror.give_up(orders, reason):
            self._publish(OrderStateUnknown(order=order, reason=reason))
        self._changed()
