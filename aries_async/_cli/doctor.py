"""``aries-async doctor``: is this machine ready to trade? One row per check, what to do.

Checks, in order:

=====================  ========================================================================
``urls``               REST, token and both websocket URLs are well formed (``http(s)``,
                       ``ws(s)``); plain ``http``/``ws`` to a host other than this machine warns
``client credentials`` a client id is set (login and refresh need it); a client secret is set
                       (the refresh grant needs it). Secrets are never printed.
``token file``         the token file exists and only you can read it (mode 0600); a file that
                       the group or others may read warns (reading it makes it private)
``token expiry``       how long the access token lives and whether it can be refreshed
``scopes``             the granted scopes against those the SDK's features use (oauth.md §4)
``REST API``           an authenticated ``GET /v2/users/me/accounts``, with its latency
``market websocket``   the market socket opens and accepts the token (``authSuccess``)
``accounts websocket`` the same for the accounts socket
=====================  ========================================================================

Statuses: ``ok``; ``warn`` (works, but look at it); ``fail`` (something will not work);
``skip`` (could not be checked, for example no token to authenticate with). Every network check
has its own timeout (``--timeout``, 5 s by default) and no retries, so doctor never hangs.

Exit status: 0 when nothing failed (warnings allowed); otherwise the first that applies of
2 (a configuration check failed: fix the settings first), 3 (not signed in, or the server
refused the token or its scopes), 1 (a REST or websocket check failed: network, proxy, server).

``--json`` prints the rows as a list of objects with ``check``, ``status``, ``detail``, ``fix``
and ``kind`` (``config``, ``auth`` or ``network``: what a failure of that row means).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import stat
import sys
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import attrs

from aries_async._cli.common import (
    EXIT_API,
    EXIT_AUTH,
    EXIT_OK,
    EXIT_USAGE,
    emit,
    env_token,
    table,
)
from aries_async.auth.store import MemoryTokenStore, TokenStore
from aries_async.auth.tokens import CLIENT_CREDENTIALS, Token
from aries_async.config import ClientConfig, Endpoints, RetryPolicy
from aries_async.errors import (
    AriesError,
    AuthenticationError,
    AuthError,
    ConfigurationError,
    PermissionDeniedError,
)

__all__ = [
    "FEATURE_SCOPES",
    "Check",
    "add_arguments",
    "check_credentials",
    "check_expiry",
    "check_scopes",
    "check_token_file",
    "check_urls",
    "exit_status",
    "probe_websocket",
    "render",
    "run",
]

FEATURE_SCOPES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("accounts and balances", ("account:information",)),
    ("positions", ("position:information", "account:information")),
    ("orders and order history", ("order:information",)),
    ("placing, previewing and cancelling orders", ("order:execution",)),
    ("quotes, bars, search and the market stream", ("market:information",)),
    ("market status, holidays and option expirations", ("market:supplemental",)),
    ("the user profile", ("user:information",)),
    ("the account stream", ("account:information", "order:information")),
)
"""What each SDK feature needs: any one of the listed scopes suffices (oauth.md §4)."""

_LOGIN = "run: aries-async login"
_FIX_UNREADABLE = "make it a file you own (or pass --token-file), then run: aries-async login"
_LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@attrs.frozen
class Check:
    """One row of the report.

    Attributes:
        check: what was checked.
        status: ``ok``, ``warn``, ``fail`` or ``skip``.
        detail: what was found (never a secret).
        fix: what to do about it (empty when nothing).
        kind: what a failure means: ``config``, ``auth`` or ``network``.
    """

    check: str
    status: str
    detail: str
    fix: str = ""
    kind: str = "network"

    def to_json(self) -> dict[str, str]:
        """The row as a JSON object."""
        return attrs.asdict(self)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``doctor`` options."""
    parser.add_argument(
        "--timeout",
        type=float,
        default=5.0,
        help="seconds allowed for each network check (default 5)",
    )
    parser.add_argument("--json", action="store_true", help="the rows as a JSON list")


# -- configuration --------------------------------------------------------------------------------


