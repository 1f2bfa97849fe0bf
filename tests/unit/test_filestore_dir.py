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
