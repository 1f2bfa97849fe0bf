"""What an error answer of the token endpoint means: one typed error for every shape of it.

The token endpoint's error bodies are not documented (oauth.md 3.5, UNCERTAIN). Read here:
RFC 6749's flat ``{"error": "invalid_grant", "error_description": "..."}``, the API's nested
envelope ``{"error": {"type", "code", "message"}}`` (``code`` in any case, or none at all) and
an answer with no body.

=============================================  ================================================
answer                                         error
=============================================  ================================================
400 or 401 ``invalid_grant``/``invalid_token``  :class:`~aries_async.errors.
(any shape)                                    ReauthenticationRequired`
400 without an error code, to a user's grant   :class:`~aries_async.errors.
(authorization code, refresh token)            ReauthenticationRequired`: RFC 6749 5.2 answers a
                                               refused grant 400 (and a refused client 401)
``unauthorized_client`` to the refresh grant   :class:`~aries_async.errors.
                                               ReauthenticationRequired`: this client may not
                                               refresh, a new sign-in is the only way on
``unauthorized_client`` to another grant       :class:`~aries_async.errors.AuthError` saying
                                               this client may not use the grant, and what to
                                               use instead
any other 4xx but 429                          :class:`~aries_async.errors.AuthError` with the
                                               code (or None) and the status
429, 5xx                                       none: the endpoint failed, the grant was not
                                               refused (the caller passes the APIError on)
=============================================  ================================================

A 400 ``invalid_request`` or ``unsupported_grant_type`` is also what a server answers a body
in an encoding it does not read (oauth.md 3.2: JSON or a form, a CONFLICT): :func:`unread_body`
says so, and the caller may send the grant once more in the other encoding.

The server's own words (``error_description``, the envelope's ``message``) stay in the message,
with every secret the request carried blanked out, whole or any piece of it: a server may quote
what it was sent, or the start of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from multidict import CIMultiDict

from aries_async.auth.tokens import blanked, quotes_secret
from aries_async.errors import APIError, AuthError, ReauthenticationRequired

__all__ = [
    "REFUSAL_STATUSES",
    "grant_secrets",
    "quotes_a_secret",
    "redacted",
    "refusal_error",
    "refused_for_good",
    "unread_body",
]

REFUSAL_STATUSES = frozenset({400, 401})
"""The statuses with which the token endpoint refuses a grant, whatever the body says."""

_REFUSED_FOR_GOOD = frozenset(
    {"invalid_client", "unauthorized_client", "invalid_scope", "unsupported_grant_type"}
)
"""Token-endpoint errors (besides ``invalid_grant``) that asking again with the same grant and
configuration cannot cure, whatever their status."""


def refused_for_good(exc: AuthError) -> bool:
    """Whether the token endpoint refused the grant, so that sending it again cannot help: a
    400 or 401 whatever its body says (flat, nested, with no code or no body at all), or a
    refusal code; not a failure of the endpoint (429, 5xx, an answer that is no token)."""
    return (
        isinstance(exc, ReauthenticationRequired)
        or exc.status in REFUSAL_STATUSES
        or exc.error in _REFUSED_FOR_GOOD
    )


_SECRET_FIELDS = ("code", "refresh_token", "client_secret", "code_verifier")
_REAUTHENTICATE = frozenset({"invalid_grant", "invalid_token"})
_USER_GRANTS = frozenset({"authorization_code", "refresh_token"})
_UNREAD = frozenset({"invalid_request", "unsupported_grant_type"})
_INSTEAD = {
    "client_credentials": "sign a user in instead (client.oauth.authorization_url, or "
    "aries-async login) or pass a token",
    "authorization_code": "check the app's grant types where its credentials were created",
}
_LONGEST = 200
"""The most of the server's description a message quotes."""


