"""FileTokenStore and its directory: loose permissions are reported, stale temporaries removed."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from aries_async.auth.filestore import FileTokenStore
from aries_async.auth.tokens import Token


def _token(n: int) -> Token:
    return Token(access_token=f"access-{n}-" + "x" * 30, refresh_token=f"refresh-{n}")


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]


@pytest.mark.parametrize("mode", [0o770, 0o707, 0o777, 0o755, 0o750, 0o705, 0o1777], ids=oct)
async def test_saving_into_a_loose_directory_warns_once_and_leaves_it_alone(
    tmp_path: Path, mode: int, caplog: pytest.LogCaptureFixture
) -> None:
    directory = tmp_path / "aries-async"
    directory.mkdir()
    os.chmod(directory, mode)
    store = FileTokenStore(directory / "token.json")
    with caplog.at_level("WARNING", logger="aries_async.auth"):
        await store.save(_token(1))
        await store.save(_token(2))  # the same store says it once
    (message,) = _warnings(caplog)
    assert str(directory) in message and f"{mode:04o}" in message
    assert f"chmod 700 {directory}" in message
    assert "access-" not in caplog.text
    # A directory the user made is theirs to change: reported, never chmod-ed behind their back.
    assert stat.S_IMODE(os.stat(directory).st_mode) == mode
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    assert await store.load() == _token(2)


async def test_a_private_or_new_directory_is_not_reported(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    made = tmp_path / "mine"
    made.mkdir(mode=0o700)
    os.chmod(made, 0o700)
    with caplog.at_level("WARNING", logger="aries_async.auth"):
        await FileTokenStore(made / "token.json").save(_token(1))
        new = FileTokenStore(tmp_path / "new" / "aries-async" / "token.json")
        await new.save(_token(1))
    assert not _warnings(caplog)
    assert stat.S_IMODE(os.stat(new.path.parent).st_mode) == 0o700


def _plant(path: Path, *, age: float, body: bytes = b'{"access_token": "stale"}') -> Path:
    """A file as a save killed before ``os.replace`` leaves it: 0600, ``age`` seconds old."""
    path.write_bytes(body)
    os.chmod(path, 0o600)
    then = path.stat().st_mtime - age
    os.utime(path, (then, then))
    return path


async def test_the_next_save_removes_stale_temporaries_of_its_own_only(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    directory = tmp_path / "aries-async"
    directory.mkdir(mode=0o700)
    store = FileTokenStore(directory / "token.json")
    hour = 3600.0
    stale = _plant(directory / ".token.json.k3v9_x2a.tmp", age=hour)
    fresh = _plant(directory / ".token.json.q1w2e3r4.tmp", age=5)  # a save under way elsewhere
    others = [
        _plant(directory / ".other.json.abcd1234.tmp", age=hour),  # another store's
        _plant(directory / "token.json.k3v9_x2a.tmp", age=hour),  # no leading dot
        _plant(directory / ".token.json.k3v9_x2a.tmp.bak", age=hour),
        _plant(directory / "notes.txt", age=hour),
    ]
    outside = _plant(tmp_path / "precious", age=hour)
    link = directory / ".token.json.linkedto.tmp"
    link.symlink_to(outside)
    then = outside.stat().st_mtime
    os.utime(link, (then, then), follow_symlinks=False)
    planted_dir = directory / ".token.json.adirectory.tmp"
    planted_dir.mkdir()
    os.utime(planted_dir, (then, then))

    with caplog.at_level("INFO", logger="aries_async.auth"):
        await store.save(_token(1))

    assert not stale.exists()
    assert fresh.exists() and all(p.exists() for p in others)
    assert link.is_symlink() and outside.read_bytes() == b'{"access_token": "stale"}'
    assert planted_dir.is_dir()
    assert await store.load() == _token(1)
    assert str(stale) in caplog.text and '"access_token"' not in caplog.text
