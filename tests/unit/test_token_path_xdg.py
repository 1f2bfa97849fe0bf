"""``XDG_CONFIG_HOME`` is read as the XDG Base Directory spec says: a relative value (``~/cfg``,
which no shell expanded, or ``cfg``) is invalid and ignored, so the token file does not land in
a directory relative to wherever the command runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from aries_async.auth.filestore import default_token_path


@pytest.mark.parametrize("value", ["~/cfg", "cfg", "./cfg"])
def test_a_relative_xdg_config_home_is_ignored(
    value: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", value)
    assert default_token_path() == tmp_path / ".config" / "aries-async" / "token.json"


def test_an_absolute_xdg_config_home_is_used(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert default_token_path() == tmp_path / "cfg" / "aries-async" / "token.json"
