"""What a stream wants (desired) versus what the server confirmed on the current connection
(acknowledged): market and charts subscriptions per symbol, the bookkeeping both share (each
face's own is :mod:`.market` and :mod:`.charts`; the account socket's topics are
:mod:`.account_requests`'). What one symbol's market subscription is (its channels and wire
form) is :mod:`.market_subscription`."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable
from typing import TypeVar

from aries_async.models.events import ServerErrorMessage
from aries_async.streaming.protocol.market_subscription import (
    Channel,
    MarketSubscription,
    channel_of,
    error_channels,
    looks_like_osi,
    normalize_symbol,
    says_already_subscribed,
)
from aries_async.streaming.protocol.overtaken import LIMIT, WAIT, Overtaken, Refusal
from aries_async.streaming.protocol.subscription_views import SubscriptionViews

__all__ = [
    "Channel",
    "MarketSubscription",
    "SymbolSubscriptions",
    "channel_of",
    "looks_like_osi",
    "normalize_symbol",
    "says_already_subscribed",
]


S = TypeVar("S")


class SymbolSubscriptions(SubscriptionViews[S]):
    """Desired subscriptions by symbol, and which of their channels the current connection
    acknowledged or the server refused (the bookkeeping the market and chart streams share).

    Channels are counted as the wire carries them (:meth:`carrier`: a market channel, a charts
    ``payload.type``). The desired set survives reconnects; the acknowledgements are cleared by
    :meth:`reset` when a connection ends, not by a re-authentication on the live socket (the
    subscriptions sent again after it are requests as any). A refused channel (with the
    server's reason) is kept until a later request of it is acknowledged or it is no longer
    desired. A replay after a reconnect asks for it again (a new socket may grant it), one
    after a re-authentication does not (:meth:`asked`: that socket refused it), and a
    replay's refusal that only repeats what was refused, for the same reason, is not news
    (:meth:`error`). A refused channel is not acknowledged.

    A subscribe request waits for its answer (an acknowledgement or a refusal, matched by its
    id) until the connection ends, but only while it is the latest request of its symbol (and
    ``kind``, the charts socket's ``payload.type``): a newer request for the symbol supersedes
    it, and unsubscribing the symbol forgets it. A replay (after a re-authentication) does not
    supersede the user's request it follows: that one still waits for its answer, which is
    taken for what it asked and told only when it is news, as a replay's (the user hears of
    a refusal once, whichever of the two answers brings it; without an id, the user's request
    is answered first). What waits is so bounded by the desired symbols (two requests each,
    at most), however long a socket lives and whether or not its server answers; an answer
    to a superseded request is not ours, since only the latest request says what is wanted
    now, but one to a request an unsubscribe overtook is known for that
    (:meth:`overtaken_refusal`, :mod:`.overtaken`).
    A refusal that names some of a request's symbols, or some channels, answers for those
    only: the request waits on for the rest.

    Args:
        clock: the stream's monotonic clock (``time.monotonic`` when None).
        overtaken_wait, overtaken_limit: how long, and how many, the requests an unsubscribe
            overtook are remembered (:class:`.Overtaken`'s ``wait`` and ``limit``: the
            stream's :class:`~aries_async.streaming.config.StreamConfig` options).
    """

    def __init__(
        self,
        clock: Callable[[], float] | None = None,
        *,
        overtaken_wait: float = WAIT,
        overtaken_limit: int = LIMIT,
    ) -> None:
        self.desired: dict[str, S] = {}
        # the requests an unsubscribe overtook, on the stream's monotonic clock
        self._overtaken = Overtaken(
            clock or time.monotonic, wait=overtaken_wait, limit=overtaken_limit
        )
        # symbol -> the wire channels acknowledged on this connection
        self._acked: dict[str, set[str]] = {}
        # desired symbol -> refused wire channel -> the server's reason (the latest last)
        self._refused: dict[str, dict[str, str]] = {}
        # request id -> (kind, symbol -> the wire channels it still awaits an answer about,
        # for the symbols it is still the latest request of, in order)
        self._pending: dict[str, tuple[str, dict[str, set[str]]]] = {}
        # request id in _pending -> its place in the order the requests were sent (which of
        # several a refusal without an id is taken for: Overtaken.refusal)
        self._order: dict[str, int] = {}
        # symbol -> kind -> id of its latest request awaiting an answer
        self._latest: dict[str, dict[str, str]] = {}
        # the ids in _pending of the requests that replay the subscriptions
        self._replays: set[str] = set()
        # symbol -> kind -> id of the user's request a replay followed (not the latest, still
        # awaiting its answer: the server answers it first)
        self._replaced: dict[str, dict[str, str]] = {}

    @property
    def in_flight(self) -> dict[str, tuple[str, ...]]:
        """The requests awaiting an answer on this connection: id -> the symbols of each."""
        return {rid: tuple(symbols) for rid, (_, symbols) in self._pending.items()}

    # -- requests and answers -------------------------------------------------------------------

    def asked(self, symbol: str, refused: bool = True) -> frozenset[str]:
        """The wire channels a request asks for ``symbol``: every one desired, or (``refused``
        False: a replay after a re-authentication) those the server has not refused."""
        wire = self.wire_channels(symbol)
        return wire if refused else wire - self._refused.get(symbol, {}).keys()

    def sent(
        self,
        request_id: str,
        symbols: Iterable[str],
        kind: str = "",
        *,
        replay: bool = False,
        refused: bool = True,
    ) -> None:
        """Remember that ``request_id`` subscribed ``symbols``: ``kind`` of them (a charts
        ``payload.type``), or the channels :meth:`asked` (with ``refused``) of each.
        ``replay``: it replays the subscriptions, it is not a call of the user's."""
        self._answered(request_id)  # an id used again now names this request only
        carried = {s: {kind} if kind else set(self.asked(s, refused)) for s in symbols}
        for symbol in carried:
            latest = self._latest.setdefault(symbol, {})
            previous = latest.get(kind)
            if not replay:
                self._drop_replaced(symbol, kind)
            if previous is not None and replay and previous not in self._replays:
                self._replaced.setdefault(symbol, {})[kind] = previous
            elif previous is not None:
                self._supersede(previous, symbol)
            latest[kind] = request_id
        if carried:
            self._pending[request_id] = (kind, carried)
            self._order[request_id] = self._overtaken.place()
            if replay:
                self._replays.add(request_id)

    def _drop_replaced(self, symbol: str, kind: str) -> None:
        """A newer request of the user's supersedes the one a replay followed."""
        replaced = self._replaced.get(symbol, {})
        request_id = replaced.pop(kind, None)
        if not replaced:
            self._replaced.pop(symbol, None)
        if request_id is not None:
            self._supersede(request_id, symbol)

    def _supersede(self, request_id: str, symbol: str) -> None:
        _, symbols = self._pending[request_id]
        del symbols[symbol]
        if not symbols:
            del self._pending[request_id]
            del self._order[request_id]
            self._replays.discard(request_id)

    def _answered(self, request_id: str | None) -> tuple[str | None, dict[str, set[str]]]:
        """Forget an answered request: its kind (None when it was not ours) and what it still
        awaited an answer about (symbol -> wire channels)."""
        entry = self._pending.pop(request_id or "", None)
        self._order.pop(request_id or "", None)
        if entry is None:
            return None, {}
        self._replays.discard(request_id or "")
        kind, symbols = entry
        for symbol in symbols:
            self._not_latest(symbol, kind, request_id or "")
        return kind, symbols

    def _answers_replay(self, request_id: str) -> bool:
        """Whether ``request_id``, awaiting an answer, is a replay's request or the user's
        request a replay followed: a refusal of it is news only when it changes what was
        refused (:meth:`error`)."""
        entry = self._pending.get(request_id)
        if entry is None:
            return False
        kind, symbols = entry
        followed = any(self._replaced.get(s, {}).get(kind) == request_id for s in symbols)
        return request_id in self._replays or followed

    def _not_latest(self, symbol: str, kind: str, request_id: str) -> None:
        """``request_id`` no longer awaits an answer about ``symbol``."""
        replaced = self._replaced.get(symbol, {})
        if replaced.get(kind) == request_id:
            del replaced[kind]
            if not replaced:
                del self._replaced[symbol]
            return
        latest = self._latest[symbol]
        del latest[kind]
        if not latest:
            del self._latest[symbol]

    def acknowledge(self, request_id: str | None) -> bool:
        """Mark a request as confirmed (what it carried, less what a refusal of it named);
        returns whether the id was ours."""
        self._overtaken.passed(self._order.get(request_id or ""))  # a later request answered
        kind, carried = self._answered(request_id)
        if kind is not None:
            self._overtaken.answered(request_id)  # what it was overtaken of is answered too
        for symbol, channels in carried.items():
            if symbol not in self.desired:
                continue
            self._acked.setdefault(symbol, set()).update(channels)
            reasons = self._refused.get(symbol, {})
            for channel in channels:
                reasons.pop(channel, None)
            if not reasons:
                self._refused.pop(symbol, None)
        return kind is not None

    def error(self, error: ServerErrorMessage) -> bool:
        """The server's ``error``: whether the stream's consumers are told of it. One answering
        a request of ours that says it is subscribed already (:func:`says_already_subscribed`)
        acknowledges the request and is not told. Any other refuses what it answers
        (:meth:`reject`) and is told, unless it answers a replay and only repeats refusals,
        reasons included. One without an id is tied to what it names (:meth:`reject`) and is
        told unless it only repeats refusals."""
        request_id = error.request_id
        if request_id is None:
            before = {symbol: dict(reasons) for symbol, reasons in self._refused.items()}
            refused = self.reject(None, error.error, error.symbols, error.channels)
            return not refused or any(self._refused.get(s) != before.get(s) for s in refused)
        entry = self._pending.get(request_id)
        if entry is None:
            return True  # not an answer of ours
        if says_already_subscribed(error.error):
            self.acknowledge(request_id)
            return False
        replay = self._answers_replay(request_id)
        before = {symbol: dict(self._refused.get(symbol, {})) for symbol in entry[1]}
        refused = self.reject(request_id, error.error, error.symbols, error.channels)
        news = any(self._refused.get(s, {}) != before[s] for s in refused)
        return news or not (replay and refused)

    def reject(
        self,
        request_id: str | None,
        reason: str,
        symbols: Iterable[str] | None = None,
        channels: Iterable[str] | None = None,
    ) -> tuple[str, ...]:
        """The server refused a request for ``reason``; returns the symbols of which it
        refused something (they stay desired; :attr:`refusals` and :meth:`refused_channels`
        name them).

        Args:
            request_id: the id the refusal answers; None (a server that sends none): the
                latest request of each symbol it names awaiting an answer about a channel it
                names (any, when it names none). A refusal with neither an id nor a symbol
                answers nothing here (the charts stream ties it by :mod:`.untied`'s rules
                before it comes here; the market stream only delivers it).
            reason: the server's text.
            symbols: the symbols the refusal names (a partial refusal): only those of the
                request are refused, and the request still waits for its answer about the
                others (an acknowledgement of the same id acknowledges them). None or empty:
                every symbol of the request.
            channels: the channels the refusal names: only those of the symbols are refused,
                and the request still waits for its answer about their other channels. None,
                empty or none the request carried: what the request asked for beyond what
                was acknowledged already (all it asked for, when nothing more).
        """
        named = {normalize_symbol(s) for s in symbols or () if isinstance(s, str) and s.strip()}
        which = error_channels(channels)
        if request_id is None:
            return self._reject_unnamed(named, which, reason, channels)
        entry = self._pending.get(request_id)
        if entry is None:
            return ()
        kind, carried = entry
        refused: list[str] = []
        for symbol, left in list(carried.items()):
            if named and symbol not in named:
                continue
            lost = left & which
            if lost:
                left -= lost
            else:
                lost = (left - self._acked.get(symbol, set())) or set(left)
                left.clear()
            if not left:
                self._not_latest(symbol, kind, request_id)
                self._supersede(request_id, symbol)
            self._note(symbol, lost, reason)
            refused.append(symbol)
        return tuple(refused)

    def _reject_unnamed(
        self, named: set[str], which: set[str], reason: str, channels: Iterable[str] | None
    ) -> tuple[str, ...]:
        """:meth:`reject` of a refusal without an id, by the symbols and channels it names."""
        refused: list[str] = []
        for symbol in sorted(named):
            # The user's request a replay followed is answered first.
            requests = {**self._latest.get(symbol, {}), **self._replaced.get(symbol, {})}
            for request_id in requests.values():
                awaited = self._pending[request_id][1][symbol]
                if not which or awaited & which:
                    refused += self.reject(request_id, reason, [symbol], channels)
        return tuple(dict.fromkeys(refused))

    def _note(self, symbol: str, channels: set[str], reason: str) -> None:
        """The server refused ``channels`` of ``symbol`` (when still desired) for ``reason``:
        they are not acknowledged."""
        if symbol not in self.desired:
            return
        reasons = self._refused.setdefault(symbol, {})
        for channel in sorted(channels):
            reasons.pop(channel, None)  # the latest reason last
            reasons[channel] = reason
        self._acked.get(symbol, set()).difference_update(channels)

    def _prune(self, symbol: str) -> None:
        """Forget what was said of the channels of ``symbol`` no longer desired."""
        wire = self.wire_channels(symbol)
        self._acked.get(symbol, set()).intersection_update(wire)
        reasons = self._refused.get(symbol, {})
        for channel in set(reasons) - wire:
            del reasons[channel]
        if not reasons:
            self._refused.pop(symbol, None)

    def discard(self, symbol: str) -> None:
        """``symbol`` is no longer desired: forget it, what the server said of it and its
        requests (they are overtaken: :meth:`_overtake`)."""
        self.desired.pop(symbol, None)
        self._acked.pop(symbol, None)
        self._refused.pop(symbol, None)
        self._overtake(symbol, frozenset())

    def _overtake(self, symbol: str, kept: Collection[str]) -> bool:
        """An unsubscribe of ``symbol``'s wire channels but ``kept`` (all of them, when none
        is kept) overtook its requests awaiting an answer about them: they await none about
        those channels (a request left with none awaits no answer about the symbol), and
        their answers about them, when they come, are known for an overtaken request's
        (:meth:`overtaken`, :meth:`overtaken_refusal`). The one rule of both streams: a charts
        request carries one channel (its ``kind``), a market request all those asked for.
        Returns whether a request was overtaken."""
        found = False
        for table in (self._latest, self._replaced):
            requests = table.get(symbol, {})
            for kind, request_id in list(requests.items()):
                awaited = self._pending[request_id][1][symbol]
                gone = awaited - set(kept)
                if not gone:
                    continue
                found = True
                self._overtaken.add(request_id, kind, symbol, gone, self._order[request_id])
                awaited -= gone
                if not awaited:
                    del requests[kind]
                    self._supersede(request_id, symbol)
            if not requests:
                table.pop(symbol, None)
        return found

    def overtaken(self, request_id: str | None) -> str | None:
        """The kind of ``request_id`` when it is a request an unsubscribe overtook on this
        connection (its answer, now come, is then forgotten), else None. An answer to an
        unsubscribe (:meth:`unsubscribed`) is noted too: the requests sent before it are
        answered first, as a rule (:mod:`.overtaken`)."""
        return self._overtaken.answered(request_id)

    def unsubscribed(self, request_id: str) -> None:
        """The unsubscribe ``request_id`` was written (its place in the order the requests
        were sent: see :meth:`overtaken`)."""
        self._overtaken.unsubscribed(request_id)

    def overtaken_refusal(self, error: ServerErrorMessage) -> Refusal:
        """``error`` split into what answers requests an unsubscribe overtook (by its id, or
        by the symbols and channels it names: :meth:`.Overtaken.refusal`), whose kind (a
        charts ``payload.type``, ``""`` on the market socket; None when it answers none) it
        returns, and what is left to tell of it (``error`` itself when it answers none; else
        naming only what is still subscribed; nothing when no such part is left)."""
        return self._overtaken.refusal(error, self._pending, self._order, self.wire_channels)

    def reset(self) -> None:
        """The connection ended: nothing is acknowledged any more."""
        self._acked.clear()
        self._pending.clear()
        self._order.clear()
        self._latest.clear()
        self._replays.clear()
        self._replaced.clear()
        self._overtaken.clear()
