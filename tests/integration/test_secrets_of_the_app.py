"""The app's client secret and the user's refresh token, kept out of errors and logs as the
access token is: a token endpoint that echoes the grant's form (the client secret with it) in
a refusal, a 5xx or a grant it words wrongly.

Every check looks for the whole secret and for any 8 characters of it in a row, in the error
as printed (its chain of causes included), its ``repr``, and every log record (found
defects: a piece of the client secret echoed into a grant's ``token_type`` was quoted by the
error, into its ``expires_in`` by the warning, and the whole of it in its ``scope`` became the
token's scopes; the lenient field's warning blanked the access token alone, and only within
the 80 characters it kept, so the last few of a token cut there showed).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

import pytest
from sim_http import follow_consent

from aries_async import AriesClient, Token
from aries_async.errors import AriesError, AuthError, ReauthenticationRequired
from aries_async.sim import ServerErrorFault, Simulator
from aries_async.testing import RecordingSleep, shows_secret

PIECE = 8
"""The longest run of a secret's characters a text may hold."""


def _texts(outcome: object, records: list[logging.LogRecord]) -> list[str]:
    """What a user sees of ``outcome`` (an error as printed with its causes, and its repr; a
    token's repr) and of every log record."""
    texts = [repr(outcome)]
    if isinstance(outcome, BaseException):
        texts.append("".join(traceback.format_exception(outcome)))
        cause = outcome.__cause__ or outcome.__context__
        while cause is not None:
            texts += [str(cause), repr(cause)]
            cause = cause.__cause__ or cause.__context__
    for record in records:
        texts.append(f"{record.getMessage()} {record.exc_text or ''}")
    return texts


def _shown(texts: list[str], secret: str) -> list[str]:
    return [text for text in texts if shows_secret(text, secret, window=PIECE)]


async def _grant(sim: Simulator, grant: str) -> Token | AriesError:
    """An app token (``client_credentials``) or a user's (``authorization_code``, exchanged
    without PKCE, so with the client secret): the token, or the error."""
    async with AriesClient(sim.client_config(), sleep=RecordingSleep()) as client:
        try:
            if grant == "client_credentials":
                return await client.oauth.client_credentials()
            request = client.oauth.authorization_url(pkce=False)
            callback = await follow_consent(request.url)
            if sim.faults.token_error_echo and not sim.faults.server_errors:
                sim.advance(601)  # the code expires: the exchange is refused
            return await client.oauth.exchange_code(callback, request)
        except AriesError as exc:
            return exc


GRANTS = ["client_credentials", "authorization_code"]


@pytest.mark.parametrize("answer", ["refusal", "503"])
@pytest.mark.parametrize("grant", GRANTS)
async def test_a_token_endpoint_echoing_the_client_secret_is_told_without_it(
    sim: Simulator, caplog: pytest.LogCaptureFixture, grant: str, answer: str
) -> None:
    caplog.set_level(logging.DEBUG, logger="aries_async")
    sim.faults.token_error_echo = True  # the form sent, client_secret= with it
    if answer == "503":
        sim.faults.server_errors["POST /v1/oauth2/token"] = ServerErrorFault(count=None)
    elif grant == "client_credentials":
        sim.faults.refused_grants = frozenset({grant})
    outcome = await _grant(sim, grant)
    assert isinstance(outcome, AuthError if answer == "refusal" else AriesError), outcome
    assert "client_secret=[redacted]" in str(outcome), str(outcome)  # the server's words stay
    assert not _shown(_texts(outcome, caplog.records), sim.client_secret)


Edit = Callable[[dict[str, Any], str], None]

ECHOES: dict[str, Edit] = {
    # A piece short enough to pass for a word where one goes, and the whole where text goes.
    "token_type": lambda body, secret: body.update(token_type=secret[:14]),
    "expires_in": lambda body, secret: body.update(expires_in=secret[:14]),
    "scope": lambda body, secret: body.update(scope=secret),
}


@pytest.mark.parametrize("field", sorted(ECHOES))
@pytest.mark.parametrize("grant", GRANTS)
async def test_a_grant_quoting_the_client_secret_in_a_field_is_read_without_it(
    sim: Simulator, caplog: pytest.LogCaptureFixture, grant: str, field: str
) -> None:
    caplog.set_level(logging.DEBUG, logger="aries_async")
    sim.faults.token_response_edit = lambda body: ECHOES[field](body, sim.client_secret)
    outcome = await _grant(sim, grant)
    texts = _texts(outcome, caplog.records)
    assert not _shown(texts, sim.client_secret)
    if field == "token_type":  # refused, naming the field and what it held
        assert isinstance(outcome, AuthError) and "token_type" in str(outcome), outcome
    else:  # used, the odd field not read, with a warning naming it
        assert isinstance(outcome, Token), outcome
        assert sim.client_secret not in outcome.scopes
        assert any(field in text for text in texts[1:]), texts


async def test_a_refused_code_exchange_is_still_a_reauthentication(sim: Simulator) -> None:
    """The refusal the echo tests above lean on: an expired code asks to sign in again."""
    sim.faults.token_error_echo = True
    outcome = await _grant(sim, "authorization_code")
    assert isinstance(outcome, ReauthenticationRequired), outcome
