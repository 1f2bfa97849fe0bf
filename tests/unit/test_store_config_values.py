"""The token stores' and ``RedisRateBudget``'s options refuse what they cannot mean (NaN, an
infinity, a negative or zero number of seconds, a bool, a string; a token file path that names
no file) at construction, before any file or connection is opened, with a
:class:`ConfigurationError` naming the option."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest

from aries_async.auth.filestore import FileTokenStore, token_store_from_env
from aries_async.auth.redisstore import RedisTokenStore
from aries_async.errors import ConfigurationError
from aries_async.http.budget_redis import RedisRateBudget

URL = "redis://127.0.0.1:1/0"
"""No server listens there: a store that connected would fail otherwise."""

_NOT_SECONDS = (math.nan, math.inf, -math.inf, -1.0, 0, True, "2", None)


def _cases(names: tuple[str, ...], values: tuple[object, ...]) -> list[tuple[str, object]]:
    return [(name, value) for name in names for value in values]


@pytest.mark.parametrize(
    ("option", "value"),
    _cases(("lease", "poll_interval", "close_timeout"), _NOT_SECONDS)
    + _cases(("prefix",), (5, None, "a{b", "my bots", "x\n")),
)
def test_a_redis_store_option_it_cannot_mean_is_refused(option: str, value: object) -> None:
    with pytest.raises(ConfigurationError) as info:
        RedisTokenStore(URL, client_id="app", **{option: value})  # type: ignore[arg-type]
    assert str(info.value).startswith(f"{option} must be "), str(info.value)
    assert info.value.setting == option


@pytest.mark.parametrize(
    ("option", "value"),
    _cases(("member_lease", "close_timeout"), _NOT_SECONDS)
    + _cases(("prefix",), (5, None, "a{b", "my bots", "x\n")),
)
def test_a_rate_budget_option_it_cannot_mean_is_refused(option: str, value: object) -> None:
    with pytest.raises(ConfigurationError) as info:
        RedisRateBudget(URL, **{option: value})  # type: ignore[arg-type]
    assert str(info.value).startswith(f"{option} must be "), str(info.value)
    assert info.value.setting == option


async def test_the_values_the_redis_options_take_are_kept() -> None:
    store = RedisTokenStore(URL, client_id="app", lease=1, poll_interval=0.01, prefix="bots")
    budget = RedisRateBudget(URL, member_lease=0.5, close_timeout=1, prefix="fleet:")
    assert (store.lease, store.poll_interval, store.token_key) == (1, 0.01, "bots:{app/user}:token")
    assert (budget.member_lease, budget.close_timeout, budget.prefix) == (0.5, 1, "fleet:")
    await store.aclose()
    await budget.aclose()


@pytest.mark.parametrize(
    "path",
    ["", "name\0.json", "~no-such-user-aries/token.json", "/", ".", "..", "dir/", 5, b"t.json"],
)
def test_a_token_file_path_that_names_no_file_is_refused(path: object) -> None:
    with pytest.raises(ConfigurationError) as info:
        FileTokenStore(path)  # type: ignore[arg-type]
    assert str(info.value).startswith("path must be "), str(info.value)
    assert info.value.setting == "path"


def test_a_token_file_path_that_is_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"^path must be .*a directory") as info:
        FileTokenStore(tmp_path)
    assert info.value.setting == "path"
    assert os.listdir(tmp_path) == []  # no lock file, nothing written


def test_a_token_file_variable_that_names_no_file_is_refused_by_its_name(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as info:
        token_store_from_env({"ARIES_TOKEN_FILE": str(tmp_path)})
    assert str(info.value).startswith("ARIES_TOKEN_FILE must be "), str(info.value)
    assert info.value.setting == "ARIES_TOKEN_FILE"


def test_a_token_file_path_that_names_a_file_is_kept(tmp_path: Path) -> None:
    assert FileTokenStore(tmp_path / "token.json").path == tmp_path / "token.json"
    assert FileTokenStore(str(tmp_path / "new" / "t.json")).path == tmp_path / "new" / "t.json"
