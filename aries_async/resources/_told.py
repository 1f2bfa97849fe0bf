"""What an order client was told of the orders it placed: each one's tag, when, and its
symbol (:class:`Told`), for :func:`~aries_async.resources._order_lookup.match_placed` and the
check of a replace's symbol."""

from __future__ import annotations

from datetime import datetime

import attrs

from aries_async.errors import ValidationError

__all__ = ["Told"]


class Told:
    """The orders a client placed and was told so, the newest :attr:`SIZE` (what
    :func:`~aries_async.resources._order_lookup.match_placed` learns from, and what a
    replace's symbol is checked against)."""

    SIZE = 4096

    @attrs.frozen
    class Entry:
        """An order this client was told it placed."""

        tag: str
        """The tag it was sent with ("" for none)."""
        started: datetime
        """When the attempt that placed it began, on the client's clock."""
        symbol: str = ""
        """The symbol it was placed with ("" when not known)."""

    def __init__(self) -> None:
        self.placed: dict[str, Told.Entry] = {}
        """``clOrdId`` -> how it was placed."""

    def add(
        self, cl_ord_id: str | None, tag: str | None, started: datetime, symbol: str = ""
    ) -> None:
        """Remember the order ``cl_ord_id`` placed with ``tag`` (None: with none) and
        ``symbol`` by an attempt begun at ``started``."""
        if not cl_ord_id:
            return
        self.placed.pop(cl_ord_id, None)
        self.placed[cl_ord_id] = Told.Entry(tag or "", started, symbol)
        if len(self.placed) > self.SIZE:
            del self.placed[next(iter(self.placed))]

    def check_replace(self, orig_cl_ord_id: str, symbol: str) -> str:
        """The symbol the order ``orig_cl_ord_id`` was placed with ("" when this client did
        not place it); a replace naming it as ``symbol`` must name the same underlying
        (rest.md 6.3: "as on the original order"), by the legs' rule
        (:func:`~aries_async.models._leg_symbols.same_underlying`: an option's underlying
        or its OSI symbol alike; the server tells a contract from another).

        Raises:
            ValidationError: ``symbol`` names another instrument (``field`` ``symbol``).
        """
        entry = self.placed.get(orig_cl_ord_id)
        if entry is None or not entry.symbol:
            return ""
        # here, not at the top: the order models it loads are not needed before an order
        from aries_async.models._leg_symbols import same_underlying

        if not same_underlying(symbol, entry.symbol):
            raise ValidationError(
                f"symbol: {symbol!r} is not the instrument of order {orig_cl_ord_id!r} "
                f"({entry.symbol!r}); a replace names its order's symbol",
                field="symbol",
            )
        return entry.symbol
