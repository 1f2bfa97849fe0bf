"""The records of the simulator's HTTP faults that answer a request instead of the route: a
429 (:class:`RateLimitFault`, :class:`AppRateLimit`), a 5xx burst (:class:`ServerErrorFault`)
and an error status in one of the documented error body shapes (:class:`ErrorFault`); and the
values of the ``date_header``, ``swallow_mode`` and ``token_error_shape`` switches
(:data:`DATE_HEADERS`, :data:`SWALLOW_MODES`, :data:`TOKEN_ERROR_SHAPES`).

:class:`~aries_async.sim.faults.Faults` holds them (its module's table says how each is set);
they are importable from :mod:`aries_async.sim.faults` and :mod:`aries_async.sim` too.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import attrs

from aries_async._settings import (
    as_float,
    count_field,
    count_setting,
    optional_as_float,
    seconds_field,
    seconds_setting,
)
from aries_async.errors import ValidationError
from aries_async.sim.fault_routes import ROUTE_VALUES, routed

__all__ = [
    "DATE_HEADERS",
    "ERROR_SHAPES",
    "MALFORMED_DATE",
    "NON_ACK_MODES",
    "SWALLOW_MODES",
    "TOKEN_ERROR_SHAPES",
    "AppRateLimit",
    "ErrorFault",
    "RateLimitFault",
    "ServerErrorFault",
]

DATE_HEADERS = ("clock", "none", "malformed")
"""``date_header`` values: the ``Date`` of every answer (RFC 9110 6.6.1) is the simulator's
clock (``"clock"``, as a server's is its own clock), left out (``"none"``) or
:data:`MALFORMED_DATE` (``"malformed"``)."""

MALFORMED_DATE = "Thu, 32 Jan 2026 25:61:00 GMT"
"""The ``Date`` of ``date_header="malformed"``: shaped as an HTTP-date, and none."""

NON_ACK_MODES = (
    "garble",
    "empty",
    "message",
    "envelope",
    "array",
    "null",
    "blank",
    "no_id",
    "blank_id",
)
"""``swallow_mode`` values that execute the order and answer 200 with a body that is not an
order acknowledgement (one per shape a misbehaving gateway may send). ``no_id`` and
``blank_id`` alter an accepting acknowledgement only: a rejection is answered as usual."""

SWALLOW_MODES = ("drop", "hang", *NON_ACK_MODES)
"""Every ``swallow_mode``."""

TOKEN_ERROR_SHAPES = ("rfc", "nested", "nested_no_code", "empty")
"""``token_error_shape`` values."""

ERROR_SHAPES = (
    "flat",
    "flat_bare",
    "nested",
    "prediction",
    "prediction_order",
    "legacy",
    "empty",
    "html",
)
"""The error body shapes of :class:`ErrorFault` (conventions.md section 5): ``"flat"`` (A,
``{"error": message, "codes": [{code, description, field}], "metadata": {}}``),
``"flat_bare"`` (A without the optional ``codes``), ``"nested"`` (B, ``{"error": {type,
code, message, details, request_id}, "meta": {}}``), ``"prediction"`` (C, ``{"success":
false, "error": {type, code, message, details, request_id, service, operation}}``),
``"prediction_order"`` (C as prediction orders word it: a lower-case ``type``),
``"legacy"`` (E, ``{"error": code, "message": message}``), ``"empty"`` (no body) and
``"html"`` (a proxy's HTML page, not JSON)."""


# The checks of the faults' counts and of the route-keyed faults' values (the ``metadata`` of
# such a field: partials of module functions, which pickle with the dict that holds them).
COUNT_OR_NONE = count_field(minimum=0, optional=True)
SECONDS_BY_ROUTE = {ROUTE_VALUES: partial(seconds_setting, zero=True, error=ValidationError)}
BYTES_BY_ROUTE = {ROUTE_VALUES: partial(count_setting, minimum=0, error=ValidationError)}
DROPS_BY_ROUTE = {ROUTE_VALUES: partial(count_setting, minimum=1, error=ValidationError)}


def _status(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 100 <= value <= 599:
        name = f"{type(instance).__name__}.{attribute.name}"
        raise ValidationError(
            f"{name} must be an HTTP status (an int 100..599), got {value!r:.80}", field=name
        )


@attrs.define(kw_only=True)
class RateLimitFault:
    """Answer 429 to the next ``count`` requests (``None``: every request).

    Attributes:
        count: how many requests to refuse; decremented on each.
        retry_after: seconds sent in ``Retry-After`` (fractions also go to ``retry-after-ms``).
    """

    count: int | None = attrs.field(default=1, validator=count_field(minimum=0, optional=True))
    retry_after: float = attrs.field(
        default=1.0, converter=as_float, validator=seconds_field(zero=True)
    )


@attrs.define(kw_only=True)
class AppRateLimit:
    """The app's sustained request budget: a token bucket holding at most ``burst`` requests
    (by default ``per_second``: one second's worth) and refilled at ``per_second`` a second, on
    the simulator's clock. Every REST request but the OAuth ones takes one; websockets are not
    counted.

    Attributes:
        per_second: the sustained rate, requests a second (positive).
        burst: the most requests the bucket holds (positive), None for one second's worth.
        refused: how many requests were answered 429 so far.
    """

    per_second: float = attrs.field(converter=as_float, validator=seconds_field())
    burst: int | None = attrs.field(default=None, validator=count_field(optional=True))
    refused: int = 0
    _tokens: float | None = attrs.field(default=None, alias="_tokens", repr=False)
    _at: float = attrs.field(default=0.0, alias="_at", repr=False)

    def take(self, now: float) -> float | None:
        """Take one request's worth at ``now`` (Unix seconds); None when there was room, else
        the seconds until there is (the request is refused and counted in ``refused``)."""
        capacity = max(1.0, self.per_second if self.burst is None else self.burst)
        tokens = capacity if self._tokens is None else self._tokens
        tokens = min(capacity, tokens + max(0.0, now - self._at) * self.per_second)
        self._at = now
        if tokens >= 1.0:
            self._tokens = tokens - 1.0
            return None
        self._tokens = tokens
        self.refused += 1
        return (1.0 - tokens) / self.per_second


@attrs.define(kw_only=True)
class ServerErrorFault:
    """Answer ``status`` to the next ``count`` requests (``None``: every request).

    Attributes:
        count: burst length; decremented on each.
        status: the 5xx status (500, 502, 503, 504...).
        empty_body: send no body at all instead of the nested envelope.
        retry_after: seconds sent in ``Retry-After`` (a 503 for maintenance); None: no header.
    """

    count: int | None = attrs.field(default=1, validator=count_field(minimum=0, optional=True))
    status: int = attrs.field(default=503, validator=_status)
    empty_body: bool = False
    retry_after: float | None = attrs.field(
        default=None, converter=optional_as_float, validator=seconds_field(zero=True, optional=True)
    )


@attrs.define(kw_only=True)
class ErrorFault:
    """Answer ``status`` to the next ``count`` requests (``None``: every request), the body in
    one of the documented error shapes.

    Attributes:
        count: how many requests to answer so; decremented on each.
        status: the error status (400, 401, 403, 404, 409, 422, 429, 500...); no
            ``Retry-After`` is sent (:class:`RateLimitFault`, :class:`ServerErrorFault` send it).
        shape: one of :data:`ERROR_SHAPES`.
        code: the machine-readable code: the flat ``codes[0].code``, the nested ``code``, the
            legacy ``error``.
        message: the human message (the flat ``error``, the nested and legacy ``message``).
        type: the nested and prediction ``type``; None: the one the status implies
            (``VALIDATION`` for a 400, ``RATE_LIMIT`` for a 429...; lower-case for
            ``"prediction_order"``).
    """

    count: int | None = attrs.field(default=1, validator=count_field(minimum=0, optional=True))
    status: int = attrs.field(default=400, validator=_status)
    shape: str = attrs.field(default="nested", validator=attrs.validators.in_(ERROR_SHAPES))
    code: str = "SIMULATED_ERROR"
    message: str = "simulated error"
    type: str | None = None


def fault_record(kind: type, value: object, name: str) -> object:
    """``value``, when it is a ``kind`` (the record a route-keyed fault holds: a
    :class:`RateLimitFault` in ``Faults.rate_limit``): a dict or a number given in its place
    would fail at the first request the route gets, in the server, far from the mistake.

    Raises:
        ValidationError: naming ``name`` (``Faults.rate_limit['/v1/x']``), for anything else.
    """
    if not isinstance(value, kind):
        raise ValidationError(
            f"{name} must be a {kind.__name__}, got {value!r:.80}: the fault's record "
            f"(from aries_async.sim import {kind.__name__})",
            field=name,
        )
    return value


def records_by_route(kind: type) -> Any:
    """A route-keyed fault of ``kind`` records on :class:`~aries_async.sim.faults.Faults`:
    each route checked, and each value by :func:`fault_record`, given or set. An
    ``attrs.field``: a field's definition, made once with the class, not a shared default."""
    checks = {ROUTE_VALUES: partial(fault_record, kind)}
    return attrs.field(factory=dict, on_setattr=routed, metadata=checks)
