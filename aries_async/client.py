"""``AriesClient``: the async context manager that owns the HTTP session, auth and resources."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Unpack

import aiohttp
import yarl

from aries_async._closing import AsyncClosing, through_interrupts
from aries_async._deprecation import renamed_arguments
from aries_async._validate import require_headers, require_method
from aries_async.auth.bearer import Bearer as _Bearer
from aries_async.auth.oauth import OAuth
from aries_async.auth.session import AuthSession
from aries_async.auth.store import ClientBound, MemoryTokenStore, TokenStore
from aries_async.auth.tokens import Token
from aries_async.config import ClientConfig, Seconds
from aries_async.errors import AuthenticationError, PermissionDeniedError, ValidationError
from aries_async.http.answer_secrets import read_answer
from aries_async.http.call_timeout import TimeoutBlock, call_timeout
from aries_async.http.transport import Monotonic, Query, Sleep, Transport

# The resources are small (their models load on first use, off the event loop): imported here,
# so that a first ``client.orders`` imports nothing on the loop.
from aries_async.resources.accounts import Accounts
from aries_async.resources.generated import Groups
from aries_async.resources.market import Market
from aries_async.resources.orders import Orders
from aries_async.resources.users import Users
from aries_async.stream_opener import StreamOpener, Streams

if TYPE_CHECKING:
    from aries_async.client_options import ClientOptions, Parsed
    from aries_async.http.budget import RateBudget

__all__ = ["AriesClient", "StreamOpener"]

log = logging.getLogger("aries_async")

_IDEMPOTENT = frozenset(("GET", "HEAD", "PUT", "DELETE", "OPTIONS"))


_ANSWERS: contextvars.ContextVar[tuple[AriesClient, Callable[[Mapping[str, str]], None]] | None]
_ANSWERS = contextvars.ContextVar("aries_async_answers", default=None)
"""The client whose answers' headers go to a callback, and the callback (see ``_answers_to``)."""


