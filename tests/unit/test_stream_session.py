"""The stream's authentication state machine, without a socket: messages in, actions out."""

from __future__ import annotations

import pytest

from aries_async.errors import StreamAuthError
from aries_async.models.events import (
    AuthExpired,
    AuthFailure,
    AuthSuccess,
    Pong,
    QuoteUpdate,
    RefreshAuth,
    ServerErrorMessage,
    SubscribeAck,
)
from aries_async.streaming.protocol import IdFactory, Session
from aries_async.streaming.protocol.session import (
    Deliver,
    End,
    FetchToken,
    Opened,
    Phase,
    Reauthenticated,
    SendAuth,
)


def _quote(symbol: str = "AAPL") -> QuoteUpdate:
    return QuoteUpdate(symbol, {"bidPrice": 1.5}, None)


def _open_session() -> Session:
    session = Session(IdFactory(), auth_timeout=5.0)
    request = session.connect("tok", now=100.0)
    assert session.receive([AuthSuccess(request_id=request.request_id)]) == [Opened()]
    return session


def test_connect_sends_the_token_once_and_counts_the_deadline_from_now() -> None:
    session = Session(IdFactory(), auth_timeout=5.0)
    request = session.connect("s3cret", now=100.0)
    assert isinstance(request, SendAuth)
    assert '"token":"s3cret"' in request.frame
    assert "s3cret" not in repr(request)  # the frame is never shown
    assert session.phase is Phase.AUTHENTICATING
    assert session.time_left(102.0) == 3.0
    assert session.time_left(106.0) == 0.0


def test_data_around_auth_success_is_delivered_and_another_request_id_is_ignored() -> None:
    session = Session(IdFactory(), auth_timeout=5.0)
    request = session.connect("tok", now=0.0)
    early, late = _quote("A"), _quote("B")
    assert session.receive([AuthSuccess(request_id="someone-else"), early]) == [Deliver([early])]
    assert session.phase is Phase.AUTHENTICATING
    actions = session.receive(
        [Pong(request_id=None), AuthSuccess(request_id=request.request_id), late]
    )
    assert (actions, session.phase) == ([Deliver([late]), Opened()], Phase.OPEN)


def test_refusals_retry_at_once_with_a_fresh_token_and_the_third_in_a_row_is_fatal() -> None:
    session = Session(IdFactory(), auth_timeout=5.0)
    session.connect("one", now=0.0)
    [end] = session.receive(
        [AuthFailure(action="authRequired", error="bad token", request_id=None)]
    )
    retry = End(
        "credentials refused (bad token); retrying with a fresh token",
        retry_now=True,
        invalidate=True,
    )
    assert end == retry
    session.disconnected()
    session.connect("two", now=1.0)
    [end] = session.receive([AuthFailure(action="authRequired", error="bad token")])
    assert end == retry  # two tokens can die in a row for reasons of their own
    session.disconnected()
    request = session.connect("three", now=2.0)
    [end] = session.receive([ServerErrorMessage(error="nope", request_id=request.request_id)])
    assert isinstance(end, End) and isinstance(end.fatal, StreamAuthError)
    assert "nope" in str(end.fatal)


def test_a_success_in_between_resets_the_refusals() -> None:
    session = Session(IdFactory(), auth_timeout=5.0)
    session.connect("one", now=0.0)
    session.receive([AuthFailure(action="authRequired", error="x", request_id=None)])
    request = session.connect("two", now=1.0)
    session.receive([AuthSuccess(request_id=request.request_id)])
    session.disconnected()
    session.connect("three", now=2.0)
    [end] = session.receive([AuthFailure(action="authRequired", error="x", request_id=None)])
    assert isinstance(end, End) and end.fatal is None and end.retry_now


def test_refresh_auth_asks_for_one_token_and_the_answer_counts_a_reauth() -> None:
    session = _open_session()
    quote = _quote()
    assert session.receive([quote, RefreshAuth(), RefreshAuth()]) == [
        Deliver([quote]),
        FetchToken(),
    ]
    request = session.reauthenticate("fresh", now=110.0)
    assert request is not None and '"token":"fresh"' in request.frame
    assert session.receive([RefreshAuth()]) == []  # the answer is still awaited
    assert session.receive([quote, AuthSuccess(request_id=request.request_id), quote]) == [
        Deliver([quote]),
        Reauthenticated(),  # in its place among the data
        Deliver([quote]),
    ]
    assert session.reauths == 1
    assert session.receive([RefreshAuth()]) == [FetchToken()]


def test_a_reauth_answer_without_an_id_counts_and_one_nobody_asked_for_does_not() -> None:
    session = _open_session()
    # no re-authentication asked: nothing to say
    assert session.receive([AuthSuccess(request_id=None)]) == []
    assert session.reauths == 0
    for count in (1, 2):
        assert session.receive([RefreshAuth()]) == [FetchToken()]
        assert session.reauthenticate("fresh", now=110.0) is not None
        assert session.receive([AuthSuccess(request_id=None)]) == [Reauthenticated()]
        assert session.reauths == count  # and the next refreshAuth asks for a token again


def test_a_refused_reauth_ends_the_connection_and_counts_as_a_refusal() -> None:
    session = _open_session()
    session.receive([RefreshAuth()])
    request = session.reauthenticate("fresh", now=110.0)
    assert request is not None
    ack = SubscribeAck(request_id="sub-1", status=200)
    actions = session.receive(
        [ack, ServerErrorMessage(error="denied", request_id=request.request_id)]
    )
    assert actions == [
        Deliver([ack]),
        End("re-authentication refused", retry_now=True, invalidate=True),
    ]
    for attempt, fatal in (("again", False), ("once more", True)):
        session.disconnected()
        session.connect(attempt, now=5.0)
        [end] = session.receive([AuthFailure(action="authRequired", error="x")])
        assert isinstance(end, End) and isinstance(end.fatal, StreamAuthError) is fatal


