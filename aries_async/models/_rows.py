"""The ``to_frame`` method of the models that are lists or mappings of rows (a
:class:`~aries_async.models.QuoteBatch`). The frame code of :mod:`aries_async.frames`, and
pandas, load with its first call: a program that makes no frame imports neither."""

from __future__ import annotations

import typing
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    import pandas as pd

    from aries_async.frames import Decimals

__all__ = ["FrameRows"]


class FrameRows:
    """Gives a list-like or dict-like model of rows a :meth:`to_frame` method."""

    __slots__ = ()

    def to_frame(self, *, decimals: Decimals = "decimal", index: str | None = None) -> pd.DataFrame:
        """These rows as a pandas DataFrame (:func:`aries_async.to_frame`; the columns of an
        empty one come from the class's item type)."""
        from aries_async.frames import to_frame  # with pandas, on the first call

        return to_frame(self, model=_item_type(type(self)), decimals=decimals, index=index)


def _item_type(cls: type) -> type | None:
    """The item type of ``class X(list[Item])`` or ``class Y(dict[str, Item])``."""
    for base in getattr(cls, "__orig_bases__", ()):
        args = typing.get_args(base)
        if args and isinstance(args[-1], type) and attrs.has(args[-1]):
            return args[-1]
    return None
