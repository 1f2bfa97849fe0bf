"""The transport's settings: time budget, attempt timeout, size cap and parse offloading."""

from __future__ import annotations

import pytest

from aries_async import ClientConfig
from aries_async.errors import ConfigurationError


@pytest.mark.parametrize(
    "fields",
    [
        {"timeout": 0},
        {"timeout": float("nan")},
        {"attempt_timeout": 0},
        {"attempt_timeout": -1.0},
        {"max_response_bytes": 0},
        {"offload_parse_bytes": -1},
    ],
)
def test_bad_transport_settings_are_refused(fields: dict[str, float]) -> None:
    with pytest.raises(ConfigurationError):
        ClientConfig(**fields)  # type: ignore[arg-type]


def test_defaults_are_generous_for_size_and_strict_for_blocking() -> None:
    config = ClientConfig()
    assert config.attempt_timeout is None
    assert config.max_response_bytes == 64 * 2**20
    assert config.offload_parse_bytes == 32 * 2**10


def test_the_package_uses_no_private_aiohttp_name() -> None:
    """aiohttp is used through its public API only: nothing from ``aiohttp.helpers`` (its
    ``sentinel`` included), which may change in any release."""
    import ast
    from pathlib import Path

    import aries_async

    private = []
    for path in Path(aries_async.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "aiohttp.helpers"
            ):
                private.append(f"{path.name}:{node.lineno}")
            if isinstance(node, ast.Attribute) and ast.unparse(node).startswith("aiohttp.helpers"):
                private.append(f"{path.name}:{node.lineno}")
    assert private == []