def _url_problem(url: str, schemes: tuple[str, str]) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in schemes or not parts.hostname:
        return f"{url!r} is not a {schemes[1]}:// URL"
    return None


def check_urls(endpoints: Endpoints) -> Check:
    """Whether every URL is well formed; plain text to a remote host warns."""
    http = {"REST": endpoints.base_url, "token": endpoints.token_url}
    ws = {"market ws": endpoints.market_ws_url, "accounts ws": endpoints.accounts_ws_url}
    detail = "; ".join(f"{name} {url}" for name, url in {**http, **ws}.items())
    problems = [p for u in http.values() if (p := _url_problem(u, ("http", "https")))]
    problems += [p for u in ws.values() if (p := _url_problem(u, ("ws", "wss")))]
    if problems:
        return Check(
            "urls",
            "fail",
            "; ".join(problems),
            "set ARIES_BASE_URL (or ARIES_*_URL) to http(s):// and ws(s):// URLs",
            "config",
        )
    plain = [
        u
        for u in (*http.values(), *ws.values())
        if urlsplit(u).scheme in ("http", "ws") and urlsplit(u).hostname not in _LOCAL_HOSTS
    ]
    if plain:
        return Check(
            "urls",
            "warn",
            f"unencrypted: {', '.join(plain)}",
            "use https:// and wss:// for any host but this machine",
            "config",
        )
    return Check("urls", "ok", detail, "", "config")


def check_credentials(config: ClientConfig, *, token_from_env: bool) -> Check:
    """Client id and secret present (the secret itself is never shown)."""
    if not config.client_id:
        return Check(
            "client credentials",
            "warn" if token_from_env else "fail",
            "ARIES_CLIENT_ID is not set"
            + (" (ARIES_ACCESS_TOKEN is used; it cannot be refreshed)" if token_from_env else ""),
            "export ARIES_CLIENT_ID (and ARIES_CLIENT_SECRET) from the Aries Client Center",
            "config",
        )
    if not config.client_secret:
        return Check(
            "client credentials",
            "warn",
            f"client id {config.client_id}; no client secret: tokens cannot be refreshed",
            "export ARIES_CLIENT_SECRET for a confidential app (or sign in again when the "
            "token expires)",
            "config",
        )
    return Check(
        "client credentials",
        "ok",
        f"client id {config.client_id}; client secret set (not shown)",
        "",
        "config",
    )


# -- the token ---------------------------------------------------------------------------------


def check_token_file(path: Path, *, token_from_env: bool) -> Check:
    """The token file exists and is private (0600)."""
    if token_from_env:
        return Check(
            "token file",
            "skip",
            f"ARIES_ACCESS_TOKEN is set and used instead of {path}",
            "",
            "auth",
        )
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return Check(
            "token file", "fail", f"no token file at {path}: not signed in", _LOGIN, "auth"
        )
    except OSError as exc:
        return Check("token file", "fail", f"cannot read {path}: {exc.strerror}", _LOGIN, "auth")
    if sys.platform != "win32" and mode & 0o077:
        # Reading the token next makes the file private; the warning stays, since the token
        # may have been read meanwhile.
        return Check(
            "token file",
            "warn",
            f"{path} had mode {mode:04o}: the group or others could read your token; "
            "made it private (0600)",
            "if others may have read it, sign in again (aries-async login)",
            "auth",
        )
    return Check("token file", "ok", f"{path} (mode {mode:04o})", "", "auth")


def _span(seconds: float) -> str:
    seconds = abs(seconds)
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.0f} days"


