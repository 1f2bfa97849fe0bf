"""Every test runs without the developer's Aries settings or home directory.

``ARIES_*`` variables (a real base URL, a token, a token file) and the user's config
directory must not leak into a test, nor into the processes it starts (they inherit this
environment): a test never reaches a real server and never reads or writes a real token file.
"""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def _no_user_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    for key in list(os.environ):
        if key.startswith("ARIES_"):
            monkeypatch.delenv(key)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
