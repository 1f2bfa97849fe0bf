"""Authentication, control messages and re-authentication of a stream, without I/O.

:class:`Session` is fed the decoded messages of the frames that carry a control message (the
connection hands pure data frames straight on) and answers with :data:`Action` values for the
connection to carry out: send a frame, deliver data, the socket is open, fetch a token for a
re-authentication, it succeeded (say so, send the subscriptions again), or end the
connection. Time is passed in. One session lives as long as the stream: a refusal of the
credentials counts across connections (:data:`FATAL_REFUSALS` in a row are fatal).

Example:
    >>> from aries_async.models.events import AuthSuccess
    >>> session = Session(IdFactory(), auth_timeout=5.0)
    >>> session.connect("secret", now=0.0).request_id
    'auth-1'
    >>> session.receive([AuthSuccess(request_id="auth-1")])
    [Opened()]
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

import attrs

from aries_async._redaction import blanked, quotes_secret
from aries_async.errors import StreamAuthError
from aries_async.models.events import (
    AuthExpired,
    AuthFailure,
    AuthSuccess,
    Pong,
    RefreshAuth,
    ServerErrorMessage,
)
from aries_async.streaming.protocol.frames import IdFactory, encode_auth

__all__ = [
    "AUTH_REFUSALS",
    "CONTROL_TYPES",
    "DEADLINE_PASSED",
    "FATAL_REFUSALS",
    "SPECIAL_TYPES",
    "Action",
    "Deliver",
    "End",
    "FetchToken",
    "Opened",
    "Phase",
    "Reauthenticated",
    "SendAuth",
    "Session",
]

CONTROL_TYPES: frozenset[type[Any]] = frozenset(
    {Pong, AuthSuccess, AuthFailure, RefreshAuth, AuthExpired}
)
"""Messages the session consumes (never handed to the stream face)."""

SPECIAL_TYPES: frozenset[type[Any]] = CONTROL_TYPES | {ServerErrorMessage}
"""Messages that make a frame go through :meth:`Session.receive` (an error may answer our
authentication)."""


AUTH_REFUSALS: frozenset[str] = frozenset({"authentication failed", "token is required"})
"""The texts of an ``error`` that refuses ``POST /auth`` (websocket.md 2.6, lower case): an
error without an id refuses a pending re-authentication only when it reads so."""

DEADLINE_PASSED = "the server's authentication deadline passed (authTimeout)"
"""Why a connection ended whose server sent ``authTimeout`` before it accepted ``POST
/auth``: not a refusal of the token (it is kept, and not counted towards
:data:`FATAL_REFUSALS`); the reconnect waits for the backoff."""

FATAL_REFUSALS = 3
"""Refused authentications in a row that end a stream. Each refused token is replaced before
the next attempt, so two refusals in a row can be two tokens that died for reasons of their
own (one expired, its replacement revoked before it was presented); three fresh tokens
refused in a row are the credentials' fault (a missing scope, a disabled account)."""


class Phase(enum.Enum):
    """Where the session is."""

    IDLE = "idle"
    """No socket (before the first connection, between connections)."""
    AUTHENTICATING = "authenticating"
    """``POST /auth`` sent on a new socket, no answer yet."""
    OPEN = "open"
    """Authenticated: data flows."""


@attrs.frozen
class SendAuth:
    """Send ``frame`` (a ``POST /auth`` request: it carries the token, never log it)."""

    frame: str = attrs.field(repr=False)
    request_id: str


@attrs.frozen
class Deliver:
    """Hand these data messages to the stream face, in order."""

    messages: list[Any]


@attrs.frozen
class Opened:
    """The server accepted the credentials: replay the subscriptions, start the keep-alive."""


@attrs.frozen
class FetchToken:
    """The server asked for a re-authentication: get a token and pass it to
    :meth:`Session.reauthenticate` (or tell :meth:`Session.token_failed`)."""


@attrs.frozen
class Reauthenticated:
    """The server accepted the token of a re-authentication on the live socket: say so, then
    send the subscriptions again. Whether a server keeps a socket's subscriptions across a
    re-authentication is UNKNOWN (websocket.md 2.4): one that drops them would send nothing
    more for them on a socket that stays up; one that keeps them answers a repeated subscribe
    as any."""


@attrs.frozen
class End:
    """End this connection.

    Attributes:
        reason: why, for the status event and the logs.
        retry_now: reconnect without the backoff (a refused token, to be replaced).
        invalidate: tell the token source the token was refused (or its session ended:
            ``authExpired``, or ``authRequired`` on a live socket), so that the next attempt
            presents another.
        fatal: the stream is over with this error (no reconnect).
        refused: the HTTP status with which the server refused the websocket handshake, when
            retrying will not change it (a wrong path: 404); None otherwise.
    """

    reason: str
    retry_now: bool = False
    invalidate: bool = False
    fatal: BaseException | None = None
    refused: int | None = None


