"""The simulator's account websocket session (``/v1/accounts/ws``, websocket.md section 4).

``subscribe {topic: "account", params: {accountId}}`` -> ack, snapshot event (``{"topic":
"account", "data": {"account", "positions", "ordersV2"}}`` carrying the subscribe id), then
``account.order`` / ``account.position`` / ``account.balance`` events. Other topics are
acknowledged and stay silent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aries_async.sim.records import AccountEvent, AccountNotFoundError
from aries_async.sim.ws_session import Session, ms

__all__ = ["AccountSession"]


class AccountSession(Session):
    """A ``/v1/accounts/ws`` socket: account snapshots and change events."""

    kind = "accounts"
    scopes = ("account:information", "order:information", "position:information")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account_listeners: dict[str, Callable[[], None]] = {}

    def subscribe(self, payload: Any, request_id: str | None) -> None:
        """Subscribe to an account: ack, then the snapshot event, then its changes."""
        if not isinstance(payload, dict):
            self.event({"action": "error", "error": "payload must be an object", "id": request_id})
            return
        topic = payload.get("topic")
        params = payload.get("params") if isinstance(payload.get("params"), dict) else {}
        if topic != "account":
            self.ack(request_id)  # pnl, watchlist, news: accepted, nothing simulated
            return
        account_id = params.get("accountId") if isinstance(params, dict) else None
        if not isinstance(account_id, str) or not account_id:
            self.event({"action": "error", "error": "accountId is required", "id": request_id})
            return
        state = self.hub.ctx.state
        try:
            snapshot = state.snapshot(account_id)
        except AccountNotFoundError:
            self.event({"action": "error", "error": "account not found", "id": request_id})
            return
        if account_id not in self.account_listeners:
            self.account_listeners[account_id] = state.listen(account_id, self.on_account_event)
        self.ack(request_id)
        self.event({"topic": "account", "data": snapshot}, request_id)

    def unsubscribe(self, payload: Any, request_id: str | None) -> None:
        """Stop an account's events."""
        params = payload.get("params") if isinstance(payload, dict) else None
        account_id = params.get("accountId") if isinstance(params, dict) else None
        remove = self.account_listeners.pop(str(account_id), None)
        if remove is not None:
            remove()
        self.ack(request_id)

    def on_account_event(self, event: AccountEvent) -> None:
        """Forward a change of a subscribed account."""
        self.event(
            {
                "topic": "account",
                "name": event.name,
                "data": event.data,
                "timestamp": ms(event.time),
            }
        )

    def release(self) -> None:
        super().release()
        for remove in self.account_listeners.values():
            remove()
        self.account_listeners.clear()
