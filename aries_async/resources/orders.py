"""``client.orders``: read, place, preview, replace (or change) and cancel orders — never twice
by accident.

Aries has no idempotency key. :meth:`Orders.place` tags every order with a unique ``clientId``
(unless you give one), never retries once the request may have reached the server, and turns an
ambiguous outcome (timeout, reset, 5xx) into :class:`~aries_async.errors.OrderOutcomeUnknownError`
carrying the request and when it was sent; :meth:`Orders.find_placed` then tells whether the
order landed, by its tag or, on a server that does not echo tags, by its terms.

This module holds the writes and what makes them safe (the tag, the acknowledgement check, the
unknown outcome, a change built from the order it changes and checked before it is sent); the
reads, ``find_placed`` among them, are :class:`~aries_async.resources._order_reads.OrderReads`,
which :class:`Orders` extends.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from aries_async._lazy import load
from aries_async._validate import require_instance
from aries_async.errors import (
    APIError,
    ClientClosedError,
    ConnectionFailedError,
    OrderOutcomeUnknownError,
    OrderRejectedHTTPError,
    RequestTimeoutError,
    ResponseFormatError,
    ServerError,
)
from aries_async.http.exchange import closing_of, never_sent
from aries_async.resources._order_reads import ORDER_MODELS, OrderReads

if TYPE_CHECKING:
    from aries_async.models.orders import (
        CancelAck,
        CancelRequest,
        DecimalInput,
        Order,
        OrderAck,
        OrderPreview,
        OrderRequest,
        OrderType,
        ReplaceAck,
        ReplaceRequest,
        TimeInForce,
    )

__all__ = ["Orders", "new_client_id"]

_CHANGES = "aries_async.models._order_changes"
"""What builds and checks :meth:`Orders.change`'s replace; loaded by its first call."""

_REJECTION_STATUSES = frozenset({400, 422})
"""The statuses with which the server refuses an order or a replacement for its terms (rest.md
6.1: a 4xx, or a 2xx acknowledgement that says so)."""

log = logging.getLogger("aries_async")


def new_client_id() -> str:
    """A unique order tag (``aa-`` and 32 hex digits; 35 characters, under the 50 allowed)."""
    return f"aa-{uuid.uuid4().hex}"


class _NotAnAck(ResponseFormatError):
    """A 2xx answer to an order write whose body is not an acknowledgement."""


def _acknowledgement(data: Any, what: str) -> dict[str, Any]:
    """``data`` when it is an acknowledgement (rest.md §6.1, §6.3, §6.4): a JSON object that
    says ``success`` as a boolean, or ``status: "REJECTED"``. An accepting one must also carry
    the ``clOrdId`` to follow the order by.

    Anything else (``{}``, ``{"message": "ok"}``, an envelope ``{"data": {...}}``, a list, text,
    no body) says neither that the write was accepted nor that it was refused; reading it as an
    ack would turn it into a rejection (``success`` omitted), inviting the user to send again.

    Raises:
        _NotAnAck: the body is not an acknowledgement.
    """
    if isinstance(data, dict):
        success = data.get("success")
        if success is False or data.get("status") == "REJECTED":
            return data
        cl_ord_id = data.get("clOrdId")
        if success is True and isinstance(cl_ord_id, str) and cl_ord_id.strip():
            return data
    if data is None:
        shape = "no body"
    elif isinstance(data, str):
        shape = "a body that is not JSON"
    elif isinstance(data, dict):
        keys = ", ".join(sorted(str(key)[:40] for key in data)[:5])
        shape = f"an object with keys {keys}" if keys else "an empty object"
    else:
        shape = f"a JSON {type(data).__name__}"
    raise _NotAnAck(f"the 2xx answer is not {what} acknowledgement: {shape}")