def _utc(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def check_expiry(
    token: Token | None,
    *,
    now: float,
    skew: float = 60.0,
    token_from_env: bool = False,
    refreshed: bool = False,
    refresh_failed: bool = False,
) -> Check:
    """How long the access token lives and whether it can be refreshed.

    Args:
        token: the token as the store holds it after the network checks (None: no token).
        now: Unix seconds.
        skew: the client refreshes this many seconds before expiry.
        token_from_env: the token came from ``ARIES_ACCESS_TOKEN`` (its expiry is unknown).
        refreshed: the network checks refreshed it.
        refresh_failed: the network checks needed a refresh and were refused.
    """
    name = "token expiry"
    if token_from_env:
        return Check(
            name,
            "skip",
            "ARIES_ACCESS_TOKEN: expiry unknown (the REST check shows if it works)",
            "",
            "auth",
        )
    if token is None:
        return Check(name, "skip", "no token", _LOGIN, "auth")
    prefix = "refreshed by this check; " if refreshed else ""
    left = token.seconds_left(now)
    refresh_left = None if token.refresh_expires_at is None else token.refresh_expires_at - now
    if left is not None and token.needs_refresh(now, skew):
        if not token.renewable:
            return Check(
                name,
                "fail",
                f"expired at {_utc(now + left)} and there is no refresh token",
                _LOGIN,
                "auth",
            )
        if refresh_failed:
            return Check(
                name, "fail", "expired, and the refresh was refused: sign in again", _LOGIN, "auth"
            )
        if refresh_left is not None and refresh_left <= 0:
            return Check(
                name,
                "fail",
                f"expired, and the refresh token expired at {_utc(now + refresh_left)}",
                _LOGIN,
                "auth",
            )
        when = f"expired {_span(-left)} ago" if left <= 0 else f"expires in {_span(left)}"
        return Check(name, "warn", f"{when}; it will be refreshed on the next call", "", "auth")
    lives = (
        "does not expire" if left is None else f"valid for {_span(left)} (until {_utc(now + left)})"
    )
    if token.grant_type == CLIENT_CREDENTIALS:
        return Check(
            name,
            "ok",
            f"{prefix}{lives}; an app token, renewed with the client credentials",
            "",
            "auth",
        )
    if not token.can_refresh:
        return Check(
            name,
            "warn",
            f"{prefix}{lives}; no refresh token: it dies then",
            "sign in again before it expires (aries-async login)",
            "auth",
        )
    if refresh_left is not None and refresh_left < 3 * 86400:
        return Check(
            name,
            "warn",
            f"{prefix}{lives}; the refresh token ends in {_span(refresh_left)}",
            "aries-async login before then",
            "auth",
        )
    until = "" if refresh_left is None else f" for {_span(refresh_left)}"
    return Check(name, "ok", f"{prefix}{lives}; refreshable{until}", "", "auth")


def check_scopes(
    token: Token | None, *, token_from_env: bool = False, requested: Sequence[str] = ()
) -> Check:
    """The granted scopes against :data:`FEATURE_SCOPES`."""
    name = "scopes"
    if token_from_env or token is None:
        why = "ARIES_ACCESS_TOKEN carries no scope list" if token_from_env else "no token"
        return Check(name, "skip", why, "", "auth")
    granted = token.scopes
    if not granted:
        return Check(
            name, "warn", "the token lists no scopes, so they cannot be compared", "", "auth"
        )
    missing = [(f, s) for f, s in FEATURE_SCOPES if not granted.intersection(s)]
    if not missing:
        needed = {s for _, scopes in FEATURE_SCOPES for s in scopes}
        extra = len(granted - needed)
        more = f" (+{extra} more)" if extra else ""
        return Check(name, "ok", f"every scope the SDK uses is granted{more}", "", "auth")
    wanted = sorted({scopes[0] for _, scopes in missing})
    lacks = "; ".join(f"{scopes[0]} for {features}" for features, scopes in missing)
    in_request = set(requested)
    hint = (
        "add them to ARIES_SCOPES, then aries-async login"
        if in_request and not in_request.issuperset(wanted)
        else "aries-async login (it asks for every scope the SDK uses)"
    )
    return Check(name, "warn", f"not granted: {lacks}", hint, "auth")


# -- the network -------------------------------------------------------------------------------


def _ms(start: float) -> str:
    return f"{(time.perf_counter() - start) * 1000:.0f} ms"


def _rest_failure(exc: BaseException, base_url: str) -> Check:
    name = "REST API"
    if isinstance(exc, PermissionDeniedError):
        scope = f": missing scope {exc.missing_scope}" if exc.missing_scope else ""
        return Check(
            name,
            "fail",
            f"HTTP 403{scope}",
            "aries-async login (the default asks for every scope)",
            "auth",
        )
    if isinstance(exc, (AuthError, AuthenticationError)):
        return Check(name, "fail", f"the token was refused: {exc}", _LOGIN, "auth")
    timed_out = isinstance(exc, asyncio.TimeoutError)
    what = "no answer in time" if timed_out else f"{type(exc).__name__}: {exc}"
    return Check(
        name,
        "fail",
        f"{base_url}: {what}",
        "check ARIES_BASE_URL, the network, a proxy or firewall; then try again",
        "network",
    )


async def _rest_call(client: Any, signed_in: bool, timeout: float) -> int | None:
    """The number of accounts, or None when not signed in (then only reachability is probed)."""
    if not signed_in:
        with contextlib.suppress(AuthenticationError):  # the answer expected without a token
            await client.request("GET", "/v2/users/me/accounts", authenticated=False)
        return None
    with client.timeout(timeout):
        return len(await client.accounts.list())


async def _check_rest(client: Any, signed_in: bool, timeout: float) -> Check:
    base = client.config.endpoints.base_url
    start = time.perf_counter()
    try:
        count = await asyncio.wait_for(_rest_call(client, signed_in, timeout), timeout + 1)
    except (TimeoutError, AriesError) as exc:
        return _rest_failure(exc, base)
    latency = _ms(start)
    if count is None:
        return Check(
            "REST API",
            "skip",
            f"{base} answered in {latency}; not signed in, so no authenticated call",
            _LOGIN,
            "auth",
        )
    slow = time.perf_counter() - start > 2.0
    return Check(
        "REST API",
        "warn" if slow else "ok",
        f"GET /v2/users/me/accounts: {count} account(s) in {latency}",
        "slow: check the network or proxy" if slow else "",
    )


async def _handshake(name: str, url: str, token: str | None, timeout: float) -> Check:
    from websockets.asyncio.client import connect

    from aries_async.models.events import AuthFailure, AuthSuccess, ServerErrorMessage
    from aries_async.streaming.protocol import Decoder, encode_auth

    start = time.perf_counter()
    async with connect(url, open_timeout=timeout, ping_interval=None) as ws:
        opened = _ms(start)
        if token is None:
            return Check(
                name,
                "skip",
                f"{url} opened in {opened}; not signed in, so no authentication",
                _LOGIN,
                "auth",
            )
        await ws.send(encode_auth(token, "doctor-auth"))
        decoder = Decoder()
        while True:
            for message in decoder.feed(await ws.recv()):
                if isinstance(message, AuthSuccess):
                    return Check(
                        name, "ok", f"{url} opened in {opened}, authenticated in {_ms(start)}"
                    )
                if isinstance(message, (AuthFailure, ServerErrorMessage)):
                    return Check(
                        name, "fail", f"{url} refused the token: {message.error}", _LOGIN, "auth"
                    )


async def probe_websocket(name: str, url: str, token: str | None, timeout: float) -> Check:
    """Open ``url``, send the auth request and wait for ``authSuccess``, within ``timeout``.

    Args:
        name: the row's title.
        url: the ``ws(s)://`` URL.
        token: the access token (None: only open the socket).
        timeout: seconds for the whole probe.

    Returns:
        ``ok`` once authenticated; ``skip`` when only the socket was opened (no token);
        ``fail`` for a refusal (kind ``auth``), a malformed URL (``config``) or no connection
        or answer in time (``network``).
    """
    from websockets.exceptions import InvalidURI, WebSocketException

    try:
        return await asyncio.wait_for(_handshake(name, url, token, timeout), timeout)
    except InvalidURI as exc:
        return Check(name, "fail", str(exc), "fix the URL", "config")
    except TimeoutError:
        detail = f"{url}: no answer within {timeout:g} s"
    except (OSError, WebSocketException) as exc:
        detail = f"{url}: {type(exc).__name__}: {exc}"
    return Check(
        name,
        "fail",
        detail,
        "check the websocket URL (ARIES_BASE_URL or ARIES_*_WS_URL), proxy and firewall",
    )


async def _check_websockets(client: Any, signed_in: bool, timeout: float) -> list[Check]:
    endpoints = client.config.endpoints
    token: str | None = None
    if signed_in:
        try:
            token = await asyncio.wait_for(client.auth.access_token(), timeout)
        except (TimeoutError, AriesError) as exc:
            why = f"no usable token ({type(exc).__name__})"
            return [
                Check(n, "skip", why, _LOGIN, "auth")
                for n in ("market websocket", "accounts websocket")
            ]
    market, accounts = await asyncio.gather(
        probe_websocket("market websocket", endpoints.market_ws_url, token, timeout),
        probe_websocket("accounts websocket", endpoints.accounts_ws_url, token, timeout),
    )
    return [market, accounts]


# -- report ------------------------------------------------------------------------------------


def exit_status(checks: Iterable[Check]) -> int:
    """0 without failures; else 2 (config), 3 (auth) or 1 (network), in that order."""
    failed = {c.kind for c in checks if c.status == "fail"}
    if "config" in failed:
        return EXIT_USAGE
    if "auth" in failed:
        return EXIT_AUTH
    return EXIT_API if failed else EXIT_OK


def render(checks: Sequence[Check]) -> str:
    """The report as a text table followed by a one-line summary."""
    rows = [
        [c.check, c.status.upper() if c.status in ("warn", "fail") else c.status, c.detail, c.fix]
        for c in checks
    ]
    counts = {s: sum(c.status == s for c in checks) for s in ("ok", "warn", "fail", "skip")}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n or s in ("ok", "fail"))
    headings = ["CHECK", "STATUS", "DETAIL", "WHAT TO DO"]
    return table(headings, rows, wrap={2: 64, 3: 48}) + f"\n\n{summary}"


