"""``aries-async demo`` from main(): the quickstart walk prints every step and exits 0."""

from __future__ import annotations

import asyncio

import pytest

from aries_async.cli import main


async def test_demo_command_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    status = await asyncio.wait_for(asyncio.to_thread(main, ["demo"]), timeout=30)
    captured = capsys.readouterr()
    assert status == 0, captured.err
    steps = [line.split(" ", 1)[0] for line in captured.out.splitlines() if line[:1].isdigit()]
    assert steps == ["1.", "2.", "3.", "4.", "5.", "6.", "7."]
    assert "state matches" in captured.out
    assert "FILLED" in captured.out
    assert captured.out.rstrip().endswith("Done.")
    assert "access_token=<redacted>" in captured.out
