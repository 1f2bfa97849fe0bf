"""A token the session cannot renew: why it is not used, or how long it still is."""

from __future__ import annotations

import logging

from aries_async._errors_store import StoreUnavailableError
from aries_async.auth.grant_errors import refused_for_good
from aries_async.auth.store import TokenStore
from aries_async.auth.tokens import Token
from aries_async.errors import AuthError, NotSignedInError, ReauthenticationRequired

__all__ = ["refused_again", "renewed_elsewhere", "serves_still", "tell_serving", "why_unusable"]

log = logging.getLogger("aries_async.auth")


def refused_again(
    refused: tuple[Token, AuthError] | None, token: Token
) -> tuple[Token, AuthError] | None:
    """What is known refused once ``token`` is to be renewed, when ``refused`` is the grant the
    token endpoint refused for good and how: None when ``token`` is of another grant (which
    gets its chance), else nothing, as ``refused``'s error is raised again.

    Raises:
        AuthError: ``refused``'s error (its type, ``error`` and ``status``), saying that the
            grant is not sent again until a new token is set.
    """
    if refused is None:
        return None
    dead, error = refused
    if (token.access_token, token.refresh_token) != (dead.access_token, dead.refresh_token):
        return None
    raise type(error)(
        f"{error} (not sent again until a new token is set)",
        error=error.error,
        status=error.status,
    )


def serves_still(token: Token | None, error: AuthError, now: float, unusable: set[str]) -> bool:
    """Whether ``token``, whose renewal ``error`` ended, is still to be used: its grant was
    refused for good (asking again cannot help) inside the renewal margin, and the token has
    not expired, nor is it one of ``unusable`` (refused itself with a 401, or the one a caller
    wants replaced)."""
    if token is None or token.access_token in unusable or isinstance(error, NotSignedInError):
        return False
    left = token.seconds_left(now)
    return refused_for_good(error) and left is not None and left > 0


def tell_serving(token: Token, error: AuthError) -> None:
    """Warn that ``token``'s grant was refused and until when the token is used all the same."""
    when = token.expires_at_datetime
    log.warning(
        "%s; the access token in hand is used until it expires%s",
        error,
        f" at {when:%Y-%m-%d %H:%M:%S} UTC" if when is not None else "",
    )


def why_unusable(token: Token, invalid: str | None) -> str:
    """Why ``token``, which cannot be renewed, is not used: what is known of it (``invalid``:
    the access token the server refused)."""
    if token.access_token == invalid:
        # A 401 does not say why: the token may be malformed, revoked or past its expiry.
        why = "the server refused the access token (expired, revoked or invalid) and it"
    else:  # one that cannot be renewed is used to its end (renewal_margin): it is past it
        when = token.expires_at_datetime
        at = f" {when:%Y-%m-%d %H:%M:%S} UTC" if when is not None else ""
        why = f"the access token expired{' at' + at if at else ''} and"
    return f"{why} cannot be renewed (no refresh token): sign in again"


async def renewed_elsewhere(store: TokenStore, stored: Token, error: AuthError) -> Token | None:
    """The token in ``store`` when ``error`` refused the refresh token of ``stored`` because
    another process renewed it while this grant was in flight (a store lock whose lease ran
    out), rotating that refresh token away, or a sign-in saved another: its token is in the
    store, and the refusal is not its. None when the store still holds ``stored`` (or nothing),
    for another refusal, or when the store fails to answer: the refusal is then the grant's
    (which a store failing says nothing against)."""
    if not isinstance(error, ReauthenticationRequired):
        return None
    try:
        current = await store.load()
    except StoreUnavailableError as exc:
        log.debug("could not read the token store again after the refusal (%s)", exc)
        return None
    return None if current == stored else current
