"""The network checks of ``aries-async doctor``: an authenticated REST call and the two
websocket handshakes, each within its own timeout and without retries."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from aries_async._cli.doctor_checks import LOGIN_FIX, Check
from aries_async.auth.tokens import blanked
from aries_async.errors import (
    AriesError,
    AuthenticationError,
    AuthError,
    NotSignedInError,
    PermissionDeniedError,
)

__all__ = ["check_rest", "check_websockets", "probe_websocket"]


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
            "aries-async login (its default asks for these; --scopes all for every API group)",
            "auth",
        )
    if isinstance(exc, NotSignedInError):  # it says whether the server refused the token
        return Check(name, "fail", str(exc), LOGIN_FIX, "auth")
    if isinstance(exc, (AuthError, AuthenticationError)):
        return Check(name, "fail", f"the token was refused: {exc}", LOGIN_FIX, "auth")
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


async def check_rest(client: Any, signed_in: bool, timeout: float) -> Check:
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
            LOGIN_FIX,
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
    from aries_async.streaming.socket import WS_LOG

    start = time.perf_counter()
    # The streams' logger for websockets: at DEBUG it logs every frame, and the one of the
    # auth request below would show (the end of) the token.
    async with connect(url, open_timeout=timeout, ping_interval=None, logger=WS_LOG) as ws:
        opened = _ms(start)
        if token is None:
            return Check(
                name,
                "skip",
                f"{url} opened in {opened}; not signed in, so no authentication",
                LOGIN_FIX,
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
                    # A server may quote the token it refuses: its words, not the token.
                    said = blanked(message.error, [token])
                    return Check(
                        name, "fail", f"{url} refused the token: {said}", LOGIN_FIX, "auth"
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


async def check_websockets(client: Any, signed_in: bool, timeout: float) -> list[Check]:
    endpoints = client.config.endpoints
    sockets = {
        "market websocket": endpoints.market_ws_url,
        "accounts websocket": endpoints.accounts_ws_url,
        "charts websocket": endpoints.charts_ws_url,
    }
    token: str | None = None
    if signed_in:
        try:
            token = await asyncio.wait_for(client.auth.access_token(), timeout)
        except (TimeoutError, AriesError) as exc:
            why = f"no usable token ({type(exc).__name__})"
            return [Check(name, "skip", why, LOGIN_FIX, "auth") for name in sockets]
    return list(
        await asyncio.gather(
            *(probe_websocket(name, url, token, timeout) for name, url in sockets.items())
        )
    )
