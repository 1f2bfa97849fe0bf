"""The simulator's OAuth server: clients, authorization codes, PKCE, tokens, scopes, revocation.

Pure state, no HTTP: :mod:`aries_async.sim.routes_oauth` maps requests onto it; the records
are in :mod:`~aries_async.sim.grants`. Times come from the
simulator clock, so a :class:`~aries_async.sim.feed.ManualClock` can expire tokens without
sleeping.

Contract (oauth.md):

* one registered confidential client (id, secret, exact redirect URIs, all 13 scopes);
* ``authorization_code`` grant (``code`` accepted as an alias) with the client secret *or* a PKCE
  verifier (``S256``, or ``plain`` when the challenge said so); codes are single use and expire
  after ``code_ttl`` seconds; ``redirect_uri`` must equal the one of the authorization request;
* ``refresh_token`` grant (the client secret required, or optional with
  ``refresh_without_secret``: a public client); with ``rotate_refresh_tokens`` (the default)
  the response carries a new refresh token and the old one stops working, otherwise the old
  one stays valid and the response has no ``refresh_token``;
* ``client_credentials`` grant (what ``finance-dev`` does): a token acting for the simulated user,
  no refresh token;
* failures raise :class:`OAuthError` carrying the RFC 6749 ``error`` code and HTTP status;
* :meth:`AuthServer.check` validates a bearer token for a request: missing, unknown, revoked or
  expired tokens and missing scopes come back as a :class:`TokenProblem`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable

from aries_async.sim.clock import Clock
from aries_async.sim.grants import (
    ALL_SCOPES,
    AccessGrant,
    AuthorizationCode,
    OAuthError,
    RefreshGrant,
    RegisteredClient,
    TokenProblem,
)
from aries_async.sim.jwt import b64, signed_claims, signed_jwt

__all__ = [
    "ALL_SCOPES",
    "AccessGrant",
    "AuthServer",
    "OAuthError",
    "RegisteredClient",
    "TokenProblem",
]


class AuthServer:
    """OAuth state of one simulator.

    Args:
        clock: the time source.
        client_id, client_secret, redirect_uris: the registered client.
        token_ttl: access-token lifetime in seconds (``expires_in``).
        refresh_ttl: refresh-token lifetime in seconds.
        code_ttl: authorization-code lifetime in seconds (about 10 minutes on Aries).
        rotate_refresh_tokens: issue a new refresh token on every refresh and kill the old one.
        user_id: the simulated user every grant acts for.
    """

    def __init__(
        self,
        *,
        clock: Clock,
        client_id: str,
        client_secret: str,
        redirect_uris: Iterable[str],
        token_ttl: float = 3600.0,
        refresh_ttl: float = 2_592_000.0,
        code_ttl: float = 600.0,
        rotate_refresh_tokens: bool = True,
        user_id: int = 1001,
    ) -> None:
        self.clock = clock
        self.client = RegisteredClient(
            client_id=client_id, client_secret=client_secret, redirect_uris=list(redirect_uris)
        )
        self.token_ttl = token_ttl
        self.refresh_ttl = refresh_ttl
        self.code_ttl = code_ttl
        self.rotate_refresh_tokens = rotate_refresh_tokens
        self.user_id = user_id
        self._signing_key = secrets.token_bytes(32)
        self._access: dict[str, AccessGrant] = {}
        self._refresh: dict[str, RefreshGrant] = {}
        self._codes: dict[str, AuthorizationCode] = {}
        self._sweep_at = _FIRST_SWEEP

    # -- clients and the authorize step -------------------------------------------------------

    def client_for(self, client_id: str | None) -> RegisteredClient | None:
        """The registered client with this id."""
        return self.client if client_id == self.client.client_id else None

    def parse_scopes(self, text: str | None, *, required: bool) -> frozenset[str]:
        """Split a space-separated scope string and check every scope is known and allowed.

        Raises:
            OAuthError: ``invalid_scope``.
        """
        scopes = frozenset((text or "").split())
        if not scopes:
            if required:
                raise OAuthError("invalid_scope", "scope is required")
            return frozenset(self.client.scopes)
        unknown = sorted(scopes - self.client.scopes)
        if unknown:
            raise OAuthError("invalid_scope", f"unknown or unauthorized scope: {unknown[0]}")
        return scopes

    def issue_code(
        self,
        *,
        client_id: str,
        redirect_uri: str,
        scopes: frozenset[str],
        code_challenge: str | None = None,
        code_challenge_method: str | None = None,
    ) -> str:
        """Create a single-use authorization code (after consent)."""
        code = "sim_code_" + secrets.token_urlsafe(24)
        method = code_challenge_method or ("plain" if code_challenge else None)
        self._codes[code] = AuthorizationCode(
            code=code,
            client_id=client_id,
            redirect_uri=redirect_uri,
            scopes=scopes,
            expires_at=self.clock.now() + self.code_ttl,
            challenge=code_challenge,
            method=method,
        )
        return code

    # -- grants -------------------------------------------------------------------------------

    def _authenticate_client(
        self, client_id: str | None, client_secret: str | None, *, secret_required: bool
    ) -> RegisteredClient:
        client = self.client_for(client_id)
        if client is None:
            raise OAuthError("invalid_client", "unknown client", 401)
        if client_secret is None:
            if secret_required:
                raise OAuthError("invalid_client", "client authentication failed", 401)
        elif not hmac.compare_digest(client_secret, client.client_secret):
            raise OAuthError("invalid_client", "client authentication failed", 401)
        return client

    def token_request(
        self, form: dict[str, str], *, refresh_without_secret: bool = False
    ) -> dict[str, object]:
        """Run one token-endpoint request (JSON or form fields, already decoded);
        ``refresh_without_secret``: a refresh without ``client_secret`` is accepted.

        Raises:
            OAuthError: any RFC 6749 failure.
        """
        grant_type = form.get("grant_type")
        if not grant_type:
            raise OAuthError("invalid_request", "grant_type is required")
        if grant_type in ("authorization_code", "code"):
            return self._grant_code(form)
        if grant_type == "refresh_token":
            return self._grant_refresh(form, secret_required=not refresh_without_secret)
        if grant_type == "client_credentials":
            client = self._authenticate_client(
                form.get("client_id"), form.get("client_secret"), secret_required=True
            )
            scopes = self.parse_scopes(form.get("scope"), required=False)
            grant = self._mint(client.client_id, scopes, with_refresh=False)
            return self._response(grant, None)
        raise OAuthError("unsupported_grant_type", f"grant_type {grant_type!r} is not supported")

    def _grant_code(self, form: dict[str, str]) -> dict[str, object]:
        code_text = form.get("code")
        if not code_text:
            raise OAuthError("invalid_request", "code is required")
        verifier = form.get("code_verifier")
        client = self._authenticate_client(
            form.get("client_id"), form.get("client_secret"), secret_required=verifier is None
        )
        code = self._codes.get(code_text)
        if code is None or code.client_id != client.client_id:
            raise OAuthError("invalid_grant", "authorization code is invalid")
        if code.used:
            raise OAuthError("invalid_grant", "authorization code was already used")
        if self.clock.now() >= code.expires_at:
            raise OAuthError("invalid_grant", "authorization code expired")
        if form.get("redirect_uri") != code.redirect_uri:
            raise OAuthError(
                "invalid_grant", "redirect_uri does not match the authorization request"
            )
        if code.challenge is not None:
            if verifier is None:  # RFC 7636 4.6, whether or not the client has a secret
                raise OAuthError("invalid_request", "code_verifier is required")
            if not _verify_pkce(verifier, code.challenge, code.method or "plain"):
                raise OAuthError("invalid_grant", "PKCE verification failed")
        elif verifier is not None and form.get("client_secret") is None:
            raise OAuthError("invalid_grant", "no code_challenge was sent for this code")
        code.used = True
        grant = self._mint(client.client_id, code.scopes, with_refresh=True)
        return self._response(grant, grant.refresh_token)

    def _grant_refresh(self, form: dict[str, str], *, secret_required: bool) -> dict[str, object]:
        text = form.get("refresh_token")
        if not text:
            raise OAuthError("invalid_request", "refresh_token is required")
        client = self._authenticate_client(
            form.get("client_id"), form.get("client_secret"), secret_required=secret_required
        )
        refresh = self._refresh.get(text)
        if refresh is None or refresh.client_id != client.client_id or not refresh.valid:
            raise OAuthError("invalid_grant", "refresh token is invalid or was revoked")
        if self.clock.now() >= refresh.expires_at:
            raise OAuthError("invalid_grant", "refresh token expired")
        scopes = refresh.scopes
        if form.get("scope"):
            asked = self.parse_scopes(form.get("scope"), required=False)
            if not asked <= refresh.scopes:
                raise OAuthError("invalid_scope", "refresh cannot widen the granted scopes")
            scopes = asked
        if self.rotate_refresh_tokens:
            refresh.valid = False
            grant = self._mint(client.client_id, scopes, with_refresh=True)
            return self._response(grant, grant.refresh_token)
        grant = self._mint(client.client_id, scopes, with_refresh=False)
        grant.refresh_token = refresh.token
        return self._response(grant, None)

    def _mint(
        self,
        client_id: str,
        scopes: frozenset[str],
        *,
        with_refresh: bool,
        ttl: float | None = None,
    ) -> AccessGrant:
        now = self.clock.now()
        lifetime = self.token_ttl if ttl is None else ttl
        token = signed_jwt(
            self._signing_key,
            {
                "sub": str(self.user_id),
                "cid": client_id,
                "scope": " ".join(sorted(scopes)),
                "iat": int(now),
                "exp": int(now + lifetime),
                "jti": secrets.token_hex(8),
            },
        )
        grant = AccessGrant(
            token=token,
            client_id=client_id,
            user_id=self.user_id,
            scopes=scopes,
            expires_at=now + lifetime,
        )
        if with_refresh:
            refresh = "sim_rt_" + secrets.token_urlsafe(32)
            self._refresh[refresh] = RefreshGrant(
                token=refresh,
                client_id=client_id,
                user_id=self.user_id,
                scopes=scopes,
                expires_at=now + self.refresh_ttl,
            )
            grant.refresh_token = refresh
        self._access[token] = grant
        if len(self._access) + len(self._refresh) >= self._sweep_at:
            self._sweep(now)
        return grant

    def _sweep(self, now: float) -> None:
        """Forget the grants nothing can use any more (a simulator renewing tokens for days
        kept every one): expired access tokens (still answered ``TOKEN_EXPIRED``, read from
        the token itself) and refresh tokens rotated or revoked (answered as unknown ones
        are). Run when the books have doubled since the last sweep: a constant a token."""
        self._access = {t: g for t, g in self._access.items() if now < g.expires_at}
        self._refresh = {t: g for t, g in self._refresh.items() if g.valid}
        self._sweep_at = max(_FIRST_SWEEP, 2 * (len(self._access) + len(self._refresh)))

    def _expired_jwt(self, token: str) -> bool:
        """Whether ``token`` is one this server signed whose ``exp`` has passed."""
        claims = signed_claims(self._signing_key, token)
        exp = None if claims is None else claims.get("exp")
        return isinstance(exp, int) and self.clock.now() >= exp

    def _response(self, grant: AccessGrant, refresh: str | None) -> dict[str, object]:
        body: dict[str, object] = {
            "access_token": grant.token,
            "token_type": "Bearer",
            "expires_in": max(0, round(grant.expires_at - self.clock.now())),
            "scope": " ".join(sorted(grant.scopes)),
        }
        if refresh is not None:
            body["refresh_token"] = refresh
            body["refresh_token_expires_in"] = int(self.refresh_ttl)
        return body

    def issue(
        self, scopes: Iterable[str] | None = None, ttl: float | None = None
    ) -> dict[str, object]:
        """Mint an access + refresh token server-side (for fixtures); returns a token response."""
        granted = frozenset(scopes) if scopes is not None else frozenset(self.client.scopes)
        grant = self._mint(self.client.client_id, granted, with_refresh=True, ttl=ttl)
        return self._response(grant, grant.refresh_token)

    # -- resource-server side -------------------------------------------------------------------

    def check(
        self, authorization: str | None, required: Iterable[str] = ()
    ) -> AccessGrant | TokenProblem:
        """Validate an ``Authorization`` header for an operation needing any of ``required``."""
        if not authorization:
            return TokenProblem(401, "MISSING_TOKEN", "authorization header is required")
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            return TokenProblem(401, "INVALID_TOKEN", "authorization must be a Bearer token")
        return self.check_token(value.strip(), required)

    def check_token(self, token: str, required: Iterable[str] = ()) -> AccessGrant | TokenProblem:
        """Validate a raw access token (websockets send it in the auth message)."""
        grant = self._access.get(token)
        if grant is None:
            if self._expired_jwt(token):  # swept: it expired
                return TokenProblem(401, "TOKEN_EXPIRED", "access token expired")
            return TokenProblem(401, "INVALID_TOKEN", "invalid access token")
        if grant.revoked:
            return TokenProblem(401, "TOKEN_REVOKED", "access token was revoked")
        if self.clock.now() >= grant.expires_at:
            return TokenProblem(401, "TOKEN_EXPIRED", "access token expired")
        needed = tuple(required)
        if needed and not any(scope in grant.scopes for scope in needed):
            return TokenProblem(
                403,
                "INSUFFICIENT_SCOPE",
                f"missing required scope: {needed[0]}",
                missing_scope=needed[0],
            )
        return grant

    def revoke_all(self, *, refresh_tokens: bool = False) -> int:
        """Revoke every access token (and, if asked, every refresh token); returns the count."""
        count = 0
        for grant in self._access.values():
            if not grant.revoked:
                grant.revoked = True
                count += 1
        if refresh_tokens:
            for refresh in self._refresh.values():
                refresh.valid = False
        return count


_FIRST_SWEEP = 32
"""Grants held before the first sweep of the dead ones."""


def _verify_pkce(verifier: str, challenge: str, method: str) -> bool:
    if not 43 <= len(verifier) <= 128:
        return False
    if method.upper() == "S256":
        digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
        return hmac.compare_digest(b64(digest), challenge)
    if method.lower() == "plain":
        return hmac.compare_digest(verifier, challenge)
    return False
