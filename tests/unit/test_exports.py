"""Every module imports, declares ``__all__``, and every exported name exists."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import aries_async

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(aries_async.__path__, prefix="aries_async.")
    if not m.name.rsplit(".", 1)[-1].startswith("_")
)


@pytest.mark.parametrize("name", ["aries_async", *MODULES])
def test_module_exports_resolve(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert isinstance(exported, (list, tuple)), f"{name} has no __all__"
    assert [n for n in exported if not hasattr(module, n)] == []


def test_top_level_names() -> None:
    for name in (
        "AriesClient",
        "ClientConfig",
        "OrderRequest",
        "Token",
        "FileTokenStore",
        "login",
        "AriesError",
        "OrderOutcomeUnknownError",
    ):
        assert name in aries_async.__all__
