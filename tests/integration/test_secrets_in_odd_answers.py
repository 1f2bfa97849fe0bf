"""No secret reaches an exception or a log line when an answer is not as documented.

A token answer holds the tokens, and a grant is sent with the client secret: a server that
words its grant wrongly (a token where a lifetime or a type goes, a token that is a number)
must get an error or a warning that names the field and its type, never the value. Any other
answer is read for a request that carried the access token: one that quotes it where the model
wants something else (a server echoing what it was sent) must get an error, and warnings, that
name the field without the token, whole or in part; so must a stream line quoting the token
the stream authenticated with (found defects: the lifetime warning and the ``token_type``
error quoted the value, a ``scope`` holding the token became the token's scopes, and the
structuring errors, the lenient fields' warnings and the stream decoder's warnings quoted
the token; the lenient fields' warnings quoted the refresh token and the client secret, and
the end of a token cut at the 80 characters they keep).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

import orjson
import pytest
from stream_helpers import FakeTime, Tokens, make_stream, until

from aries_async import AriesClient, Token
from aries_async.errors import AuthError, ResponseFormatError
from aries_async.sim import Simulator
from aries_async.sim.ws import WsHub
from aries_async.streaming import StreamConfig
from aries_async.testing import shows_secret

FAST = StreamConfig(backoff_initial=0.0, backoff_jitter=0.0)
USER = "GET /v1/users/me"
TOP = "GET /v1/options/stocks/top-gainers"


def _texts(exc: BaseException | None, records: list[logging.LogRecord]) -> list[str]:
    """The exception as printed (its message, the whole chain of causes) and every record."""
    texts = ["".join(traceback.format_exception(exc))] if exc is not None else []
    for record in records:
        texts.append(f"{record.getMessage()} {record.exc_text or ''}")
    return texts


def _assert_secret_free(texts: list[str], secrets: list[str]) -> None:
    for text in texts:
        for secret in secrets:
            assert not shows_secret(text, secret), text


Edit = Callable[[dict[str, Any]], None]


def _set(field: str, source: str) -> Edit:
    """The grant's ``field`` set to its own ``source`` field's value (a token)."""

    def edit(body: dict[str, Any]) -> None:
        body[field] = body[source]

    return edit


def _wrapped(field: str, secret: str) -> Edit:
    def edit(body: dict[str, Any]) -> None:
        body[field] = {"seconds": secret}

    return edit


async def _grant(sim: Simulator, edit: Edit, caplog: pytest.LogCaptureFixture) -> Any:
    """An app token asked of ``sim`` whose grant ``edit`` changes; the grant as sent, and the
    token or the error the client made of it."""
    sent: list[dict[str, Any]] = []

    def record(body: dict[str, Any]) -> None:
        sent.append(dict(body))
        edit(body)

    sim.faults.token_response_edit = record
    caplog.set_level(logging.DEBUG, logger="aries_async")
    async with AriesClient(sim.client_config()) as client:
        try:
            token = await client.oauth.client_credentials()
        except AuthError as exc:
            return sent[0], exc
        return sent[0], token


@pytest.mark.parametrize(
    ("field", "source"),
    [
        ("expires_in", "access_token"),
        ("refresh_token_expires_in", "access_token"),
        ("token_type", "access_token"),
        ("scope", "access_token"),
    ],
)
async def test_a_token_in_another_field_of_a_grant_is_not_quoted(
    sim: Simulator, caplog: pytest.LogCaptureFixture, field: str, source: str
) -> None:
    grant, outcome = await _grant(sim, _set(field, source), caplog)
    error = outcome if isinstance(outcome, BaseException) else None
    texts = _texts(error, caplog.records)
    _assert_secret_free(texts, [grant["access_token"], sim.client_secret])
    if field == "token_type":  # refused, saying which field and its type
        assert isinstance(error, AuthError)
        assert "token_type" in str(error) and "str" in str(error), str(error)
    elif field != "scope":  # read as no lifetime, with a warning naming the field
        assert error is None, error
        assert any(field in text and "str" in text for text in texts), texts
    else:  # not read as the token's scopes, which its repr shows
        assert not isinstance(outcome, BaseException) and outcome.scopes == frozenset()
        assert any("scope" in text for text in texts), texts


@pytest.mark.parametrize("field", ["expires_in", "refresh_token_expires_in", "token_type"])
async def test_a_secret_inside_an_odd_grant_field_is_not_quoted(
    sim: Simulator, caplog: pytest.LogCaptureFixture, field: str
) -> None:
    grant, outcome = await _grant(sim, _wrapped(field, sim.client_secret), caplog)
    error = outcome if isinstance(outcome, BaseException) else None
    texts = _texts(error, caplog.records)
    _assert_secret_free(texts, [grant["access_token"], sim.client_secret])
    assert any(field in text and "dict" in text for text in texts), texts


@pytest.mark.parametrize("value", [12345678901234567890, 1.5, ["x" * 40], "has a space " * 4])
async def test_an_access_token_of_another_type_is_refused_without_its_value(
    sim: Simulator, caplog: pytest.LogCaptureFixture, value: Any
) -> None:
    def edit(body: dict[str, Any]) -> None:
        body["access_token"] = value

    _, error = await _grant(sim, edit, caplog)
    assert isinstance(error, AuthError), error
    assert "access_token" in str(error)
    shown = value if isinstance(value, str) else orjson.dumps(value).decode()
    _assert_secret_free(_texts(error, caplog.records), [shown, str(value), sim.client_secret])


async def test_a_refresh_token_that_is_no_text_is_not_kept(
    sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    def edit(body: dict[str, Any]) -> None:
        body["refresh_token"] = {"token": sim.client_secret}

    grant, token = await _grant(sim, edit, caplog)
    assert not isinstance(token, BaseException), token
    assert token.refresh_token is None  # not the text of an object, sent back at renewal
    texts = _texts(None, caplog.records)
    assert any("refresh_token" in text and "dict" in text for text in texts), texts
    _assert_secret_free(texts, [grant["access_token"], sim.client_secret])


def _token_in(shape: str, token: str) -> bytes:
    bodies: dict[str, Any] = {
        "id": {"id": token, "email": "a@b.c"},
        "time": {"id": 1, "created_at": f"Bearer {token}"},
        "nested": {"id": 1, "account_application": token},
        "bare": token,
        "list": [token],
    }
    return orjson.dumps(bodies[shape])


@pytest.mark.parametrize("shape", ["id", "time", "nested", "bare", "list"])
async def test_a_user_answer_quoting_the_token_gives_an_error_without_it(
    sim: Simulator, caplog: pytest.LogCaptureFixture, shape: str
) -> None:
    token = sim.issue_token()
    sim.faults.answer_body[USER] = _token_in(shape, token.access_token)
    caplog.set_level(logging.DEBUG, logger="aries_async")
    async with AriesClient(sim.client_config(), token=token) as client:
        with pytest.raises(ResponseFormatError, match="user") as raised:
            await client.users.me()
    # The field is still named, its value blanked, or said by its type where the shape is wrong
    # (a text where an object or a number goes: "got a str of 563 characters").
    message = str(raised.value)
    assert "$." in message or shape in ("bare", "list"), message
    assert "[redacted]" in message or " got a " in message, message
    _assert_secret_free(_texts(raised.value, caplog.records), [token.access_token])
    assert raised.value.body is None or not shows_secret(
        raised.value.body.decode(), token.access_token
    )


async def test_a_lenient_field_quoting_the_token_is_logged_without_it(
    sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    token = sim.issue_token()
    row = {"symbol": "AAPL260116C00150000", "expiry": token.access_token, "type": "c"}
    sim.faults.answer_body[TOP] = orjson.dumps([row])
    caplog.set_level(logging.DEBUG, logger="aries_async")
    async with AriesClient(sim.client_config(), token=token) as client:
        rows = await client.analytics.stocks_top_gainers()
    assert rows[0].expiry is None  # read as none, with a warning
    warned = [r.getMessage() for r in caplog.records if "expiry" in r.getMessage()]
    assert warned and "[redacted]" in warned[0], warned
    _assert_secret_free(_texts(None, caplog.records), [token.access_token])


LENIENT_VALUES: dict[str, Callable[[Token, str], str]] = {
    "the refresh token": lambda token, _secret: token.refresh_token or "",
    "the client secret": lambda _token, secret: secret,
    # The warning keeps 80 characters of the value: a token cut there is still a token.
    "the access token, cut": lambda token, _secret: "x" * 71 + token.access_token,
}


@pytest.mark.parametrize("quoted", sorted(LENIENT_VALUES))
async def test_a_lenient_field_quoting_a_secret_of_the_client_is_logged_without_it(
    sim: Simulator, caplog: pytest.LogCaptureFixture, quoted: str
) -> None:
    token = sim.issue_token()
    refresh = token.refresh_token
    assert refresh
    value = LENIENT_VALUES[quoted](token, sim.client_secret)
    row = {"symbol": "AAPL260116C00150000", "expiry": value, "type": "c"}
    sim.faults.answer_body[TOP] = orjson.dumps([row])
    caplog.set_level(logging.DEBUG, logger="aries_async")
    async with AriesClient(sim.client_config(), token=token) as client:
        rows = await client.analytics.stocks_top_gainers()
    assert rows[0].expiry is None  # read as none, with a warning
    warned = [r.getMessage() for r in caplog.records if "expiry" in r.getMessage()]
    assert warned and "[redacted]" in warned[0], warned
    texts = _texts(None, caplog.records)
    for secret in (token.access_token, refresh, sim.client_secret):  # nor any 8 characters
        assert not shows_secret(text := "\n".join(texts), secret, window=8), (quoted, text)


@pytest.mark.parametrize(
    "line",
    [
        '{"type":"auth","payload":{"token":"TOKEN"',  # an echo of the auth request, cut short
        '"TOKEN"',  # a line that is no object
        "Bearer TOKEN",
    ],
)
async def test_a_stream_line_quoting_the_token_is_logged_without_it(
    sim: Simulator, hub: WsHub, fake_time: FakeTime, caplog: pytest.LogCaptureFixture, line: str
) -> None:
    tokens = Tokens(sim)
    caplog.set_level(logging.DEBUG, logger="aries_async")
    async with make_stream("market", sim, fake_time, FAST, tokens) as stream:
        await stream.subscribe("AAPL", channels=["quotes"])
        await until(lambda: hub.subscribes == 1)
        bad = stream.malformed
        assert hub.inject(line.replace("TOKEN", tokens.current), "market") == 1
        await until(lambda: stream.malformed == bad + 1)
    warned = [r.getMessage() for r in caplog.records if "stream line" in r.getMessage()]
    assert warned and "[redacted]" in warned[0], warned  # the line is still shown, but not it
    _assert_secret_free(_texts(None, caplog.records), [tokens.current])
