"""The query filters that several operations share, for annotating your own code.

A method such as ``client.financials.income_statements(...)`` takes its filter families as
keyword arguments (``**filters: Unpack[FinancialsStatementsFilters]``); these are those
``TypedDict`` types (one a family of filters, or one that inherits the families a method
takes), and the ``Literal`` choices several parameters share. Build the filters once and pass
them on, and mypy checks the keys and their types::

    from aries_async.filters import FinancialsStatementsFilters

    recent: FinancialsStatementsFilters = {"fiscal_year_min": 2023, "timeframe": "quarterly"}
    statements = await client.financials.income_statements(**recent)

Each class documents its keys and their wire names. This module is not loaded by
``import aries_async``; it loads on its own import (or ``aries_async.filters``).
"""

from __future__ import annotations

from aries_async.resources.generated._filters import *  # noqa: F403
from aries_async.resources.generated._filters import __all__ as __all__