def _tell_interrupted(
    exc: BaseException,
    interruption: BaseException,
    client_id: str,
    started: datetime,
    task: asyncio.Task[Any] | None,
) -> None:
    """Log, and note on ``exc``, that a placement was interrupted by ``interruption`` (a
    cancellation, an interrupt, the close of its coroutine) and whether the order may exist.

    Only the transport's word that nothing left (:func:`never_sent`, on the interruption or,
    for a ``GeneratorExit``, on the placement's ``task``) says it was not placed.
    """
    if isinstance(interruption, asyncio.CancelledError):
        how = "cancelled"
    elif isinstance(interruption, GeneratorExit):
        # Its task was destroyed pending: the loop closed, or the program ended, under it.
        how = "abandoned (its event loop closed under it: GeneratorExit)"
    else:
        how = f"interrupted ({type(interruption).__name__})"
    if never_sent(interruption, task):
        message = (
            f"orders.place() was {how} before its request was sent: the order was not "
            "placed (orders.find_by_client_id(account_id, client_id) finds nothing "
            f"tagged {client_id!r})"
        )
        log.info("%s", message)
    else:
        message = (
            f"orders.place() was {how} before its answer arrived; the order may have "
            "been placed. Check before placing it again, with orders.find_by_client_id("
            "account_id, client_id) or orders.find_placed(request, since=...): the "
            f"request tagged {client_id!r}, since {started.isoformat()}"
        )
        log.warning("%s", message)
    exc.add_note(message)


