"""The wait for an order across an account stream's accounts: the
:meth:`~OrderWaiting.wait_for_order` face (a mixin of
:class:`~aries_async.streaming.accounts.AccountStream`) and :func:`wait_for` behind it, on the
stream's events, and over REST, account by account, for an order the stream has not seen."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from types import TracebackType

from aries_async._settings import Seconds, seconds_setting
from aries_async.errors import OrderStateUnknownError, StreamClosedError, ValidationError
from aries_async.models.events import AccountSnapshot
from aries_async.models.orders import Order, OrderAck, OrderStatus, ReplaceAck
from aries_async.streaming.account_book import AccountBook
from aries_async.streaming.lookup import last_known, order_id_to_wait_for, statuses_to_wait_for
from aries_async.streaming.mirror import status_known

__all__ = ["OrderWaiting", "wait_for"]


class OrderWaiting:
    """The order waiters of an account stream (a mixin of
    :class:`~aries_async.streaming.accounts.AccountStream`)."""

    _books: dict[str, AccountBook]
    _changed: asyncio.Event
    _error: BaseException | None
    _error_tb: TracebackType | None
    """The traceback ``_error`` had when the stream ended: each waiter raises it with that,
    so that its traceback shows its own frames, not those of every waiter before it."""
    _closed: bool

    async def wait_for_order(
        self,
        order: OrderAck | ReplaceAck | str,
        status: OrderStatus | str | Iterable[OrderStatus | str] = OrderStatus.FILLED,
        *,
        timeout: Seconds | None = None,
    ) -> Order:
        """Wait until ``order`` (of any of the stream's accounts) reaches ``status`` (or any
        terminal status).

        Safe against races: an order that already reached the status (the fill came before
        you called) returns at once. Check ``order.ord_status``: a ``REJECTED`` or
        ``CANCELED`` order is returned too, because it will never fill. An order that finished
        while the stream was down is returned once the REST lookup found it.

        An order the stream has not seen (it finished before the stream opened and the
        snapshot lists working orders only, or its first event is still on its way) is looked
        up over REST with the ``reconcile`` hook once the snapshot is in, and again after each
        resync snapshot that still lacks it (in each account, until one finds it): found
        finished, it is returned; found working, the stream follows it. Either way the stream
        then holds it and publishes it as ``OrderEvent(resync=True)``, as a resync does (its
        events may have been lost on a live socket). That costs one lookup
        (an active-orders read) when you wait right after placing, before the order's first
        event has arrived. One placed and finished while the stream was down is the stream's
        once the resync's sweep found it (see :mod:`~aries_async.streaming.accounts`): a wait
        started while that sweep reads waits for its answer rather than reading again.
        Without a hook such an order is waited for on the stream only (give ``timeout``).

        An order in an ``ordStatus`` the client does not know is not an end: the wait goes on
        (see :mod:`~aries_async.streaming.mirror`). Once the server no longer lists it, the
        stream looks it up again while you wait, about 1 s, then 2, 4 ... up to 60 s apart
        while it is connected (:mod:`~aries_async.streaming.relooks`), so that the wait ends
        when the server tells its real status, with or without a reconnect. One the stream
        let go once the server no longer listed it, found so again, is followed as if you had
        waited before it left, and published again only if it changed since the stream told
        it. When the lookup of
        such an order fails (or does not find it), the wait raises
        :class:`OrderStateUnknownError` at once, its ``last_known`` the order as the stream
        held or last told it: not returned, since its status is neither one you asked for
        nor an end, and not waited on in silence, since the server no longer lists it and the
        stream may never hear what became of it; the error says which lookup failed and in
        which status the stream holds the order, so that you can ask the order history.

        Args:
            order: the acknowledgement ``orders.place()`` returned, the one
                ``orders.replace()`` returned (its ``cl_ord_id`` is the replacement's: the
                original ends ``REPLACED``), or an order's ``clOrdId``.
            status: one status or several (default ``FILLED``).
            timeout: seconds to wait, a finite number above 0 (an int, a float or a
                ``Decimal``), or None to wait for ever. An infinity is refused rather than
                read as "for ever": None says that, and an infinity given is more often a
                deadline computed wrong; NaN, 0 or a negative (which timed out at once) is a
                mistake in the caller, refused before anything waits.

        Raises:
            OrderRejectedError: before waiting, for an acknowledgement that says the server
                refused the order or the replacement (there is nothing to wait for; ``reason``
                has the server's words). A :class:`ValidationError`, as are the others here.
            ValidationError: before waiting, for an empty id, an acknowledgement that carries
                no ``clOrdId``, or for a status that is not an :class:`OrderStatus`
                (``"CANCELLED"``: it would never come), or a ``timeout`` that is not a finite
                number of seconds above 0.
            TimeoutError: ``timeout`` passed; the message names the order and the status the
                stream has it in.
            OrderStateUnknownError: the order left the working set while the stream was
                disconnected and the lookup could not tell its state (one of a status the
                client does not know included, though the stream holds it), or the stream
                does not hold it and its lookup failed or did not find it (ask the order
                history; one of an account the stream does not follow is not found: the
                message names those it does, see :meth:`add_account`), or
                its account was removed (:meth:`remove_account`) while you waited (or while
                the order was being looked up in it, when no other account found it).
            StreamAuthError, StreamClosedError: the stream failed or was closed.
        """
        cl_ord_id = order_id_to_wait_for(order)
        hint = last_known(order, cl_ord_id)
        wanted = statuses_to_wait_for(status)
        if timeout is not None:  # checked before the wait's coroutine is made
            timeout = seconds_setting(timeout, "timeout", error=ValidationError, decimals=True)

        def done(order: Order) -> bool:
            status_now = order.ord_status
            return status_now is not None and (status_now in wanted or status_now.is_terminal)

        books = list(self._books.values())
        waiting = wait_for(books, cl_ord_id, hint, done, changed=self._changed, check=self._check)
        if timeout is None:
            return await waiting
        try:
            async with asyncio.timeout(timeout) as scope:
                return await waiting
        except TimeoutError:
            if not scope.expired():
                raise  # not this wait's own timeout
            # A bare TimeoutError (what wait_for raises) leaves a notebook cell saying nothing.
            raise TimeoutError(self._still_waiting(cl_ord_id, wanted, timeout)) from None

    def _still_waiting(self, cl_ord_id: str, wanted: Iterable[OrderStatus], timeout: float) -> str:
        held = (b.mirror.orders.get(cl_ord_id) for b in self._books.values())
        order = next((o for o in held if o is not None), None)
        status = order.ord_status if order is not None else None
        where = (
            f"the stream has it {status.value}"
            if status is not None
            else "the stream has not seen it"
        )
        names = " or ".join(sorted(s.value for s in wanted))
        return f"order {cl_ord_id} did not reach {names} or an end within {timeout:g} s; {where}"

    def _check(self) -> None:
        if self._error is not None:
            raise self._error.with_traceback(self._error_tb)
        if self._closed:
            raise StreamClosedError("the account stream is closed")


async def wait_for(
    books: Sequence[AccountBook],
    cl_ord_id: str,
    hint: Order,
    done: Callable[[Order], bool],
    *,
    changed: asyncio.Event,
    check: Callable[[], None],
) -> Order:
    """Wait until an order of any of ``books`` is ``done`` (see
    :meth:`AccountStream.wait_for_order`); ``check`` raises once the stream has ended, and
    an order of an account removed meanwhile raises :class:`OrderStateUnknownError`. The
    order is held in every book meanwhile: the bound of terminal orders does not forget it
    before the waiter has seen its state."""
    with _held(books, cl_ord_id):
        looked_up: dict[str, AccountSnapshot] = {}  # per account: the snapshot we asked REST after
        while True:
            book = next((b for b in books if cl_ord_id in b.mirror.orders), None)
            order = book.mirror.orders[cl_ord_id] if book is not None else None
            if book is not None and order is not None and book.removed:
                raise _removed_error(book, order)
            books = [b for b in books if not b.removed]
            if order is not None and done(order):
                return order
            if book is None:
                found, asked = await _look_up_unseen(books, cl_ord_id, hint, looked_up)
                if found is not None and asked is not None and asked.removed:
                    raise _removed_error(asked, found)  # removed while it was being looked up
                unseen = all(cl_ord_id not in b.mirror.orders for b in books)
                if found is not None and asked is not None and unseen:
                    asked.adopt(found)
                    if done(found):
                        return found
                if asked:
                    continue  # the stream may have told more while we asked
            elif order is not None:
                reason = book.mirror.unknown.get(cl_ord_id)
                if reason is not None and cl_ord_id not in book.mirror.pending:
                    if not status_known(order):
                        raise _held_unknown_error(order, reason)
                    raise OrderStateUnknownError(
                        f"order {cl_ord_id} left the working set while the stream was "
                        f"disconnected and its state is unknown ({reason}); check the order "
                        "history",
                        cl_ord_id=cl_ord_id,
                        last_known=order,
                    )
            check()
            changed.clear()
            await changed.wait()


@contextlib.contextmanager
def _held(books: Sequence[AccountBook], cl_ord_id: str) -> Iterator[None]:
    """Hold the order in every book of ``books`` while the block runs."""
    for book in books:
        book.mirror.hold(cl_ord_id)
    try:
        yield
    finally:
        for book in books:
            book.mirror.release(cl_ord_id)


def _held_unknown_error(order: Order, reason: str) -> OrderStateUnknownError:
    cl_ord_id = order.cl_ord_id or ""
    return OrderStateUnknownError(
        f"order {cl_ord_id} is no longer listed by the server and its state is unknown "
        f"({reason}); the stream holds it in status {order.ord_status}, which the client "
        "does not know: check the order history",
        cl_ord_id=cl_ord_id,
        last_known=order,
    )


def _removed_error(book: AccountBook, order: Order) -> OrderStateUnknownError:
    cl_ord_id = order.cl_ord_id or ""
    return OrderStateUnknownError(
        f"order {cl_ord_id} is of account {book.account_id}, which the stream no longer "
        "follows (it was removed); check the order history",
        cl_ord_id=cl_ord_id,
        last_known=order,
    )


async def _look_up_unseen(
    books: Sequence[AccountBook],
    cl_ord_id: str,
    hint: Order,
    looked_up: dict[str, AccountSnapshot],
) -> tuple[Order | None, AccountBook | None]:
    """Look an order the stream has not seen up in each account whose snapshot came since
    the last lookup: (what was found, the account that answered, or the last one asked; None
    when nothing was asked). Raises the lookup's :class:`OrderStateUnknownError` when every
    account asked failed or did not find it (an account removed meanwhile says so first)."""
    due = [
        b
        for b in books
        if b.reconciler is not None
        and b.snapshot is not None
        and looked_up.get(b.account_id) is not b.snapshot
    ]
    errors: list[tuple[OrderStateUnknownError, AccountBook]] = []
    asked: AccountBook | None = None
    for book in due:
        if book.removed:
            continue  # removed while another account was asked
        assert book.snapshot is not None
        looked_up[book.account_id] = book.snapshot
        asked = book
        try:
            found = await book.look_up_unseen(cl_ord_id, hint)
        except OrderStateUnknownError as error:
            errors.append((error, book))
            continue
        return found, book
    if errors:
        raise next((e for e, b in errors if b.removed), None) or _unseen_error(errors, cl_ord_id)
    return None, asked


def _unseen_error(
    errors: Sequence[tuple[OrderStateUnknownError, AccountBook]], cl_ord_id: str
) -> OrderStateUnknownError:
    """The error of a lookup that found the order in none of the accounts asked: one of
    another account is not looked for (an acknowledgement names none), so the error names
    those the stream follows; any other failure is the first lookup's own."""
    first = errors[0][0]
    if not all(e.not_found and cl_ord_id not in b.mirror.left for e, b in errors):
        return first
    accounts = ", ".join(b.account_id for _, b in errors)
    return OrderStateUnknownError(
        f"order {cl_ord_id} is not on the account stream and the order lookup did not find it "
        f"in the accounts the stream follows ({accounts}): to wait for an order of another "
        "account, follow that account too (add_account()); else check the order history",
        cl_ord_id=cl_ord_id,
        last_known=first.last_known,
        not_found=True,
    )
