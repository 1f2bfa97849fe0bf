"""Interactive sign-in: authorize URL with state and PKCE, loopback callback or pasted URL.

The browser comes back to the redirect URI (``http://127.0.0.1:8765/callback`` for instance);
:func:`login` listens on that host and port for the one callback, answers the browser with a
short page, exchanges the code and lets the client save the token in its store. Without a local
browser (a server over SSH) the user opens the printed URL elsewhere and pastes the address the
browser ended on.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import inspect
import logging
import sys
import threading
import webbrowser
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from aiohttp import web

from aries_async._settings import Seconds, seconds_setting
from aries_async.auth.pkce import same_state
from aries_async.auth.tokens import Token
from aries_async.errors import ConfigurationError, ValidationError

if TYPE_CHECKING:
    from aries_async.client import AriesClient

__all__ = ["LOOPBACK_HOSTS", "login", "open_in_browser", "read_pasted_line"]

log = logging.getLogger("aries_async.auth")

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

OpenUrl = Callable[[str], "Awaitable[object] | object"]
ReadLine = Callable[[], Awaitable[str]]

_DONE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>aries-async</title></head>
<body style="font-family: sans-serif; max-width: 34em; margin: 3em auto">
<h1>{title}</h1><p>{text}</p></body></html>
"""


async def open_in_browser(url: str) -> None:
    """Open ``url`` in the user's browser (in a thread: some browsers block the caller)."""
    await asyncio.to_thread(webbrowser.open, url)


