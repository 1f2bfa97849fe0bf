"""JSON read with every number that has a fraction or an exponent as the ``Decimal`` of its
digits, whole numbers as ``int`` at any size (msgspec): how :func:`aries_async.http.decode.loads`
reads a body holding a number a float may not hold. A module of its own so that msgspec is
loaded with it, off the event loop where a call can arrange that (the generated methods do)."""

from __future__ import annotations

from decimal import Decimal

import msgspec

__all__ = ["DecodeError", "decoder"]

decoder = msgspec.json.Decoder(float_hook=Decimal)
"""The decoder (its ``decode(body)`` raises :data:`DecodeError` for what is not JSON)."""

DecodeError = msgspec.DecodeError