class Orders(OrderReads):
    """Order calls: the writes here, the reads (``active``, ``history``, ``find_placed``...)
    from :class:`~aries_async.resources._order_reads.OrderReads`."""

    async def place(self, request: OrderRequest) -> OrderAck:
        """``POST /v1/orders`` (finance-dev ``orders.place_order``). Sent once; never retried
        after it may have reached the server.

        The order is tagged with ``request.client_id`` or a fresh :func:`new_client_id`. A
        rejection in a 200 (``success: false``) is returned as the ack; check ``ack.accepted``.

        Interrupted once sent (a cancellation, Ctrl-C, a notebook's interrupt), the order may
        exist though no answer said so. Give ``client_id`` yourself, to know it whatever
        happens, and look the order up with :meth:`find_by_client_id` (or
        :meth:`find_placed`, on a server that does not echo tags) before placing it again:
        Aries has no idempotency key, so placing it again, even under the same client id,
        makes a second order. The call runs in its caller's task: cancelling that task ends
        it (the answer is no longer read). An interrupt that stops the event loop itself
        while the call waits (Ctrl-C in IPython's terminal, whose loop lasts from one input
        to the next) does not reach it: it goes on when the loop runs again, its outcome
        kept by its task alone.

        Raises:
            ValidationError: ``request`` is no :class:`OrderRequest` (nothing is sent).
            OrderOutcomeUnknownError: timeout, reset, 5xx, the client closed (``aclose``) after
                sending, or a 2xx that is not an order acknowledgement (``{}``,
                ``{"message": "ok"}``, an envelope, a list, no JSON: only a body saying
                ``success: false`` or ``status: REJECTED`` is a rejection, and an accepting one
                must carry ``clOrdId``); carries the request as sent and the time the attempt
                started, to give :meth:`find_placed`.
            ClientClosedError: the client was closed before the order was sent.
            OrderRejectedHTTPError: the server refused the order with a 400 or 422 (an
                :class:`~aries_async.errors.OrderRejectedError` and a
                :class:`~aries_async.errors.BadRequestError`); it was not placed.
            APIError: any other 4xx; the order was not placed.
            AuthError: no usable token, found before anything was sent (the order was not
                placed): :class:`~aries_async.errors.NotSignedInError`,
                :class:`~aries_async.errors.ReauthenticationRequired` or, when the token
                endpoint failed, :class:`~aries_async.errors.TokenRefreshError`. (A shared
                token store that is down raises
                :class:`~aries_async.errors.StoreUnavailableError`, not placed either.)
            asyncio.CancelledError: the call was cancelled (``asyncio.timeout``, ``wait_for``,
                task cancellation, Ctrl-C under ``asyncio.run``, interrupting a Jupyter cell
                that awaits it) before the answer arrived. The order may have been placed: a
                warning is logged and a note added to the exception, both naming the client
                id and the time to check with :meth:`find_by_client_id` or
                :meth:`find_placed`; the exception then goes on unchanged. Cancelled before
                its request was sent (waiting for its turn under the rate limit, for its
                token or, on the client's own connection pool, not on a ``session`` given
                to the client, for a free connection or its connect), the order was not
                placed: the note says so, still naming the client id, and the message is
                logged at INFO, not as a warning. Prefer the client's own ``timeout``, which
                raises :class:`~aries_async.errors.OrderOutcomeUnknownError`.
            KeyboardInterrupt, SystemExit: raised inside the call before the answer arrived
                (by Python's own SIGINT handler, ``sys.exit()`` in a signal handler); warned
                about (or, before the request was sent, told) and noted as a cancellation
                is, and going on unchanged.
            GeneratorExit: the call's task was destroyed pending (its event loop closed, or
                the program ended, while it waited) and its coroutine is being closed: warned
                about (or, before the request was sent, told) as a cancellation is, and going
                on unchanged, even when a cleanup under it fails on the closed loop (aiohttp:
                ``RuntimeError: Event loop is closed``), which would otherwise take its place
                and make Python print it as ignored.
        """
        models = await load(ORDER_MODELS)
        require_instance(request, models.OrderRequest, "request")
        if request.client_id is None:
            request = request.with_client_id(new_client_id())
        client_id = request.client_id
        assert client_id is not None
        started = self._now()
        task = asyncio.current_task()  # what the transport marks when a closing call was unsent
        try:
            try:
                data = await self._post("/v1/orders", "orders.place", request, rejects=True)
                ack = _acknowledgement(data, "an order")
                placed: OrderAck = await self._structure(ack, models.OrderAck, "order ack")
                self._told.add(placed.cl_ord_id, client_id, started, request.symbol)
                return placed if placed.client_id else attrs.evolve(placed, client_id=client_id)
            except (ServerError, ResponseFormatError) as exc:
                raise self._unknown(request, started, exc) from exc
            except (ConnectionFailedError, ClientClosedError, RequestTimeoutError) as exc:
                if not exc.request_sent:
                    raise
                raise self._unknown(request, started, exc) from exc
            except (
                asyncio.CancelledError,
                KeyboardInterrupt,
                SystemExit,
                GeneratorExit,
            ) as exc:
                # Each must go on unchanged (asyncio.timeout relies on CancelledError, Ctrl-C
                # and sys.exit() must stop the program, a closing coroutine must not await),
                # but whoever interrupted would otherwise not learn whether the order may
                # exist, nor under which client id when it was made here.
                _tell_interrupted(exc, exc, client_id, started, task)
                raise
        except Exception as exc:
            # Closed while it waited (its task destroyed pending with its loop), a cleanup on
            # the way out may still raise on the closed loop in place of GeneratorExit (the
            # transport gives aiohttp's back): an abandonment, told so; the close goes on.
            closing = closing_of(exc)
            if closing is None:
                raise
            _tell_interrupted(closing, closing, client_id, started, task)
            raise closing from None

    @staticmethod
    def _unknown(
        request: OrderRequest, started: datetime, exc: Exception
    ) -> OrderOutcomeUnknownError:
        why = str(exc) if isinstance(exc, _NotAnAck) else type(exc).__name__
        return OrderOutcomeUnknownError(
            f"the order may or may not have been placed ({why}); it was not retried. Check "
            "with orders.find_placed(error.request, since=error.started_at) (tagged "
            f"{request.client_id!r}, since {started.isoformat()})",
            client_id=request.client_id or "",
            account_id=request.account_id,
            request=request,
            started_at=started,
        )

    async def _post(
        self,
        path: str,
        operation: str,
        request: OrderRequest | ReplaceRequest | CancelRequest,
        *,
        idempotent: bool = False,
        rejects: bool = False,
    ) -> Any:
        """``POST path`` with the request's wire body: the decoded answer. ``rejects``: the
        call places or replaces an order, so a 400 or 422 is the server refusing it.

        Raises:
            OrderRejectedHTTPError: ``rejects`` and a 400 or 422 answer.
        """
        try:
            return await self._client.request(
                "POST",
                path,
                json=request.to_wire(),
                idempotent=idempotent,
                operation=operation,
                exact=True,
            )
        except APIError as exc:
            if rejects and exc.status in _REJECTION_STATUSES:
                raise OrderRejectedHTTPError.of(exc) from None
            raise

    async def preview(self, request: OrderRequest) -> OrderPreview:
        """``POST /v1/orders/preview`` (finance-dev ``orders.preview_order``; safe to retry: it
        places nothing). A ``request`` that is no :class:`OrderRequest` raises
        :class:`~aries_async.errors.ValidationError` before anything is sent."""
        models = await load(ORDER_MODELS)
        require_instance(request, models.OrderRequest, "request")
        data = await self._post("/v1/orders/preview", "orders.preview", request, idempotent=True)
        return await self._structure(data, models.OrderPreview, "order preview")

    async def replace(self, request: ReplaceRequest) -> ReplaceAck:
        """``POST /v1/orders/replace`` (finance-dev ``orders.replace_order``); the ack's
        ``cl_ord_id`` is the new id. Not retried.

        Raises:
            ValidationError: ``request`` is no :class:`ReplaceRequest`, or names another
                symbol than the order this client placed under its ``orig_cl_ord_id``
                (rest.md 6.3: the original order's; nothing is sent).
            OrderRejectedHTTPError: the server refused the replacement with a 400 or 422;
                the order is as it was.
            ResponseFormatError: a 2xx that is not a replace acknowledgement (the replace may
                or may not have been applied; look at the order).
        """
        models = await load(ORDER_MODELS)
        require_instance(request, models.ReplaceRequest, "request")
        symbol = self._told.check_replace(request.orig_cl_ord_id, request.symbol)
        started = self._now()
        data = await self._post("/v1/orders/replace", "orders.replace", request, rejects=True)
        ack = _acknowledgement(data, "a replace")
        replaced: ReplaceAck = await self._structure(ack, models.ReplaceAck, "replace ack")
        self._told.add(replaced.cl_ord_id, request.client_id, started, symbol)
        return replaced

    async def change(
        self,
        order: Order,
        *,
        quantity: DecimalInput | None = None,
        price: DecimalInput | None = None,
        stop_price: DecimalInput | None = None,
        type: OrderType | str | None = None,
        time_in_force: TimeInForce | str | None = None,
        client_id: str | None = None,
    ) -> ReplaceAck:
        """Change a working ``order`` (as :meth:`active` or an account stream reads it): give
        only what changes, ``await client.orders.change(order, price=Decimal("1.60"))``.

        The :class:`ReplaceRequest` names the order, carries the changes (the server keeps the
        rest) and, for a spread, the order's legs, which a multi-leg replace must send
        (rest.md 6.3); it is sent once by :meth:`replace`, whose answer and errors are this
        call's. The ack's ``cl_ord_id`` is the order's new id: change it again by the order
        the stream or :meth:`active` reports under that id.

        Raises:
            ValidationError: before anything is sent, when ``order`` is no :class:`Order`
                (or has ended, or lacks its id, account or symbol); nothing is given; a
                change is malformed (a quantity of 0); the order it leaves breaks a rule of
                :class:`OrderRequest` (a stop on a LIMIT order, a price on a MARKET one, a
                STOP order without its stop, IOC on an option); or every change is what the
                order has already (it would still get a new id).
            OrderRejectedHTTPError, ResponseFormatError: as :meth:`replace`.
        """
        models = await load(ORDER_MODELS)
        require_instance(order, models.Order, "order")
        changes = await load(_CHANGES)
        request: ReplaceRequest = changes.replace_for(
            order,
            quantity=quantity,
            price=price,
            stop_price=stop_price,
            type=type,
            time_in_force=time_in_force,
            client_id=client_id,
        )
        return await self.replace(request)

    async def cancel(self, request: CancelRequest) -> CancelAck:
        """``POST /v1/orders/cancel`` (finance-dev ``orders.cancel_order``). Not retried.

        The request names the order by the ``cl_ord_id`` its placement was acknowledged with,
        and repeats its account, symbol and side::

            await client.orders.cancel(CancelRequest(
                orig_cl_ord_id=ack.cl_ord_id, account_id=account_id, symbol="AAPL", side="BUY"))

        The ack says the cancel was taken (typically ``PENDING_CANCEL``); the order then ends
        ``CANCELED`` on the account stream (``wait_for_order(ack, "CANCELED")``). A refused
        cancel (of an order already ended, say) is an ack with ``success=False``, status
        ``REJECTED`` and the reason in ``text``, not an exception.

        Raises:
            ValidationError: ``request`` is no :class:`CancelRequest` (nothing is sent).
            ResponseFormatError: a 2xx that is not a cancel acknowledgement (the cancel may or
                may not have been applied; look at the order).
        """
        models = await load(ORDER_MODELS)
        require_instance(request, models.CancelRequest, "request")
        data = await self._post("/v1/orders/cancel", "orders.cancel", request)
        ack = _acknowledgement(data, "a cancel")
        return await self._structure(ack, models.CancelAck, "cancel ack")
