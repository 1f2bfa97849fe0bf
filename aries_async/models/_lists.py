"""The converter's lists: a JSON array and nothing else. cattrs reads any iterable as a list:
an object as the list of its keys, ``{}`` as no items, which would make an answer of another
shape read as empty (a bot told it holds nothing buys again)."""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Any

import cattrs
from cattrs.cols import list_structure_factory

from aries_async._redaction import kind_of

__all__ = ["is_list", "list_hook_factory"]

_Hook = Callable[[Any, Any], Any]


def is_list(tp: Any) -> bool:
    """Whether ``tp`` is ``list[X]``."""
    return typing.get_origin(tp) is list


def list_hook_factory(conv: cattrs.Converter) -> Callable[[Any], _Hook]:
    """What makes ``conv``'s structure hook of a ``list[X]``: cattrs' own, for a list (or a
    tuple) only.

    Raises (the hook):
        ValueError: the value is no list (said by its type: what it holds is not quoted).
    """

    def factory(tp: Any) -> _Hook:
        items = list_structure_factory(tp, conv)

        def structure_list(value: Any, type_: Any) -> Any:
            if value.__class__ is not list and not isinstance(value, (list, tuple)):
                raise ValueError(f"expected a list, got {kind_of(value)}")
            return items(value, type_)

        return structure_list

    return factory
