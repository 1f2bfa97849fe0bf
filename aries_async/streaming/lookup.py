"""REST lookups for the account stream: orders that left the working set while the stream was
down and those begun and ended meanwhile (:class:`Reconciler`, with the sweep of
:mod:`~aries_async.streaming.gap_sweep`), and orders a waiter asks for that the stream has not
seen."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, cast

import attrs

from aries_async._validate import require_text
from aries_async.errors import (
    AuthenticationError,
    AuthError,
    OrderRejectedError,
    OrderStateUnknownError,
    PermissionDeniedError,
    ValidationError,
)
from aries_async.http.retry import backoff_wait
from aries_async.models._order_inputs import enum_input
from aries_async.models.events import AccountSnapshot, GapUnchecked, OrderEvent
from aries_async.models.orders import Order, OrderAck, OrderStatus, ReplaceAck
from aries_async.streaming.config import StreamConfig
from aries_async.streaming.gap_sweep import GapSweep, Window, lists_orders
from aries_async.streaming.mirror import AccountMirror

if TYPE_CHECKING:
    from tenacity import RetryCallState

__all__ = [
    "OrderListing",
    "OrderLookup",
    "OrderStateUnknown",
    "Reconciler",
    "last_known",
    "order_id_to_wait_for",
    "statuses_to_wait_for",
]

log = logging.getLogger("aries_async.streaming")

OrderLookup = Callable[[str, Sequence[Order]], Awaitable[Iterable[Order]]]
"""``reconcile(account_id, orders)``: the current state of ``orders`` (their last known state,
keyed by ``clOrdId``) looked up over REST; it returns those it found and raises when the lookup
itself failed. ``AriesClient.orders.reconcile`` is one, and an :class:`OrderListing` too: a
hook that also takes ``changed_since`` lets the stream find the orders begun and ended while
it was down (see :mod:`~aries_async.streaming.gap_sweep`); one that does not is called as
above, and the stream does not look for those."""


class OrderListing(Protocol):
    """An :data:`OrderLookup` that can also list the account's orders:
    ``reconcile(account_id, orders, changed_since=when)`` returns, besides the orders it
    found, every order of the account it can list whose ``created_at`` or ``updated_at`` is
    ``when`` or later (the server's clock, aware UTC), in its current state.
    ``changed_since`` is given only when the stream sweeps a gap (``orders`` may then be
    empty); None or left out, it is a plain :data:`OrderLookup`.
    ``AriesClient.orders.reconcile`` is one (today's orders)."""

    def __call__(
        self, account_id: str, orders: Sequence[Order], *, changed_since: datetime | None = None
    ) -> Awaitable[Iterable[Order]]: ...


@attrs.frozen(kw_only=True)
class OrderStateUnknown(OrderEvent):
    """An order left the working set while the stream was down and its state is unknown.

    Delivered by :meth:`AccountStream.order_events` and :meth:`AccountStream.events` in place of
    the event that was missed. ``order`` is the *last known* state (still working), not the
    current one: ask the order history, or place nothing that depends on it.

    Attributes:
        reason: why it could not be resolved (no lookup configured, not found, or the error
            of the last failed lookup).
    """

    resync: bool = True
    reason: str = ""


def order_id_to_wait_for(order: OrderAck | ReplaceAck | str) -> str:
    """The ``clOrdId`` to wait for: ``order`` itself, or the one of an acknowledgement of a
    placement or a replacement (the new order's) that does not say it was refused.

    Raises:
        OrderRejectedError: the acknowledgement says the server refused it.
        ValidationError: an empty id, an acknowledgement without one, or another object.
    """
    if isinstance(order, str):
        return require_text(order, "order")
    if not isinstance(order, OrderAck | ReplaceAck):
        raise ValidationError(
            f"order must be an acknowledgement of place() or replace() or a clOrdId, got {order!r}",
            field="order",
        )
    # Not ``order.accepted``: that also refuses an acknowledgement that omits ``success``, whose
    # order may well be working; only a rejection said outright means there is nothing to wait for.
    if order.success is False or order.status == OrderStatus.REJECTED:
        said = order.ord_rej_reason if isinstance(order, OrderAck) else None
        reason = "; ".join(filter(None, (said, order.text))) or "no reason given"
        what = "order" if isinstance(order, OrderAck) else "replacement"
        raise OrderRejectedError(
            f"the {what} was not accepted (status {order.status}, clOrdId "
            f"{order.cl_ord_id!r}: {reason}); there is nothing to wait for",
            ack=order,
            reason=reason,
        )
    if not order.cl_ord_id:
        raise ValidationError(
            f"the acknowledgement names no order (no clOrdId): {order!r}", field="order"
        )
    return order.cl_ord_id


def statuses_to_wait_for(
    status: OrderStatus | str | Iterable[OrderStatus | str],
) -> frozenset[OrderStatus]:
    """The statuses a waiter names, each a known one: a misspelt status (``"CANCELLED"``)
    would never come, so the wait would end only with the order."""
    statuses = [status] if isinstance(status, str) else list(status)
    return frozenset(enum_input(OrderStatus, s, "status") for s in statuses)


def last_known(order: OrderAck | ReplaceAck | str, cl_ord_id: str) -> Order:
    """What is known of an order before the stream has seen it: its id, and what its
    acknowledgement said (its creation time narrows the REST lookup)."""
    said: dict[str, Any]
    if isinstance(order, ReplaceAck):
        said = {"orig_cl_ord_id": order.orig_cl_ord_id, "price": order.price}
    elif isinstance(order, OrderAck):
        said = {
            "symbol": order.symbol,
            "side": order.side,
            "cumulative_quantity": order.cumulative_quantity,
            "leaves_quantity": order.leaves_quantity,
            "average_price": order.average_price,
        }
    else:
        return Order(cl_ord_id=cl_ord_id)
    return Order(
        cl_ord_id=cl_ord_id,
        quantity=order.quantity,
        ord_status=order.status,
        created_at=order.transact_time,
        **said,
    )


class Reconciler:
    """Looks up, over REST, the orders the :class:`AccountMirror` holds as pending, and, with
    a hook that can list the account's orders (:class:`OrderListing`), sweeps the resyncs
    that may leave out orders begun and ended in the gap (:class:`~aries_async.streaming.
    gap_sweep.GapSweep`), in the same read.

    Args:
        lookup: see :data:`OrderLookup`.
        account_id: the account.
        mirror: the stream's account mirror.
        attempts: failed lookups in a row before the orders are reported unknown.
        config: its :attr:`~StreamConfig.retry_policy` spaces the attempts.
        sleep, rand: as the stream was given them.
        publish: publishes an event to the stream's consumers.
        give_up: reports orders as of unknown state, with the reason.
        changed: wakes the order waiters.
    """

    def __init__(
        self,
        lookup: OrderLookup,
        account_id: str,
        mirror: AccountMirror,
        *,
        attempts: int,
        config: StreamConfig,
        sleep: Callable[[float], Awaitable[Any]],
        rand: Callable[[], float],
        publish: Callable[[Any], None],
        give_up: Callable[[Mapping[str, Order], str], None],
        changed: Callable[[], None],
    ) -> None:
        self.account_id = account_id
        self._lookup = lookup
        self._mirror = mirror
        self._attempts = attempts
        self._config = config
        self._sleep = sleep
        self._rand = rand
        self._publish = publish
        self._give_up = give_up
        self._changed = changed
        self._gap = GapSweep() if lists_orders(lookup) else None

    def on_snapshot(self, snapshot: AccountSnapshot, wall_now: float) -> bool:
        """A snapshot of the account (as published), arrived at ``wall_now`` (the client's
        Unix seconds): whether a sweep of its gap is due (:meth:`run` makes it)."""
        return self._gap is not None and self._gap.on_snapshot(snapshot, wall_now)

    @property
    def sweeping(self) -> bool:
        """Whether a sweep is due or under way (an order waiter waits for it rather than
        reading the orders itself)."""
        return self._gap is not None and self._gap.due

    async def run(self) -> None:
        """Look up every pending order, and sweep the gap when due, until nothing is left
        (orders that vanish during a lookup, a waiter's order's timer, or a resync add, are
        taken by the next one); failures back off like reconnects."""
        # Imported here: tenacity is only needed once a stream has missed orders.
        from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt

        while self._mirror.pending or self.sweeping:
            batch: dict[str, Order] = {}
            window: Window | None = None
            retrying = AsyncRetrying(
                stop=stop_after_attempt(self._attempts),
                retry=retry_if_exception(_worth_retrying),
                wait=backoff_wait(self._config.retry_policy, self._rand),
                sleep=self._sleep,
                before_sleep=self._log_retry,
                reraise=True,
            )
            try:
                async for attempt in retrying:
                    with attempt:
                        batch = dict(self._mirror.pending)
                        window = self._gap.take() if self._gap is not None else None
                        found = list(await self._read(batch, window))
            except Exception as exc:  # retried above, now published as unknown
                self._log_failure(exc, len(batch), retrying.statistics.get("attempt_number"))
                reason = f"the order lookup failed: {type(exc).__name__}: {exc}"
                self._give_up({k: v for k, v in batch.items() if k in self._mirror.pending}, reason)
                if self._gap is not None and window is not None:
                    self._gap.unchecked(window)
                    self._publish(
                        GapUnchecked(
                            account_id=self.account_id,
                            reason=reason,
                            since=window.since,
                            until=window.until,
                        )
                    )
                continue
            result = self._mirror.apply_lookup(batch, found)
            for order in result.updated:
                self._publish(OrderEvent(order=order, resync=True))
            if result.missing:
                self._give_up(result.missing, "the order lookup did not find it")
            if self._gap is not None and window is not None:
                self._tell_news(self._gap.checked(window, found, self._mirror))
            self._changed()

    def _tell_news(self, orders: Sequence[Order]) -> None:
        """Hold and publish the orders a sweep found that began in the gap."""
        told = [order for order in orders if self._mirror.adopt(order)]
        for order in told:
            self._publish(OrderEvent(order=order, resync=True))
        if told:
            log.info(
                "account %s: %d order(s) created while the stream was down, which the resync "
                "snapshot did not list, found over REST",
                self.account_id,
                len(told),
            )

    def _read(
        self, batch: Mapping[str, Order], window: Window | None
    ) -> Awaitable[Iterable[Order]]:
        """The hook's read of ``batch``, and of the orders created in ``window`` when one is
        due (a hook that takes ``changed_since``: see :class:`OrderListing`)."""
        if window is None:
            return self._lookup(self.account_id, list(batch.values()))
        listing = cast(OrderListing, self._lookup)
        return listing(self.account_id, list(batch.values()), changed_since=window.since)

    def _log_retry(self, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        self._log_failure(exc, len(self._mirror.pending), state.attempt_number, final=False)

    def _log_failure(
        self, exc: BaseException | None, orders: int, attempt: int | None, *, final: bool = True
    ) -> None:
        sweeping = self.sweeping
        what = [f"{orders} order(s) whose state the stream does not know"] if orders else []
        what += ["the orders created while it was down"] if sweeping else []
        outcome = [] if not final else ["reporting them as unknown"] if orders else []
        outcome += ["telling the gap unchecked"] if final and sweeping else []
        # Refused credentials are the stream's to tell (once, as it ends): not again here.
        level = logging.INFO if isinstance(exc, AuthError) else logging.WARNING
        log.log(
            level,
            "account %s: looking up %s failed (%s, attempt %s); %s",
            self.account_id,
            " and ".join(what) or "orders",
            type(exc).__name__,
            attempt,
            " and ".join(outcome) or ("retrying" if not final else "giving up"),
        )

    async def look_up_unseen(self, cl_ord_id: str, hint: Order) -> Order | None:
        """The current state of an order the stream has not seen; None when the lookup failed
        or found nothing but the stream has seen the order meanwhile.

        Raises:
            OrderStateUnknownError: the lookup failed or did not find the order; its
                ``last_known`` is what the stream told of it when it let it go (an order of
                a status the client does not know that the server no longer listed, see
                :attr:`AccountMirror.left`), else the waiter's hint.
        """
        try:
            found = [
                o for o in await self._lookup(self.account_id, [hint]) if o.cl_ord_id == cl_ord_id
            ]
        except Exception as exc:  # any failure: the state is unknown, said once to the waiter
            if cl_ord_id in self._mirror.orders:
                return None
            log.warning(
                "account %s: looking up order %s, which the stream does not hold, failed (%s)",
                self.account_id,
                cl_ord_id,
                type(exc).__name__,
            )
            failed = f"looking it up failed ({type(exc).__name__}: {exc})"
            raise self._unseen_error(cl_ord_id, hint, failed) from exc
        if found:
            return found[0]
        if cl_ord_id in self._mirror.orders:
            return None
        missing = "the order lookup did not find it"
        raise self._unseen_error(cl_ord_id, hint, missing, not_found=True)

    def _unseen_error(
        self, cl_ord_id: str, hint: Order, what: str, *, not_found: bool = False
    ) -> OrderStateUnknownError:
        told = self._mirror.left.get(cl_ord_id)
        if told is None:
            where = "is not on the account stream"
        else:  # an order the stream let go: what it told is the best known, not the hint
            where = (
                f"left the account stream in status {told.ord_status}, which the client does "
                "not know (the server no longer listed it),"
            )
        return OrderStateUnknownError(
            f"order {cl_ord_id} {where} and {what}; check the order history",
            cl_ord_id=cl_ord_id,
            last_known=hint if told is None else told,
            not_found=not_found,
        )


def _worth_retrying(exc: BaseException) -> bool:
    """Whether a failed lookup is tried again: refused credentials or a bad request will not
    get better by retrying (and a cancellation is not a failure)."""
    return isinstance(exc, Exception) and not isinstance(
        exc, (AuthError, AuthenticationError, PermissionDeniedError, ValidationError)
    )
