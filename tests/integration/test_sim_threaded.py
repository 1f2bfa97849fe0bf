"""The simulator on its own thread (:class:`ThreadedSimulator`): it starts again after a stop,
and after a start that failed, serving a fresh simulator each time."""

from __future__ import annotations

import socket
import urllib.request

import pytest

from aries_async.sim.threaded import ThreadedSimulator


def health(sim: ThreadedSimulator) -> int:
    with urllib.request.urlopen(sim.base_url + "/health", timeout=10) as answer:  # noqa: S310
        status: int = answer.status
    return status


def test_a_stopped_simulator_starts_again() -> None:
    threaded = ThreadedSimulator(seed=1)
    threaded.start()
    first = threaded.simulator
    assert health(threaded) == 200
    threaded.stop()
    with pytest.raises(RuntimeError, match="not running"):
        threaded.base_url  # noqa: B018
    threaded.start()
    try:
        assert threaded.simulator is not first
        assert health(threaded) == 200
        assert threaded.call(lambda: threaded.simulator.base_url) == threaded.base_url
    finally:
        threaded.stop()
    threaded.stop()  # stopping again changes nothing
    with pytest.raises(RuntimeError, match="not running"):
        threaded.base_url  # noqa: B018


def test_a_start_that_failed_can_be_retried() -> None:
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    port = holder.getsockname()[1]
    threaded = ThreadedSimulator(seed=1, port=port)
    try:
        with pytest.raises(OSError, match="address already in use"):
            threaded.start()
        with pytest.raises(RuntimeError, match="not running"):
            threaded.base_url  # noqa: B018
        threaded.stop()  # nothing to stop, and no closed loop to trip on
    finally:
        holder.close()
    with threaded:
        assert threaded.base_url.endswith(f":{port}")
        assert health(threaded) == 200


def test_a_running_simulator_refuses_a_second_start() -> None:
    with ThreadedSimulator(seed=1) as threaded:
        with pytest.raises(RuntimeError, match="already started"):
            threaded.start()
        assert health(threaded) == 200
