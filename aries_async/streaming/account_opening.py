"""The account stream's subscriptions and what a new socket waits for: the accounts
(:meth:`AccountOpening.add_account`, :meth:`AccountOpening.remove_account`), the refusals of
every topic (:attr:`AccountOpening.refused`, :attr:`AccountOpening.refused_topics`), and the
replay on a new socket or after a re-authentication, which waits for each account's answer
before the socket is taken as opened.

Every subscription is remembered and sent again after each reconnect and re-authentication
(but the one after a re-authentication leaves out what its socket refused). Once the server
was seen to send an error without a request id, the other topics are held until every account
is answered (:meth:`AccountOpening._topic_frames`).

:class:`AccountOpening` is the base of :class:`~aries_async.streaming.account_topics.
AccountTopics` (the ``pnl``, ``watchlist`` and ``news`` calls), a mixin of
:class:`~aries_async.streaming.accounts.AccountStream`. The seam: the topics' calls send with
``_send_topic`` and keep their wants in ``_topics`` and ``_pnl``, which the replay reads; the
face calls ``_replay``, ``_answer``, ``_refusal`` and ``_acknowledged`` as the socket's
messages come, and provides ``_check_open``, ``_add_book`` and ``_drop_book``.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from aries_async._validate import require_text
from aries_async.errors import ValidationError
from aries_async.models.events import ServerErrorMessage
from aries_async.streaming.protocol import (
    AccountRequests,
    AccountSubscriptions,
    TopicKey,
    encode_account_subscribe,
    encode_account_unsubscribe,
    topic_key,
)

if TYPE_CHECKING:
    from aries_async.streaming.connection import Connection

__all__ = ["AccountOpening"]


class AccountOpening:
    """The accounts' subscriptions, every topic's refusals, and the replay on a new socket."""

    account_id: str
    _connection: Connection
    _topics: AccountSubscriptions
    _pnl: dict[str, dict[str, Any]]  # account -> params (startTime moves with the candles)
    _opening: dict[str, str]  # a new socket's account subscriptions not answered: id -> account
    _requests: AccountRequests  # subscribe requests awaiting an answer, and refusals
    _answered: asyncio.Future[None] | None  # done once every account in _opening is answered
    _idless = False  # whether the server sent an error without a request id
    _holding = False  # whether this socket's other topics wait until _opening is answered
    _generation = 0  # counts the replays (new sockets, re-authentications)
    _refused_asked = True  # whether the latest replay asks for what was refused (a new socket)

    def _check_open(self) -> None:
        raise NotImplementedError

    def _add_book(self, account_id: str) -> bool:
        raise NotImplementedError

    def _drop_book(self, account_id: str) -> list[asyncio.Task[None]]:
        raise NotImplementedError

    async def _send_topic(
        self, topic: str, params: dict[str, Any] | None, subscribe: bool, replay: bool = False
    ) -> None:
        connection = self._connection
        if not subscribe:
            # Not connected: nothing to stop (the next connection's replay leaves it out).
            frame = encode_account_unsubscribe(connection.ids("unsub"), topic, params)
            await connection.send(frame)
            return
        request_id = connection.ids("sub")
        # Recorded as it is written (not connected: never, and the replay on the next
        # connection sends it, under another id).
        record = functools.partial(
            self._requests.sent, request_id, topic_key(topic, params), replay=replay
        )
        await connection.send(encode_account_subscribe(request_id, topic, params), record)

    # -- accounts -----------------------------------------------------------------------------

    async def add_account(self, account_id: str) -> None:
        """Follow one more account on the socket: its snapshot, then its events.

        Returns once the subscription is sent (or, not connected, left to the next socket);
        a refusal names the account in :attr:`refused` (before its
        :class:`~aries_async.models.events.ServerErrorMessage` reaches ``events()``), and the
        account stays followed: it is asked for again on every new socket until it is removed
        (not after a re-authentication: that socket refused it), and by this call again.

        Raises:
            ValidationError: an empty account id.
            StreamClosedError: the stream is closed.
        """
        account_id = require_text(account_id, "account_id")
        self._check_open()
        if self._add_book(account_id) or ("account", account_id) in self._requests.refusals:
            await self._send_topic("account", {"accountId": account_id}, subscribe=True)

    async def remove_account(self, account_id: str) -> None:
        """Stop following an account (not the first one), and its ``pnl`` when subscribed.

        From the call on, no event of the account reaches the consumers: what the server sent
        before it read the unsubscribe is dropped (logged at DEBUG), its REST order lookups
        (a resync's, and those of order waiters) are cancelled (and awaited before this
        returns), and a new socket no longer waits for the account's snapshot. A
        ``wait_for_order`` waiting for an order of the account, or looking an order up in
        it, raises :class:`~aries_async.errors.OrderStateUnknownError` at once. Adding it
        again follows it as at the start.

        Raises:
            ValidationError: the first account, or one the stream does not follow.
            StreamClosedError: the stream is closed.
        """
        if account_id == self.account_id:
            raise ValidationError("the stream's first account stays", field="account_id")
        self._check_open()
        lookups = self._drop_book(account_id)
        params = {"accountId": account_id}
        self._topics.remove("account", params)
        # Forgotten before the first await: a reconnect meanwhile must not replay it.
        pnl = self._pnl.pop(account_id, None) is not None
        self._requests.forget(("pnl", account_id))
        if lookups:
            await asyncio.wait(lookups)  # cancelled: over before this returns
        if pnl:
            await self._send_topic("pnl", params, subscribe=False)
        await self._send_topic("account", params, subscribe=False)

    @property
    def refused(self) -> Mapping[str, str]:
        """Accounts whose subscription (their orders, positions and balance) the server
        refused, with its reason (``{"NO-SUCH": "account not found"}``): when a socket opened
        or on :meth:`add_account`, known before the refusal's
        :class:`~aries_async.models.events.ServerErrorMessage` reaches ``events()``. An
        account leaves when its snapshot comes or a later subscription of it is acknowledged
        (after a reconnect, say), or it is removed. The other topics' refusals are in
        :attr:`refused_topics`."""
        return {a: r for (t, a), r in self._requests.refusals.items() if t == "account" and a}

    @property
    def refused_topics(self) -> Mapping[TopicKey, str]:
        """Every subscription the server refused, by topic and account (None for
        ``watchlist`` and ``news``), with its reason: ``{("pnl", "NO-SUCH"): "account not
        found", ("news", None): "not entitled"}``, the accounts of :attr:`refused` as
        ``("account", id)``. Known before the refusal's ``ServerErrorMessage`` reaches
        ``events()``, tied to the subscription by the request's id; without one, when it can
        only answer that subscription (see :mod:`~aries_async.streaming.protocol.
        account_requests`: one tied only once the other requests were answered is named
        after its ``ServerErrorMessage``). A refused subscription is asked for again by your
        subscribe of it (its answer told) and on each new socket, not by the replay after a
        re-authentication (that socket refused it); a replay's refusal that repeats the known
        one, reason included, is not told again (one without an id not tied yet is not when
        a replay awaits a subscription refused for that reason, nor when it is tied with an
        earlier one to the same subscription for the same reason: your subscribe and the
        replay that followed it, both refused, are told once). A refusal leaves when a later
        request of it is acknowledged (an account's, by its snapshot too), it is unsubscribed,
        or its account removed."""
        return dict(self._requests.refusals)

    def _answer(
        self, account_id: str | None = None, request_id: str | None = None, every: bool = False
    ) -> None:
        """An account's snapshot came, it was dropped, or ``request_id`` was answered (every
        account, with ``every``): it no longer holds up the new socket, nor is it refused."""
        if account_id is not None:
            self._tied(self._requests.forget(("account", account_id), served=True))
        opening = self._opening
        for key, account in list(opening.items()):
            if every or account == account_id or key == request_id:
                del opening[key]
        answered = self._answered
        if not opening and answered is not None and not answered.done():
            answered.set_result(None)
        if not opening and self._holding:
            self._holding = False
            self._connection.spawn(self._send_held(self._generation), "held subscriptions")

    def _refusal(self, error: ServerErrorMessage) -> bool:
        """An error: a refusal when it answers one of our subscribe requests, and on a new
        socket an answer; returns whether it is told (not a repeat: see :attr:`refused_topics`).
        One without an id while several requests await an answer is tied once the others
        are answered (:meth:`AccountRequests.untied`)."""
        if error.request_id is None:
            self._idless = True
        request_id = self._requests.attribute(error.request_id)
        if request_id is None and error.request_id is None:
            repeated = self._requests.may_repeat(error.error)
            tied, repeats = self._requests.untied(error.error)
            self._tied(tied)
            return not (repeated or repeats)
        repeated = self._requests.repeats(request_id, error.error)
        self._requests.reject(request_id, error.error)
        if self._opening:
            self._answer(request_id=request_id)
        return not repeated

    def _acknowledged(self, request_id: str | None) -> None:
        """A subscribe request was acknowledged: an id-less refusal may be tied now."""
        self._requests.acknowledge(request_id)
        self._tied(self._requests.settle())

    def _tied(self, request_ids: list[str]) -> None:
        """Id-less refusals were tied to these requests: on a new socket, answers."""
        for request_id in request_ids:
            if self._opening:
                self._answer(request_id=request_id)

    # -- the connection -----------------------------------------------------------------------

    def _replay(self, connection: Connection, refused: bool) -> list[str]:
        """The frames that send every subscription again (``refused`` False: after a
        re-authentication, but those refused), and a new wait for the answers."""
        frames = self._topic_frames(connection, refused)
        # Each account's snapshot is owed (or an error answer): without it the events missed
        # while the socket was down would never be told. It supersedes an earlier wait.
        if self._answered is not None:
            self._answered.cancel()
        self._answered = asyncio.get_running_loop().create_future() if self._opening else None
        return frames

    def _asks(self, topic: str, params: Mapping[str, Any] | None, refused: bool) -> bool:
        return refused or topic_key(topic, params) not in self._requests.refusals

    def _topic_frames(self, connection: Connection, refused: bool) -> list[str]:
        """The subscriptions to send on a new connection, ``account`` ones first. Once the
        server was seen to send an error without an id, only the ``account`` ones: the
        others follow once each account is answered (:meth:`_send_held`), so that an id-less
        refusal of an account is tied to it however the server acknowledges the topics (it
        may not: an account is answered by its snapshot, the others by an acknowledgement
        only), and does not hold up the socket until it is replaced."""
        self._generation += 1
        self._refused_asked = refused
        ordered = [e for e in self._topics.replay() if e[0] == "account"]
        ordered = [e for e in ordered if self._asks(*e, refused)]
        self._holding = self._idless and bool(ordered)
        if not self._holding:
            ordered += self._other_topics(refused)
        named = [(connection.ids("sub"), topic, params) for topic, params in ordered]
        self._opening = {i: p["accountId"] for i, t, p in named if t == "account"}
        if refused:  # a new socket: the old one's requests go unanswered
            self._requests.reset()
        for request_id, topic, params in named:
            self._requests.sent(request_id, topic_key(topic, params), replay=True)
        return [encode_account_subscribe(i, t, p) for i, t, p in named]

    def _other_topics(self, refused: bool) -> list[tuple[str, dict[str, Any]]]:
        """The desired subscriptions besides the accounts' (``pnl`` last) a replay asks for."""
        ordered = [e for e in self._topics.replay() if e[0] != "account"]
        ordered += [("pnl", params) for params in self._pnl.values()]
        return [e for e in ordered if self._asks(*e, refused)]

    async def _send_held(self, generation: int) -> None:
        """Send the subscriptions :meth:`_topic_frames` held back, unless a newer socket (or
        re-authentication) replays them meanwhile."""
        for topic, params in self._other_topics(self._refused_asked):
            if generation != self._generation:
                return
            await self._send_topic(topic, params, subscribe=True, replay=True)
