"""``aries-async doctor``: is this machine ready to trade? One row per check, what to do.

Checks, in order:

=====================  ========================================================================
``urls``               REST, token and the three websocket URLs are well formed (``http(s)``,
                       ``ws(s)``, with a host): a malformed one fails this row, naming its
                       variable, and nothing else is checked; plain ``http``/``ws`` to a host
                       other than this machine warns
``client credentials`` a client id is set (login and refresh need it); a client secret is set
                       (the refresh grant needs it). Secrets are never printed.
``token file``         the token file exists and only you can read it (mode 0600); a file that
                       the group or others may read warns (reading it makes it private)
``token directory``    the token file's directory is yours alone: one the group or others may
                       write to fails (they could replace the token), one they may list warns;
                       either names the ``chmod`` that fixes it (doctor does not change it)
``token expiry``       how long the access token lives and whether it can be refreshed
``scopes``             the granted scopes against those the SDK's features use (oauth.md §4)
``REST API``           an authenticated ``GET /v2/users/me/accounts``, with its latency
``market websocket``   the market socket opens and accepts the token (``authSuccess``)
``accounts websocket`` the same for the accounts socket
``charts websocket``   the same for the charts socket
=====================  ========================================================================

Statuses: ``ok``; ``warn`` (works, but look at it); ``fail`` (something will not work);
``skip`` (could not be checked, for example no token to authenticate with). Every network check
has its own timeout (``--timeout``, 5 s by default) and no retries, so doctor never hangs.

Exit status: 0 when nothing failed (warnings allowed); otherwise the first that applies of
2 (a configuration check failed: fix the settings first), 3 (not signed in, or the server
refused the token or its scopes), 1 (a REST or websocket check failed: network, proxy, server).

The checks of the settings and the token are in :mod:`~aries_async._cli.doctor_checks`, those of
the network in :mod:`~aries_async._cli.doctor_network`; this module runs them and reports.

``--json`` prints the rows as a list of objects with ``check``, ``status``, ``detail``, ``fix``
and ``kind`` (``config``, ``auth`` or ``network``: what a failure of that row means).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import time
from collections.abc import Iterable, Sequence

import attrs

from aries_async._cli.common import (
    ENV_SIGN_IN_FIX,
    EXIT_API,
    EXIT_AUTH,
    EXIT_OK,
    EXIT_USAGE,
    emit,
    env_token,
    finite_seconds,
    table,
)
from aries_async._cli.doctor_checks import (
    FEATURE_SCOPES,
    LOGIN_FIX,
    Check,
    check_credentials,
    check_expiry,
    check_scopes,
    check_token_dir,
    check_token_file,
    check_urls,
)
from aries_async._cli.doctor_network import check_rest, check_websockets, probe_websocket
from aries_async.auth.store import MemoryTokenStore, TokenStore
from aries_async.config import ClientConfig, RetryPolicy
from aries_async.errors import ConfigurationError, StoreUnavailableError

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

_FIX_UNREADABLE = "make it a file you own (or pass --token-file), then run: aries-async login"
_FIX_FAILING = "check the disk or the file system it is on, then run the doctor again"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``doctor`` options."""
    parser.add_argument(
        "--timeout",
        type=finite_seconds,  # a check that may never end would defeat doctor's promise
        default=5.0,
        help="seconds allowed for each network check (default 5)",
    )
    parser.add_argument("--json", action="store_true", help="the rows as a JSON list")


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
        setting = exc.setting or ""
        if setting.endswith("_URL"):
            scheme = "ws(s)" if setting.endswith("_WS_URL") else "http(s)"
            fix = f"set {setting} to a full URL: {scheme}://host[:port][/path]"
            return [Check("urls", "fail", str(exc), fix, "config")]
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
    directory_row = check_token_dir(file_store.path, token_from_env=from_env)
    store: TokenStore = MemoryTokenStore(override) if override is not None else file_store
    try:
        signed_in = await store.load() is not None
    except (ConfigurationError, StoreUnavailableError) as exc:  # there but unreadable: go on
        fix = _FIX_FAILING if isinstance(exc, StoreUnavailableError) else _FIX_UNREADABLE
        checks[-1] = Check("token file", "fail", str(exc), fix, "auth")  # as if not signed in
        store, signed_in = MemoryTokenStore(), False
    if not signed_in and checks[-1].status != "fail" and not from_env:
        checks[-1] = Check(
            "token file",
            "fail",
            f"{file_store.path} does not hold a saved token",
            LOGIN_FIX,
            "auth",
        )
    async with AriesClient(config, token_store=store) as client:
        rest, sockets = await asyncio.gather(
            check_rest(client, signed_in, timeout),
            check_websockets(client, signed_in, timeout),
        )
        refreshed = client.auth.refreshes > 0
    checks.append(directory_row)
    try:
        token = await store.load()
    except (ConfigurationError, StoreUnavailableError) as exc:  # it failed since: a diagnosis
        fix = _FIX_FAILING if isinstance(exc, StoreUnavailableError) else _FIX_UNREADABLE
        token, expiry = None, Check("token expiry", "fail", str(exc), fix, "auth")
    else:
        expiry = check_expiry(
            token,
            now=time.time(),
            skew=config.refresh_skew,
            token_from_env=from_env,
            refreshed=refreshed,
            refresh_failed=rest.status == "fail" and rest.kind == "auth",
        )
    checks.append(expiry)
    checks.append(check_scopes(token, token_from_env=from_env, requested=config.scopes))
    checks += [rest, *sockets]
    if from_env:
        checks = [attrs.evolve(c, fix=ENV_SIGN_IN_FIX) if c.fix == LOGIN_FIX else c for c in checks]
    return checks


async def run(args: argparse.Namespace) -> int:
    """Run every check, print the report, return the exit status (see the module docstring)."""
    if not (args.timeout > 0 and math.isfinite(args.timeout)):  # a Namespace built by hand
        raise ConfigurationError("--timeout must be a positive, finite number of seconds")
    checks = await _collect(args)
    emit([c.to_json() for c in checks], args.json, render(checks))
    return exit_status(checks)
