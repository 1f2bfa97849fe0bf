"""The simulator's account websocket session (``/v1/accounts/ws``, websocket.md section 4).

``subscribe {topic: "account", params: {accountId}}`` -> ack, snapshot event (``{"topic":
"account", "data": {"account", "positions", "ordersV2"}}`` carrying the subscribe id), then
``account.order`` / ``account.position`` / ``account.balance`` events; one socket may subscribe
to several accounts. ``pnl``, ``watchlist`` and ``news`` are served by
:mod:`~aries_async.sim.ws_topics` (which also sends ``account.info``). The legacy topic names
(``accUpdates``, ``pnlCandle``, ``watchlistUpdates``) are accepted for their topics.
``faults.ws_refused_subscriptions`` refuses the subscribes it names with an ``error`` event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aries_async.sim.records import AccountEvent, AccountNotFoundError
from aries_async.sim.ws_session import Session, ms
from aries_async.sim.ws_topics import TopicSubscriptions, wire_topic
from aries_async.streaming.protocol.topics import topic_of

if TYPE_CHECKING:
    from aries_async.sim.feed import QuoteSnapshot

__all__ = ["AccountSession"]


class AccountSession(Session):
    """A ``/v1/accounts/ws`` socket: account snapshots and change events, and the topics."""

    kind = "accounts"
    scopes = ("account:information", "order:information", "position:information")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account_listeners: dict[str, Callable[[], None]] = {}
        self.topics = TopicSubscriptions()

    def on_first_auth(self) -> None:
        """With ``faults.ws_watchlist_auto``, the watchlist changes come unasked."""
        if self.hub.ctx.faults.ws_watchlist_auto:
            self.topics.watchlist = True

    def _topic(self) -> str:
        return wire_topic(self.hub.ctx.faults.ws_topic_shape, "account")

    def subscribe(self, payload: Any, request_id: str | None) -> None:
        """Subscribe to an account (ack, then the snapshot event, then its changes) or to
        another topic."""
        if not isinstance(payload, dict):
            self.refuse({"error": "payload must be an object"}, request_id)
            return
        topic = topic_of(payload.get("topic"))
        raw_params = payload.get("params")
        params: dict[str, Any] = raw_params if isinstance(raw_params, dict) else {}
        if topic is None:
            self.refuse({"error": "unknown topic"}, request_id)
            return
        refused = self.hub.ctx.faults.ws_refused_subscriptions
        reason = refused.get(f"{topic} {params.get('accountId')}") or refused.get(topic)
        if reason is not None:
            self.refuse({"error": reason}, request_id)
            return
        if topic != "account":
            error = self.hub.topics.subscribe(self, self.topics, topic, params)
            if error is not None:
                self.refuse({"error": error}, request_id)
                return
            self.ack(request_id)
            self.hub.topics.after_subscribe(self, self.topics, topic, params)
            return
        account_id = params.get("accountId")
        if not isinstance(account_id, str) or not account_id:
            self.refuse({"error": "accountId is required"}, request_id)
            return
        state = self.hub.ctx.state
        try:
            snapshot = state.snapshot(account_id)
        except AccountNotFoundError:
            self.refuse({"error": "account not found"}, request_id)
            return
        if account_id not in self.account_listeners:
            self.account_listeners[account_id] = state.listen(account_id, self.on_account_event)
        if self.hub.ctx.faults.ws_account_unanswered:
            return  # the events flow, the answer with the snapshot never comes
        self.ack(request_id)
        self.event({"topic": self._topic(), "data": snapshot}, request_id)

    def unsubscribe(self, payload: Any, request_id: str | None) -> None:
        """Stop an account's events, or a topic."""
        topic = topic_of(payload.get("topic")) if isinstance(payload, dict) else "account"
        params = payload.get("params") if isinstance(payload, dict) else None
        if topic not in (None, "account"):
            self.hub.topics.unsubscribe(self, self.topics, topic, params)
        else:
            account_id = params.get("accountId") if isinstance(params, dict) else None
            remove = self.account_listeners.pop(str(account_id), None)
            if remove is not None:
                remove()
        self.ack(request_id)

    def on_account_event(self, event: AccountEvent) -> None:
        """Forward a change of a subscribed account."""
        self.event(
            {
                "topic": self._topic(),
                "name": event.name,
                "data": event.data,
                "timestamp": ms(event.time),
            }
        )

    def on_step(self, snap: QuoteSnapshot) -> None:
        """A step of a symbol a P&L subscription holds: the new candle."""
        self.hub.topics.on_step(self, self.topics, snap)

    def drop_subscriptions(self) -> None:
        """Stop every account's events and the topics (``faults.ws_watchlist_auto``: the
        watchlist changes still come unasked, as from an authentication on)."""
        super().drop_subscriptions()
        for remove in self.account_listeners.values():
            remove()
        self.account_listeners.clear()
        self.hub.topics.release(self, self.topics)
        self.topics = TopicSubscriptions(watchlist=self.hub.ctx.faults.ws_watchlist_auto)
