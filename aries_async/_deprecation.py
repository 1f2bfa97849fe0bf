"""Old public names kept for one release: :class:`renamed` reads the new name and warns;
:func:`renamed_keywords` lets a constructor take the old names its ``renamed`` attributes
declare; :func:`renamed_arguments` lets a function or method take old keyword names;
:func:`current_name` lets a function that takes an attribute's name as text (a column of
:func:`~aries_async.to_frame`) take the old one."""

from __future__ import annotations

import functools
import inspect
import os
import sys
import warnings
from collections.abc import Callable, Mapping
from typing import Any, Generic, ParamSpec, TypeVar, overload

__all__ = ["current_name", "renamed", "renamed_arguments", "renamed_keywords"]

_T = TypeVar("_T")
_C = TypeVar("_C", bound=type)
_P = ParamSpec("_P")
_R = TypeVar("_R")

_PACKAGE = os.path.join(os.path.dirname(__file__), "")


class renamed(Generic[_T]):
    """A read-only attribute under an old name, deprecated in favour of ``new``.

    Reading it returns the attribute ``new`` and emits a :class:`DeprecationWarning` that
    names both, attributed to the line that read it. Declared a ``ClassVar`` (so that every
    type checker reads it as ``T`` on an instance), it is not an attrs field: ``__init__``,
    equality, ``repr`` and ``to_frame`` know only the new name.

    Example::

        class Quote:
            bid: ClassVar[renamed[Decimal | None]] = renamed("bid_price")
    """

    __slots__ = ("_message", "_new", "_old", "_owner")

    def __init__(self, new: str) -> None:
        self._new = new
        self._old = ""
        self._owner: type | None = None
        self._message = ""

    @property
    def new(self) -> str:
        """The attribute's current name."""
        return self._new

    def __set_name__(self, owner: type, name: str) -> None:
        self._owner, self._old = owner, name
        self._message = self._text(owner)

    def _text(self, cls: type) -> str:
        return (
            f"{cls.__name__}.{self._old} is deprecated and will be removed in the next release; "
            f"use {cls.__name__}.{self._new}"
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
        cls = type(instance)  # declared on a base: name the class the reader holds
        message = self._message if cls is self._owner else self._text(cls)
        warnings.warn(message, DeprecationWarning, stacklevel=2)
        return getattr(instance, self._new)


def renamed_keywords(cls: _C) -> _C:
    """Class decorator: ``cls(old=...)`` works as ``cls(new=...)`` for each ``old =
    renamed(new)`` of ``cls``, with a :class:`DeprecationWarning` naming the new keyword.

    For the models users construct (order requests): their attrs ``__init__`` is kept (and
    is what type checkers see, with the new names only), wrapped by a check of the keywords,
    so the ``renamed`` attribute is the one declaration of an old name. Passing both the old
    and the new name is a :class:`TypeError`, as a repeated keyword is.
    """
    olds = {name: attr.new for name, attr in vars(cls).items() if isinstance(attr, renamed)}
    init = cls.__dict__["__init__"]
    owner = cls.__name__

    @functools.wraps(init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if not olds.keys().isdisjoint(kwargs):
            _rename(kwargs, olds, owner)
        init(self, *args, **kwargs)

    setattr(cls, "__init__", __init__)  # noqa: B010 (mypy refuses assigning a method)
    return cls


def renamed_arguments(**olds: str) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Decorator: the function also takes each old keyword (``old="new"``) for one release,
    as the new one, with a :class:`DeprecationWarning` naming both.

    Type checkers and :func:`inspect.signature` see the new names only. The warning names
    the class of ``self`` for a method (``MarketStream(clock=...)`` when a base class's
    ``__init__`` is decorated), and is attributed to the first line outside this package
    that led to the call (the user's, however many of our frames lie between). Passing both
    names is a :class:`TypeError`, as a repeated keyword is.

    Example::

        @renamed_arguments(clock="wall_clock")
        def __init__(self, *, wall_clock: Callable[[], float] = time.time) -> None: ...
    """

    def decorate(function: Callable[_P, _R]) -> Callable[_P, _R]:
        code = function.__code__  # not inspect.signature: this runs as modules load
        method = code.co_argcount > 0 and code.co_varnames[0] == "self"
        name = "" if function.__name__ == "__init__" else function.__name__

        @functools.wraps(function)
        def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            if not olds.keys().isdisjoint(kwargs):
                owner = type(args[0]).__name__ if method and args else ""
                _rename(kwargs, olds, ".".join(filter(None, (owner, name))))
            return function(*args, **kwargs)

        return wrapper

    return decorate


def current_name(cls: type, name: str) -> str | None:
    """The current name of the attribute ``name`` of ``cls`` when ``name`` is an old one (a
    :class:`renamed` of ``cls``), after the same :class:`DeprecationWarning` its read gives,
    attributed to the first line outside this package; None when it is not an old name."""
    attr = inspect.getattr_static(cls, name, None)
    if not isinstance(attr, renamed):
        return None
    warnings.warn(attr._message, DeprecationWarning, stacklevel=_outside())
    return attr.new


def _rename(kwargs: dict[str, Any], olds: Mapping[str, str], owner: str) -> None:
    """Move each old keyword of ``kwargs`` to its new name, warning (see above)."""
    for old in olds.keys() & kwargs.keys():
        new = olds[old]
        if new in kwargs:
            raise TypeError(f"{owner}() got both {old!r} and its new name {new!r}")
        warnings.warn(
            f"{owner}({old}=...) is deprecated and will be removed in the next "
            f"release; use {owner}({new}=...)",
            DeprecationWarning,
            stacklevel=_outside(),
        )
        kwargs[new] = kwargs.pop(old)


def _outside() -> int:
    """The ``stacklevel`` that attributes a warning, warned by our caller, to the first frame
    outside this package (Python 3.12's ``skip_file_prefixes``, which 3.11 lacks)."""
    frame = sys._getframe(1)
    level = 1
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back
        level += 1
    return level
