"""Model fields converted on first read: the one lazy mechanism of the models.

A model built from the wire may keep some values as they came and convert each one the first
time it is read (a wire number becomes a ``Decimal`` only if someone looks at it). A
:class:`Deferred` is the class attribute that does this: a non-data descriptor, so once the
instance dict holds the field's name (a model built by its constructor, or one read before)
Python finds the value there and never calls it. The models stay ordinary attrs classes
(``slots=False``, so each instance has that dict): constructor, equality, hashing, ``repr``,
pickling and ``attrs.evolve`` read the fields as attributes and so see converted values.

Two sources of the wire value:

* ``index=i``: the ``i``-th of the values the builder left, unconverted, in a tuple under
  :data:`PENDING` in the instance dict (a :class:`~aries_async.models.Quote`, whose numbers
  are checked first, so reading cannot fail);
* no index: ``convert(instance)`` computes the value from the instance itself (a field read
  from a wire mapping the model keeps, or one derived from other fields).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["PENDING", "Deferred", "deferred_names"]

PENDING = "_pending"
"""Key, in the dict of a model built from the wire, of the tuple of values not converted yet."""


class Deferred:
    """A field converted on first read, then kept in the instance dict.

    Args:
        name: the attribute's name (taken from the class when None and the descriptor is
            assigned in the class body).
        convert: with ``index``, turns the wire value into the field's value; without,
            computes the value from the instance.
        index: where the wire value is in the instance's :data:`PENDING` tuple.
        source: the instance-dict key of that tuple (:data:`PENDING` unless given).
        doc: the attribute's docstring.
        wire: the wire name the value is read from, when there is one (what the naming rule
            is checked against).
    """

    # Slots make the four reads of a first access cheaper; the dict holds the per-field doc.
    __slots__ = ("__dict__", "convert", "index", "name", "source", "wire")

    def __init__(
        self,
        name: str | None,
        convert: Callable[[Any], Any],
        index: int | None = None,
        *,
        source: str = PENDING,
        doc: str | None = None,
        wire: str | None = None,
    ) -> None:
        self.name = name or ""
        self.convert = convert
        self.index = index
        self.source = source
        self.wire = wire
        self.__doc__ = doc

    def __set_name__(self, owner: type, name: str) -> None:
        if not self.name:
            self.name = name

    def __get__(self, instance: object | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        fields = instance.__dict__
        index = self.index
        if index is None:
            value = self.convert(instance)
        else:
            value = self.convert(fields[self.source][index])
        fields[self.name] = value
        return value


def deferred_names(cls: type) -> list[str]:
    """The names of the :class:`Deferred` fields of ``cls`` and its bases, in definition order."""
    names: dict[str, None] = {}
    for klass in reversed(cls.__mro__):
        for name, value in vars(klass).items():
            if isinstance(value, Deferred):
                names[name] = None
    return list(names)
