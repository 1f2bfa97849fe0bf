"""The simulator takes a burst of new connections, as a bot's first round of concurrent calls
opens them (one per call, up to the client's pool), without the kernel dropping any: a dropped
connect is retried by TCP a second later, so a test of a bot would stall for it."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from aries_async import AriesClient
from aries_async.sim import Simulator

NETSTAT = Path("/proc/net/netstat")
ATTEMPTS = 3

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


async def test_a_first_round_of_300_concurrent_calls_loses_no_connect(sim: Simulator) -> None:
    # The kernel counts for the whole network namespace: a connect another program running
    # beside the suite had dropped would move the counter too. A listen queue too short for the
    # burst drops connects in every burst, so a burst that moved the counter is tried again
    # (with a new client, whose connections are all new) and one quiet burst passes.
    for _ in range(ATTEMPTS):
        before = listen_overflows()
        async with AriesClient(sim.client_config(), token=sim.issue_token()) as client:
            quotes = await asyncio.gather(*(client.market.quote("AAPL") for _ in range(300)))
        assert {quote.symbol for quote in quotes} == {"AAPL"}
        if listen_overflows() == before:
            return
    pytest.fail(f"each of {ATTEMPTS} bursts of new connections had connects dropped")
