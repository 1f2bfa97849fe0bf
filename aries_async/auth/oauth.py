"""OAuth2: the authorize URL with ``state`` and PKCE, code exchange, refresh, client credentials."""

from __future__ import annotations

import contextlib
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

from aries_async._deprecation import renamed_arguments
from aries_async._lazy import lazy_dir, lazy_getattr, load
from aries_async.auth.app_token import stored_or_new
from aries_async.auth.grant_post import BodyNotRead, post_grant, read_grant
from aries_async.auth.outliving import Outliving
from aries_async.auth.renewal_close import ExchangeStage
from aries_async.auth.tokens import CLIENT_CREDENTIALS, Token
from aries_async.config import scope_names
from aries_async.errors import ConfigurationError, ReauthenticationRequired, ValidationError

if TYPE_CHECKING:
    from aries_async.auth.pkce import AuthorizationRequest, make_pkce_pair
    from aries_async.auth.store import TokenStore
    from aries_async.config import ClientConfig, RetryPolicy
    from aries_async.http.exchange import Response
    from aries_async.http.sending import Sending
    from aries_async.http.transport import Transport

__all__ = ["AuthorizationRequest", "OAuth", "make_pkce_pair"]

log = logging.getLogger("aries_async.auth")


class OAuth:
    """OAuth2 calls of one client (``client.oauth``). Successful grants are saved in the store,
    and the client uses them from the next call on. Tokens are stamped on ``wall_clock`` (Unix
    seconds; its old name ``clock`` still works for one release, with a warning)."""

    @renamed_arguments(clock="wall_clock")
    def __init__(
        self,
        config: ClientConfig,
        transport: Transport,
        store: TokenStore,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._config = config
        self._transport = transport
        self._store = store
        self._wall_clock = wall_clock
        self._keep: Callable[[Token], Awaitable[None]] | None = None
        self._use: Callable[[Token], Awaitable[None]] | None = None
        # The encodings (form: True, JSON: False) the token endpoint answered as unread
        # (oauth.md 3.2 leaves open which it reads): a grant goes in the other one first.
        self._unread: set[bool] = set()
        self._exchanges = Outliving()

    @property
    def app_grant(self) -> bool:
        """Whether this client can get app tokens (it holds a client id and a secret)."""
        return bool(self._config.client_id and self._config.client_secret)

    @property
    def retry_policy(self) -> RetryPolicy:
        """The client's retry policy (``config.retry``): its backoff also spaces the renewals
        of a token that still serves while the token endpoint fails."""
        return self._config.retry

    @property
    def app_token_by_itself(self) -> bool:
        """Whether a client with no token gets an app token by itself (``config.app_token``)."""
        return self._config.app_token

    def save_grants_with(
        self,
        keep: Callable[[Token], Awaitable[None]],
        use: Callable[[Token], Awaitable[None]] | None = None,
    ) -> None:
        """Save each successful grant with ``keep`` instead of in the store alone, and hand a
        token already saved (``client_credentials(reuse=True)``) to ``use``: the client passes
        its session's ``set_token`` and ``use_saved``, to use the token from the next call on."""
        self._keep = keep
        self._use = use

    def authorization_url(
        self,
        redirect_uri: str | None = None,
        scopes: str | Iterable[str] | None = None,
        *,
        pkce: bool = True,
        state: str | None = None,
    ) -> AuthorizationRequest:
        """Build the browser URL with a fresh ``state`` and, by default, an S256 PKCE challenge.

        ``scopes`` (default: the configured ones) may name scope groups (``analytics``,
        ``all``: :data:`~aries_async.auth.scopes.SCOPE_GROUPS`) besides scopes.

        Raises:
            ConfigurationError: no client id, or no redirect URI given or configured.
            ValidationError: a scope or group name is unknown, no scope is asked for (the
                request requires one), or the redirect URI is no absolute URI.
        """
        client_id = self._require_client_id()
        redirect = redirect_uri or self._config.redirect_uri
        if not redirect:
            raise ConfigurationError("a redirect_uri is required (argument or ARIES_REDIRECT_URI)")
        from aries_async.auth import pkce as steps  # ``pkce`` is the flag
        from aries_async.auth.scopes import some_scopes  # the table loads when it is needed

        redirect = steps.require_redirect_uri(redirect)

        scope_list = some_scopes(
            scopes if scopes is not None else self._config.scopes,
            "the authorization request needs at least one scope (scopes= or ARIES_SCOPES)",
        )
        state_value = state or steps.new_state()
        query: dict[str, str] = {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect,
            "scope": " ".join(scope_list),
            "state": state_value,
        }
        verifier: str | None = None
        if pkce:
            verifier, challenge = steps.make_pkce_pair()
            query["code_challenge"] = challenge
            query["code_challenge_method"] = "S256"
        # quote, not urlencode's default quote_plus: a space is %20, which every reader of a
        # query takes for a space ("+" is one only in form encoding).
        url = f"{self._config.endpoints.authorize_url}?{urlencode(query, quote_via=quote)}"
        return steps.AuthorizationRequest(
            url=url,
            state=state_value,
            redirect_uri=redirect,
            code_verifier=verifier,
            scopes=scope_list,
        )

    async def exchange_code(
        self,
        callback: str,
        request: AuthorizationRequest | None = None,
        *,
        state: str | None = None,
        redirect_uri: str | None = None,
        code_verifier: str | None = None,
        check_state: bool = True,
    ) -> Token:
        """Exchange the authorization code and save the token.

        Args:
            callback: the full URL the browser was redirected to (``...?code=..&state=..``), or
                the bare code (whose state, if any, is ``state``).
            request: the :class:`AuthorizationRequest` from :meth:`authorization_url`; gives
                the expected state, the redirect URI and the PKCE verifier.
            state: the state issued, without ``request``; with a bare code and ``request``,
                the state that came back with the code.
            check_state: compare the callback's state with the one issued (the CSRF check).
                False only when you checked it yourself: a callback URL then needs neither
                ``request`` nor ``state``.

        Raises:
            StateMismatchError: the callback's ``state`` is not the one issued (nothing sent).
                An error redirect without any ``state`` is not one: it is a denial.
            AuthorizationDeniedError: the callback carries ``error=...`` (nothing sent).
            ValidationError: no code, a PKCE verifier RFC 7636 does not allow, or a callback
                URL whose state there is nothing to check against (neither ``request`` nor
                ``state``, and ``check_state`` not False); nothing sent.
            ReauthenticationRequired: the code was refused (``invalid_grant``: expired, used,
                another redirect URI...); the message has the server's reason.
            AuthError: another refusal from the token endpoint.

        The code is spent once the server grants it, so the exchange waits for its answer
        like a refresh (:data:`~aries_async.auth.tokens.REFRESH_WAIT`, or ``timeout`` when
        longer), and a caller that stops waiting sooner (its own timeout, a cancellation) does
        not stop it once its request may have reached the server: the token is saved and used
        when the answer comes. A caller that stops waiting before (the exchange still
        connecting, say: nothing was sent, the code is not spent) stops the exchange too.
        """
        await load("aries_async.auth.pkce")  # off the event loop, when not loaded yet
        from aries_async.auth.pkce import callback_code, check_code_verifier

        code = callback_code(
            callback,
            request.state if request else state,
            bare_state=state if request else None,
            check_state=check_state,
        )
        if not code:
            raise ValidationError("an authorization code is required", field="callback")
        redirect = (
            redirect_uri or (request.redirect_uri if request else None) or self._config.redirect_uri
        )
        verifier = code_verifier or (request.code_verifier if request else None)
        if verifier is not None:
            check_code_verifier(verifier)
        body: dict[str, str] = {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": self._require_client_id(),
        }
        if redirect:
            body["redirect_uri"] = redirect
        if verifier:
            body["code_verifier"] = verifier
        else:
            body["client_secret"] = self._require_secret()
        asked = request.scopes if request else ()
        stage = ExchangeStage()
        exchange = self._exchange(body, asked, stage)
        return await self._exchanges.run(exchange, stage, "the code exchange")

    async def _exchange(
        self, body: dict[str, str], asked: tuple[str, ...], stage: ExchangeStage
    ) -> Token:
        with stage.granting():
            token = await self._token_request(body, form=False, asked=asked, sending=stage.request)
        await self._save(token)
        return token

    async def settle(self, *, closing: bool = False) -> None:
        """Wait for a code exchange still in flight whose caller stopped waiting; ``closing``,
        as a client's close does (:mod:`~aries_async.auth.renewal_close`: its save waited for
        at most the store's close_timeout)."""
        await self._exchanges.settle(self._store if closing else None)

    async def _save(self, token: Token) -> None:
        if self._keep is not None:
            await self._keep(token)
            return
        # Under the store's lock: a renewal in flight in another process then sees this token
        # when it looks at the store again, and leaves it alone.
        async with self._store.lock():
            await self._store.save(token)

    async def renew(self, token: Token, *, sending: Sending | None = None) -> Token:
        """A new access token for ``token``'s grant (not saved; the session saves it): an app
        token (client credentials; with ``config.app_token``, any without a refresh token)
        gets a new one with the same scopes, any other is refreshed. ``sending`` is told when
        a request of the grant starts to be written (a closing client gives up one not sent).

        Raises:
            ReauthenticationRequired: the refresh token was refused (``invalid_grant``).
            ConfigurationError: an app token, but no client secret is configured.
            AuthError: another refusal from the token endpoint.
        """
        app = self.app_token_by_itself and not token.can_refresh  # 0.1.0 saved no grant type
        if app or token.grant_type == CLIENT_CREDENTIALS:
            return await self._client_credentials(token.scopes or None, sending)
        return await self._refresh(token, sending)

    async def refresh(self, token: Token) -> Token:
        """Trade the refresh token for a new access token (not saved; the session saves it),
        waiting up to :data:`~aries_async.auth.tokens.REFRESH_WAIT` for the answer.

        Raises:
            ReauthenticationRequired: the refresh token was refused (``invalid_grant``).
            AuthError: another refusal from the token endpoint.
        """
        return await self._refresh(token, None)

    async def _refresh(self, token: Token, sending: Sending | None) -> Token:
        if not token.refresh_token:
            raise ReauthenticationRequired("the token has no refresh token; sign in again")
        body = {
            "grant_type": "refresh_token",
            "refresh_token": token.refresh_token,
            "client_id": self._require_client_id(),
        }
        if self._config.client_secret:
            body["client_secret"] = self._config.client_secret
        return await self._token_request(body, form=False, previous=token, sending=sending)

    async def client_credentials(
        self, scopes: str | Iterable[str] | None = None, *, reuse: bool = False
    ) -> Token:
        """Get an app token with the client-credentials grant (a form body, as the official SDK
        sends it; JSON when the token endpoint reads no form, as for every grant).

        ``scopes``: the scopes to ask for, as names or one space-separated string, scope groups
        included (:func:`~aries_async.auth.scopes.expand_scopes`). The token is saved in the
        store; when it expires (or is refused with a 401) the client gets a new one the same
        way, with the same scopes. The store holds one token: one that held a user's sign-in
        (the CLI's token file, which ``AriesClient.from_env()`` uses) holds the app token
        instead, and the sign-in's refresh token is gone from it; give an app client a store of
        its own (``token_store=``).

        ``reuse=True``, for a fleet sharing one store: under the store's lock, an app token
        there that is not due (with the scopes asked, when both are known) is used instead of
        a new one, so processes starting at once make one token request between them.

        Raises:
            ValidationError: a scope or group name is unknown, or ``scopes`` names none (an
                empty ``scope`` would ask for every scope the client may have); nothing is
                sent. ``None`` (the default) asks for the server's default scopes.
        """
        asked = None
        if scopes is not None:
            await load("aries_async.auth.scopes")  # the table, off the event loop
            from aries_async.auth.scopes import some_scopes

            asked = some_scopes(
                scopes,
                "client_credentials needs at least one scope, or scopes=None for the server's "
                "default",
            )
        if reuse:
            fetch = functools.partial(self._client_credentials, asked)
            now, skew = self._wall_clock(), self._config.refresh_skew
            token = await stored_or_new(self._store, fetch, asked=asked, now=now, skew=skew)
            if self._use is not None:
                await self._use(token)
            return token
        token = await self._client_credentials(asked)
        await self._save(token)
        return token

    async def _client_credentials(
        self, scopes: str | Iterable[str] | None, sending: Sending | None = None
    ) -> Token:
        body = {
            "grant_type": "client_credentials",
            "client_id": self._require_client_id(),
            "client_secret": self._require_secret(),
        }
        asked = scope_names(scopes) if scopes is not None else ()
        if scopes is not None:
            body["scope"] = " ".join(asked)
        return await self._token_request(body, form=True, asked=asked, sending=sending)

    async def _token_request(
        self,
        body: dict[str, str],
        *,
        form: bool,
        previous: Token | None = None,
        asked: tuple[str, ...] = (),
        sending: Sending | None = None,
    ) -> Token:
        """Send a grant, as a form or JSON (``form``), unless the token endpoint did not read
        that encoding before. A body the endpoint does not read goes once in the other (so a
        server that reads both gets each grant as the official package sends it). ``sending``
        is told when a request of it starts to be written."""
        other = not form
        if form in self._unread and other not in self._unread:
            form = other
        response: Response | None = None
        with contextlib.suppress(BodyNotRead):
            response = await post_grant(
                self._transport, self._config, body, form=form, may_switch=True, sending=sending
            )
        if response is None:  # the body was not read: the other encoding (oauth.md 3.2)
            self._unread.add(form)
            form = not form
            log.debug("token request: sent again as %s", "a form" if form else "JSON")
            response = await post_grant(
                self._transport, self._config, body, form=form, may_switch=False, sending=sending
            )
        self._unread.discard(form)
        now = self._wall_clock()
        return read_grant(response, body, now=now, previous=previous, asked=asked)

    def _require_client_id(self) -> str:
        if not self._config.client_id:
            raise ConfigurationError("client_id is not configured (ARIES_CLIENT_ID)")
        return self._config.client_id

    def _require_secret(self) -> str:
        if not self._config.client_secret:
            raise ConfigurationError("client_secret is not configured (ARIES_CLIENT_SECRET)")
        return self._config.client_secret


# The names this module defined in 0.1.0 are served from their module, loaded on first use.
_PKCE = dict.fromkeys(("AuthorizationRequest", "make_pkce_pair"), "aries_async.auth.pkce")
__getattr__ = lazy_getattr(__name__, _PKCE, globals())
__dir__ = lazy_dir(globals(), __all__)
