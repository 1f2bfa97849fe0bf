"""``client.orders``: read, place, preview, replace and cancel orders — never twice by accident.

Aries has no idempotency key. :meth:`Orders.place` tags every order with a unique ``clientId``
(unless you give one), never retries once the request may have reached the server, and turns an
ambiguous outcome (timeout, reset, 5xx) into :class:`~aries_async.errors.OrderOutcomeUnknownError`
carrying the request and when it was sent; :meth:`Orders.find_placed` then tells whether the
order landed, by its tag or, on a server that does not echo tags, by its terms.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncGenerator, Hashable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from aries_async._lazy import load
from aries_async._validate import require_count, require_text
from aries_async.errors import (
    ClientClosedError,
    ConnectionFailedError,
    OrderOutcomeUnknownError,
    RequestTimeoutError,
    ResponseFormatError,
    ServerError,
    ValidationError,
)
from aries_async.http.pagination import following, paginate
from aries_async.resources import _order_lookup as lookup
from aries_async.resources._base import Resource, path_segment

if TYPE_CHECKING:
    from aries_async.models.orders import (
        CancelAck,
        CancelRequest,
        Order,
        OrderAck,
        OrderPreview,
        OrderRequest,
        ReplaceAck,
        ReplaceRequest,
    )

_MODELS = "aries_async.models.orders"
"""Loaded by the first call that needs it, off the event loop (see ``_lazy.load``)."""

__all__ = ["Orders", "new_client_id"]

log = logging.getLogger("aries_async")

_MAX_LIMIT = 500


def new_client_id() -> str:
    """A unique order tag (``aa-`` and 32 hex digits; 35 characters, under the 50 allowed)."""
    return f"aa-{uuid.uuid4().hex}"


def _rfc3339(value: datetime, field: str) -> str:
    if not isinstance(value, datetime):
        raise ValidationError(f"{field} must be a datetime, got {value!r}", field=field)
    if value.tzinfo is None:
        raise ValidationError(f"{field} must be timezone-aware", field=field)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


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


class Orders(Resource):
    """Order calls."""

    def _pages(
        self, path: str, params: dict[str, str], limit: int, operation: str
    ) -> AsyncGenerator[Order, None]:
        require_count(limit, "page_size", _MAX_LIMIT)

        async def fetch(cursor: Hashable | None) -> tuple[list[Order], Hashable | None]:
            query = dict(params, limit=str(limit))
            if cursor:
                query["cursor"] = str(cursor)
            models = await load(_MODELS)
            page = await self._get_as(
                path, models.OrderPage, "orders", query, operation=operation, bulk=True
            )
            count = len(page.orders)
            after = following(
                "cursor", sent=page.next_cursor, count=count, current=cursor, size=None
            )
            return page.orders, after

        return paginate(fetch, "orders")

    async def active(self, account_id: str, *, page_size: int = 200) -> list[Order]:
        """``GET /v2/accounts/{id}/orders``: open orders plus today's activity, every page."""
        seg = path_segment(account_id, "account_id")
        return [
            o
            async for o in self._pages(f"/v2/accounts/{seg}/orders", {}, page_size, "orders.active")
        ]

    def history(
        self,
        account_id: str,
        start: datetime,
        end: datetime | None = None,
        *,
        order_by: Literal["asc", "desc"] = "desc",
        exclude_today: bool = False,
        page_size: int = 200,
    ) -> AsyncGenerator[Order, None]:
        """``GET /v2/accounts/{id}/orders/history`` as an async iterator over every page.

        Raises:
            ValidationError: ``start`` or ``end`` not an aware datetime, ``end`` before
                ``start``, a window over 90 days, ``exclude_today`` not a bool (checked here,
                before anything is sent).
        """
        seg = path_segment(account_id, "account_id")
        params = {"from": _rfc3339(start, "start"), "order_by": order_by}
        if end is not None:
            params["to"] = _rfc3339(end, "end")
            if end < start:
                raise ValidationError("end is before start", field="end")
            if end - start > lookup.HISTORY_WINDOW:
                raise ValidationError("the history window is at most 90 days", field="end")
        elif self._now() - start > lookup.HISTORY_WINDOW:
            raise ValidationError("the history window is at most 90 days", field="start")
        if order_by not in ("asc", "desc"):
            raise ValidationError("order_by must be 'asc' or 'desc'", field="order_by")
        if not isinstance(exclude_today, bool):
            raise ValidationError(
                f"exclude_today must be True or False, got {exclude_today!r}", field="exclude_today"
            )
        if exclude_today:
            params["exclude_today"] = "true"
        path = f"/v2/accounts/{seg}/orders/history"
        return self._pages(path, params, page_size, "orders.history")

    async def place(self, request: OrderRequest) -> OrderAck:
        """``POST /v1/orders``. Sent once; never retried after it may have reached the server.

        The order is tagged with ``request.client_id`` or a fresh :func:`new_client_id`. A
        rejection in a 200 (``success: false``) is returned as the ack; check ``ack.accepted``.

        Raises:
            OrderOutcomeUnknownError: timeout, reset, 5xx, the client closed (``aclose``) after
                sending, or a 2xx that is not an order acknowledgement (``{}``,
                ``{"message": "ok"}``, an envelope, a list, no JSON: only a body saying
                ``success: false`` or ``status: REJECTED`` is a rejection, and an accepting one
                must carry ``clOrdId``); carries the request as sent and the time the attempt
                started, to give :meth:`find_placed`.
            ClientClosedError: the client was closed before the order was sent.
            APIError: the server refused the order (4xx); it was not placed.
            AuthError: no usable token, found before anything was sent (the order was not
                placed): :class:`~aries_async.errors.NotSignedInError`,
                :class:`~aries_async.errors.ReauthenticationRequired` or, when the token
                endpoint failed, :class:`~aries_async.errors.TokenRefreshError`.
            asyncio.CancelledError: the call was cancelled (``asyncio.timeout``, ``wait_for``,
                task cancellation) before the answer arrived. The order may have been placed:
                a warning is logged and a note added to the exception, both naming the client
                id and the time to check with :meth:`find_placed`. Give ``client_id``
                yourself to know it without them; prefer the client's own ``timeout``, which
                raises :class:`~aries_async.errors.OrderOutcomeUnknownError`.
        """
        if request.client_id is None:
            request = request.with_client_id(new_client_id())
        client_id = request.client_id
        assert client_id is not None
        models = await load(_MODELS)
        started = self._now()
        try:
            data = await self._post("/v1/orders", "orders.place", request, idempotent=False)
            ack = _acknowledgement(data, "an order")
            return await self._structure(ack, models.OrderAck, "order ack")
        except (RequestTimeoutError, ServerError, ResponseFormatError) as exc:
            raise self._unknown(request, started, exc) from exc
        except (ConnectionFailedError, ClientClosedError) as exc:
            if not exc.request_sent:
                raise
            raise self._unknown(request, started, exc) from exc
        except asyncio.CancelledError as exc:
            # Cancellation must go on as CancelledError (asyncio.timeout relies on it), but
            # whoever cancelled would otherwise not learn that the order may exist, nor under
            # which client id when it was generated here.
            message = (
                "orders.place() was cancelled before its answer arrived; the order may have "
                f"been placed. Check with orders.find_placed(request, since=...): the request "
                f"tagged {client_id!r}, since {started.isoformat()}"
            )
            log.warning(message)
            exc.add_note(message)
            raise

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
        idempotent: bool,
    ) -> Any:
        """``POST path`` with the request's wire body: the decoded answer."""
        return await self._client.request(
            "POST", path, json=request.to_wire(), idempotent=idempotent, operation=operation
        )

    async def preview(self, request: OrderRequest) -> OrderPreview:
        """``POST /v1/orders/preview`` (safe to retry: it places nothing)."""
        models = await load(_MODELS)
        data = await self._post("/v1/orders/preview", "orders.preview", request, idempotent=True)
        return await self._structure(data, models.OrderPreview, "order preview")

    async def replace(self, request: ReplaceRequest) -> ReplaceAck:
        """``POST /v1/orders/replace``; the ack's ``cl_ord_id`` is the new id. Not retried.

        Raises:
            ResponseFormatError: a 2xx that is not a replace acknowledgement (the replace may
                or may not have been applied; look at the order).
        """
        models = await load(_MODELS)
        data = await self._post("/v1/orders/replace", "orders.replace", request, idempotent=False)
        ack = _acknowledgement(data, "a replace")
        return await self._structure(ack, models.ReplaceAck, "replace ack")

    async def cancel(self, request: CancelRequest) -> CancelAck:
        """``POST /v1/orders/cancel``. Not retried.

        Raises:
            ResponseFormatError: a 2xx that is not a cancel acknowledgement (the cancel may or
                may not have been applied; look at the order).
        """
        models = await load(_MODELS)
        data = await self._post("/v1/orders/cancel", "orders.cancel", request, idempotent=False)
        ack = _acknowledgement(data, "a cancel")
        return await self._structure(ack, models.CancelAck, "cancel ack")

    async def find_by_client_id(
        self, account_id: str, client_id: str, *, lookback: timedelta = timedelta(days=1)
    ) -> Order | None:
        """Find the order tagged ``client_id`` among active orders, then recent history.

        None means no order carries the tag, which proves nothing on a server that does not
        echo tags in the orders it returns (conventions.md 7): after
        :class:`~aries_async.errors.OrderOutcomeUnknownError` use :meth:`find_placed`.

        Raises:
            ValidationError: ``client_id`` empty, ``lookback`` over 90 days.
        """
        require_text(client_id, "client_id")
        if lookback > lookup.HISTORY_WINDOW:
            raise ValidationError("the history window is at most 90 days", field="lookback")
        for order in await self.active(account_id):
            if order.client_id == client_id:
                return order
        now = self._now()
        async for order in self.history(account_id, *lookup.history_window(now - lookback, now)):
            if order.client_id == client_id:
                return order
        return None

    async def find_placed(self, request: OrderRequest, *, since: datetime) -> Order | None:
        """The order ``request`` became, or None when it was not placed. Use it after
        :class:`~aries_async.errors.OrderOutcomeUnknownError`, before sending again::

            except OrderOutcomeUnknownError as error:
                order = await client.orders.find_placed(error.request, since=error.started_at)

        Reads the active orders, then the history from an hour before ``since``. An order
        carrying the request's tag is the one. When none does and the account's orders carry
        no tags (the server does not echo them: ``clientId`` names the app), the order with
        the same symbol, side, type, quantity, time in force and limit/stop prices created in
        the second of ``since`` or later is the one, ``since`` put on the server's clock by
        the ``Date`` of the reads' answers (none: the clocks are taken to agree).

        Args:
            request: the request as sent, with its tag (:attr:`OrderOutcomeUnknownError.request
                <aries_async.errors.OrderOutcomeUnknownError.request>`).
            since: when the attempt started, on the client's clock (``error.started_at``).

        Returns:
            The order, or None when no order is it.

        Raises:
            ValidationError: ``request`` has no ``client_id``; ``since`` not an aware
                datetime or over 90 days ago (checked before anything is sent).
            OrderMatchAmbiguousError: no order carries the tag, tags are not echoed, and
                several orders have the request's terms (``candidates``); nothing is guessed.
            APIError, TransportError: a read failed (after the client's own retries).
        """
        require_text(request.client_id, "client_id")
        _rfc3339(since, "since")
        now = self._now()
        if now - since > lookup.HISTORY_WINDOW:
            raise ValidationError("since is over 90 days ago", field="since")
        history = self.history(request.account_id, *lookup.history_window(since, now))
        with self._server_dates() as dates:
            active = await self.active(request.account_id)
            tagged = next((o for o in active if o.client_id == request.client_id), None)
            if tagged is not None:
                return tagged  # the usual answer on a server that echoes tags: no history read
            async with contextlib.aclosing(history) as pages:
                orders = [*active, *[order async for order in pages]]
        return lookup.match_placed(orders, request, since, lookup.clock_lead(dates))

    async def reconcile(self, account_id: str, orders: Sequence[Order]) -> list[Order]:
        """The current state of ``orders``, matched by ``clOrdId`` (those found).

        The account stream's REST lookup (see
        :data:`~aries_async.streaming.accounts.OrderLookup`) for orders that left the working
        set while it was disconnected. One active-orders read (open orders plus today's
        terminal activity, every page) finds what finished today; only the orders still
        missing cost a history read, newest first, stopping once all are found. The orders'
        creation times (the server's clock) bound it, an hour wider on each side; when one is
        not known it reaches back 90 days from the client's now.

        Args:
            account_id: the trading account.
            orders: the orders' last known state (``cl_ord_id`` and ``created_at`` are used).

        Returns:
            The orders found, in their current state; an order found in neither list is left
            out.

        Raises:
            APIError, TransportError: a read failed (after the client's own retries).
        """
        wanted = {o.cl_ord_id: o for o in orders if o.cl_ord_id}
        if not wanted:
            return []
        found: dict[str, Order] = {}
        for order in await self.active(account_id):
            if order.cl_ord_id in wanted:
                found[order.cl_ord_id] = order
        missing = [o for key, o in wanted.items() if key not in found]
        if not missing:
            return list(found.values())
        now = self._now()
        created = [o.created_at for o in missing if o.created_at is not None]
        if len(created) == len(missing):  # the server's times: whatever the client's clock
            start, end = lookup.history_window(min(created), max(created))
        else:  # as far back as the API allows
            start, end = lookup.history_window(now - lookup.HISTORY_WINDOW, max([now, *created]))
        async with contextlib.aclosing(self.history(account_id, start, end)) as history:
            async for order in history:
                if order.cl_ord_id in wanted and order.cl_ord_id not in found:
                    found[order.cl_ord_id] = order
                    if len(found) == len(wanted):
                        break
        return list(found.values())
