"""``AriesClient``: the async context manager that owns the HTTP session, auth and resources."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import logging
import time
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any

import aiohttp
import yarl

from aries_async._validate import require_text
from aries_async.auth.bearer import Bearer as _Bearer
from aries_async.auth.oauth import OAuth
from aries_async.auth.session import AuthSession
from aries_async.auth.store import MemoryTokenStore, TokenStore
from aries_async.auth.tokens import Token
from aries_async.config import ClientConfig
from aries_async.errors import AuthenticationError, ClientClosedError, ValidationError
from aries_async.http.decode import Parse, decode_body
from aries_async.http.transport import Clock, Query, Sleep, Transport

# The resources are small (their models load on first use, off the event loop): imported here,
# so that a first ``client.orders`` imports nothing on the loop.
from aries_async.resources.accounts import Accounts
from aries_async.resources.market import Market
from aries_async.resources.orders import Orders
from aries_async.resources.users import Users
from aries_async.stream_opener import StreamOpener

if TYPE_CHECKING:
    from aries_async.streaming.accounts import AccountStream
    from aries_async.streaming.charts import ChartStream
    from aries_async.streaming.market import MarketStream

__all__ = ["AriesClient", "StreamOpener"]

log = logging.getLogger("aries_async")

_IDEMPOTENT = frozenset(("GET", "HEAD", "PUT", "DELETE", "OPTIONS"))


_TIMEOUT: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "aries_async_timeout", default=None
)


class AriesClient:
    """The Aries API, awaitable and typed.

    It never creates or runs an event loop: use it inside ``asyncio.run``, a running bot or a
    notebook cell with top-level ``await``. All calls of one client share one connection pool.

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
        clock: wall clock in Unix seconds for token expiry (tests move it).
        monotonic: the clock of each call's time budget (``config.timeout``); tests pass one
            that moves with their ``sleep``.
    """

    def __init__(
        self,
        config: ClientConfig | None = None,
        *,
        token: Token | None = None,
        token_store: TokenStore | None = None,
        session: aiohttp.ClientSession | None = None,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.time,
        monotonic: Clock = time.monotonic,
    ) -> None:
        self.config = config or ClientConfig()
        self._store: TokenStore = token_store or MemoryTokenStore()
        self._monotonic = monotonic
        self._transport = Transport(self.config, session=session, sleep=sleep, monotonic=monotonic)
        self._origin = yarl.URL(self.config.endpoints.base_url).origin()
        self._offload = self.config.offload_parse_bytes
        self._budget = self.config.timeout
        self.oauth = OAuth(self.config, self._transport, self._store, clock=clock)
        self.auth = AuthSession(
            self.oauth,
            self._store,
            refresh_skew=self.config.refresh_skew,
            clock=clock,
            token=token,
        )

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
    def from_env(cls, **kwargs: Any) -> AriesClient:
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
        if self._transport.closed:
            raise ClientClosedError("the client is closed; create a new one")
        await self.auth.save_initial()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the client for good (done for you by ``async with``); closing twice is fine.

        Calls in flight end at once with :class:`~aries_async.errors.ClientClosedError` (they
        are not retried), and so does every later call: a closed client never opens a new
        connection pool. A token refresh still in flight (its caller timed out or was
        cancelled) is allowed to finish first, so that a rotated refresh token is saved, not
        lost.
        """
        await self.auth.settle()
        await self._transport.close()

    @contextlib.contextmanager
    def timeout(self, seconds: float) -> Iterator[None]:
        """Override the per-call timeout for every call made inside the block (this task only).

        Example:
            >>> async def fast(client: AriesClient) -> None:
            ...     with client.timeout(2.5):
            ...         await client.market.quote("AAPL")

        Raises:
            ValidationError: ``seconds`` is not positive.
        """
        if not seconds > 0:
            raise ValidationError("timeout must be positive", field="timeout")
        reset = _TIMEOUT.set(seconds)
        try:
            yield
        finally:
            _TIMEOUT.reset(reset)

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
        idempotent: bool | None = None,
        timeout: float | None = None,
        authenticated: bool = True,
        parse: Parse | None = None,
    ) -> Any:
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
            idempotent: whether retries are safe; default: True for GET/HEAD/PUT/DELETE/OPTIONS.
            timeout: this call's time budget in seconds, retries and their waits included
                (default: the innermost :meth:`timeout` block, else ``config.timeout``).
            authenticated: send the bearer token (default True).
            parse: applied to the decoded body to give the result; with a body of at least
                ``config.offload_parse_bytes`` the decoding and ``parse`` run in a worker
                thread, leaving the event loop free.

        Returns:
            The decoded JSON body (None when empty; text for ``text/plain`` bodies), or what
            ``parse`` made of it.

        Raises:
            APIError: error statuses (subclass per status), after retries where safe.
            TransportError: connection problems and timeouts.
            ResponseTooLargeError: the body exceeds ``config.max_response_bytes``.
            ClientClosedError: the client is closed, or was closed during the call.
            ValidationError: an absolute URL on another origin (authenticated calls).
            NotSignedInError, ReauthenticationRequired: no usable grant.
            TokenRefreshError: the token endpoint failed while getting a fresh access token;
                the request was not sent.
        """
        method = method.upper()
        if timeout is None:
            timeout = _TIMEOUT.get()
        if idempotent is None:
            idempotent = method in _IDEMPOTENT
        url = self._url(path, authenticated)
        bearer = _Bearer(self.auth) if authenticated else None
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
        body = response.body
        if len(body) < self._offload:
            return decode_body(body, response.headers, method, path, parse)
        return await asyncio.to_thread(decode_body, body, response.headers, method, path, parse)

    def market_stream(self, **kwargs: Any) -> StreamOpener[MarketStream]:
        """A market-data stream: ``async with client.market_stream() as stream`` gives a
        :class:`~aries_async.streaming.MarketStream` (``kwargs`` go to it); see
        :class:`StreamOpener`."""

        def build() -> MarketStream:
            from aries_async.streaming.market import market_stream

            return market_stream(
                self.config.endpoints.market_ws_url,
                self.auth.access_token,
                invalidate_token=self.auth.invalidate,
                **kwargs,
            )

        return StreamOpener(("aries_async.streaming.market",), build)

    def chart_stream(self, **kwargs: Any) -> StreamOpener[ChartStream]:
        """A charts stream (TradingView-style quotes and trades): ``async with
        client.chart_stream() as stream`` gives a :class:`~aries_async.streaming.ChartStream`
        (``kwargs`` go to it); see :class:`StreamOpener`."""

        def build() -> ChartStream:
            from aries_async.streaming.charts import ChartStream

            return ChartStream(
                self.config.endpoints.charts_ws_url,
                self.auth.access_token,
                invalidate_token=self.auth.invalidate,
                **kwargs,
            )

        return StreamOpener(("aries_async.streaming.charts",), build)

    def account_stream(self, account_id: str, **kwargs: Any) -> StreamOpener[AccountStream]:
        """An account-updates stream for one account: ``async with
        client.account_stream(account_id) as stream`` gives an
        :class:`~aries_async.streaming.AccountStream` (``kwargs`` go to it); see
        :class:`StreamOpener`.

        Orders that finish while the stream is disconnected, and that the resync snapshot leaves
        out, are looked up with :meth:`Orders.reconcile` (pass ``reconcile=`` to override).

        Raises:
            ValidationError: ``account_id`` is empty or not a string.
        """
        require_text(account_id, "account_id")

        def build() -> AccountStream:
            from aries_async.streaming.accounts import account_stream

            kwargs.setdefault("reconcile", self.orders.reconcile)
            return account_stream(
                self.config.endpoints.accounts_ws_url,
                self.auth.access_token,
                account_id,
                invalidate_token=self.auth.invalidate,
                **kwargs,
            )

        modules = ("aries_async.streaming.accounts", "aries_async.resources.orders")
        return StreamOpener(modules, build)

    def __repr__(self) -> str:
        return f"AriesClient(base_url={self.config.endpoints.base_url!r})"