async def _collect(args: argparse.Namespace) -> list[Check]:
    from aries_async.auth.filestore import FileTokenStore
    from aries_async.client import AriesClient

    timeout = args.timeout
    try:
        config = ClientConfig.from_env(
            timeout=timeout, connect_timeout=timeout, retry=RetryPolicy(max_attempts=1)
        )
    except ConfigurationError as exc:
        return [
            Check(
                "configuration",
                "fail",
                str(exc),
                "fix the ARIES_* environment variable named",
                "config",
            )
        ]
    override = env_token()
    from_env = override is not None
    file_store = FileTokenStore(args.token_file)
    checks = [
        check_urls(config.endpoints),
        check_credentials(config, token_from_env=from_env),
        check_token_file(file_store.path, token_from_env=from_env),
    ]
    store: TokenStore = MemoryTokenStore(override) if override is not None else file_store
    try:
        signed_in = await store.load() is not None
    except ConfigurationError as exc:  # there but unreadable: go on as if not signed in
        checks[-1] = Check("token file", "fail", str(exc), _FIX_UNREADABLE, "auth")
        store, signed_in = MemoryTokenStore(), False
    if not signed_in and checks[-1].status != "fail" and not from_env:
        checks[-1] = Check(
            "token file", "fail", f"{file_store.path} does not hold a saved token", _LOGIN, "auth"
        )
    async with AriesClient(config, token_store=store) as client:
        rest, sockets = await asyncio.gather(
            _check_rest(client, signed_in, timeout),
            _check_websockets(client, signed_in, timeout),
        )
        refreshed = client.auth.refreshes > 0
    token = await store.load()
    checks.append(
        check_expiry(
            token,
            now=time.time(),
            skew=config.refresh_skew,
            token_from_env=from_env,
            refreshed=refreshed,
            refresh_failed=rest.status == "fail" and rest.kind == "auth",
        )
    )
    checks.append(check_scopes(token, token_from_env=from_env, requested=config.scopes))
    return [*checks, rest, *sockets]


async def run(args: argparse.Namespace) -> int:
    """Run every check, print the report, return the exit status (see the module docstring)."""
    if not args.timeout > 0:
        raise ConfigurationError("--timeout must be positive")
    checks = await _collect(args)
    emit([c.to_json() for c in checks], args.json, render(checks))
    return exit_status(checks)
