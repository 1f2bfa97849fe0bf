"""Raw HTTP calls to an in-process simulator, for tests of the simulator's wire behaviour."""

from __future__ import annotations

from typing import Any

import aiohttp

from aries_async.sim import Simulator

__all__ = ["SimApi"]


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
