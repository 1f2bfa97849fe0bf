"""The account stream's topics besides ``account``: ``pnl``, ``watchlist`` and ``news``
(websocket.md 4.2), a mixin of :class:`~aries_async.streaming.accounts.AccountStream` on
:class:`~aries_async.streaming.account_opening.AccountOpening` (the accounts, the refusals and
the replay).

Every subscription is remembered and sent again after each reconnect and re-authentication
(but the one after a re-authentication leaves out what its socket refused).
A ``pnl`` subscription is sent again from the start of the last candle received
(``startTime``), so the candles of the gap come with the resubscription; before any candle
came, with the ``start_time`` given.
Subscribing is fire-and-forget, as for market data: a refusal arrives as a
:class:`~aries_async.models.events.ServerErrorMessage` in ``events()``, and the subscription it
answers (found by the request's id) is named in ``refused_topics`` (an account's own
subscription in ``refused`` too) before that. A refusal is told once: a replay's refusal that
only repeats a known one, reason included, is not published again (see ``refused_topics``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from aries_async._validate import require_text
from aries_async.errors import ValidationError
from aries_async.models.events import (
    AccountInfoEvent,
    NewsEvent,
    PnlEvent,
    PnlInterval,
    WatchlistEvent,
)
from aries_async.streaming.account_opening import AccountOpening
from aries_async.streaming.fanout import Consumer

__all__ = ["AccountTopics"]


def _interval(value: PnlInterval | str) -> str:
    try:
        return PnlInterval(value).value
    except ValueError:
        known = ", ".join(i.value for i in PnlInterval)
        raise ValidationError(
            f"unknown P&L interval {value!r} (one of {known})", field="interval"
        ) from None


def _rfc3339(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _texts(values: Iterable[str] | str | None, field: str, upper: bool) -> list[str] | None:
    if values is None:
        return None
    items = [values] if isinstance(values, str) else list(values)
    if not items:
        # No filter is the server's choice (websocket.md 4.2), wider than none at all.
        raise ValidationError(
            f"{field} is empty: it names no news; leave it out (None) for the server's "
            "choice (news of the portfolio and watchlists), or call unsubscribe_news()",
            field=field,
        )
    texts = [require_text(v, field) for v in items]
    return [t.upper() for t in texts] if upper else texts


class AccountTopics(AccountOpening):
    """``pnl``, ``watchlist`` and ``news`` subscriptions and consumers."""

    def _consumer(self, types: Iterable[type[Any]], limit: int | None = None) -> Consumer[Any]:
        raise NotImplementedError

    # -- pnl ----------------------------------------------------------------------------------

    async def subscribe_pnl(
        self,
        account_id: str | None = None,
        *,
        interval: PnlInterval | str = PnlInterval.M1,
        start_time: datetime | None = None,
    ) -> None:
        """P&L candles of an account (default: the stream's first account), one per
        ``interval``, from ``start_time`` (default: the server's choice, the current candle in
        the simulator). A new call for the same account replaces its subscription.

        Raises:
            ValidationError: an unknown interval, an empty account id, or a naive
                ``start_time`` (nothing is sent).
            StreamClosedError: the stream is closed.
        """
        account = self.account_id if account_id is None else require_text(account_id, "account_id")
        params: dict[str, Any] = {"accountId": account, "interval": _interval(interval)}
        if start_time is not None:
            if not isinstance(start_time, datetime) or start_time.tzinfo is None:
                raise ValidationError("start_time must be an aware datetime", field="start_time")
            params["startTime"] = _rfc3339(start_time)
        self._check_open()
        self._pnl[account] = params
        await self._send_topic("pnl", params, subscribe=True)

    async def unsubscribe_pnl(self, account_id: str | None = None) -> None:
        """Stop an account's P&L candles (default: the stream's first account)."""
        account = self.account_id if account_id is None else require_text(account_id, "account_id")
        self._check_open()
        self._requests.forget(("pnl", account))
        if self._pnl.pop(account, None) is not None:
            await self._send_topic("pnl", {"accountId": account}, subscribe=False)

    # -- watchlist, news ----------------------------------------------------------------------

    async def subscribe_watchlist(self) -> None:
        """Changes of the user's watchlists."""
        self._check_open()
        if self._topics.add("watchlist") or ("watchlist", None) in self._requests.refusals:
            await self._send_topic("watchlist", None, subscribe=True)

    async def unsubscribe_watchlist(self) -> None:
        """Stop the watchlist changes."""
        self._check_open()
        self._requests.forget(("watchlist", None))
        if self._topics.remove("watchlist"):
            await self._send_topic("watchlist", None, subscribe=False)

    async def subscribe_news(
        self, symbols: Iterable[str] | str | None = None, topics: Iterable[str] | str | None = None
    ) -> None:
        """News items (of ``symbols`` and ``topics``, when given; the server's choice
        otherwise: news of the portfolio and watchlists). Replaces an earlier news
        subscription (the socket knows one).

        Raises:
            ValidationError: an empty symbol or topic, or an empty ``symbols`` or ``topics``
                (it names no news, and leaving it out would ask for the server's choice;
                nothing is sent).
            StreamClosedError: the stream is closed.
        """
        params: dict[str, Any] = {}
        wanted_symbols = _texts(symbols, "symbols", upper=True)
        wanted_topics = _texts(topics, "topics", upper=False)
        if wanted_symbols:
            params["symbols"] = wanted_symbols
        if wanted_topics:
            params["topics"] = wanted_topics
        self._check_open()
        for _, old in [e for e in self._topics.replay() if e[0] == "news"]:
            self._topics.remove("news", old)
        self._topics.add("news", params)
        await self._send_topic("news", params, subscribe=True)

    async def unsubscribe_news(self) -> None:
        """Stop the news."""
        self._check_open()
        self._requests.forget(("news", None))
        news = [params for topic, params in self._topics.replay() if topic == "news"]
        for params in news:
            self._topics.remove("news", params)
        if news:
            await self._send_topic("news", None, subscribe=False)

    # -- consumers ----------------------------------------------------------------------------

    def pnl_events(self, *, buffer: int | None = None) -> Consumer[PnlEvent]:
        """P&L candle events (every account's; see ``PnlEvent.account_id``). Ends, raises and
        bounds like ``events()``."""
        return self._consumer((PnlEvent,), buffer)

    def watchlist_events(self, *, buffer: int | None = None) -> Consumer[WatchlistEvent]:
        """Watchlist changes; ends, raises and bounds like ``events()``."""
        return self._consumer((WatchlistEvent,), buffer)

    def news_events(self, *, buffer: int | None = None) -> Consumer[NewsEvent]:
        """News items; ends, raises and bounds like ``events()``."""
        return self._consumer((NewsEvent,), buffer)

    def info_events(self, *, buffer: int | None = None) -> Consumer[AccountInfoEvent]:
        """``account.info`` events; ends, raises and bounds like ``events()``."""
        return self._consumer((AccountInfoEvent,), buffer)

    # -- the connection -----------------------------------------------------------------------

    def _track_pnl(self, event: PnlEvent) -> None:
        """Remember the start of the latest candle: a resubscription starts there."""
        candle = event.candle
        account = event.account_id or (next(iter(self._pnl)) if len(self._pnl) == 1 else None)
        params = self._pnl.get(account or "")
        if candle is not None and candle.timestamp is not None and params is not None:
            params["startTime"] = _rfc3339(candle.timestamp)