def test_expiry_and_a_demand_for_auth_end_the_connection_and_later_data_is_not_read() -> None:
    session = _open_session()
    first, second = _quote("A"), _quote("B")
    actions = session.receive([first, AuthExpired(), second])
    # The token the session ended with is told refused: the reconnect presents another.
    assert actions == [Deliver([first]), End("session expired (authExpired)", invalidate=True)]
    session = _open_session()
    [end] = session.receive([AuthFailure(action="authTimeout", error="late", request_id=None)])
    assert end == End("server requires authentication (authTimeout)")
    # A live socket asked to authenticate: the server no longer takes its token.
    session = _open_session()
    [end] = session.receive([AuthFailure(action="authRequired", error="x", request_id=None)])
    assert end == End("server requires authentication (authRequired)", invalidate=True)


def test_a_token_failure_during_reauth_ends_the_connection_fatal_or_not() -> None:
    session = _open_session()
    session.receive([RefreshAuth()])
    assert session.token_failed() == End("re-authentication failed")
    gone = StreamAuthError("no usable credentials: revoked")
    assert session.token_failed(gone) == End(str(gone), fatal=gone)


def test_a_token_that_arrives_after_the_socket_is_gone_is_not_sent() -> None:
    session = _open_session()
    session.receive([RefreshAuth()])
    session.disconnected()
    assert session.reauthenticate("late", now=110.0) is None
    assert session.receive([_quote()]) == []  # no socket, nothing to deliver


def test_a_reauth_left_unanswered_ends_the_connection_at_the_auth_timeout() -> None:
    session = _open_session()
    session.receive([RefreshAuth()])
    request = session.reauthenticate("fresh", now=200.0)
    assert request is not None
    assert session.time_left(203.0) == 2.0  # auth_timeout, from the request
    # As a new socket's silent authentication: the backoff, and the token is not blamed.
    assert session.reauth_timed_out() == End("re-authentication did not complete: TimeoutError")
    assert session.phase is Phase.IDLE
    assert session.receive([AuthSuccess(request_id=request.request_id)]) == []  # too late
    assert session.reauths == 0
    session.connect("next", now=210.0)
    [end] = session.receive([AuthFailure(action="authRequired", error="x")])
    assert isinstance(end, End) and end.fatal is None  # silence was not a refusal


def test_a_reauth_answered_in_time_does_not_time_out() -> None:
    session = _open_session()
    session.receive([RefreshAuth()])
    request = session.reauthenticate("fresh", now=200.0)
    assert request is not None
    assert session.receive([AuthSuccess(request_id=request.request_id)]) == [Reauthenticated()]
    assert session.reauth_timed_out() is None
    assert session.phase is Phase.OPEN


@pytest.mark.parametrize(
    "text", ["authentication failed", "token is required", "Token is required"]
)
def test_an_error_without_an_id_refuses_a_pending_reauth_when_it_says_so(text: str) -> None:
    session = _open_session()
    nobody = ServerErrorMessage(error="invalid symbol", request_id=None)
    assert session.receive([nobody]) == [Deliver([nobody])]  # no re-authentication pending
    session.receive([RefreshAuth()])
    assert session.reauthenticate("fresh", now=110.0) is not None
    [end] = session.receive([ServerErrorMessage(error=text, request_id=None)])
    assert end == End("re-authentication refused", retry_now=True, invalidate=True)
    assert session.phase is Phase.IDLE
    for attempt, fatal in (("again", False), ("once more", True)):  # counted as a refusal
        session.disconnected()
        session.connect(attempt, now=5.0)
        [end] = session.receive([ServerErrorMessage(error=text, request_id=None)])
        assert isinstance(end, End) and isinstance(end.fatal, StreamAuthError) is fatal


def test_an_error_without_an_id_about_something_else_leaves_a_pending_reauth_alone() -> None:
    """Subscriptions and requests go on while a re-authentication is pending: an id-less
    error that is not an authentication refusal is theirs, delivered, and the connection
    and the re-authentication go on."""
    session = _open_session()
    session.receive([RefreshAuth()])
    request = session.reauthenticate("fresh", now=110.0)
    assert request is not None
    quote, other = _quote(), ServerErrorMessage(error="invalid symbol", request_id=None)
    assert session.receive([quote, other, quote]) == [Deliver([quote, other, quote])]
    assert session.phase is Phase.OPEN
    assert session.receive([AuthSuccess(request_id=request.request_id)]) == [Reauthenticated()]
    assert session.reauths == 1


def test_a_refusal_quoting_the_token_says_why_without_it() -> None:
    """A server may quote the token it refuses, whole or cut short: the retry's reason and the
    fatal error say what the server said, the token blanked out."""
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMDAxIn0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"
    session = Session(IdFactory(), auth_timeout=5.0)
    told = []
    ends: list[End] = []
    for quoted in (token, token[:20] + "...", "..." + token[-16:]):
        session.connect(token, now=0.0)
        refusal = AuthFailure(action="error", error=f"authentication failed (token={quoted})")
        [end] = session.receive([refusal])
        assert isinstance(end, End) and "authentication failed (token=" in end.reason
        ends.append(end)
        told += [end.reason, str(end.fatal), repr(end)]
    assert isinstance(ends[-1].fatal, StreamAuthError)  # the third refusal in a row
    assert not [text for text in told if token[:12] in text or token[-12:] in text], told
