"""Option expirations and contract lists (rest.md §13).

Contract lists use the ``O:``-prefixed OCC ticker (``O:AAPL250117C00150000``); orders, option
details and the market and charts streams use the bare OSI symbol. :attr:`OptionContract.osi`
converts; a ticker given where the OSI symbol is wanted (quotes, subscriptions, orders) is
refused with a :class:`~aries_async.errors.ValidationError` naming it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs

from aries_async._validate import OPTION_TICKER_PREFIX
from aries_async.models._summary import items_repr

__all__ = ["OptionChain", "OptionContract", "OptionExpirations"]


@attrs.frozen(kw_only=True)
class OptionExpirations:
    """``GET /v1/options/{symbol}/expiry-dates``: the expiry dates listed for an underlying."""

    symbol: str | None = None
    expiry_dates: list[date] = attrs.field(factory=list, repr=items_repr)


@attrs.frozen(kw_only=True)
class OptionContract:
    """One contract of a chain: its ticker as on the wire and its strike.

    Example:
        >>> c = OptionContract(symbol="O:AAPL250117C00150000", strike_price=Decimal(150))
        >>> c.osi, c.put_call
        ('AAPL250117C00150000', 'CALL')
    """

    symbol: str | None = None
    strike_price: Decimal | None = None

    @property
    def osi(self) -> str | None:
        """The bare OSI symbol (the ticker without its ``O:`` prefix), as orders, option
        details and the market and charts streams name the contract."""
        if self.symbol is None:
            return None
        return (
            self.symbol[len(OPTION_TICKER_PREFIX) :]
            if self.symbol.startswith(OPTION_TICKER_PREFIX)
            else self.symbol
        )

    @property
    def put_call(self) -> str | None:
        """``"CALL"`` or ``"PUT"`` read from the OSI symbol, or ``None`` if it is not one."""
        osi = self.osi
        if osi is None or len(osi) < 15 or osi[-9] not in "CP":
            return None
        return "CALL" if osi[-9] == "C" else "PUT"


@attrs.frozen(kw_only=True)
class OptionChain:
    """``GET /v1/options/{symbol}/contracts/{expiryDate}``: calls and puts of one expiry."""

    symbol: str | None = None
    expiry_date: date | None = None
    calls: list[OptionContract] = attrs.field(factory=list, repr=items_repr)
    puts: list[OptionContract] = attrs.field(factory=list, repr=items_repr)
