"""The simulator takes a burst of new connections, as a bot's first round of concurrent calls
opens them (one per call, up to the client's pool), without the kernel dropping any: a dropped
connect is retried by TCP a second later, so a test of a bot would stall for it."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from aries_async import AriesClient

NETSTAT = Path("/proc/net/netstat")

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads the Linux kernel's TCP counters"
)


def listen_overflows() -> int:
    """Connections the kernel dropped, machine-wide, because a listen queue was full."""
    lines = NETSTAT.read_text().splitlines()
    for names, values in zip(lines[::2], lines[1::2], strict=True):
        if names.startswith("TcpExt:"):
            counters = dict(zip(names.split()[1:], values.split()[1:], strict=True))
            return int(counters["ListenOverflows"])
    raise AssertionError("no TcpExt counters in /proc/net/netstat")


async def test_a_first_round_of_300_concurrent_calls_loses_no_connect(aries: AriesClient) -> None:
    before = listen_overflows()
    quotes = await asyncio.gather(*(aries.market.quote("AAPL") for _ in range(300)))
    assert {quote.symbol for quote in quotes} == {"AAPL"}
    assert listen_overflows() == before
