"""pytest fixtures for testing bots against the local simulator (filled in by the simulator work)."""

from __future__ import annotations

__all__: list[str] = []