async def read_pasted_line() -> str:
    """One line from standard input, read in a daemon thread (never blocks interpreter exit)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[str] = loop.create_future()

    def deliver(line: str) -> None:
        if not future.done():
            future.set_result(line)

    def read() -> None:
        line = sys.stdin.readline()
        with contextlib.suppress(RuntimeError):  # the loop is gone: nobody waits any more
            # A closure, not deliver(line): asyncio's debug mode logs a slow callback with its
            # arguments, and the line holds the authorization code.
            loop.call_soon_threadsafe(lambda: deliver(line))

    threading.Thread(target=read, name="aries-login-paste", daemon=True).start()
    return await future


def _page(title: str, text: str, status: int = 200) -> web.Response:
    return web.Response(
        status=status,
        text=_DONE_PAGE.format(title=title, text=text),
        content_type="text/html",
        headers={"Cache-Control": "no-store"},
    )


async def _callback_server(
    redirect_uri: str, state: str, received: asyncio.Future[str]
) -> web.AppRunner | None:
    """Listen on the redirect URI's loopback host and port; None when it is not a loopback URI.

    A callback carrying ``state`` ends the wait, and so does an error redirect without any
    state (a denial; see :func:`login`). Any other (a stale tab, a forged link, another
    program on this machine, a code without state) is answered 400 and ignored: it must not
    be able to end or spoil the sign-in in progress.
    """
    parts = urlsplit(redirect_uri)
    host = parts.hostname or ""
    if parts.scheme != "http" or host not in LOOPBACK_HOSTS:
        return None
    port = parts.port or 80
    path = parts.path or "/"

    async def handle(request: web.Request) -> web.StreamResponse:
        query = request.query
        if "code" not in query and "error" not in query:
            raise web.HTTPNotFound()
        error = query.get("error")
        # An error redirect without state (RFC 6749 4.1.2.1 wants one; oauth.md 2 leaves a
        # denial's parameters open) cannot be checked, but believing it lets nothing in: no
        # code is exchanged, and the user who pressed Deny is not left waiting for the timeout.
        stateless_error = bool(error) and not query.get("state")
        if not stateless_error and not same_state(query.get("state"), state):
            log.warning("ignored a sign-in callback whose state is not the one issued")
            return _page(
                "Not this sign-in",
                "This address does not belong to the sign-in in progress; it was ignored.",
                400,
            )
        if not received.done():
            received.set_result(redirect_uri.split("?", 1)[0] + "?" + request.query_string)
        if "error" in query:
            reason = f" ({html.escape(error)})" if error else ""
            return _page("Sign-in refused", f"The sign-in was refused{reason}. Close this tab.")
        return _page("Signed in", "You can close this tab and return to the terminal.")

    app = web.Application()
    app.router.add_get(path, handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as exc:
        await runner.cleanup()
        raise ConfigurationError(
            f"cannot listen on {host}:{port} for the sign-in callback ({exc.strerror}); "
            "free the port or use paste mode"
        ) from None
    return runner


async def login(
    client: AriesClient,
    *,
    redirect_uri: str | None = None,
    scopes: str | Iterable[str] | None = None,
    open_url: OpenUrl | None = open_in_browser,
    listen: bool = True,
    read_line: ReadLine | None = None,
    out: Callable[[str], None] = print,
    timeout: Seconds = 300.0,
) -> Token:
    """Sign the user in and save the token in the client's store.

    Args:
        client: an open :class:`~aries_async.AriesClient` (its config gives client id and URLs).
        redirect_uri: the registered redirect URI (default: the configured one).
        scopes: the scopes or scope groups to ask for, as
            :meth:`~aries_async.auth.oauth.OAuth.authorization_url` takes them (default: the
            configured ones).
        open_url: opens the URL in a browser; None only prints it.
        listen: wait for the callback on the redirect URI's loopback port.
        read_line: reads a pasted callback URL (or code); None disables paste mode.
        out: where instructions go.
        timeout: seconds to wait for the callback, a finite number (an int, a float or a
            ``Decimal``) of at least 0 (0: only a callback that came while ``open_url`` ran);
            NaN, an infinity or a negative is refused before the address is shown. A callback
            with another ``state``, or a code without one, is answered 400 and the wait goes
            on. An error redirect
            without any state (``error=access_denied`` when the user pressed Deny: RFC 6749
            4.1.2.1 wants state, oauth.md 2 leaves a denial's parameters open) ends it as a
            denial; one with another ``state`` is another sign-in's and is ignored.

    Returns:
        The token (already saved in the store).

    Raises:
        ConfigurationError: nothing can receive the callback (no loopback URI and no paste).
        ValidationError: ``timeout`` is not a finite number of seconds >= 0.
        AuthorizationDeniedError: the user or the server refused (the error redirect's
            ``error`` and ``error_description``); nothing was exchanged.
        StateMismatchError, AuthError: the sign-in failed.
        TimeoutError: no callback within ``timeout``.
    """
    # 0 has a meaning here: a callback received while open_url ran is still taken.
    wait = seconds_setting(timeout, "timeout", zero=True, error=ValidationError, decimals=True)
    request = client.oauth.authorization_url(redirect_uri=redirect_uri, scopes=scopes)
    loop = asyncio.get_running_loop()
    received: asyncio.Future[str] = loop.create_future()
    runner = (
        await _callback_server(request.redirect_uri, request.state, received) if listen else None
    )
    if runner is None and read_line is None:
        raise ConfigurationError(
            f"the redirect URI {request.redirect_uri} is not a local http address; "
            "use paste mode (--paste)"
        )
    paste: asyncio.Future[str] | None = None
    try:
        out("Open this address in your browser to sign in to Aries:")
        out(f"  {request.url}")
        if open_url is not None:
            opened = open_url(request.url)
            if inspect.isawaitable(opened):
                await opened
        if runner is not None:
            out(f"Waiting for the browser to come back to {request.redirect_uri} ...")
        if read_line is not None:
            out("Or paste the address the browser ended on (or the code) and press Enter:")
            paste = asyncio.ensure_future(read_line())
            # With a callback server listening, an empty stdin only means "no paste".
            eof_is_error = runner is None
            paste.add_done_callback(lambda t: _forward(t, received, eof_is_error))
        callback = await asyncio.wait_for(received, wait)
    finally:
        if paste is not None and not paste.done():
            paste.cancel()
        if runner is not None:
            await runner.cleanup()
    return await client.oauth.exchange_code(callback.strip(), request)


def _forward(task: asyncio.Future[str], received: asyncio.Future[str], eof_is_error: bool) -> None:
    if received.done() or task.cancelled():
        return
    exc = task.exception()
    if exc is not None:
        received.set_exception(exc)
    elif task.result().strip():
        received.set_result(task.result())
    elif eof_is_error:
        received.set_exception(EOFError("nothing was pasted"))
