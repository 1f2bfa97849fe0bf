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
    """Spare the garbage collector what lives for the whole run.

    Everything alive once the tests are collected (modules, test items) is moved out of its
    reach, so a full collection -- a test's own ``gc.collect()`` looking for a leak, or the
    collector's own -- walks only what the tests made since. Full collections of its own come
    ten times less often: what the run keeps once made (parsed API descriptions, module
    fixtures, reports) still made them most of the collector's time, an eighth of the suite's
    CPU time; with both, half of that is left. Young objects are collected as before, and an
    explicit ``gc.collect()`` still collects everything the tests made.
    """
    gc.collect()
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, 100)


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
