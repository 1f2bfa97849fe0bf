"""Every test runs without the developer's Aries settings or home directory.

``ARIES_*`` variables (a real base URL, a token, a token file) and the user's config
directory must not leak into a test, nor into the processes it starts (they inherit this
environment): a test never reaches a real server and never reads or writes a real token file.

The run itself is kept cheap: no directory per test unless the test writes one, and the
garbage collector is spared the objects that live for the whole run.
"""

from __future__ import annotations

import gc
import itertools
import os
from pathlib import Path

import pytest

_HOME_NUMBERS = itertools.count()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Everything alive once the tests are collected (modules, test items, parsed API
    descriptions) lives until the end of the run: moved out of the garbage collector's reach,
    a full collection -- a test's own ``gc.collect()`` looking for a leak, or the collector's
    own every few thousand allocations -- walks only what the tests made since. Objects the
    tests create are collected as before."""
    gc.collect()
    gc.freeze()


@pytest.fixture(scope="session")
def _homes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("homes")


@pytest.fixture(autouse=True)
def _no_user_environment(monkeypatch: pytest.MonkeyPatch, _homes: Path) -> None:
    for key in list(os.environ):
        if key.startswith("ARIES_"):
            monkeypatch.delenv(key)
    # A home of its own for every test, made only when something writes there (a token file
    # saved to the default place makes its parents): a directory per test is thousands per
    # run, and removing an old run's directories (pytest keeps the last three) cost several
    # seconds of each run on a disk that discards freed blocks.
    home = _homes / str(next(_HOME_NUMBERS))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
