"""Simulator websockets (market data and account updates). Placeholder until streaming lands."""

from __future__ import annotations

from typing import Any

from aiohttp import web

__all__ = ["setup"]


def setup(app: web.Application, ctx: Any) -> None:
    """Register the websocket routes on ``app``."""
