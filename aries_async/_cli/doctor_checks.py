"""The checks of ``aries-async doctor`` that read the settings and the saved token: no network.

Each returns one :class:`Check` row (see :mod:`aries_async._cli.doctor` for the report).
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import attrs

from aries_async._cli.common import LOGIN_FIX
from aries_async.auth.token_dir import directory_exposure
from aries_async.auth.tokens import CLIENT_CREDENTIALS, Token
from aries_async.config import ClientConfig, Endpoints

__all__ = [
    "FEATURE_SCOPES",
    "LOGIN_FIX",
    "Check",
    "check_credentials",
    "check_expiry",
    "check_scopes",
    "check_token_dir",
    "check_token_file",
    "check_urls",
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


# -- configuration --------------------------------------------------------------------------------


def check_urls(endpoints: Endpoints) -> Check:
    """The URLs, and a warning for plain text to a remote host. They are well formed: a
    malformed one fails building the settings (``doctor`` reports that error in this row)."""
    http = {"REST": endpoints.base_url, "token": endpoints.token_url}
    ws = {
        "market ws": endpoints.market_ws_url,
        "accounts ws": endpoints.accounts_ws_url,
        "charts ws": endpoints.charts_ws_url,
    }
    detail = "; ".join(f"{name} {url}" for name, url in {**http, **ws}.items())
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
            "token file", "fail", f"no token file at {path}: not signed in", LOGIN_FIX, "auth"
        )
    except OSError as exc:
        return Check("token file", "fail", f"cannot read {path}: {exc.strerror}", LOGIN_FIX, "auth")
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


def check_token_dir(path: Path, *, token_from_env: bool) -> Check:
    """The token file's directory is the user's alone: writable by the group or others fails
    (they could replace the token), readable or searchable by them warns. It is not changed."""
    name = "token directory"
    directory = path.parent
    if token_from_env:
        return Check(name, "skip", "ARIES_ACCESS_TOKEN is set: no token file is used", "", "config")
    try:
        exposure = directory_exposure(directory)
    except FileNotFoundError:
        return Check(
            name, "skip", f"{directory} does not exist yet (login creates it, 0700)", "", "config"
        )
    except OSError as exc:
        return Check(name, "fail", f"cannot examine {directory}: {exc.strerror}", "", "config")
    if exposure is None:
        return Check(name, "ok", f"{directory} (private)", "", "config")
    fix = exposure.fix
    if exposure.writable:
        fix += "; if others may have written to it, sign in again (aries-async login)"
    status = "fail" if exposure.writable else "warn"
    return Check(name, status, exposure.describe(), fix, "config")


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
        skew: the client refreshes this many seconds before expiry (a token it can renew).
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
        return Check(name, "skip", "no token", LOGIN_FIX, "auth")
    prefix = "refreshed by this check; " if refreshed else ""
    left = token.seconds_left(now)
    refresh_left = None if token.refresh_expires_at is None else token.refresh_expires_at - now
    if left is not None and token.needs_refresh(now, token.renewal_margin(skew)):
        if not token.renewable:
            return Check(
                name,
                "fail",
                f"expired at {_utc(now + left)} and there is no refresh token",
                LOGIN_FIX,
                "auth",
            )
        if refresh_failed:
            return Check(
                name,
                "fail",
                "expired, and the refresh was refused: sign in again",
                LOGIN_FIX,
                "auth",
            )
        if refresh_left is not None and refresh_left <= 0:
            return Check(
                name,
                "fail",
                f"expired, and the refresh token expired at {_utc(now + refresh_left)}",
                LOGIN_FIX,
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
        return Check(name, "ok", f"every scope the core features use is granted{more}", "", "auth")
    wanted = sorted({scopes[0] for _, scopes in missing})
    lacks = "; ".join(f"{scopes[0]} for {features}" for features, scopes in missing)
    in_request = set(requested)
    hint = (
        "add them to ARIES_SCOPES, then aries-async login"
        if in_request and not in_request.issuperset(wanted)
        else "aries-async login (its default asks for these; --scopes all for every API group)"
    )
    return Check(name, "warn", f"not granted: {lacks}", hint, "auth")
