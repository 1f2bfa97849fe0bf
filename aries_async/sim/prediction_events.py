"""What the simulator's prediction-market events are about: their category paths.

A base event sits in the venue's category tree, broadest first: category, subcategory, then
region (finance-dev's ``PredMdBaseEvent.categoryLevels``; a few have fewer levels). The
simulated contracts (:data:`~aries_async.sim.answer.CONTRACTS`) are US economic releases, so
their series (the ticker up to its first dash: ``KXFED``) map onto economics paths; a series
the table does not know is filed under its category alone.
"""

from __future__ import annotations

__all__ = ["CATEGORY_LEVELS", "category_levels"]

CATEGORY_LEVELS: dict[str, tuple[str, ...]] = {
    "KXFED": ("Economics", "Interest Rates", "United States"),
    "KXCPI": ("Economics", "Inflation", "United States"),
    "KXGDP": ("Economics", "Growth", "United States"),
    "KXUNRATE": ("Economics", "Employment", "United States"),
}
"""The category path of each simulated series, broadest first."""

_UNFILED = ("Economics",)


def category_levels(ticker: str) -> tuple[str, ...]:
    """The category path of the event (or contract) ``ticker``, broadest first."""
    return CATEGORY_LEVELS.get(ticker.split("-", 1)[0].upper(), _UNFILED)
