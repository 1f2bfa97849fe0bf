"""Old public names kept for one release: :class:`renamed` reads the new name and warns."""

from __future__ import annotations

import warnings
from typing import Any, Generic, TypeVar, overload

__all__ = ["renamed"]

_T = TypeVar("_T")


class renamed(Generic[_T]):
    """A read-only attribute under an old name, deprecated in favour of ``new``.

    Reading it returns the attribute ``new`` and emits a :class:`DeprecationWarning` that
    names both, attributed to the line that read it. Not an attrs field (the class attribute
    is not annotated), so ``__init__``, equality, ``repr`` and ``to_frame`` know only the new
    name.

    Example::

        class Quote:
            bid = renamed[Decimal | None]("bid_price")
    """

    __slots__ = ("_message", "_new")

    def __init__(self, new: str) -> None:
        self._new = new
        self._message = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._message = (
            f"{owner.__name__}.{name} is deprecated and will be removed in the next release; "
            f"use {owner.__name__}.{self._new}"
        )

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> renamed[_T]: ...
    @overload
    def __get__(self, instance: object, owner: type | None = None) -> _T: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        # The attribute lookup calls this from the reader's frame, with no Python frame
        # between: stacklevel 2 is the reader's line.
        warnings.warn(self._message, DeprecationWarning, stacklevel=2)
        return getattr(instance, self._new)
