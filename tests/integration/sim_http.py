"""Raw HTTP calls to an in-process simulator, for tests of the simulator's wire behaviour."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Literal

import aiohttp

from aries_async.sim import Simulator

__all__ = ["Gate", "SimApi", "follow_consent"]


class SimApi:
    """Calls a simulator with a server-issued token that holds every scope.

    Bodies come back parsed when the response is JSON and as text otherwise. With
    ``json_only`` (a class attribute; a subclass may set it) any other body fails the test.
    """

    json_only = False

    def __init__(self, sim: Simulator, session: aiohttp.ClientSession) -> None:
        self.sim = sim
        self.session = session
        self.headers = {"Authorization": sim.issue_token().authorization}

    async def call(self, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
        """``(status, body)`` of one request to ``sim.base_url + path``."""
        async with self.session.request(
            method, self.sim.base_url + path, headers=self.headers, **kwargs
        ) as resp:
            if resp.content_type == "application/json":
                return resp.status, await resp.json()
            text = await resp.text()
            assert not self.json_only, (method, path, resp.status, resp.content_type, text[:200])
            return resp.status, text


class Gate(asyncio.Event):
    """An event for the simulator's holds (``hold_order_answers``, ``hold_token_requests``):
    ``arrived`` is set when a request starts waiting on it, and ``on_arrival`` scheduled on
    the loop when the first one does (once: an interrupt it raises must not come again)."""

    def __init__(self, on_arrival: Callable[[], object] | None = None) -> None:
        super().__init__()
        self.arrived = asyncio.Event()
        self._on_arrival = on_arrival

    async def wait(self) -> Literal[True]:
        self.arrived.set()
        if self._on_arrival is not None:
            asyncio.get_running_loop().call_soon(self._on_arrival)
            self._on_arrival = None
        return await super().wait()


async def follow_consent(url: str) -> str:
    """Play the browser: load the authorize URL and return where it redirects (the callback
    URL, with the code)."""
    async with aiohttp.ClientSession() as http, http.get(url, allow_redirects=False) as resp:
        assert resp.status in (302, 303), resp.status
        return resp.headers["Location"]
