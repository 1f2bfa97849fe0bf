"""What the prediction venue's search (``GET /v1/predictions/search``) finds: :func:`search_hits`.

The venue searches its contracts, events or base events (``type``, contracts when absent) for
the words of ``q``: a hit is a thing whose ticker, venue id, title or the statistic it settles
on holds every word of the query (case aside); a query holding none of them finds nothing, and
no query finds everything of the type. Each thing is one hit: a base event once (not once per
contract of it), an event once per release.

The things are those of the simulated series (:data:`~aries_async.sim.answer.CONTRACTS`): a
base event per series, an event per release of it (month by month or quarter by quarter, as
:func:`~aries_async.sim.prediction_events.series_contracts` lists a base event's), a contract per
event at the series' strike.
"""

from __future__ import annotations

from collections.abc import Sequence

from aries_async.sim.prediction_events import base_event_id, series_contracts
from aries_async.sim.prediction_texts import (
    base_event_name,
    contract_title,
    event_title,
    series_of,
)

__all__ = ["contracts_found", "search_hits"]


def _things(kind: str, contracts: Sequence[str]) -> list[str]:
    """A contract ticker standing for each thing of ``kind`` (``base-events``, ``events``,
    else contracts), in the venue's order: series by series, releases in date order."""
    found: dict[str, str] = {}  # the thing's key -> the ticker standing for it
    expanded: set[str] = set()
    for template in contracts:
        series = template.split("-", 1)[0]
        if kind != "base-events" and series in expanded:
            continue  # a series' releases are listed from its first contract on, once
        expanded.add(series)
        releases = [template] if kind == "base-events" else None
        for ticker in releases or series_contracts({"baseEventId": series}, [template]) or []:
            key = base_event_id(ticker) if kind == "base-events" else ticker
            found.setdefault(key or ticker, ticker)
    return list(found.values())


def _words_of(kind: str, ticker: str) -> str:
    """Everything a query can match of the thing ``ticker`` stands for, lower case."""
    series = series_of(ticker)
    spec = series.spec if series is not None else ""
    event = ticker.rsplit("-", 1)[0]
    if kind == "base-events":
        names = [ticker.split("-", 1)[0], base_event_id(ticker) or "", base_event_name(ticker)]
    elif kind == "events":
        names = [event, base_event_id(ticker) or "", event_title(ticker)]
    else:
        # a contract also matches its event's and base event's words: the venue finds an
        # event (a base event) by its contracts, so each hit of one has a contract found
        names = [ticker, event, base_event_id(ticker) or "", contract_title(ticker)]
        names += [event_title(ticker), base_event_name(ticker)]
    return " ".join([*names, spec]).lower()


def search_hits(params: dict[str, str], contracts: Sequence[str]) -> list[str]:
    """The contract tickers standing for the hits of a search with ``params`` (``type``,
    ``q``) over the things of ``contracts``' series, one per hit, in the venue's order."""
    kind = params.get("type") or "contracts"
    words = (params.get("q") or "").lower().split()
    things = _things(kind, contracts)
    return [t for t in things if all(w in _words_of(kind, t) for w in words)]


def contracts_found(params: dict[str, str], contracts: Sequence[str], ticker: str) -> int:
    """How many contracts a search with ``params`` found under the event (base event) hit
    ``ticker`` stands for: those the same query lists with ``type=contracts`` of that event
    (base event), as a hit's ``contractsFound`` counts them."""
    base = params.get("type") == "base-events"

    def key(contract: str) -> str | None:
        return base_event_id(contract) if base else contract.rsplit("-", 1)[0]

    found = search_hits({**params, "type": "contracts"}, contracts)
    return sum(1 for contract in found if key(contract) == key(ticker))
