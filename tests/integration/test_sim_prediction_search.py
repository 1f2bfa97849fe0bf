"""The prediction venue's search (``GET /v1/predictions/search``) over raw HTTP: it finds the
base events, events or contracts whose ticker, id or title holds the words of its query, each
thing once, and nothing when nothing matches (found a defect: every search listed the same four
base events over and over, whatever it asked for). Every answer is checked against the API
description and the official models."""

from __future__ import annotations

from typing import Any

from sim_http import SimApi
from spec_check import check_answer

from aries_async.sim.answer import CONTRACTS

SEARCH = "/v1/predictions/search"


async def _search(api: SimApi, **params: str) -> dict[str, Any]:
    status, body = await api.call("GET", SEARCH, params={"perPage": "50", **params})
    check_answer("search", status, body)
    data: dict[str, Any] = body["data"]
    assert data["found"] == len(data["hits"])  # one page holds them all here
    return data


async def test_a_base_event_search_finds_what_its_query_names_each_once(api: SimApi) -> None:
    every = (await _search(api, type="base-events"))["hits"]
    ids = [hit["baseEventId"] for hit in every]
    assert len(ids) == len(set(ids)) == len(CONTRACTS)  # each base event once
    assert (await _search(api, type="base-events", q="no such thing"))["hits"] == []
    for word, other in (("fed", "cpi"), ("CPI", "gdp"), ("unemployment", "fed")):
        hits = (await _search(api, type="base-events", q=word))["hits"]
        assert len(hits) == 1, (word, hits)
        text = f"{hits[0]['baseEventId']} {hits[0]['underlyingSpec']}".lower()
        assert word.lower() in text and other not in hits[0]["baseEventId"], hits


async def test_an_event_search_finds_the_releases_of_what_its_query_names(api: SimApi) -> None:
    every = (await _search(api, type="events"))["hits"]
    hits = (await _search(api, type="events", q="cpi"))["hits"]
    assert 0 < len(hits) < len(every)
    assert all(hit["baseEventId"] == "be-cpi-2026" for hit in hits), hits
    titles = [hit["eventDisplayName"] for hit in hits]
    assert len(set(titles)) == len(titles)  # each release once
    assert (await _search(api, type="contracts", q="zzz"))["hits"] == []
    of_one = (await _search(api, type="events", baseEventId="be-fed-2026"))["hits"]
    assert of_one and all(hit["baseEventId"] == "be-fed-2026" for hit in of_one), of_one
    assert len({hit["eventDisplayName"] for hit in of_one}) == len(of_one)
    # the base event's events are those an unfiltered search lists for it, no more
    assert len(of_one) == sum(hit["baseEventId"] == "be-fed-2026" for hit in every)
