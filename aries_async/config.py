"""Client settings: URLs (production by default), credentials, timeouts, pool and retry policy."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Unpack, cast
from urllib.parse import urlsplit

import attrs

from aries_async._settings import (
    Seconds,
    as_float,
    attempt_timeout_setting,
    count_setting,
    credential_setting,
    fraction_setting,
    optional_as_float,
    scope_names,
    scopes_setting,
    seconds_setting,
    text_setting,
)
from aries_async._url_secrets import masked
from aries_async._validate import printable
from aries_async.errors import ConfigurationError
from aries_async.rate_limit import RateLimit, rate_limit_setting

if TYPE_CHECKING:
    from aries_async.client_options import ConfigOptions, ConfigOverrides

__all__ = [
    "DEFAULT_SCOPES",
    "PRODUCTION",
    "ClientConfig",
    "Endpoints",
    "RateLimit",
    "RetryPolicy",
    "Seconds",
    "scope_names",
]

DEFAULT_SCOPES: tuple[str, ...] = (
    "user:information",
    "account:information",
    "position:information",
    "order:information",
    "order:execution",
    "market:information",
    "market:supplemental",
)
"""Scopes the quickstart path needs: accounts, positions, orders, quotes, market status."""


_WEB = ("http", "https")
_SOCKET = ("ws", "wss")

_URL_FIELDS: dict[str, tuple[str, tuple[str, str]]] = {
    "base_url": ("ARIES_BASE_URL", _WEB),
    "authorize_url": ("ARIES_AUTHORIZE_URL", _WEB),
    "token_url": ("ARIES_TOKEN_URL", _WEB),
    "market_ws_url": ("ARIES_MARKET_WS_URL", _SOCKET),
    "accounts_ws_url": ("ARIES_ACCOUNTS_WS_URL", _SOCKET),
    "charts_ws_url": ("ARIES_CHARTS_WS_URL", _SOCKET),
}
"""Endpoint field -> the variable that sets it, and the schemes it takes (``base_url``'s
variable sets every URL on its host: :meth:`ClientConfig.from_env`)."""


def _url_problem(url: str, schemes: tuple[str, str]) -> str | None:
    """What is wrong with ``url`` as a URL of one of ``schemes``, or None when nothing is."""
    # Plain http and ws stay allowed: the simulator and test servers serve them on loopback.
    if not printable(url):
        return "contains a space or a control character"
    expected = f"{schemes[1]}://... (or {schemes[0]}:// for a local server)"
    if "://" not in url:
        return f"has no scheme: write it as {schemes[1]}://{url.lstrip(':/')}"
    scheme = url.split("://", 1)[0].lower()
    if scheme not in schemes:
        return f"has the scheme {scheme!r}, not {schemes[0]} or {schemes[1]}: expected {expected}"
    if "@" in url:
        # Before the host and port are read: a password written unescaped may hold "/", and
        # a parser then takes its start for the host and port and the rest for the path.
        # aiohttp and websockets would send credentials as basic auth beside the bearer token.
        return "has a user name or password before its host: credentials never go in a URL"
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # an unclosed IPv6 bracket, say
        return f"is not a well-formed URL ({exc})"
    if not parts.hostname:
        return f"has no host: expected {expected}"
    try:
        parts.port  # noqa: B018 - reading it checks it
    except ValueError:
        return "has a port that is not a number from 0 to 65535"
    if "?" in url or "#" in url:
        # Paths are appended to these URLs and queries built by the client: one written in
        # never reached the server as meant, and may hold a key.
        return "has a query or a fragment: endpoint URLs take none (keys go in the settings)"
    return None


def _check_url(url: str, setting: str, schemes: tuple[str, str]) -> None:
    """Raise a :class:`ConfigurationError` naming ``setting`` when ``url`` is not usable. The
    message quotes the URL with any password in it masked: errors get logged."""
    problem = _url_problem(url, schemes)
    if problem is not None:
        shown = masked(url)
        # The "no scheme" advice quotes the URL without its leading colons and slashes.
        told = problem.replace(url, shown).replace(url.lstrip(":/"), shown.lstrip(":/"))
        raise ConfigurationError(f"{setting}={shown!r} {told}", setting=setting)


@attrs.frozen(kw_only=True)
class Endpoints:
    """Every URL the client talks to.

    ``market_ws_url`` is at the current path, ``/v1/market/ws``; older pages of the docs name
    ``/v1/marketdata/ws`` (websocket.md 10.9): for a server there, set this URL (or
    ``ARIES_MARKET_WS_URL``) to it, the socket is the same.

    Each URL is checked when the endpoints are built: ``base_url``, ``authorize_url`` and
    ``token_url`` must be ``http(s)://`` URLs with a host, the three websocket URLs
    ``ws(s)://`` ones, and none may hold a ``user:password@`` part (it would be sent as basic
    auth beside the token), a query or a fragment.

    Raises:
        ConfigurationError: a URL has no scheme, another scheme, no host, a bad port,
            credentials, a query or a fragment; its ``setting`` is the argument's name.
    """

    base_url: str = "https://api.aries.com"
    authorize_url: str = "https://app.aries.com/oauth2/authorize"
    token_url: str = "https://api.aries.com/v1/oauth2/token"  # noqa: S105
    market_ws_url: str = "wss://api.aries.com/v1/market/ws"
    accounts_ws_url: str = "wss://api.aries.com/v1/accounts/ws"
    charts_ws_url: str = "wss://api.aries.com/v1/charts/ws"

    def __attrs_post_init__(self) -> None:
        for field, (_, schemes) in _URL_FIELDS.items():
            _check_url(getattr(self, field), field, schemes)


PRODUCTION = Endpoints()
"""The production Aries endpoints."""


def _endpoints_at(base_url: str, setting: str) -> Endpoints:
    """Every URL on the host of ``base_url`` (see :meth:`ClientConfig.for_base_url`), which
    is checked first so that its error names ``setting``, not a URL made from it."""
    _check_url(base_url, setting, _WEB)
    base = base_url.rstrip("/")
    scheme, rest = base.split("://", 1)
    ws_base = ("wss://" if scheme.lower() == "https" else "ws://") + rest
    return Endpoints(
        base_url=base,
        authorize_url=f"{base}/oauth2/authorize",
        token_url=f"{base}/v1/oauth2/token",
        market_ws_url=f"{ws_base}/v1/market/ws",
        accounts_ws_url=f"{ws_base}/v1/accounts/ws",
        charts_ws_url=f"{ws_base}/v1/charts/ws",
    )


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """When and how long to retry: the one backoff of HTTP retries, stream reconnects
    (:attr:`StreamConfig.retry_policy <aries_async.streaming.StreamConfig.retry_policy>`) and
    the account stream's order lookups. :meth:`delay` is its one backoff rule. Every field is
    checked when built (seconds finite and >= 0): :class:`ConfigurationError` names it.

    Attributes:
        max_attempts: total attempts including the first (1 disables retries). Attempts
            answered 429 are not counted while retries are on: the server did not process
            them and asked us to wait, so a rate-limited call keeps backing off for as long
            as its timeout allows (a few attempts a minute once the backoff reaches
            ``max_backoff``). Order writes are never retried, 429 or not.
        initial_backoff: the first wait, in seconds; it grows by ``multiplier`` per attempt.
        max_backoff: the cap of one computed wait.
        multiplier: exponential growth factor.
        jitter: fraction of the wait that is randomised (0.25 -> the wait is 75% to 100%).
        retry_after_cap: the longest ``Retry-After`` we honour; a longer one raises instead.
            A shorter one than the backoff does not shorten it: a retry waits the larger of
            the two.
        retry_statuses: statuses retried on idempotent calls (a set of ints 100..599).
    """

    max_attempts: int = 4
    initial_backoff: float = attrs.field(default=0.5, converter=as_float)
    max_backoff: float = attrs.field(default=8.0, converter=as_float)
    multiplier: float = attrs.field(default=2.0, converter=as_float)
    jitter: float = attrs.field(default=0.25, converter=as_float)
    retry_after_cap: float = attrs.field(default=30.0, converter=as_float)
    retry_statuses: frozenset[int] = frozenset({408, 429, 500, 502, 503, 504})

    def __attrs_post_init__(self) -> None:
        count_setting(self.max_attempts, "RetryPolicy.max_attempts")
        for name in ("initial_backoff", "max_backoff", "retry_after_cap"):
            seconds_setting(getattr(self, name), f"RetryPolicy.{name}", zero=True)
        seconds_setting(self.multiplier, "RetryPolicy.multiplier", minimum=1)
        fraction_setting(self.jitter, "RetryPolicy.jitter")
        statuses = self.retry_statuses
        if not isinstance(statuses, (set, frozenset)) or not all(
            type(status) is int and 100 <= status <= 599 for status in statuses
        ):
            raise ConfigurationError(
                "RetryPolicy.retry_statuses must be a set of HTTP statuses (ints 100..599), "
                f"got {statuses!r:.80}",
                setting="RetryPolicy.retry_statuses",
            )

    def delay(self, attempt: int, rand: float) -> float:
        """The wait before retry number ``attempt`` (1: the first retry), ``rand`` uniform in
        [0, 1): ``initial_backoff * multiplier ** (attempt - 1)``, at most ``max_backoff``,
        shortened by up to ``jitter`` of itself.

        Jitter only shortens a wait, so ``max_backoff`` bounds every one of them.

        Example:
            >>> policy = RetryPolicy(initial_backoff=1.0, max_backoff=8.0, jitter=0.25)
            >>> [policy.delay(n, 0.0) for n in range(1, 6)], policy.delay(1, 0.5)
            ([1.0, 2.0, 4.0, 8.0, 8.0], 0.875)
        """
        if self.initial_backoff <= 0:
            return 0.0
        try:
            growth = float(self.multiplier) ** (attempt - 1)
        except OverflowError:  # after a thousand failures in a row (a stream that never gives up)
            growth = math.inf
        return min(self.max_backoff, self.initial_backoff * growth) * (1.0 - self.jitter * rand)


@attrs.frozen(kw_only=True)
class ClientConfig:
    """Everything an :class:`~aries_async.AriesClient` needs besides its token store.

    Attributes:
        client_id: the OAuth client id of your app.
        client_secret: the client secret (confidential apps); not needed with PKCE.
        app_token: with ``client_id`` and ``client_secret``, a client with no token gets an
            app token (client credentials, the server's default scopes) by itself at its first
            call, as finance-dev's does; off, an empty store means "not signed in".
        redirect_uri: the redirect URI registered for your app.
        scopes: scopes requested by the login flow: names without spaces, or one string of them.
        endpoints: the URLs; production by default.
        timeout: the time budget of one call, in seconds: every attempt, the waits between
            them (backoff, ``Retry-After``) and the reading of the body included. A retry
            whose wait would end past the budget is not made: the last failure is raised.
            ``client.timeout(...)`` and ``request(timeout=...)`` set it per call.
        attempt_timeout: the longest one attempt may take, in seconds: at most ``timeout``
            (None: all of what is left). Below it leaves time to retry a hung attempt; a
            refresh's or code exchange's are not cut (a retry would be refused).
        connect_timeout: timeout for opening a connection (within the attempt's time).
        pool_size: maximum simultaneous connections (hundreds of concurrent calls are fine).
        pool_size_per_host: per-host limit (0: same as pool_size).
        retry: the retry policy for idempotent calls.
        refresh_skew: refresh a token this many seconds before it expires (one the client
            cannot renew, an access token alone, is used until it expires).
        quote_chunk_size: symbols per ``/v1/chart/quotes`` request in ``market.quotes()``.
        max_response_bytes: the largest response body read, in bytes (after decompression);
            a larger one raises :class:`~aries_async.errors.ResponseTooLargeError` as soon as
            it is announced or read that far. The default, 64 MiB, is many times the largest
            documented payload (a full option chain or a long range of bars).
        offload_parse_bytes: bodies of at least this many bytes are decoded (and turned into
            models) in a worker thread, so that the event loop is not blocked meanwhile. The
            default, 32 KiB, keeps each parse on the loop to a few milliseconds: decoding
            JSON costs about a nanosecond a byte, but building models (bars, orders) some
            200 ns a byte.
        user_agent: the User-Agent header.
        rate_limit: the request budget (a :class:`RateLimit`, or a number of calls a second);
            None: calls are sent as they come, and the server's 429s (retried with backoff)
            pace them. Set it whenever a bot fans out many calls at once: they then wait for
            their turns instead of being refused. Shared by a fleet when the client is given
            a shared ``rate_budget`` (:class:`~aries_async.http.budget_redis.RedisRateBudget`).

    Raises:
        ConfigurationError: naming the field (``setting``): seconds not finite and above 0
            (``refresh_skew``: at least 0; ``attempt_timeout``: at most ``timeout``), a count
            not an int, a text or scope with a control character, a ``rate_limit`` refused
            (:class:`~aries_async.errors.ConfigurationValueError`, a ``ValidationError`` too).
    """

    client_id: str | None = None
    client_secret: str | None = attrs.field(default=None, repr=False)
    app_token: bool = False
    redirect_uri: str | None = None
    scopes: tuple[str, ...] = attrs.field(default=DEFAULT_SCOPES, converter=scopes_setting)
    endpoints: Endpoints = PRODUCTION
    timeout: float = attrs.field(default=30.0, converter=as_float)
    attempt_timeout: float | None = attrs.field(default=None, converter=optional_as_float)
    connect_timeout: float = attrs.field(default=10.0, converter=as_float)
    pool_size: int = 256
    pool_size_per_host: int = 0
    retry: RetryPolicy = RetryPolicy()
    refresh_skew: float = attrs.field(default=60.0, converter=as_float)
    quote_chunk_size: int = 100
    max_response_bytes: int = 64 * 2**20
    offload_parse_bytes: int = 32 * 2**10
    user_agent: str = "aries-async/0.1.0"
    rate_limit: RateLimit | None = attrs.field(default=None, converter=rate_limit_setting)

    def __attrs_post_init__(self) -> None:
        # An infinite timeout cannot be scheduled (aiohttp rounds its deadline to an int).
        for name in ("timeout", "connect_timeout"):
            seconds_setting(getattr(self, name), name)
        attempt_timeout_setting(self.attempt_timeout, self.timeout)
        seconds_setting(self.refresh_skew, "refresh_skew", zero=True)
        for name in ("pool_size", "quote_chunk_size", "max_response_bytes"):
            count_setting(getattr(self, name), name)
        for name in ("pool_size_per_host", "offload_parse_bytes"):
            count_setting(getattr(self, name), name, minimum=0)
        if not isinstance(self.app_token, bool):
            raise ConfigurationError(
                f"app_token must be True or False, got {self.app_token!r:.80}", setting="app_token"
            )
        if not isinstance(self.retry, RetryPolicy):
            raise ConfigurationError(
                f"retry must be a RetryPolicy, got {self.retry!r:.80}", setting="retry"
            )
        text_setting(self.user_agent, "user_agent", spaces=True)
        if self.redirect_uri is not None:
            text_setting(self.redirect_uri, "redirect_uri")
        for name in ("client_id", "client_secret"):
            credential_setting(getattr(self, name), name)
        if self.app_token and not (self.client_id and self.client_secret):
            raise ConfigurationError("app_token needs the client_id and the client_secret")

    @classmethod
    def for_base_url(cls, base_url: str, **kwargs: Unpack[ConfigOptions]) -> ClientConfig:
        """Settings whose every URL lives on one host (the simulator, a proxy, a test server).

        ``http://127.0.0.1:8080`` gives REST there, the token URL at ``/v1/oauth2/token``, the
        authorize page at ``/oauth2/authorize`` and the websockets on ``ws://`` at the same host.

        Raises:
            ConfigurationError: ``base_url`` is not an ``http(s)://`` URL with a host (no
                scheme, another scheme...): the message says which, ``setting`` is
                ``"base_url"``.
        """
        return cls(endpoints=_endpoints_at(base_url, "base_url"), **kwargs)

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, **overrides: Unpack[ConfigOverrides]
    ) -> ClientConfig:
        """Read settings from the environment.

        Variables: ``ARIES_CLIENT_ID``, ``ARIES_CLIENT_SECRET``, ``ARIES_APP_TOKEN`` (``1`` or
        ``0``: ``app_token``), ``ARIES_REDIRECT_URI``,
        ``ARIES_SCOPES`` (scopes and scope groups such as ``analytics`` or ``all``, space or
        comma separated: :data:`~aries_async.auth.scopes.SCOPE_GROUPS`), ``ARIES_BASE_URL``
        (moves every URL to that host, as :meth:`for_base_url`), then ``ARIES_AUTHORIZE_URL``,
        ``ARIES_TOKEN_URL``, ``ARIES_MARKET_WS_URL``, ``ARIES_ACCOUNTS_WS_URL``,
        ``ARIES_CHARTS_WS_URL`` for single URLs, ``ARIES_TIMEOUT``, ``ARIES_CONNECT_TIMEOUT``,
        ``ARIES_POOL_SIZE`` and ``ARIES_MAX_ATTEMPTS`` (attempts of a retried call, the first
        included; 1 turns retries off) and ``ARIES_RATE_LIMIT`` (calls a second, see
        :class:`RateLimit`). Keyword overrides win.

        Raises:
            ConfigurationError: a value cannot be read; ``setting`` names its variable (a URL
                without a scheme, with another scheme or no host, say).
        """
        env = os.environ if env is None else env
        base_url = env.get("ARIES_BASE_URL")
        endpoints = _endpoints_at(base_url, "ARIES_BASE_URL") if base_url else PRODUCTION
        changes = {}
        for field, (key, schemes) in _URL_FIELDS.items():
            if field != "base_url" and env.get(key):
                _check_url(env[key], key, schemes)
                changes[field] = env[key]
        if changes:
            endpoints = attrs.evolve(endpoints, **changes)
        from aries_async._config_env import env_settings  # the command line's, not a quote's

        for key in ("ARIES_CLIENT_ID", "ARIES_CLIENT_SECRET"):
            credential_setting(env.get(key), key)
        if env.get("ARIES_REDIRECT_URI"):
            text_setting(env["ARIES_REDIRECT_URI"], "ARIES_REDIRECT_URI")
        values: dict[str, object] = {
            "client_id": env.get("ARIES_CLIENT_ID") or None,
            "client_secret": env.get("ARIES_CLIENT_SECRET") or None,
            "redirect_uri": env.get("ARIES_REDIRECT_URI") or None,
            "endpoints": endpoints,
            **env_settings(env),
        }
        attempts = values.pop("max_attempts", None)
        if attempts is not None:
            values["retry"] = RetryPolicy(max_attempts=cast(int, attempts))
        values.update(overrides)
        from_env = "app_token" not in overrides and values.get("app_token")
        if from_env and not (values["client_id"] and values["client_secret"]):
            raise ConfigurationError(
                f"ARIES_APP_TOKEN={env['ARIES_APP_TOKEN']!r} needs ARIES_CLIENT_ID and "
                "ARIES_CLIENT_SECRET",
                setting="ARIES_APP_TOKEN",
            )
        return cls(**values)  # type: ignore[arg-type]
