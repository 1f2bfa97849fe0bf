"""Every module imports, declares ``__all__``, and every exported name exists."""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path
from typing import Any

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
        "OrderMatchAmbiguousError",
        "OrderStateUnknownError",
    ):
        assert name in aries_async.__all__


@pytest.mark.parametrize(
    "package",
    ["aries_async", "aries_async.models", "aries_async.resources", "aries_async.models.market"],
)
def test_dir_lists_every_public_name_before_it_is_imported(package: str) -> None:
    missing = _last_json(
        f"import importlib, json\nm = importlib.import_module({package!r})\n"
        "print(json.dumps(sorted(set(m.__all__) - set(dir(m)))))\n"
    )
    assert missing == []


def test_odd_attribute_names_raise_attribute_error() -> None:
    for name in ("a.b", "models.nothing", "", "1x"):
        assert getattr(aries_async, name, "missing") == "missing"
    assert getattr(aries_async.models.market, "sub.module", "missing") == "missing"


def test_unknown_names_still_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        aries_async.no_such_name  # noqa: B018
    with pytest.raises(ImportError):
        exec("from aries_async import no_such_name")  # noqa: S102


@pytest.mark.parametrize(
    "package",
    [
        "aries_async",
        "aries_async.models",
        "aries_async.models.events",
        "aries_async.resources",
        "aries_async.streaming",
    ],
)
def test_type_checkers_see_what_the_lazy_table_serves(package: str) -> None:
    """Every lazily served name is imported under TYPE_CHECKING from the same module."""
    module = importlib.import_module(package)
    assert module.__file__ is not None
    tree = ast.parse(Path(module.__file__).read_text())
    seen: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for imp in node.body:
                assert isinstance(imp, ast.ImportFrom) and imp.module is not None
                seen.update({alias.name: imp.module for alias in imp.names})
    lazy = module._LAZY
    assert seen == lazy
    assert set(lazy) == set(module.__all__) - {"__version__"}


def _last_json(code: str) -> Any:
    """The JSON value printed last by ``code`` in a fresh interpreter."""
    out = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.splitlines()[-1])


def _modules_after(code: str) -> set[str]:
    return set(_last_json(code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"))


HEAVY = (
    "aiohttp",
    "cattrs",
    "tenacity",
    "websockets",
    "aries_async.streaming",
    "aries_async.models.orders",
    "aries_async.models.events",
    "aries_async.models._market_other",
    "aries_async.models._bars",
    "aries_async.models._details",
    "aries_async.models._converter",
    "aries_async.auth.login",
    "aries_async.sim",
    "aries_async.filters",
    "aries_async.resources.generated._filters",
    "aries_async.resources._plan",  # for the generated methods
    "aries_async.auth.pkce",  # for a sign-in
    "aries_async.frames",  # for to_frame
)


def test_importing_the_package_loads_nothing_heavy() -> None:
    loaded = _modules_after("import aries_async")
    assert [m for m in loaded if m.startswith(HEAVY)] == []


def test_a_client_and_its_quote_path_load_only_what_a_quote_needs() -> None:
    loaded = _modules_after(
        "from aries_async import AriesClient, ClientConfig\n"
        "client = AriesClient(ClientConfig.for_base_url('http://127.0.0.1:1'))\n"
        "client.market\n"
        "from aries_async.models.market import Quote\n"
        "Quote.from_chart_item({'n': 'X', 's': 'ok', 'v': {'lp': 1.5}})\n"
    )
    assert "aiohttp" in loaded and "aries_async.resources.market" in loaded
    assert [m for m in loaded if m.startswith(HEAVY[1:])] == []


def test_submodules_are_reachable_as_attributes_after_a_bare_import() -> None:
    loaded = _modules_after(
        "import aries_async\n"
        "assert aries_async.errors.NotFoundError.__name__ == 'NotFoundError'\n"
        "assert aries_async.models.Quote.__name__ == 'Quote'\n"
    )
    assert "aries_async.errors" in loaded


NOT_AT_THE_TOP: dict[str, str] = {}
"""Public exception classes of :mod:`aries_async.errors` deliberately not exported from the
package, each with the reason (none: a bot catches any of them, ``from aries_async import``)."""


def test_every_public_exception_is_exported_from_the_package() -> None:
    from aries_async import errors

    classes = {
        name
        for name in errors.__all__
        if isinstance(getattr(errors, name), type)
        and issubclass(getattr(errors, name), BaseException)
    }
    assert "NotFoundError" in classes and "StreamClosedError" in classes
    assert set(NOT_AT_THE_TOP) <= classes
    missing = sorted(classes - set(aries_async.__all__) - set(NOT_AT_THE_TOP))
    assert missing == []
    for name in classes - set(NOT_AT_THE_TOP):
        assert getattr(aries_async, name) is getattr(errors, name)


def test_every_error_is_named_as_in_the_module_that_serves_it() -> None:
    """Tracebacks, reprs and pickle name ``aries_async.errors.X``, wherever ``X`` is defined."""
    from aries_async import errors

    elsewhere = sorted(
        f"{value.__module__}.{name}"
        for name in errors.__all__
        if isinstance(value := getattr(errors, name), type) and value.__module__ != errors.__name__
    )
    assert elsewhere == []


def test_the_fleet_classes_are_exported_lazily_from_the_package() -> None:
    # The README's fleet example imports both from the top; neither may load redis-py (an
    # extra) or the budget's module before it is used.
    loaded = _modules_after(
        "import aries_async\n"
        "assert 'RedisRateBudget' in aries_async.__all__\n"
        "assert 'RedisTokenStore' in dir(aries_async)\n"
    )
    assert [m for m in loaded if m.startswith(("redis", "aries_async.http.budget"))] == []
    from aries_async import RedisRateBudget, RedisTokenStore
    from aries_async.auth.redisstore import RedisTokenStore as Store
    from aries_async.http.budget_redis import RedisRateBudget as Budget

    assert (RedisRateBudget, RedisTokenStore) == (Budget, Store)