Action = SendAuth | Deliver | Opened | FetchToken | Reauthenticated | End


class Session:
    """The authentication state of one stream across its connections.

    Args:
        ids: the stream's correlation ids.
        auth_timeout: seconds an authentication may take.
        quotes_sent: whether an error quoted the token last sent (the decoder's
            :meth:`~aries_async.streaming.protocol.decoder.Decoder.quotes_sent`, which saw
            its words before it blanked the tokens out of them); None: the error's words
            are looked through for it (they were not blanked).

    Attributes:
        phase: see :class:`Phase`.
        reauths: re-authentications on a live socket that succeeded.
    """

    def __init__(
        self,
        ids: IdFactory,
        *,
        auth_timeout: float,
        quotes_sent: Callable[[ServerErrorMessage], bool] | None = None,
    ) -> None:
        self.phase = Phase.IDLE
        self._quotes_sent = quotes_sent
        self.reauths = 0
        self._ids = ids
        self._auth_timeout = auth_timeout
        self._auth_id: str | None = None
        self._deadline = 0.0
        self._refusals = 0  # refused authentications in a row
        self._reauth_id: str | None = None
        self._fetching = False  # a token for a re-authentication is being fetched
        self._sent: str | None = None  # the token of the last auth request: never quoted

    # -- the connection's events --------------------------------------------------------------

    def connect(self, token: str, now: float) -> SendAuth:
        """A socket opened at ``now``: authenticate with ``token``."""
        self.phase = Phase.AUTHENTICATING
        self._auth_id = self._ids("auth")
        self._deadline = now + self._auth_timeout
        self._reauth_id = None
        self._fetching = False
        self._sent = token
        return SendAuth(encode_auth(token, self._auth_id), self._auth_id)

    def time_left(self, now: float) -> float:
        """Seconds the authentication (or the re-authentication) may still take (0 once it is
        late)."""
        return max(0.0, self._deadline - now)

    def timed_out(self) -> End:
        """The authentication did not complete in time."""
        self.phase = Phase.IDLE
        return End("authentication did not complete: TimeoutError")

    def reauth_timed_out(self) -> End | None:
        """No answer to the re-authentication within ``auth_timeout``: end the connection as
        for a new socket's (the backoff, the token kept: silence is not a refusal). None when
        it was answered meanwhile, or its socket is gone."""
        if self.phase is not Phase.OPEN or self._reauth_id is None:
            return None
        self._reauth_id = None
        self.phase = Phase.IDLE
        return End("re-authentication did not complete: TimeoutError")

    def disconnected(self) -> None:
        """The socket is gone."""
        self.phase = Phase.IDLE
        self._auth_id = None
        self._reauth_id = None
        self._fetching = False

    def receive(self, messages: list[Any]) -> list[Action]:
        """The decoded messages of one frame (or of one socket read), in order.

        Returns the actions in order: data around a control message is delivered before it
        takes effect, and nothing after an :class:`End` is looked at.
        """
        if self.phase is Phase.AUTHENTICATING:
            return self._authenticating(messages)
        if self.phase is Phase.OPEN:
            return self._open(messages)
        return []

    def reauthenticate(self, token: str, now: float) -> SendAuth | None:
        """The token for a re-authentication, sent at ``now``: the request to send (None when
        the socket it was asked for is gone). The answer is due within ``auth_timeout``
        (:meth:`time_left`, then :meth:`reauth_timed_out`)."""
        self._fetching = False
        if self.phase is not Phase.OPEN:
            return None
        self._deadline = now + self._auth_timeout
        self._reauth_id = self._ids("auth")
        self._sent = token
        return SendAuth(encode_auth(token, self._reauth_id), self._reauth_id)

    def token_failed(self, fatal: BaseException | None = None) -> End:
        """No token for a re-authentication: ``fatal`` when the grant is gone for good."""
        self._fetching = False
        if fatal is not None:
            return End(str(fatal), fatal=fatal)
        return End("re-authentication failed")

    # -- the phases ---------------------------------------------------------------------------

    def _authenticating(self, messages: list[Any]) -> list[Action]:
        data: list[Any] = []
        authenticated = False
        for message in messages:
            kind = type(message)
            if kind is AuthSuccess:
                if message.request_id in (None, self._auth_id):
                    authenticated = True  # keep going: the rest of the frame is data
            elif kind is AuthFailure and message.action == "authTimeout":
                # The server's deadline passed before it accepted our request (websocket.md
                # 2.3: documented for the accounts socket only): the token was not judged.
                self.phase = Phase.IDLE
                return _with_data(data, End(DEADLINE_PASSED))
            elif kind is AuthFailure or (
                kind is ServerErrorMessage and message.request_id in (self._auth_id, None)
            ):
                return _with_data(data, self._refused(message.error))
            elif kind not in CONTROL_TYPES:
                data.append(message)
        if not authenticated:
            return _with_data(data)
        self.phase = Phase.OPEN
        self._refusals = 0
        return _with_data(data, Opened())

    def _refused(self, error: str) -> End:
        # A server may quote the token it refuses: the reason goes to status events and logs.
        error = blanked(error, [self._sent])
        self.phase = Phase.IDLE
        self._refusals += 1
        if self._refusals >= FATAL_REFUSALS:
            fatal = StreamAuthError(f"the server refused the credentials: {error}")
            return End(str(fatal), fatal=fatal)
        return End(
            f"credentials refused ({error}); retrying with a fresh token",
            retry_now=True,
            invalidate=True,
        )

    def _open(self, messages: list[Any]) -> list[Action]:
        actions: list[Action] = []
        data: list[Any] = []
        for message in messages:
            kind = type(message)
            if kind in CONTROL_TYPES:
                action = self._control(kind, message)
                if action is None:
                    continue
                if data:
                    actions.append(Deliver(data))
                    data = []
                actions.append(action)
                if type(action) is End:
                    self.phase = Phase.IDLE
                    return actions
            elif kind is ServerErrorMessage and self._refuses_reauth(message):
                self._reauth_id = None
                self._refusals = 1  # counted with the next connection's refusals
                self.phase = Phase.IDLE
                # As for a refusal of a new socket's authentication: the token is replaced
                # before the next connection, which would otherwise present it again.
                end = End("re-authentication refused", retry_now=True, invalidate=True)
                return _with_data(data, end)
            else:
                data.append(message)
        if data:
            actions.append(Deliver(data))
        return actions

    def _refuses_reauth(self, error: ServerErrorMessage) -> bool:
        """Whether ``error`` answers the pending re-authentication: it carries its id, or no
        id and says so (:data:`AUTH_REFUSALS`) or quotes the token it sent. Subscriptions and
        requests go on meanwhile, so an id-less error may be theirs (on a new socket nothing
        else was sent: any id-less error refuses it); one quoting only an older token (the
        server answering late a request of the session before: its words are blanked alike)
        is theirs, and delivered. websocket.md 2.3 and 2.6 give no other sign: ``authSuccess``
        answers it, ``authRequired`` and ``authTimeout`` end the session whatever was asked,
        and an ``error`` is the refusal of anything."""
        if self._reauth_id is None:
            return False
        if error.request_id is None:
            text = error.error
            # One that quotes the token sent is about it, whatever its words. The decoder
            # blanked the stream's tokens out of it (the older ones too) and knows which.
            if self._quotes_sent is not None:
                quoted = self._quotes_sent(error)
            else:
                quoted = quotes_secret(text, [self._sent])
            return text.strip().lower() in AUTH_REFUSALS or quoted
        return error.request_id == self._reauth_id

    def _control(self, kind: type[Any], message: Any) -> Action | None:
        if kind is AuthSuccess:
            # The answer to our re-authentication: its id, or none (as on a new socket).
            if self._reauth_id is not None and message.request_id in (None, self._reauth_id):
                self._reauth_id = None
                self.reauths += 1
                return Reauthenticated()
            return None
        if kind is RefreshAuth:
            if self._reauth_id is None and not self._fetching:
                self._fetching = True
                return FetchToken()
            return None
        if kind is AuthExpired:
            # The server ended the session of the token last presented (its expiry, a
            # revocation): that token is told refused, so the reconnect presents another.
            return End("session expired (authExpired)", invalidate=True)
        if kind is AuthFailure:
            if message.action == "authTimeout":  # a deadline passed: the token was not judged
                return End(f"server requires authentication ({message.action})")
            # The server no longer takes the token it accepted ("authentication failed (e.g.
            # invalid or expired token)", websocket.md 2.3): told refused, as for authExpired.
            return End(f"server requires authentication ({message.action})", invalidate=True)
        return None  # Pong: any frame already proved the link alive


def _with_data(data: list[Any], action: Action | None = None) -> list[Action]:
    actions: list[Action] = [Deliver(data)] if data else []
    if action is not None:
        actions.append(action)
    return actions
