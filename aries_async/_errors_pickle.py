"""How an :class:`~aries_async.errors.AriesError` pickles: rebuilt from its ``args`` and its
attributes, without a call of its class.

Python pickles an exception as a call of its class with ``args``, which fails for a class
whose constructor takes keyword-only arguments (``OrderStateUnknownError(message,
cl_ord_id=..., last_known=...)``) and garbles one that builds its message from its arguments
(``QuoteError``). A process pool's worker that raised one would hand its parent a
``TypeError`` instead.

What is pickled is exactly what the error shows: ``args`` (its message), its attributes
(``__notes__`` among them) and an ``ImportError``'s ``name`` and ``path``. As for every Python
exception, ``__cause__``, ``__context__`` and ``__traceback__`` stay behind: a cause (an
aiohttp error, say) need not pickle, and may hold what the error itself does not show.

Pickle finds a class by its ``__module__``: the errors defined in modules of their own are
named as :mod:`aries_async.errors`, which serves them (:func:`served_from_errors`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from multidict import CIMultiDict, CIMultiDictProxy

__all__ = ["error_state", "rebuild_error", "served_from_errors"]


def rebuild_error(
    cls: type[BaseException], args: tuple[Any, ...], state: dict[str, Any] | None = None
) -> BaseException:
    """An instance of ``cls`` with ``args`` and the attributes of ``state`` (see
    :func:`error_state`), its constructor not called. Without ``state`` (pickled by an older
    version), pickle sets the attributes next (``BaseException.__setstate__``)."""
    error = cls.__new__(cls, *args)
    error.args = args  # an OSError subclass (a TimeoutError) leaves them to its __init__
    for name, value in (state or {}).items():
        # A read-only view does not pickle: it travels as the dict it shows.
        setattr(error, name, CIMultiDictProxy(value) if isinstance(value, CIMultiDict) else value)
    return error


def error_state(error: BaseException) -> dict[str, Any]:
    """The attributes of ``error`` to pickle: its ``__dict__``, and the fields an
    ``ImportError`` keeps outside it; read-only headers (``APIError.headers``) as a copy of
    the dict they show, which :func:`rebuild_error` turns back into a read-only view."""
    state = {
        name: CIMultiDict(value) if isinstance(value, CIMultiDictProxy) else value
        for name, value in vars(error).items()
    }
    if isinstance(error, ImportError):
        state.update(name=error.name, path=error.path)
    return state


def served_from_errors(namespace: dict[str, Any], names: Iterable[str]) -> None:
    """Name the classes ``names`` of a module's ``namespace`` as members of
    :mod:`aries_async.errors`, which serves them: tracebacks (a notebook's last line above all)
    and reprs then name the module they are imported from, and pickle finds them there."""
    for name in names:
        namespace[name].__module__ = "aries_async.errors"
