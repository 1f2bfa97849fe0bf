"""The market and charts websockets' throughput mode: quote lines for synthetic symbols,
precomputed once (:meth:`Firehose.frames`) and sent back to back as fast as the socket takes
them (see :mod:`aries_async.sim.ws_session`)."""

from __future__ import annotations

from typing import Any

import attrs
import orjson

from aries_async._settings import count_field, optional_as_float, seconds_field

__all__ = ["Firehose"]


def _chart_quote(symbol: str, bid: float, index: int, variant: int) -> dict[str, Any]:
    last = round(bid + 0.01, 2)
    values = {
        "lp": last,
        "bid": bid,
        "ask": round(bid + 0.02, 2),
        "ch": round(0.05 * (variant + 1), 2),
        "chp": round(0.05 * (variant + 1) / last * 100, 2),
        "volume": 1000 * (1 + (index + variant) % 9),
    }
    return {
        "type": "event",
        "payload": {"symbol": symbol, "data": {"s": "ok", "n": symbol, "v": values}},
    }


@attrs.frozen(kw_only=True)
class Firehose:
    """The websockets' throughput mode: precomputed quote frames, sent back to back.

    A market or charts socket that has subscribed to every one of :meth:`names` (in any number
    of subscribe messages) starts receiving quote update lines (in its socket's form) for
    those symbols, cycling over them, ``lines_per_frame`` lines per websocket text frame, as
    fast as the socket accepts them. It stops after ``count`` lines or ``duration`` seconds
    (wall clock), whichever comes first, or runs until the socket closes when both are None.
    Each connection gets its own run. Firehose symbols get no snapshot on subscribe, field
    selection is ignored (every line is a full quote) and the fault settings do not apply to
    firehose frames.

    Example:
        >>> fh = Firehose(symbols=3, lines_per_frame=2, count=10)
        >>> fh.names()
        ['FH00000', 'FH00001', 'FH00002']
        >>> [n for _, n in fh.frames()]
        [2, 2, 2, 2, 2, 2]

    Attributes:
        symbols: how many synthetic symbols (``FH00000``, ``FH00001``, ...).
        lines_per_frame: NDJSON lines in one frame.
        count: quote lines to send per connection (None: no limit).
        duration: seconds to keep sending per connection (None: no limit).
        variants: distinct prices per symbol in the precomputed cycle.
        prefix: the synthetic symbols' prefix.
    """

    symbols: int = attrs.field(default=100, validator=count_field())
    lines_per_frame: int = attrs.field(default=20, validator=count_field())
    count: int | None = attrs.field(default=None, validator=count_field(optional=True))
    duration: float | None = attrs.field(
        default=None, converter=optional_as_float, validator=seconds_field(optional=True)
    )
    variants: int = attrs.field(default=4, validator=count_field())
    prefix: str = "FH"

    def names(self) -> list[str]:
        """The synthetic symbols, in publishing order."""
        return [f"{self.prefix}{i:05d}" for i in range(self.symbols)]

    def lines(self, socket: str = "market") -> list[bytes]:
        """One cycle of quote update lines: every symbol once per variant (UTF-8 JSON), as
        the market socket sends them, or as the charts socket does (``socket="charts"``)."""
        names = self.names()
        out: list[bytes] = []
        for variant in range(self.variants):
            for index, symbol in enumerate(names):
                bid = round(10.0 + index * 0.37 % 400 + variant * 0.01, 2)
                stamp = 1_768_489_200_000 + variant * 500
                if socket == "charts":
                    out.append(orjson.dumps(_chart_quote(symbol, bid, index, variant)))
                    continue
                data = {
                    "bidPrice": bid,
                    "bidSize": 100 * (1 + (index + variant) % 9),
                    "bidExchange": "NSDQ",
                    "askPrice": round(bid + 0.02, 2),
                    "askSize": 100 * (1 + (index * 7 + variant) % 9),
                    "askExchange": "ARCA",
                    "quoteTimestamp": stamp,
                }
                message = {
                    "type": "event",
                    "payload": {
                        "action": "update",
                        "type": "quote",
                        "symbol": symbol,
                        "data": data,
                        "timestamp": stamp + 3,
                    },
                }
                out.append(orjson.dumps(message))
        return out

    def frames(self, socket: str = "market") -> list[tuple[bytes, int]]:
        """``(frame, lines in it)`` covering :meth:`lines` (of ``socket``) once; the last frame
        may be shorter when the cycle does not divide evenly."""
        lines = self.lines(socket)
        size = self.lines_per_frame
        return [
            (b"\n".join(chunk), len(chunk))
            for chunk in (lines[i : i + size] for i in range(0, len(lines), size))
        ]
