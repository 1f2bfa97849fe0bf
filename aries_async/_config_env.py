"""The settings :meth:`ClientConfig.from_env <aries_async.config.ClientConfig.from_env>` reads
from ``ARIES_*`` variables, but its URLs: numbers, flags and scopes.

Each value refused raises :class:`~aries_async.errors.ConfigurationError` naming the variable
and the value as given (its ``setting`` is the variable): the message is what a user of the
command line sees, and ``ClientConfig``'s own checks name its arguments, not the variables.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

from aries_async.errors import ConfigurationError, ValidationError

__all__ = ["env_settings"]

_YES, _NO = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _refused(key: str, raw: str, why: str) -> ConfigurationError:
    return ConfigurationError(f"{key} {why}, got {raw!r}", setting=key)


def _whole(key: str, raw: str) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        raise _refused(key, raw, "must be a whole number") from None
    if value < 1:
        raise _refused(key, raw, "must be at least 1")
    return value


def _positive(key: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise _refused(key, raw, "must be a number") from None
    if not math.isfinite(value):  # "inf" reads as a float, but no setting means "endless"
        raise _refused(key, raw, "must be a finite number")
    if not value > 0:
        raise _refused(key, raw, "must be positive")
    return value


def _flag(key: str, raw: str) -> bool:
    word = raw.strip().lower()
    if word not in _YES + _NO + ("",):
        raise _refused(key, raw, "must be 1/true/yes/on or 0/false/no/off")
    return word in _YES


def env_settings(env: Mapping[str, str]) -> dict[str, object]:
    """``ClientConfig`` keywords from the variables set (an empty one is not set), but for
    ``max_attempts``, the retry policy's (the caller makes the policy).

    Raises:
        ConfigurationError: a value is refused; ``setting`` names its variable.
    """
    readers: dict[str, tuple[str, Callable[[str, str], object]]] = {
        "ARIES_APP_TOKEN": ("app_token", _flag),
        "ARIES_TIMEOUT": ("timeout", _positive),
        "ARIES_CONNECT_TIMEOUT": ("connect_timeout", _positive),
        "ARIES_RATE_LIMIT": ("rate_limit", _positive),
        "ARIES_POOL_SIZE": ("pool_size", _whole),
        "ARIES_MAX_ATTEMPTS": ("max_attempts", _whole),
    }
    values: dict[str, object] = {
        name: read(key, env[key]) for key, (name, read) in readers.items() if env.get(key)
    }
    if env.get("ARIES_SCOPES"):
        from aries_async.auth.scopes import expand_scopes

        try:
            values["scopes"] = tuple(expand_scopes(env["ARIES_SCOPES"]))
        except ValidationError as exc:
            raise ConfigurationError(f"ARIES_SCOPES: {exc}", setting="ARIES_SCOPES") from None
    return values
