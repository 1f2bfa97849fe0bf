"""What a structuring error says: the path of each field that did not fit, and why; and
:func:`structure_answer`, which reads an answer into its model and says so.

cattrs raises a tree of exceptions (``While structuring TechnicalPatternsResponse (1
sub-exception)``) whose leaves say what was wrong and whose notes say where. Its own text names
neither, so the message of a :class:`~aries_async.errors.ResponseFormatError` is built here
from the leaves: ``$.data.points[1].stoploss: not a decimal number: 'stop'``, the path in the
models' attribute names (``cattrs.transform_error``'s form), as the structuring tests spell it.
"""

from __future__ import annotations

from typing import Any, TypeVar

import cattrs

from aries_async.errors import ResponseFormatError

__all__ = ["describe", "structure_answer"]

T = TypeVar("T")

_SHOWN = 3
"""How many problems a message lists: a page of bad rows would make it pages long."""


def _why(exc: BaseException, type_: type | None) -> str:
    # The leaf's own words ("not a decimal number: 'stop'", "expected a whole number, got
    # 2.5") say more than cattrs' "invalid value for type"; a missing key has none.
    if isinstance(exc, (ValueError, TypeError)) and not isinstance(exc, KeyError) and exc.args:
        return f"{exc}"[:120]
    return cattrs.v.format_exception(exc, type_)


def describe(exc: BaseException) -> str:
    """The problems of ``exc`` as one line: ``PATH: WHY`` for each field that did not fit (the
    first few), or the exception's own text when it is not cattrs' (a ``ValueError`` raised
    before any field was read)."""
    if not isinstance(exc, cattrs.BaseValidationError):
        return str(exc)
    found = cattrs.transform_error(exc, format_exception=_why)
    problems = [_reordered(line) for line in found[:_SHOWN]]
    if len(found) > _SHOWN:
        problems.append(f"and {len(found) - _SHOWN} more")
    return "; ".join(problems) or str(exc)


def _reordered(line: str) -> str:
    """``WHY @ PATH`` (cattrs' order) as ``PATH: WHY``, the field first."""
    why, at, path = line.rpartition(" @ ")
    return f"{path}: {why}" if at else line


def structure_answer(data: Any, cls: type[T], what: str) -> T:
    """The decoded answer ``data`` as model ``cls``, by the converter (which also refuses an
    object of keys the model does not know, at any depth: ``models/_envelopes.py``).

    Raises:
        ResponseFormatError: it does not fit; the message names ``what`` and each field's path.
    """
    from aries_async.models._converter import structure

    try:
        return structure(data, cls)
    except (cattrs.BaseValidationError, ValueError, TypeError) as exc:
        raise ResponseFormatError(f"unexpected {what} response: {describe(exc)}") from exc
