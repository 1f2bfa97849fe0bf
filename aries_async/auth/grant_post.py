"""Sending one grant to the token endpoint: how long it may wait, its failures typed with every
secret of the grant blanked out, and the token its answer holds, read without quoting them."""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

from aries_async.auth.grant_errors import (
    grant_secrets,
    quotes_a_secret,
    redacted,
    refusal_error,
    unread_body,
)
from aries_async.auth.tokens import AUTHORIZATION_CODE, CLIENT_CREDENTIALS, REFRESH_WAIT, Token
from aries_async.errors import APIError, AuthError
from aries_async.http.whole_attempts import whole_attempts

if TYPE_CHECKING:
    from aries_async.config import ClientConfig
    from aries_async.http.exchange import Response
    from aries_async.http.sending import Sending
    from aries_async.http.transport import Transport

__all__ = ["BodyNotRead", "post_grant", "read_grant"]

log = logging.getLogger("aries_async.auth")


class BodyNotRead(Exception):
    """The token endpoint answered as to a body it could not read (its encoding, not its
    grant): the grant may go once more in the other encoding."""


async def post_grant(
    transport: Transport,
    config: ClientConfig,
    body: dict[str, str],
    *,
    form: bool,
    may_switch: bool,
    sending: Sending | None = None,
) -> Response:
    """Send the grant ``body`` as a form or JSON (``sending``, given, is told when the request
    starts to be written: see :meth:`~aries_async.http.transport.Transport.request`).

    A grant that spends what it presents (a code, or a refresh token a rotating server
    spends) waits at least :data:`~aries_async.auth.tokens.REFRESH_WAIT` (``config.timeout``
    when longer), and none of its attempts stops waiting for the answer holding the new
    tokens before the call's time is up (see :mod:`~aries_async.http.whole_attempts`).

    Raises:
        BodyNotRead: ``may_switch`` and the endpoint did not read the body
            (:func:`~aries_async.auth.grant_errors.unread_body`).
        AuthError: the grant was refused (typed by
            :func:`~aries_async.auth.grant_errors.refusal_error`).
        APIError: the endpoint failed (429, 5xx), every secret of the grant blanked out.
    """
    grant = body["grant_type"]
    log.debug("token request: grant_type=%s", grant)
    failure: AuthError | APIError | None = None
    single_use = grant != CLIENT_CREDENTIALS
    try:
        with whole_attempts() if single_use else contextlib.nullcontext():
            return await transport.request(
                "POST",
                config.endpoints.token_url,
                idempotent=True,  # a refusal is a 4xx (not retried); 5xx, timeouts retry
                json=None if form else body,
                data=body if form else None,
                timeout=max(config.timeout, REFRESH_WAIT if single_use else 0.0),
                sending=sending,
            )
    except APIError as exc:
        if may_switch and unread_body(exc):
            raise BodyNotRead from None
        # A 429 or 5xx (refused is None): the endpoint failed (retried by the transport
        # already), raised as it is but for a secret it quotes.
        refused = refusal_error(exc, body)
        if not quotes_a_secret(exc, body):
            if refused is None:
                raise
            raise refused from exc
        failure = refused or redacted(exc, body)
    raise failure  # outside the handler: nothing chained quotes the secret


def read_grant(
    response: Response,
    body: dict[str, str],
    *,
    now: float,
    previous: Token | None = None,
    asked: tuple[str, ...] = (),
) -> Token:
    """The token of the token endpoint's answer ``response`` to the grant ``body`` (see
    :meth:`~aries_async.auth.tokens.Token.from_response`, which is given the grant's secrets:
    a server that echoes the form it was sent into a field gets an error or a warning that
    quotes none of them).

    Raises:
        AuthError: the answer is no JSON object (a proxy's HTML page, say), or holds no
            usable token.
    """
    grant = body["grant_type"]
    try:
        data = response.json()
    except ValueError:  # an HTML page from a proxy, say
        data = None
    if not isinstance(data, dict):
        raise AuthError("token endpoint returned no JSON object", status=response.status)
    try:
        return Token.from_response(
            data,
            now=now,
            previous=previous,
            grant_type=grant if grant in (AUTHORIZATION_CODE, CLIENT_CREDENTIALS) else None,
            asked=asked,
            secrets=grant_secrets(body),
        )
    except ValueError as exc:
        raise AuthError(f"unusable token response: {exc}", status=response.status) from exc
