"""Run a :class:`~aries_async.sim.server.Simulator` on its own thread and event loop.

Synchronous code -- a sync bot, a notebook, or the official ``finance-dev`` SDK, whose token
hook makes *blocking* HTTP calls even from its async methods -- cannot talk to a simulator on
its own event loop. :class:`ThreadedSimulator` starts one on a daemon thread::

    with ThreadedSimulator(seed=1) as sim:
        requests.get(sim.base_url + "/health")
        sim.call(lambda: sim.simulator.revoke_tokens())

Attribute reads (``base_url``, ``client_id``...) are safe from any thread; anything that changes
state should go through :meth:`ThreadedSimulator.call`, which runs a function on the
simulator's loop and returns its result.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

from aries_async._settings import Seconds, seconds_setting
from aries_async.errors import ValidationError
from aries_async.sim.server import Simulator

__all__ = ["ThreadedSimulator"]

T = TypeVar("T")


class ThreadedSimulator:
    """A simulator served from a background thread; a synchronous context manager.

    Args:
        **kwargs: passed to :class:`Simulator`.
    """

    def __init__(self, **kwargs: Any) -> None:
        self._kwargs = kwargs
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._sim: Simulator | None = None
        self._stop: asyncio.Event | None = None

    @property
    def simulator(self) -> Simulator:
        """The running simulator (touch its state only through :meth:`call`).

        Raises:
            RuntimeError: not started.
        """
        if self._sim is None:
            raise RuntimeError("the simulator is not running")
        return self._sim

    def __getattr__(self, name: str) -> Any:
        # base_url, client_id, client_secret, token_url, faults... come from the simulator.
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.simulator, name)

    def start(self, timeout: Seconds = 10.0) -> None:
        """Start the thread and wait until the server listens.

        Each start serves a new :class:`Simulator` built from the same arguments, on a new
        thread and loop: a start after :meth:`stop` begins from a fresh state, as a restarted
        server would (with ``port=0``, on another port). A start that failed leaves the
        instance stopped, so it can be started again.

        Raises:
            ValidationError: ``timeout`` is no finite number of seconds above 0 (nothing is
                started).
            RuntimeError: already started.
            OSError: the server could not bind.
            TimeoutError: the server did not listen within ``timeout`` seconds.
        """
        timeout = _seconds(timeout)
        if self._thread is not None:
            raise RuntimeError("already started")
        # A future per start: the one of a start before is done, and setting it again would
        # kill the new thread before it serves.
        ready = concurrent.futures.Future[None]()
        self._thread = threading.Thread(
            target=self._run, args=(ready,), name="aries-sim", daemon=True
        )
        self._thread.start()
        try:
            ready.result(timeout)
        except BaseException:
            self.stop(timeout)
            raise

    def _run(self, ready: concurrent.futures.Future[None]) -> None:
        asyncio.run(self._main(ready))

    async def _main(self, ready: concurrent.futures.Future[None]) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        try:
            sim = Simulator(**self._kwargs)
            await sim.start()
        except BaseException as exc:
            ready.set_exception(exc)
            return
        self._sim = sim
        ready.set_result(None)
        try:
            await self._stop.wait()
        finally:
            await sim.stop()

    def call(self, function: Callable[[], T], timeout: Seconds = 10.0) -> T:
        """Run ``function()`` on the simulator's loop and return its result, waiting at most
        ``timeout`` seconds (a finite number above 0, else ``ValidationError``)."""
        timeout = _seconds(timeout)
        loop = self._loop
        if loop is None:
            raise RuntimeError("the simulator is not running")

        async def invoke() -> T:
            return function()

        return asyncio.run_coroutine_threadsafe(invoke(), loop).result(timeout)

    def stop(self, timeout: Seconds = 10.0) -> None:
        """Stop the server and join the thread, waiting at most ``timeout`` seconds (a finite
        number above 0, else ``ValidationError``); idempotent, and :meth:`start` may follow."""
        timeout = _seconds(timeout)
        loop, stop, thread = self._loop, self._stop, self._thread
        if thread is not None:
            if loop is not None and stop is not None and thread.is_alive():
                # RuntimeError: the loop closed meanwhile, the thread is ending by itself.
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(stop.set)
            thread.join(timeout)
        self._thread = None
        self._loop = None
        self._stop = None
        self._sim = None

    def __enter__(self) -> ThreadedSimulator:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _seconds(timeout: object) -> float:
    """A wait's ``timeout``: finite seconds above 0 (a ``Decimal`` too), as the package's other
    timeouts take; NaN would be taken by ``threading`` as no number, and an infinity or a
    negative waits for ever or not at all.

    Raises:
        ValidationError: naming ``timeout``, for anything else.
    """
    return seconds_setting(timeout, "timeout", error=ValidationError, decimals=True)
