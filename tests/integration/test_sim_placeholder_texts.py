"""The simulator's texts read as the records they stand for, the same for a seed: a
prediction contract's title and question, an event's name, question, agency, method and
statistic; logo files; tender offers, government awards, visa applications and patents
(found a defect: placeholders such as ``"Kxfed-26Mar-T4.00 Holdings Inc."``,
``"KXFED-26MAR-T4.00 source agency"``, ``"AAPL mark dark"``, ``"AAPL soc code"``).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import aiohttp
import pytest
from op_args import op_by_id, wire_args
from sim_http import SimApi

from aries_async.sim import ManualClock, Simulator
from aries_async.sim.prediction_texts import SERIES

ALTERNATIVE = ("getTenderOffers", "getUsaSpending", "getVisaApplications", "getUsptoPatents")


async def _ok(api: SimApi, path: str, **params: str) -> Any:
    status, body = await api.call("GET", path, params=params)
    assert status == 200, body
    return body


async def _answer(api: SimApi, op_id: str) -> Any:
    path, query, _ = wire_args(op_by_id(op_id), {})
    return await _ok(api, path, **query)


def _texts(value: Any, key: str = "") -> list[tuple[str, str]]:
    """Every ``(field, text)`` of a JSON value."""
    if isinstance(value, dict):
        return [found for k, v in value.items() for found in _texts(v, k)]
    if isinstance(value, list):
        return [found for v in value for found in _texts(v, key)]
    return [(key, value)] if isinstance(value, str) else []


def _placeholder(field: str, text: str) -> bool:
    """Whether ``text`` is the fallback of a field no rule knows (``AAPL soc code``) or a
    company name made up from a ticker (``Kxfed-26Mar-T4.00 Holdings Inc.``)."""
    words = re.sub(r"(?<!^)([A-Z])", r" \1", field).lower().replace("_", " ")
    return text.lower().endswith(" " + words) or "Holdings Inc." in text


async def test_prediction_events_and_contracts_read_as_their_markets(api: SimApi) -> None:
    body = (await _ok(api, "/v1/predictions/base-events/be-fed-2026"))["data"]
    assert body["baseEvent"]["displayName"] == "Fed funds rate 2026"
    contracts = (await _ok(api, "/v1/predictions/events/ev-fed-2026-03/contracts"))["data"]
    event = contracts["event"]
    fed = next(c for c in contracts["contracts"] if c["symbol"] == "KXFED-26MAR-T4.00")
    assert fed["description"] == "Fed funds rate above 4.00% on Mar 2026"
    assert fed["question"] == "Will the Fed funds rate be above 4.00% on Mar 2026?"
    for contract in contracts["contracts"]:
        strike = contract["symbol"].rsplit("-T", 1)[1]
        assert f"above {strike}% on " in contract["description"], contract
    assert event["eventDisplayName"] == "Fed funds rate on Mar 2026"
    assert event["eventQuestion"] == "What will the Fed funds rate be on Mar 2026?"
    assert event["sourceAgency"] == SERIES["KXFED"].agency == "Federal Reserve"
    assert event["sourceAgencyUrl"] == "https://www.federalreserve.gov"
    assert "federal funds target range" in event["calculationMethod"].lower()
    assert event["underlyingSpec"] == SERIES["KXFED"].spec
    hits = (await _ok(api, "/v1/predictions/search", type="contracts"))["data"]["hits"]
    assert hits
    texts = _texts(body) + _texts(contracts) + _texts(hits)
    assert [(k, t) for k, t in texts if _placeholder(k, t)] == []


async def test_logo_files_are_image_urls_of_their_variant(api: SimApi) -> None:
    records = (await _answer(api, "syncLogos"))["data"] + (await _answer(api, "searchLogos"))[
        "data"
    ]
    assert records
    for record in records:
        files = record["files"]
        assert files, record
        for variant, url in files.items():
            stem = re.sub(r"(?<!^)([A-Z])", r"-\1", variant).lower()
            suffix = "svg" if "vector" in stem else "png"  # "(PNG)"; a vector logo an SVG
            assert re.fullmatch(rf"https://\S+/{stem}\.{suffix}", url), (variant, url)


@pytest.mark.parametrize("op_id", ALTERNATIVE)
async def test_alternative_data_has_no_placeholder_text(
    api: SimApi, sim_seed: int, op_id: str
) -> None:
    body = await _answer(api, op_id)
    texts = _texts(body)
    assert texts
    assert [(k, t) for k, t in texts if _placeholder(k, t)] == []
    # the same seed and request, the same records
    async with (
        Simulator(seed=sim_seed, clock=ManualClock(), tick_interval=None) as again,
        aiohttp.ClientSession() as http,
    ):
        again.advance(api.sim.clock.now() - again.clock.now())
        assert await _answer(SimApi(again, http), op_id) == body


async def test_alternative_data_fields_have_their_documented_forms(api: SimApi) -> None:
    for visa in (await _answer(api, "getVisaApplications"))["data"]:
        assert re.fullmatch(r"\d{2}-\d{4}", visa["socCode"]), visa  # SOC code
        assert re.fullmatch(r"I-200-\d{5}-\d{6}", visa["caseNumber"]), visa
        assert visa["wageUnitOfPay"] == "Year"
        assert 50_000 <= visa["wageRangeFrom"] < visa["wageRangeTo"] <= 400_000, visa
        assert visa["h1bDependent"] in ("Y", "N")
    for award in (await _answer(api, "getUsaSpending"))["data"]:
        assert re.fullmatch(r"\d{6}", award["naicsCode"]), award  # a NAICS code: six digits
        assert award["awardingSubAgencyName"] in award["awardDescription"], award
    for patent in (await _answer(api, "getUsptoPatents"))["data"]:
        assert re.fullmatch(r"US\d{8}B2", patent["patentNumber"]), patent
        assert patent["url"].endswith("/" + patent["patentNumber"]), patent
        assert patent["description"] != patent["companyFilingName"][0], patent
    offers = (await _answer(api, "getTenderOffers"))["tenderOffers"]
    for offer in offers:
        amounts = {k: float(offer[k]) for k in offer if k.endswith(("Percent", "Amount"))}
        assert amounts["preOfferPercent"] < amounts["targetPercent"] <= 100, offer
        assert amounts["minimumAmount"] <= amounts["maximumAmount"], offer
        assert offer["offerorCompanyName"], offer


async def test_alternative_data_dates_follow_each_other(api: SimApi) -> None:
    # An offer opens after it is registered, stays open weeks, and pays after it closes; an
    # award is performed over a period; a position starts after the application is received
    # (found a defect: every date of a record was the same day).
    for offer in (await _answer(api, "getTenderOffers"))["tenderOffers"]:
        assert offer["registrationDate"] <= offer["openDate"] < offer["closeDate"], offer
        assert offer["withdrawalFromDate"] == offer["openDate"], offer
        assert offer["withdrawalToDate"] == offer["closeDate"], offer
        assert offer["closeDate"] < offer["payDate"], offer
        opened, closed = (date.fromisoformat(offer[k]) for k in ("openDate", "closeDate"))
        assert (closed - opened).days >= 20, offer  # open at least 20 business days
    for award in (await _answer(api, "getUsaSpending"))["data"]:
        assert award["performanceStartDate"] < award["performanceEndDate"], award
    for visa in (await _answer(api, "getVisaApplications"))["data"]:
        assert visa["receivedDate"] < visa["beginDate"] < visa["endDate"], visa


RECORDS = (
    "getCompanyEsg",
    "getHistoricalEsg",
    "getEarningsCallLive",
    "getTranscript",
    "getRatings",
    "stockScreener",
    "getConferenceCalls",
    "getEconomicsCalendar",
    "getCompanyMetrics",
    "getCompanyProfile",
    "getSpinoffs",
    "getEtfProfile",
    "getRevenueBreakdown",
    "getIndexBar",
    "getIndexChartBars",
    "getIndexRealtimeValues",
    "searchIndices",
    "getOptionsActivity",
    "getStockOpenClose",
    "getUnifiedSnapshot",
)


@pytest.mark.parametrize("op_id", RECORDS)
async def test_records_have_no_placeholder_text(api: SimApi, op_id: str) -> None:
    # found a defect: "AAPL aggressor ind", "SPX index group", "AAPL access code"...
    op = op_by_id(op_id)
    path, query, body = wire_args(op, {})
    status, answer = await api.call(op["method"], path, params=query, json=body)
    assert status == 200, answer
    texts = _texts(answer)
    assert texts
    assert [(k, t) for k, t in texts if _placeholder(k, t)] == []


async def test_record_words_have_their_documented_forms(api: SimApi) -> None:
    for trade in (await _answer(api, "getOptionsActivity"))["activities"]:
        assert trade["optionActivityType"] in ("SWEEP", "BLOCK", "LARGE", "UNUSUAL"), trade
        assert trade["executionEstimate"] in ("AT_BID", "AT_ASK", "AT_MID"), trade
        assert trade["underlyingType"] in ("STOCK", "ETF", "INDEX"), trade
        aggressor = {"AT_ASK": "BUYER", "AT_BID": "SELLER", "AT_MID": "NEUTRAL"}
        assert trade["aggressorInd"] == aggressor[trade["executionEstimate"]], trade
    for event in (await _answer(api, "getEconomicsCalendar"))["events"]:
        assert re.fullmatch(r"[A-Z][a-z]{2}/\d{2}", event["reference"]), event  # "Feb/21"
    profile = await _answer(api, "getCompanyProfile")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", _find(profile, "ipo")), profile
    for call in (await _answer(api, "getConferenceCalls"))["conferenceCalls"]:
        assert call["accessCode"].isdigit(), call
    for call in (await _answer(api, "getEarningsCallLive"))["event"]:
        assert call["liveAudio"].startswith("https://example.com/"), call
        assert re.search(r"Q[1-4] \d{4} Earnings Call$", call["event"]), call
    day = await _answer(api, "getStockOpenClose")
    assert day["from"] == "2025-12-03", day  # the day asked for


def _find(value: Any, key: str) -> Any:
    """The first value of ``key`` anywhere in a JSON value."""
    if isinstance(value, dict):
        if key in value:
            return value[key]
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            found = _find(item, key)
            if found is not None:
                return found
    return None


async def test_news_titles_read_as_headlines(api: SimApi) -> None:
    # found a defect: every title was "Apple Inc. (AAPL): update 1", a counter, not news
    items = (await _answer(api, "getNews"))["news"]
    assert len(items) > 2
    titles = [item["title"] for item in items]
    assert not [t for t in titles if re.search(r"\bupdate \d+$", t)], titles
    assert len(set(titles)) == len(titles), titles
    for item in items:  # about the company it is filed under
        assert any(f"({s})" in item["title"] for s in item["symbols"]), item
