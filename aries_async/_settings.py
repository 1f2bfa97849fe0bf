"""The checks of settings' values: the numbers of ``StreamConfig``, ``ClientConfig``,
``RetryPolicy``, the token stores, ``RedisRateBudget`` and the simulator, and the client's
credentials and scopes. One rule for each kind of value, so that NaN, an infinity, a bool or a
string is refused everywhere alike, at construction, before anything is sent. NaN compares
false with everything, so a ``value <= 0`` check lets it through, and a timer set to it never
fires or fires at once: every check here says what *is* accepted.

Each check raises :class:`~aries_async.errors.ConfigurationError` by default, naming the
setting (its ``setting`` too) and what it takes; the simulator's options raise
:class:`~aries_async.errors.ValidationError` (``error=``, its ``field`` the option), a
``ValueError`` as their other checks are.

:func:`seconds_field` and :func:`count_field` make the same checks attrs validators, which a
mutable class (the simulator's faults) also runs when an attribute is set.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, TypeAlias

import attrs

from aries_async._validate import printable
from aries_async.errors import ConfigurationError, ValidationError

__all__ = [
    "Seconds",
    "as_float",
    "attempt_timeout_setting",
    "count_field",
    "count_setting",
    "credential_setting",
    "finite_number",
    "fraction_setting",
    "key_prefix_setting",
    "optional_as_float",
    "optional_count",
    "scope_names",
    "scopes_setting",
    "seconds_field",
    "seconds_setting",
    "seconds_settings",
    "text_setting",
]


Seconds: TypeAlias = float | Decimal
"""A number of seconds (or another number of a setting: a rate, a multiplier) as the settings
take it: an int, a float or a finite ``Decimal``, kept as the float it is worth."""


def _refusal(error: type[Exception], name: str, takes: str, value: object) -> Exception:
    message = f"{name} must be {takes}, got {value!r:.80}"
    if issubclass(error, ConfigurationError):
        return error(message, setting=name)
    if issubclass(error, ValidationError):
        return error(message, field=name)
    return error(message)


def _number(value: object, decimals: bool = False) -> float | None:
    """``value`` as a float when it is a finite int or float (not a bool), or a finite
    ``Decimal`` when ``decimals``, else None."""
    if decimals and isinstance(value, Decimal):
        # A signalling NaN raises when made a float: asked first, it is refused as NaN is.
        return float(value) if value.is_finite() and math.isfinite(float(value)) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:  # an int beyond any float
        return None
    return number if math.isfinite(number) else None


def finite_number(value: object) -> float | None:
    """``value`` as a float when it is a finite int, float or ``Decimal`` (not a bool, NaN or
    an infinity, nor an int or a Decimal beyond any float), else None: the rule of every
    number a setting takes, for a check whose messages are its own."""
    return _number(value, decimals=True)


def as_float(value: Seconds) -> float:
    """An attrs converter: a finite ``Decimal`` as the float it is worth, anything else as
    given, for the setting's own check to take or refuse (naming the setting, showing the value
    as given). Its parameter's type is what the class's ``__init__`` takes (the attribute's
    own, ``float``, is what is kept), so that a type checker takes a Decimal there."""
    if isinstance(value, Decimal):
        number = finite_number(value)
        if number is not None:
            return number
    return value  # type: ignore[return-value]  # a Decimal left for the check to refuse


def optional_as_float(value: Seconds | None) -> float | None:
    """:func:`as_float`, None kept (an optional setting's "not set")."""
    return None if value is None else as_float(value)


def seconds_setting(
    value: object,
    name: str,
    *,
    zero: bool = False,
    minimum: float | None = None,
    unit: str = "seconds",
    error: type[Exception] = ConfigurationError,
    decimals: bool = False,
) -> float:
    """``value`` as a float, when it is a finite number (an int or a float, not a bool, NaN or
    an infinity) above 0, or at least 0 when ``zero``, or at least ``minimum`` when given.

    An infinity is refused, never read as "for ever": where waiting for ever has a meaning,
    the option takes None for it, one way to say it; an infinity given is more often a
    computed deadline gone wrong, and no timer can be set at it.

    ``decimals``: a finite ``Decimal`` is taken too (as the float it is worth), where the
    caller keeps the float returned (an attrs field converts it first: :func:`as_float`): a
    setting kept as given would hold a Decimal, which timers and float arithmetic refuse.

    Raises:
        ConfigurationError: (or ``error``) naming ``name`` and what it takes, for anything
            else.
    """
    number = _number(value, decimals)
    if minimum is not None:
        takes, fits = f"a finite number >= {minimum:g}", number is not None and number >= minimum
    elif zero:
        takes, fits = f"a finite number of {unit} >= 0", number is not None and number >= 0
    else:
        takes, fits = f"a finite number of {unit} > 0", number is not None and number > 0
    if number is None or not fits:
        raise _refusal(error, name, takes, value)
    return number


def attempt_timeout_setting(value: object, timeout: float) -> float | None:
    """Check ``ClientConfig.attempt_timeout``: None, or finite seconds above 0 and at most
    ``timeout``, the call's budget (checked first), which would cut a longer attempt short:
    one asked longer is refused rather than quietly capped. A call given a shorter timeout
    of its own (``client.timeout(...)``) caps its attempts at it.

    Raises:
        ConfigurationError: naming ``attempt_timeout``, for anything else.
    """
    if value is None:
        return None
    seconds = seconds_setting(value, "attempt_timeout", decimals=True)
    if seconds > timeout:
        takes = f"at most timeout ({timeout:g} seconds), the call's whole budget, or None"
        raise _refusal(ConfigurationError, "attempt_timeout", takes, value)
    return seconds


def seconds_settings(**settings: object) -> tuple[float, ...]:
    """Check each keyword's value as :func:`seconds_setting` (finite, above 0; a finite
    ``Decimal`` taken), named by the keyword: the few timeouts and leases of one constructor.
    Returns the floats they are worth, in the keywords' order, for the constructor to keep.

    Raises:
        ConfigurationError: naming the first keyword refused.
    """
    return tuple(seconds_setting(value, name, decimals=True) for name, value in settings.items())


def fraction_setting(
    value: object, name: str, *, error: type[Exception] = ConfigurationError
) -> float:
    """``value`` as a float, when it is a number (an int, a float or a ``Decimal``, kept by
    the caller as the float returned) from 0 up to but not including 1.

    Raises:
        ConfigurationError: (or ``error``) naming ``name``, for anything else.
    """
    number = _number(value, decimals=True)
    if number is None or not 0 <= number < 1:
        raise _refusal(error, name, "a number in [0, 1)", value)
    return number


def count_setting(
    value: object, name: str, *, minimum: int = 1, error: type[Exception] = ConfigurationError
) -> int:
    """``value``, when it is a whole number (an int, not a bool nor a float such as ``2.0``)
    of at least ``minimum``.

    Raises:
        ConfigurationError: (or ``error``) naming ``name``, for anything else.
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _refusal(error, name, f"a whole number >= {minimum}", value)
    return value


def optional_count(
    value: object, name: str, *, minimum: int = 1, error: type[Exception] = ConfigurationError
) -> int | None:
    """None, or a whole number of at least ``minimum`` (:func:`count_setting`).

    Raises:
        ConfigurationError: (or ``error``) naming ``name``, for anything else.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _refusal(error, name, f"None or a whole number >= {minimum}", value)
    return value


def text_setting(value: object, name: str, *, spaces: bool = False) -> str:
    """``value``, when it is a non-empty string without a line break or another control
    character (a header's value, a URL sent in a form), nor a space unless ``spaces``.

    Raises:
        ConfigurationError: naming ``name``, for anything else.
    """
    if not isinstance(value, str) or not value.strip() or not printable(value, spaces=spaces):
        takes = "text without line breaks or control characters"
        raise _refusal(ConfigurationError, name, takes if spaces else f"{takes} or spaces", value)
    return value


def scope_names(scopes: str | Iterable[str]) -> tuple[str, ...]:
    """Scope names from a space-separated string (the OAuth form) or from names, each split
    at white space; a string is never taken letter by letter. Unchecked: for the scopes a
    server granted (:mod:`aries_async.config` serves it)."""
    if isinstance(scopes, str):
        return tuple(scopes.split())
    return tuple(scope for name in scopes for scope in str(name).split())


def scopes_setting(value: str | Iterable[str]) -> tuple[str, ...]:
    """``ClientConfig.scopes``: the scope names of ``value``, a string in the OAuth form (names
    apart by white space, never taken letter by letter) or names, each text without a space or
    a control character: on the wire the scopes go as one space-separated list, where a name
    holding a space would be two.

    Raises:
        ConfigurationError: naming ``scopes`` and the first name refused.
    """
    if isinstance(value, str):
        names: tuple[object, ...] = tuple(value.split())
    elif isinstance(value, Iterable):
        names = tuple(value)
    else:
        raise _refusal(
            ConfigurationError, "scopes", "a space-separated string or scope names", value
        )
    for name in names:
        if not isinstance(name, str) or not name or not printable(name):
            takes = "scope names without spaces or control characters (one with a space is two)"
            raise _refusal(ConfigurationError, "scopes", takes, name)
    return names  # type: ignore[return-value]  # each a str, checked above


def key_prefix_setting(value: object, name: str = "prefix") -> str:
    """``value``, when it is a string (empty too) without spaces, control characters or braces:
    the start of Redis keys whose hash tag, in braces, the store or budget puts after it.

    Raises:
        ConfigurationError: naming ``name``, for anything else.
    """
    if not isinstance(value, str) or not printable(value) or {"{", "}"} & set(value):
        takes = "text without spaces, control characters or braces"
        raise _refusal(ConfigurationError, name, takes, value)
    return value


def credential_setting(value: object, name: str) -> None:
    """Check that a client id or secret (None: not given) is printable ASCII, spaces included
    (RFC 6749 A.1, A.2). The value is a secret: only its name is said.

    Raises:
        ConfigurationError: anything else (``setting`` is ``name``).
    """
    if value is None:
        return
    if not isinstance(value, str):
        raise ConfigurationError(f"{name} must be text, not {type(value).__name__}", setting=name)
    if not all(" " <= char <= "~" for char in value):
        raise ConfigurationError(
            f"{name} holds a line break, another control character or a character beyond "
            "ASCII (read from a file with its trailing newline?): strip it",
            setting=name,
        )


_Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def seconds_field(
    *, zero: bool = False, optional: bool = False, error: type[Exception] = ValidationError
) -> _Validator:
    """An attrs validator: :func:`seconds_setting` (None too when ``optional``), naming the
    option ``Class.attribute``."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not (optional and value is None):
            name = f"{type(instance).__name__}.{attribute.name}"
            seconds_setting(value, name, zero=zero, error=error)

    return check


def count_field(
    *, minimum: int = 1, optional: bool = False, error: type[Exception] = ValidationError
) -> _Validator:
    """An attrs validator: :func:`count_setting` (:func:`optional_count` when ``optional``),
    naming the option ``Class.attribute``."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        name = f"{type(instance).__name__}.{attribute.name}"
        if optional:
            optional_count(value, name, minimum=minimum, error=error)
        else:
            count_setting(value, name, minimum=minimum, error=error)

    return check
