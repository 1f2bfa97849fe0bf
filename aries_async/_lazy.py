"""Code loaded on first use: PEP 562 lazy exports (a package's public names imported from
their modules on first use), and :func:`load`, which imports modules off the event loop."""

from __future__ import annotations

import asyncio
import concurrent.futures.thread  # noqa: F401 - see load()
import importlib
import importlib.util
import sys
import types
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_dir", "lazy_getattr", "load", "loaded", "names_to_modules"]


def names_to_modules(homes: Mapping[str, str]) -> dict[str, str]:
    """The table :func:`lazy_getattr` takes (each name -> the module that defines it), from
    ``homes``: each module -> the names it defines, separated by spaces."""
    return {name: home for home, names in homes.items() for name in names.split()}


def lazy_getattr(
    package: str, table: Mapping[str, str], namespace: dict[str, Any]
) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``name`` from ``table[name]`` on first access.

    The value is then stored in ``namespace`` (the package's globals), so later lookups are
    plain attribute reads. A name that is not in ``table`` but is a submodule of the package
    (``aries_async.errors``) is imported too, so code that used to find submodules loaded as a
    side effect of importing the package keeps working.

    Args:
        package: the package's ``__name__`` (for the error message).
        table: public name -> the module that defines it.
        namespace: the package's ``globals()``.
    """

    def __getattr__(name: str) -> Any:
        module = table.get(name)
        if module is None:
            if name.isidentifier() and not name.startswith("__"):
                try:
                    if importlib.util.find_spec(f"{package}.{name}"):
                        return importlib.import_module(f"{package}.{name}")
                except ImportError:  # a module, not a package: no submodules to find
                    pass
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    return __getattr__


def lazy_dir(namespace: dict[str, Any], public: list[str]) -> Callable[[], list[str]]:
    """A module ``__dir__`` that lists the lazily served names too (for ``dir()`` and tab
    completion in notebooks), not only those imported so far."""

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(public))

    return __dir__


async def load(module: str) -> types.ModuleType:
    """``module``, imported in a worker thread the first time it is asked for.

    Importing runs the module's top level on the calling thread: defining a few dozen attrs
    classes takes milliseconds. An SDK call that needs code not loaded yet awaits this rather
    than importing on the event loop, which would stall every other task meanwhile. The first
    call for a module goes through the thread even when the module is in ``sys.modules``: it
    may be there half-initialised, while another thread (a stream opening) imports it. (The
    default executor imports its thread pool's module on first use: this module imports it
    beforehand, so that import is not paid on the loop.)
    """
    if module in _LOADED:
        return sys.modules[module]
    found = await asyncio.to_thread(importlib.import_module, module)
    _LOADED.add(module)
    return found


def loaded(module: str) -> types.ModuleType | None:
    """``module`` when :func:`load` has loaded it, else None: code that cannot await (a
    method that checks its arguments as it is called) uses it now, or defers its use to an
    ``await`` of :func:`load` rather than import it on the event loop."""
    return sys.modules[module] if module in _LOADED else None


_LOADED: set[str] = set()
"""Modules :func:`load` has seen completely imported."""
