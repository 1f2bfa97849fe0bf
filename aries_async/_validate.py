"""Checks of caller input, raising :class:`~aries_async.errors.ValidationError` before anything
is sent."""

from __future__ import annotations

from aries_async.errors import ValidationError

__all__ = ["require_count", "require_text"]


def require_text(value: object, field: str) -> str:
    """``value`` stripped, when it is a string with more than white space in it.

    Raises:
        ValidationError: naming ``field``, for anything else (an empty string, None, a number).
    """
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ValidationError(f"{field} must be a non-empty string, got {value!r}", field=field)
    return text


def require_count(value: object, field: str, maximum: int | None = None) -> int:
    """``value``, when it is a whole number from 1 up to ``maximum`` (a bool is not one).

    Raises:
        ValidationError: naming ``field``, for anything else.
    """
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value < 1
        or (maximum is not None and value > maximum)
    ):
        span = "of at least 1" if maximum is None else f"1..{maximum}"
        raise ValidationError(f"{field} must be a whole number {span}, got {value!r}", field=field)
    return value