class AriesClient(AsyncClosing, Groups, Streams):
    """The Aries API, awaitable and typed.

    Every operation of the API is a method of a group: ``client.accounts``, ``client.orders``,
    ``client.market`` (hand-written), ``client.analytics``, ``client.stocks``,
    ``client.predictions.markets``... (generated from :mod:`aries_async.apispec`).

    It never creates or runs an event loop: use it inside ``asyncio.run``, a running bot or a
    notebook cell with top-level ``await``. All calls of one client share one connection pool,
    which belongs to the loop the client is first used on: another loop (a second
    ``asyncio.run()``) gets :class:`~aries_async.errors.WrongEventLoopError`, so make the
    client inside the coroutine that uses it.

    Example:
        >>> async def main() -> None:
        ...     async with AriesClient.from_env() as client:
        ...         accounts = await client.accounts.list()
        ...         quote = await client.market.quote("AAPL")

    Args:
        config: URLs, credentials, timeouts, pool and retry policy (production by default).
        token: a token to start with (saved into the store on entering ``async with``, or by
            the first call that needs the store; usable at once either way).
        token_store: where tokens live; an in-memory store by default
            (:meth:`from_env`: the token file of ``aries-async login``).
        session: an aiohttp session to use instead of our own (we will not close it).
        sleep: the sleep between retries (tests pass one that does not wait).
        wall_clock: Unix seconds (``time.time`` by default), for token expiry, the time a
            quote was received (:attr:`Quote.received_at
            <aries_async.models.market.Quote.received_at>`), the wait an HTTP-date
            ``Retry-After`` asks for and the ``timestamp`` of the streams' status events
            (tests move it). Its old name ``clock`` still works for one release, with a
            :class:`DeprecationWarning`.
        monotonic: monotonic seconds (``time.monotonic`` by default), the clock of each call's
            time budget (``config.timeout``); tests pass one that moves with their ``sleep``.
        rate_budget: where the buckets of ``config.rate_limit`` live: give every client of a
            fleet the same shared one (:class:`~aries_async.http.budget_redis.RedisRateBudget`;
            not closed by the client). Default: this client's own.

    Raises:
        ConfigurationError: ``rate_budget`` without ``config.rate_limit``; a ``token_store``
            of another app or token endpoint (``RedisTokenStore``'s ``client_id``, ``token_url``).
        TypeError: ``token`` not a ``Token`` (a bare string: ``Token(access_token=...)``).
    """

    @renamed_arguments(clock="wall_clock")
    def __init__(
        self,
        config: ClientConfig | None = None,
        *,
        token: Token | None = None,
        token_store: TokenStore | None = None,
        session: aiohttp.ClientSession | None = None,
        sleep: Sleep = asyncio.sleep,
        wall_clock: Callable[[], float] = time.time,
        monotonic: Monotonic = time.monotonic,
        rate_budget: RateBudget | None = None,
    ) -> None:
        self.config: ClientConfig = config or ClientConfig()
        self._store: TokenStore = token_store or MemoryTokenStore()
        if isinstance(self._store, ClientBound):
            self._store.bind_client(self.config.client_id, self.config.endpoints.token_url)
        self._monotonic = monotonic
        self._wall_clock = wall_clock
        pacer = None
        if self.config.rate_limit is not None or rate_budget is not None:
            from aries_async.http.budget import pacer_for  # aiolimiter only for paced clients

            pacer = pacer_for(self.config, rate_budget, sleep=sleep, monotonic=monotonic)
        self._transport = Transport(
            self.config,
            session=session,
            sleep=sleep,
            monotonic=monotonic,
            pacer=pacer,
            wall_clock=wall_clock,
        )
        self._origin = yarl.URL(self.config.endpoints.base_url).origin()
        self._offload = self.config.offload_parse_bytes
        self._budget = self.config.timeout
        self.oauth: OAuth = OAuth(self.config, self._transport, self._store, wall_clock=wall_clock)
        self.auth: AuthSession = AuthSession(
            self.oauth,
            self._store,
            refresh_skew=self.config.refresh_skew,
            wall_clock=wall_clock,
            token=token,
            loop_owner=self._transport,
            sleep=sleep,
        )
        # A sign-in or app token from client.oauth is used at once, not once the old one is due.
        self.oauth.save_grants_with(self.auth.set_token, self.auth.use_saved)

    # The resources are built on first use: a program that only polls quotes never imports the
    # order, account or user models.

    @functools.cached_property
    def users(self) -> Users:
        """The signed-in user (:class:`~aries_async.resources.users.Users`)."""
        return Users(self)

    @functools.cached_property
    def accounts(self) -> Accounts:
        """Accounts, balances and positions (:class:`~aries_async.resources.accounts.Accounts`)."""
        return Accounts(self)

    @functools.cached_property
    def orders(self) -> Orders:
        """Place, replace, cancel, list (:class:`~aries_async.resources.orders.Orders`)."""
        return Orders(self)

    @functools.cached_property
    def market(self) -> Market:
        """Quotes, bars, search, market status (:class:`~aries_async.resources.market.Market`)."""
        return Market(self)

    @classmethod
    def from_env(cls, **kwargs: Unpack[ClientOptions]) -> AriesClient:
        """A client configured from ``ARIES_*`` environment variables (ClientConfig.from_env),
        signed in as ``aries-async login`` left it.

        Unless ``token_store`` is given, tokens live where the command line keeps them (see
        :func:`~aries_async.auth.filestore.token_store_from_env`): ``ARIES_ACCESS_TOKEN`` when
        set, else the token file ``ARIES_TOKEN_FILE``, else the default token file.

        Raises:
            ConfigurationError: an ``ARIES_*`` variable cannot be read.
        """
        if kwargs.get("token_store") is None:
            from aries_async.auth.filestore import token_store_from_env

            kwargs["token_store"] = token_store_from_env()
        return cls(ClientConfig.from_env(), **kwargs)

    async def __aenter__(self) -> AriesClient:
        self._check_open_client()
        await self.auth.save_initial()
        return self

    async def aclose(self) -> None:
        """Close the client for good (done for you by ``async with``); closing twice is fine.

        Calls in flight end at once with :class:`~aries_async.errors.ClientClosedError` (they
        are not retried), and so does every later call: a closed client never opens a new
        connection pool. Its open streams are closed first. A token grant in flight gets its
        answer, so a rotated refresh token is not lost; its save waits at most the store's
        ``close_timeout`` (:mod:`~aries_async.auth.renewal_close`).

        A client belongs to the event loop it was first used on: close it there, or anywhere
        once that loop is closed (each ``asyncio.run()`` closes its loop at its end).

        Cancelled while it closes (a notebook's interrupt), it still closes everything (the
        streams' closing handshakes are bounded by their ``StreamConfig.close_timeout``) and
        then raises the ``CancelledError``: nothing is left half open. A second cancellation
        meanwhile stops waiting for it (the close goes on by itself).

        Raises:
            WrongEventLoopError: the client's own loop is another one, still open.
        """
        await through_interrupts(self._close())

    async def _close(self) -> None:
        if self._transport.on_its_loop():
            await self._close_streams()
            await self.auth.settle(closing=True)
        await self._transport.close()

    def timeout(self, seconds: Seconds) -> TimeoutBlock:
        """Override the per-call timeout for every call made inside the block (this task
        only); ``with`` and ``async with`` both work.

        Example:
            >>> async def fast(client: AriesClient) -> None:
            ...     with client.timeout(2.5):
            ...         await client.market.quote("AAPL")

        Raises:
            ValidationError: ``seconds`` is not a finite number above 0.
        """
        return TimeoutBlock(seconds)

    @contextlib.contextmanager
    def _answers_to(self, seen: Callable[[Mapping[str, str]], None]) -> Iterator[None]:
        """Give ``seen`` the headers of every answer this client's :meth:`request` returns in
        the block (this task only), as it arrives, before its body is decoded: a resource
        that needs more of the answer than its body (the server's ``Date``) reads them so."""
        reset = _ANSWERS.set((self, seen))
        try:
            yield
        finally:
            _ANSWERS.reset(reset)

    def _url(self, path: str, authenticated: bool) -> str:
        base = self.config.endpoints.base_url
        if path[:1] == "/" and path[1:2] != "/" and base[-1:] != "/":
            return base + path  # the usual case, without the strips below
        if path.startswith(("http://", "https://")):
            if authenticated:
                self._check_origin(path)
            return path
        return base.rstrip("/") + "/" + path.lstrip("/")

    def _check_origin(self, url: str) -> None:
        """Refuse to send the bearer token anywhere but the API's origin (scheme, host, port).

        Raises:
            ValidationError: ``url`` is on another origin (a typo, or a ``nextUrl`` that a
                misbehaving or hostile server pointed elsewhere) or carries credentials of
                its own (``user@host``). Nothing is sent.
        """
        try:
            parsed = yarl.URL(url)
            origin = None if parsed.raw_user is not None else parsed.origin()
        except ValueError:
            origin = None
        if origin != self._origin:
            raise ValidationError(
                f"refusing to send the access token to {url.split('?', 1)[0]!r}: it is not on "
                f"the API's origin {str(self._origin)!r} (pass authenticated=False to call it "
                "without the token)",
                field="path",
            )

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Query | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
        timeout: Seconds | None = None,
        authenticated: bool = True,
        parse: Callable[[Any], Parsed] | None = None,
        scopes: Sequence[str] | None = None,
        operation: str | None = None,
        exact: bool = False,
    ) -> Parsed:
        """Call any endpoint (the long tail of ``endpoints-all.md``) with auth, retries and errors.

        Args:
            method: HTTP method.
            path: ``/v1/...`` relative to the base URL, or an absolute URL (``nextUrl``) on
                the base URL's origin (scheme, host and port): the access token is sent
                nowhere else. With ``authenticated=False`` any URL is allowed.
            params: query parameters (multi-values comma-joined, booleans ``"true"``), or a
                query string as aiohttp takes it (``"symbols=AAPL"``: ``&`` and ``=`` separate,
                other characters are percent-encoded for you).
            json: a JSON body.
            headers: extra request headers (``Idempotency-Key``...), sent with every attempt.
                They may not set ``Authorization`` (the client sends the bearer token),
                ``Host``, ``Content-Length`` or ``Transfer-Encoding``, nor hold CR, LF or other
                control characters. A ``Content-Type`` given here is sent with ``json``.
            idempotent: whether retries are safe; default: True for GET/HEAD/PUT/DELETE/OPTIONS.
            timeout: this call's time budget in seconds, retries and their waits included
                (default: the innermost :meth:`timeout` block, else ``config.timeout``).
            authenticated: send the bearer token (default True).
            parse: applied to the decoded body to give the result; with a body of at least
                ``config.offload_parse_bytes`` the decoding and ``parse`` run in a worker
                thread, leaving the event loop free.
            scopes: the scopes that open the operation (any one suffices), named by a 403;
                default: those :mod:`aries_async.auth.scopes` lists for ``method path``.
            operation: the name of the method making the call (``market.status``), named by
                a 403 (typed methods pass theirs).
            exact: in a body holding a number a float does not hold (past 15 digits), read
                every number with a fraction as a ``Decimal`` (as the typed methods do).

        Returns:
            The decoded JSON (None when empty; text for ``text/plain``; numbers as orjson
            reads them, unless ``exact``), or what ``parse`` makes of it.

        Raises:
            APIError: error statuses (subclass per status), after retries where safe.
            TransportError: connection problems and timeouts.
            ResponseTooLargeError: the body exceeds ``config.max_response_bytes``.
            ClientClosedError: the client is closed, or was closed during the call.
            WrongEventLoopError: the client belongs to another event loop; nothing was sent.
            PermissionDeniedError: a 403; it names the scopes the operation needs
                (``required_scopes``) and, when the token lacks them, ``missing_scope``.
            ValidationError: a ``method`` that is no HTTP token, an absolute URL on another
                origin (authenticated calls), ``headers`` that break the rules; nothing is sent.
            NotSignedInError, ReauthenticationRequired: no usable grant.
            TokenRefreshError: the token endpoint failed while getting a fresh access token;
                the request was not sent.
            StoreUnavailableError: the Redis of a shared token store or rate budget is down
                (a ``ConnectionFailedError``); the request was not sent.
        """
        method = require_method(method)
        timeout = call_timeout(timeout)
        if idempotent is None:
            idempotent = method in _IDEMPOTENT
        url = self._url(path, authenticated)
        if headers is not None:
            headers = require_headers(headers)
        bearer = _Bearer(self.auth, self.config.client_secret) if authenticated else None
        started = self._monotonic()  # a replay after a 401 gets what is left of the budget
        replayed = False  # a flag, not ``for attempt in (1, 2)``: no iterator kept per call
        while True:
            try:
                response = await self._transport.request(
                    method,
                    url,
                    idempotent=idempotent,
                    params=params,
                    json=json,
                    headers=headers,
                    header_factory=bearer,
                    timeout=timeout,
                    deadline=None if not replayed else started + (timeout or self._budget),
                )
                break
            except AuthenticationError:
                # A 401 means the request was refused unprocessed: refresh and replay once.
                if replayed or bearer is None or bearer.used is None:
                    raise
                replayed = True
                log.info("401 on %s %s; refreshing the token and replaying once", method, path)
                await self.auth.invalidate(bearer.used)
            except PermissionDeniedError as exc:
                from aries_async._errors_wire import name_required_scopes

                token = self.auth.cached() if bearer is not None else None
                granted = token.scopes if token is not None else ()
                name_required_scopes(
                    exc, method, url, scopes=scopes, granted=granted, operation=operation
                )
                raise
        watch = _ANSWERS.get()
        if watch is not None and watch[0] is self:
            watch[1](response.headers)
        args = (response.body, response.headers, method, path, parse, exact)
        sent = bearer.secrets() if bearer is not None else ()  # never quoted reading it
        parsed: Parsed = await read_answer(args, len(response.body) >= self._offload, sent)
        return parsed

    def __del__(self) -> None:
        # Dropped unclosed (a notebook's client cell run again): say which client, and how.
        if "_transport" in self.__dict__:
            self._transport.report_unclosed(repr(self))

    def __repr__(self) -> str:
        closed = ", closed" if self._transport.closed else ""
        return f"AriesClient(base_url={self.config.endpoints.base_url!r}{closed})"
