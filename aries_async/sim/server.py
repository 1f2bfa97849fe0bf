"""``Simulator``: a local Aries on 127.0.0.1, as an async context manager.

Example:
    >>> async def main() -> None:                                  # doctest: +SKIP
    ...     async with Simulator(seed=7, token_ttl=5) as sim:
    ...         client = AriesClient(sim.client_config(), token=sim.issue_token())
    ...         sim.faults.rate_limit["GET /v1/chart/quotes"] = RateLimitFault(count=2)

Time: with the default :class:`~aries_async.sim.feed.SystemClock` a background ticker advances
the feed every ``tick_interval`` seconds. Pass ``clock=ManualClock()`` to control time yourself:
:meth:`Simulator.advance` moves the clock and runs every step of the walk and of the matching
engine at once, so tests never sleep; ``await sim.advance_async(seconds)`` does it in slices
that let the event loop run (:mod:`~aries_async.sim.pacing`).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections import deque
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Unpack

from aiohttp import web

from aries_async._closing import AsyncClosing, cancel_and_wait
from aries_async._settings import Seconds
from aries_async.sim.app import build_app
from aries_async.sim.auth import AuthServer
from aries_async.sim.context import QUOTE_UNKNOWN, RecordedRequest, SimContext, SimSettings
from aries_async.sim.faults import AppRateLimit, Faults
from aries_async.sim.feed import Clock, Feed, Firehose, SystemClock
from aries_async.sim.options import check_options
from aries_async.sim.pacing import SimTime
from aries_async.sim.request_counts import RequestCounts
from aries_async.sim.state import State
from aries_async.sim.summary import SimSummary
from aries_async.sim.ws import hub_of

if TYPE_CHECKING:
    from aries_async.auth.tokens import Token
    from aries_async.client_options import ConfigOptions
    from aries_async.config import ClientConfig

__all__ = ["DEFAULT_CLIENT_ID", "DEFAULT_REDIRECT_URI", "Simulator"]

log = logging.getLogger(__name__)

DEFAULT_CLIENT_ID = "aries-sim-client"
DEFAULT_REDIRECT_URI = "http://127.0.0.1:8765/callback"


class Simulator(SimTime, AsyncClosing):
    """A running local Aries server (REST, OAuth, websockets) with controllable state and faults.

    Args:
        seed: seed of the price walk (same seed, same prices at the same times).
        token_ttl: access-token lifetime in seconds.
        faults: initial faults (mutable later through :attr:`faults`).
        auto_approve: the authorize page redirects at once (False: a consent page).
        rotate_refresh_tokens: issue a new refresh token on each refresh, killing the old one.
        quote_symbol_in: ``"n"`` or ``"s"``: where quote items carry the symbol.
        quote_unknown: how an unknown symbol is quoted: ``"item"``, ``"omit"``, ``"400"`` or
            ``"404"`` (see :class:`~aries_async.sim.context.SimSettings`).
        history_page_size: most bars per ``/v1/chart/history`` answer (None: no limit); the
            rest of a range is announced with ``nextTime``.
        host, port: where to listen (port 0 picks a free port).
        clock: the time source; default the wall clock.
        tick_interval: seconds between background feed steps (None: no ticker).
        step_seconds: seconds of market time per step of the walk.
        client_id, client_secret: the registered OAuth client (the secret is random unless
            given: the official SDK caches tokens per id and secret across instances).
        redirect_uris: registered redirect URIs (exact match).
        rejections_as_http: order rejections as HTTP 400 instead of ``success: false`` acks.
        cancel_assigns_new_id: cancel acks carry a new ``clOrdId``.
        market_open: force the market status open/closed (None: follow the clock).
        starting_cash: cash of each account at start.
        firehose: the market websocket's throughput mode (see
            :class:`~aries_async.sim.feed.Firehose`); None: off. Also settable later through
            :attr:`firehose`.
        rate_limit: the app's sustained limit in requests a second, across all its tokens and
            connections (REST only, OAuth excepted); a request over it gets 429 with
            ``Retry-After``. None: no limit. Sets ``faults.app_rate_limit`` (see
            :class:`~aries_async.sim.faults.AppRateLimit`), measured on ``clock``.

    Raises:
        ValidationError: (a ``ValueError``) an option it cannot mean, naming it: seconds and
            rates not finite and above 0, a ``seed``, ``port`` or page size not an int, a
            ``starting_cash`` not a finite Decimal (or int) of at least 0.

    Attributes:
        base_url, token_url, authorize_url, market_ws_url, accounts_ws_url, charts_ws_url:
            the URLs (set once entered).
        faults: the live :class:`~aries_async.sim.faults.Faults`.
        state, feed, auth, context: the simulator's parts.
    """

    def __init__(
        self,
        seed: int = 0,
        token_ttl: Seconds = 3600.0,
        faults: Faults | None = None,
        auto_approve: bool = True,
        rotate_refresh_tokens: bool = True,
        quote_symbol_in: str = "n",
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Clock | None = None,
        tick_interval: Seconds | None = 0.05,
        step_seconds: Seconds = 0.5,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str | None = None,
        redirect_uris: Iterable[str] = (DEFAULT_REDIRECT_URI,),
        rejections_as_http: bool = False,
        cancel_assigns_new_id: bool = True,
        market_open: bool | None = None,
        starting_cash: Decimal = Decimal("100000"),
        firehose: Firehose | None = None,
        quote_unknown: str = "item",
        history_page_size: int | None = 1000,
        rate_limit: Seconds | None = None,
    ) -> None:
        starting_cash, token_ttl, tick_interval, step_seconds, rate_limit = check_options(
            seed=seed,
            port=port,
            token_ttl=token_ttl,
            tick_interval=tick_interval,
            step_seconds=step_seconds,
            history_page_size=history_page_size,
            rate_limit=rate_limit,
            starting_cash=starting_cash,
            quote_symbol_in=quote_symbol_in,
            quote_unknown=quote_unknown,
            quote_unknown_choices=QUOTE_UNKNOWN,
        )
        self.host = host
        self.port = port
        self.tick_interval = tick_interval
        self.clock: Clock = clock or SystemClock()
        self.faults = faults if faults is not None else Faults()
        if rate_limit is not None:
            self.faults.app_rate_limit = AppRateLimit(per_second=rate_limit)
        self.feed = Feed(seed=seed, clock=self.clock, step_seconds=step_seconds)
        self.state = State(
            feed=self.feed,
            clock=self.clock,
            faults=self.faults,
            rejections_as_http=rejections_as_http,
            cancel_assigns_new_id=cancel_assigns_new_id,
            starting_cash=starting_cash,
        )
        self.state.oauth_client_id = client_id  # the one client whose tokens it grants
        uris = list(redirect_uris)
        self.auth = AuthServer(
            clock=self.clock,
            client_id=client_id,
            client_secret=client_secret or "sim-secret-" + secrets.token_hex(12),
            redirect_uris=uris,
            token_ttl=token_ttl,
            rotate_refresh_tokens=rotate_refresh_tokens,
        )
        self.settings = SimSettings(
            quote_symbol_in=quote_symbol_in,
            quote_unknown=quote_unknown,
            history_page_size=history_page_size,
            auto_approve=auto_approve,
            market_open=market_open,
        )
        self.context = SimContext(
            clock=self.clock,
            feed=self.feed,
            state=self.state,
            auth=self.auth,
            faults=self.faults,
            settings=self.settings,
        )
        self.app = build_app(self.context)
        hub_of(self.app).firehose = firehose
        self._runner: web.AppRunner | None = None
        self._ticker: asyncio.Task[None] | None = None
        self.base_url = ""

    # -- identity and URLs --------------------------------------------------------------------

    @property
    def client_id(self) -> str:
        """The registered OAuth client id."""
        return self.auth.client.client_id

    @property
    def client_secret(self) -> str:
        """The registered client secret (this is a local test secret, never a real one)."""
        return self.auth.client.client_secret

    @property
    def redirect_uri(self) -> str:
        """The first registered redirect URI."""
        return self.auth.client.redirect_uris[0]

    @property
    def token_url(self) -> str:
        """``{base_url}/v1/oauth2/token``."""
        return f"{self.base_url}/v1/oauth2/token"

    @property
    def authorize_url(self) -> str:
        """``{base_url}/oauth2/authorize`` (the browser consent page)."""
        return f"{self.base_url}/oauth2/authorize"

    def _ws(self, path: str) -> str:
        return "ws://" + self.base_url[len("http://") :] + path

    @property
    def market_ws_url(self) -> str:
        """``ws://.../v1/market/ws``."""
        return self._ws("/v1/market/ws")

    @property
    def marketdata_ws_url(self) -> str:
        """``ws://.../v1/marketdata/ws``: the market socket at its older path (websocket.md
        section 1), served as at :attr:`market_ws_url`."""
        return self._ws("/v1/marketdata/ws")

    @property
    def accounts_ws_url(self) -> str:
        """``ws://.../v1/accounts/ws``."""
        return self._ws("/v1/accounts/ws")

    @property
    def charts_ws_url(self) -> str:
        """``ws://.../v1/charts/ws``."""
        return self._ws("/v1/charts/ws")

    @property
    def firehose(self) -> Firehose | None:
        """The market websocket's throughput mode (None: off); assignable."""
        return hub_of(self.app).firehose

    @firehose.setter
    def firehose(self, value: Firehose | None) -> None:
        hub_of(self.app).firehose = value

    @property
    def requests(self) -> RequestCounts:
        """Request counts by ``(METHOD, path)``, also read by ``(METHOD, route template)``:
        each request counted once (``sum(requests.values())`` is how many arrived)."""
        return self.context.requests

    @property
    def journal(self) -> deque[RecordedRequest]:
        """The latest HTTP requests as received (:class:`RecordedRequest`: no secret headers,
        no OAuth bodies), oldest first: ``journal[-1]`` is the last; ``clear()`` starts afresh."""
        return self.context.journal

    @property
    def token_requests(self) -> int:
        """How many ``POST /v1/oauth2/token`` calls arrived."""
        return self.context.token_requests

    @property
    def open_connections(self) -> int:
        """TCP connections open right now (HTTP keep-alive and websockets): 0 once every
        client has closed its pool and streams. A connection the client closed while its
        request is still being handled (the ``hang`` fault) is not counted."""
        server = self._runner.server if self._runner is not None else None
        if server is None:
            return 0
        return sum(1 for handler in server.connections if handler.transport is not None)

    def summary(self) -> SimSummary:
        """What it served so far (a :class:`~aries_async.sim.summary.SimSummary`)."""
        return SimSummary.of(self.context)

    def info(self) -> dict[str, str]:
        """The connection fields the CLI prints (includes the local client secret)."""
        return {
            "base_url": self.base_url,
            "authorize_url": self.authorize_url,
            "token_url": self.token_url,
            "market_ws_url": self.market_ws_url,
            "marketdata_ws_url": self.marketdata_ws_url,
            "accounts_ws_url": self.accounts_ws_url,
            "charts_ws_url": self.charts_ws_url,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "redirect_uri": self.redirect_uri,
        }

    # -- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        """Bind and serve; prefer ``async with``.

        Raises:
            RuntimeError: already started.
            OSError: the port cannot be bound.
        """
        if self._runner is not None:
            raise RuntimeError("simulator already started")
        self.context.stopping.clear()
        runner = web.AppRunner(
            self.app, access_log=None, handle_signals=False, shutdown_timeout=0.5
        )
        await runner.setup()
        # A first round of concurrent calls opens a pool's worth (256) of connections at once:
        # a queue of 128 (aiohttp's default) drops the rest, which TCP retries a second later.
        site = web.TCPSite(runner, self.host, self.port, backlog=1024)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        server = site._server  # aiohttp offers no public accessor for the bound port
        sockets = getattr(server, "sockets", None) or []
        port = sockets[0].getsockname()[1] if sockets else self.port
        self.port = int(port)
        self.base_url = f"http://{self.host}:{self.port}"
        if self.tick_interval is not None:
            self._ticker = asyncio.create_task(
                self._tick_forever(self.tick_interval), name="aries-sim-ticker"
            )
        log.debug("Aries simulator listening on %s", self.base_url)

    async def stop(self) -> None:
        """Stop the ticker and the server (idempotent)."""
        if self._ticker is not None:
            ticker, self._ticker = self._ticker, None
            await cancel_and_wait(ticker)  # an interrupt of the caller is not swallowed
        if self._runner is not None:
            self.context.stopping.set()
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Simulator:
        await self.start()
        return self

    async def aclose(self) -> None:
        """Same as :meth:`stop` (``async with`` and ``contextlib.aclosing`` call it)."""
        await self.stop()

    async def _tick_forever(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                self.context.tick()
            except Exception:  # a bug in a listener must not stop the market
                log.exception("simulator tick failed")

    async def serve_forever(self) -> None:
        """Run until cancelled (used by ``aries-async sim``)."""
        await asyncio.Event().wait()

    # -- tokens and faults ---------------------------------------------------------------------

    def issue_token(self, scopes: Iterable[str] | None = None, ttl: float | None = None) -> Token:
        """Mint a registered access + refresh token server-side (for fixtures and tests).

        Args:
            scopes: granted scopes (default: all).
            ttl: access-token lifetime (default: ``token_ttl``).
        """
        from aries_async.auth.tokens import Token

        body = self.auth.issue(scopes, ttl)
        # The client measures expiry on the wall clock, so the Token does too.
        return Token.from_response(body)

    def issue_token_response(
        self, scopes: Iterable[str] | None = None, ttl: float | None = None
    ) -> dict[str, Any]:
        """Like :meth:`issue_token` but returns the raw token-endpoint JSON body."""
        return self.auth.issue(scopes, ttl)

    def revoke_tokens(self, *, refresh_tokens: bool = False) -> int:
        """Revoke every access token now (the token-revocation fault); returns the count."""
        return self.auth.revoke_all(refresh_tokens=refresh_tokens)

    def publish_news(
        self, headline: str, *, symbols: Iterable[str] = (), topics: Iterable[str] = ()
    ) -> dict[str, Any]:
        """Send a news item to the account sockets subscribed to ``news`` whose filter it
        passes (no filter, or a symbol or topic in common); returns the item as sent."""
        return hub_of(self.app).topics.news(headline, symbols=list(symbols), topics=list(topics))

    def client_config(self, **overrides: Unpack[ConfigOptions]) -> ClientConfig:
        """A :class:`~aries_async.config.ClientConfig` pointing every URL at this simulator."""
        from aries_async.config import ClientConfig

        values: ConfigOptions = {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "redirect_uri": self.redirect_uri,
            **overrides,
        }
        return ClientConfig.for_base_url(self.base_url, **values)
