"""A stand-in for ``asyncio.sleep`` that records the waits instead of waiting (the client's
``sleep=``), so retry and backoff tests take no real time."""

from __future__ import annotations

__all__ = ["RecordingSleep"]


class RecordingSleep:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