def refusal_error(exc: APIError, sent: Mapping[str, str]) -> AuthError | None:
    """The typed error for the token endpoint's error answer ``exc`` to the request ``sent``
    (its fields), or None when the endpoint failed rather than refused (429, 5xx)."""
    if exc.status >= 500 or exc.status == 429:
        return None
    grant = sent.get("grant_type", "")
    error, description = _oauth_error(exc.body)
    said = _blank(description, sent) if description else None
    if error == "unauthorized_client":
        why = "unauthorized_client" + (f": {said}" if said else "")
        if grant == "refresh_token":
            return ReauthenticationRequired(
                f"this client may not use the refresh_token grant ({why}); sign in again",
                error=error,
                status=exc.status,
            )
        instead = _INSTEAD.get(grant)
        return AuthError(
            f"this client may not use the {grant} grant ({why})"
            + (f"; {instead}" if instead else ""),
            error=error,
            status=exc.status,
        )
    if exc.status in REFUSAL_STATUSES and (
        error in _REAUTHENTICATE or (error is None and exc.status == 400 and grant in _USER_GRANTS)
    ):
        why = (error or "HTTP 400") + (f": {said}" if said else "")
        return ReauthenticationRequired(
            f"the {grant} grant was refused ({why}); sign in again",
            error=error,
            status=exc.status,
        )
    return AuthError(
        f"token endpoint refused {grant}: {error or exc.status}" + (f" ({said})" if said else ""),
        error=error,
        status=exc.status,
    )


def unread_body(exc: APIError) -> bool:
    """Whether the token endpoint's error answer is one it gives a body it could not read: a
    400 ``invalid_request`` or ``unsupported_grant_type`` (no fields, no grant type found)."""
    return exc.status == 400 and _oauth_error(exc.body)[0] in _UNREAD


def quotes_a_secret(exc: APIError, sent: Mapping[str, str]) -> bool:
    """Whether the error answer quotes a secret of the request, whole or a piece of it (any
    :data:`~aries_async.auth.tokens.SHOWN_RUN` characters in a row), in its body, message or
    a header: it is then not chained."""
    secrets = grant_secrets(sent)
    texts = (exc.body.decode(errors="replace"), str(exc), *exc.headers.values())
    return any(quotes_secret(text, secrets) for text in texts)


def redacted(exc: APIError, sent: Mapping[str, str]) -> APIError:
    """``exc`` (a 429 or 5xx of the token endpoint, of the same class) with every secret of
    the request blanked out of its message and headers, and without its body, which may
    have quoted one."""
    return type(exc)(
        _blank(exc.message, sent),
        status=exc.status,
        code=exc.code,
        error_type=exc.error_type,
        request_id=exc.request_id,
        method=exc.method,
        path=exc.path,
        retry_after=exc.retry_after,
        headers=CIMultiDict((k, blanked(v, grant_secrets(sent))) for k, v in exc.headers.items()),
    )


def grant_secrets(sent: Mapping[str, str]) -> list[str]:
    """The secrets of the grant ``sent`` (its code, refresh token, client secret, verifier)."""
    return [sent[name] for name in _SECRET_FIELDS if sent.get(name)]


def _blank(text: str, sent: Mapping[str, str]) -> str:
    # Pieces too: a server shortening what it quotes ("code=AbCd...") still shows one.
    text = blanked(text, grant_secrets(sent))
    return text if len(text) <= _LONGEST else text[: _LONGEST - 3] + "..."


def _oauth_error(body: bytes) -> tuple[str | None, str | None]:
    """The error code (lower case) and description of a flat or nested error body."""
    try:
        data: Any = orjson.loads(body) if body else None
    except orjson.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        return None, None
    err = data.get("error")
    if isinstance(err, str):
        desc = data.get("error_description")
        return err.lower() or None, desc if isinstance(desc, str) and desc else None
    if isinstance(err, dict):
        code, message = err.get("code"), err.get("message")
        return (
            str(code).lower() if code else None,
            message if isinstance(message, str) and message else None,
        )
    return None, None
