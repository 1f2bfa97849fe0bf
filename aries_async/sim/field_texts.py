"""The words of the simulator's answers where a name alone gave a placeholder: the prediction
venue's names and questions, logo files, and the alternative-data records (tender offers,
government awards, visa applications, patents).

:data:`TEXT_ROWS` are rows of the :data:`~aries_async.sim.field_rules.RULES` table, which puts
them before its others. Most names here belong to one operation; the few shared ones
(``description``, ``url``...) read the operation and keep their old value elsewhere.

The forms follow finance-dev's model descriptions ("Standard Occupational Classification (SOC)
code of the position", "URL to logo mark/icon optimized for dark backgrounds (PNG)"); what they
leave open is the simulator's choice, plausible and fixed by the item (so by the seed): the
agencies, job titles, patent titles and wages below are picked from small tables, the links
point under ``example.com`` (a made-up record must not look like a real one on a real site),
except an agency's own home page.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import attrs

from aries_async.sim.answer import UNIVERSE, Answer, Item
from aries_async.sim.field_values import const, hashed_digits, headline, time_rule
from aries_async.sim.prediction_texts import (
    base_event_name,
    contract_question,
    contract_title,
    event_question,
    event_title,
    series_of,
)
from aries_async.sim.schema_walk import OMIT, Rule

__all__ = ["TEXT_ROWS"]

_Row = tuple[str, str, tuple[str, ...], Callable[[str, str], Rule | None]]
_TEXT = ("string",)
_NUM = ("number", "integer", "string")


def _r(rule: Rule) -> Callable[[str, str], Rule | None]:
    return lambda name, kind: rule


def _choice(it: Item, name: str, options: tuple[str, ...]) -> str:
    """One of ``options``, fixed by the item and ``name``."""
    return options[int(it.unit(name) * len(options))]


# -- the prediction venue -----------------------------------------------------------------------


def _series_field(field: str) -> Rule:
    """A rule: the event's series' ``field`` (:class:`~aries_async.sim.prediction_texts.Series`),
    omitted for a series the simulator does not know."""

    def rule(a: Answer, it: Item) -> Any:
        series = series_of(it.symbol)
        return getattr(series, field) if series is not None else OMIT

    return rule


def _description(a: Answer, it: Item) -> str:
    """A prediction contract's title, a patent's, else the company's name."""
    if a.prediction:
        return contract_title(it.symbol)
    if a.op["id"] == "getUsptoPatents":
        return _choice(it, "patent", _PATENTS)
    return a.name_of(it.symbol)


# -- logos --------------------------------------------------------------------------------------


def _logo_file(name: str) -> Rule:
    """A rule: the URL of the logo file the field ``name`` names (``markVectorDark``:
    ``.../aapl/mark-vector-dark.svg``; a vector is an SVG, the others PNGs)."""
    stem = "logo" if name in ("logo", "logoUrl") else re.sub(r"(?<!^)([A-Z])", r"-\1", name)
    stem = stem.lower()
    suffix = "svg" if "vector" in stem else "png"
    return lambda a, it: f"https://example.com/logos/{it.symbol.lower()}/{stem}.{suffix}"


# -- tender offers ------------------------------------------------------------------------------


def _offeror(it: Item) -> str:
    others = [s for s in UNIVERSE if s != it.symbol]
    return others[int(it.unit("offeror") * len(others))]


def _cik(symbol: str) -> str:
    """The CIK the simulator gives ``symbol`` (as its ``cik`` fields read)."""
    return str(zlib.crc32(f"{symbol}:cik".encode()) % 10**10).zfill(10)


def _target_quantity(it: Item) -> int:
    return int(it.between("target", 1e6, 5e7))


def _target_percent(it: Item) -> float:
    return round(it.between("targetPct", 10, 100), 2)


def _pre_offer_percent(it: Item) -> float:
    """What the offeror held before: under a tenth of what it seeks."""
    return round(_target_percent(it) * it.between("pre", 0, 0.1), 2)


# -- government awards --------------------------------------------------------------------------

_AGENCIES = (
    ("Department of Defense", "Department of the Navy", "Naval Information Warfare Center"),
    ("Department of Defense", "Department of the Air Force", "Air Force Research Laboratory"),
    ("Department of Energy", "Department of Energy", "Office of Science"),
    ("National Aeronautics and Space Administration", "National Aeronautics and Space "
     "Administration", "Goddard Space Flight Center"),
    ("General Services Administration", "Federal Acquisition Service", "IT Category Contracts"),
    ("Department of Health and Human Services", "National Institutes of Health",
     "National Cancer Institute"),
)  # fmt: skip
"""Awarding agency, sub-agency and office."""

_AWARDS = (
    ("Cloud computing services", "518210"),
    ("Enterprise software licenses and support", "541511"),
    ("Laptops, tablets and accessories", "334111"),
    ("Engineering and integration services", "541330"),
    ("Data analytics platform subscription", "541512"),
)
"""What an award buys and its NAICS code."""


def _agency(it: Item, part: int) -> str:
    return _AGENCIES[int(it.unit("agency") * len(_AGENCIES))][part]


def _award(it: Item, part: int) -> str:
    return _AWARDS[int(it.unit("award") * len(_AWARDS))][part]


# -- visa applications --------------------------------------------------------------------------

_JOBS = (
    ("Software Engineer", "15-1252", 120_000),
    ("Data Scientist", "15-2051", 115_000),
    ("Hardware Engineer", "17-2061", 125_000),
    ("Machine Learning Engineer", "15-1221", 140_000),
    ("Computer Systems Manager", "11-3021", 160_000),
    ("Financial Analyst", "13-2051", 90_000),
)
"""A job title, its SOC code and a level-I yearly wage."""
_LEVELS = ("I", "II", "III", "IV")


def _job(it: Item) -> tuple[str, str, int]:
    return _JOBS[int(it.unit("job") * len(_JOBS))]


def _wage_level(it: Item) -> int:
    return int(it.unit("level") * len(_LEVELS))


def _wage_from(it: Item) -> int:
    """The yearly wage's lower bound: the job's, a sixth more per level, to the thousand."""
    return int(round(_job(it)[2] * (1 + _wage_level(it) / 6), -3))


def _case_number(it: Item) -> str:
    """A labor condition application's case number: ``I-200-`` year, day of year, serial."""
    day = it.when.timetuple().tm_yday
    return f"I-200-{it.when:%y}{day:03d}-{hashed_digits(it, 'case', 6)}"


# -- the dates of a record --------------------------------------------------------------------

_TIMELINE: dict[str, dict[str, int]] = {
    # a tender offer: registered, open (and withdrawable) 28 days, settled after it closes
    "getTenderOffers": {
        "registrationDate": 0,
        "openDate": 1,
        "withdrawalFromDate": 1,
        "closeDate": 29,
        "withdrawalToDate": 29,
        "optionElectionDate": 29,
        "recordDate": 29,
        "unconditionalDate": 30,
        "effectiveDate": 30,
        "payDate": 33,
    },
    # an award performed over a year from its action
    "getUsaSpending": {"actionDate": 0, "performanceStartDate": 0, "performanceEndDate": 365},
    # a position starting two months after the application, for three years
    "getVisaApplications": {"receivedDate": 0, "beginDate": 60, "endDate": 60 + 3 * 365},
}
"""Days from a record's time to each of its dates, by operation (the simulator's choices: an
offer open the 20 business days the SEC's rules ask at least, a year's award, a three-year
position)."""


def _dated(name: str, kind: str) -> Rule:
    """A rule: the date ``name`` of an operation's record on its :data:`_TIMELINE`; in another
    operation, the time the field's name gives (:func:`~aries_async.sim.field_values.
    time_rule`)."""
    own, day = time_rule(name, kind), time_rule("date", kind)

    def rule(a: Answer, it: Item) -> Any:
        days = _TIMELINE.get(a.op["id"], {}).get(name)
        if days is None:
            return own(a, it)
        return day(a, attrs.evolve(it, when=it.when + timedelta(days=days)))

    return rule


# -- patents ------------------------------------------------------------------------------------

_PATENTS = (
    "Electronic device with a flexible display",
    "Low-latency synchronisation of wireless audio devices",
    "Battery management for portable electronic devices",
    "Compression of machine learning models for on-device inference",
    "Optical image stabilisation in a camera module",
    "Secure storage of biometric templates",
)


def _patent_number(it: Item) -> str:
    return f"US{11_000_000 + int(hashed_digits(it, 'patent', 6))}B2"


def _url(a: Answer, it: Item) -> str:
    """A patent's document, else a page about the item."""
    if a.op["id"] == "getUsptoPatents":
        return f"https://example.com/patents/{_patent_number(it)}"
    return f"https://example.com/{it.symbol.lower()}/{it.index}"


# fmt: off
TEXT_ROWS: tuple[_Row, ...] = (
    # the prediction venue (prediction_texts): what a ticker's series, date and strike say
    (r"^description$", "", _TEXT, _r(_description)),
    (r"^displayName$", r"^baseEvent$", _TEXT, _r(lambda a, it: base_event_name(it.symbol))),
    (r"^eventDisplayName$", "", _TEXT, _r(lambda a, it: event_title(it.symbol))),
    (r"^question$", "", _TEXT,
     _r(lambda a, it: contract_question(it.symbol) if a.prediction else headline(a, it))),
    (r"^eventQuestion$", "", _TEXT, _r(lambda a, it: event_question(it.symbol))),
    (r"^sourceAgency$", "", _TEXT, _r(_series_field("agency"))),
    (r"^sourceAgencyUrl$", "", _TEXT, _r(_series_field("agency_url"))),
    (r"^calculationMethod$", "", _TEXT, _r(_series_field("method"))),
    (r"^underlyingSpec$", "", _TEXT, _r(_series_field("spec"))),
    # logo files
    (r"^(logo|logoUrl|(logo|mark)(Vector|Composite)?(Dark|Light))$", "", _TEXT,
     lambda name, kind: _logo_file(name)),
    # tender offers: a cash offer for the security by another company of the universe
    (r"^eventIdentifier$", "", _TEXT, _r(lambda a, it: "TO" + hashed_digits(it, "tender", 8))),
    (r"^eventStatus$", "", _TEXT,
     _r(lambda a, it: _choice(it, "status", ("Announced", "Open", "Completed")))),
    (r"^offerorCompanyName$", "", _TEXT, _r(lambda a, it: a.name_of(_offeror(it)))),
    (r"^offerorCompanyIdentifier$", "", _TEXT,
     _r(lambda a, it: _cik(_offeror(it)))),
    (r"^payType$", "", _TEXT, _r(lambda a, it: _choice(it, "pay", ("Cash", "Cash and Stock")))),
    (r"^withdrawalRights$", "", _TEXT,
     _r(const("Tendered shares may be withdrawn until the offer expires."))),
    (r"^targetQuantity$", "", _NUM, _r(lambda a, it: _target_quantity(it))),
    (r"^preOfferQuantity$", "", _NUM, _r(
        lambda a, it: round(_target_quantity(it) * _pre_offer_percent(it) / _target_percent(it)))),
    (r"^targetPercent$", "", _NUM, _r(lambda a, it: _target_percent(it))),
    (r"^preOfferPercent$", "", _NUM, _r(lambda a, it: _pre_offer_percent(it))),
    (r"^minimumAmount$", "", _NUM, _r(const(1))),
    (r"^maximumAmount$", "", _NUM, _r(lambda a, it: _target_quantity(it))),
    (r"^numberOf(Initial|New)Instruments$", "", _NUM, _r(const("1"))),
    (r"^instrumentClass$", "", _TEXT, _r(const("Equity"))),
    (r"^marketIdentificationCode$", "", _TEXT, _r(const("XNAS"))),
    (r"^valoren$", "", _TEXT, _r(lambda a, it: str(1_000_000 + int(hashed_digits(it, "val", 7))))),
    # government awards: an agency buying the company's products or services in New York
    (r"^awardingAgencyName$", "", _TEXT, _r(lambda a, it: _agency(it, 0))),
    (r"^awardingSubAgencyName$", "", _TEXT, _r(lambda a, it: _agency(it, 1))),
    (r"^awardingOfficeName$", "", _TEXT, _r(lambda a, it: _agency(it, 2))),
    (r"^awardDescription$", "", _TEXT,
     _r(lambda a, it: f"{_award(it, 0)} for the {_agency(it, 1)}")),
    (r"^naicsCode$", "", _TEXT, _r(lambda a, it: _award(it, 1))),
    (r"^recipientParentName$", "", _TEXT, _r(lambda a, it: a.name_of(it.symbol))),
    (r"^performanceCongressionalDistrict$", "", _TEXT, _r(const("NY-12"))),
    (r"^performanceCountry$", "", _TEXT, _r(const("United States"))),
    (r"^(performance|worksite)County$", "", _TEXT, _r(const("New York County"))),
    (r"^permalink$", "", _TEXT,
     _r(lambda a, it: f"https://example.com/awards/{hashed_digits(it, 'award', 9)}")),
    # visa applications: a labor condition application for an H-1B position in New York
    (r"^jobTitle$", "", _TEXT, _r(lambda a, it: _job(it)[0])),
    (r"^socCode$", "", _TEXT, _r(lambda a, it: _job(it)[1])),
    (r"^wageLevel$", "", _TEXT, _r(lambda a, it: _LEVELS[_wage_level(it)])),
    (r"^wageUnitOfPay$", "", _TEXT, _r(const("Year"))),
    (r"^wageRangeFrom$", "", _NUM, _r(lambda a, it: _wage_from(it))),
    (r"^wageRangeTo$", "", _NUM, _r(lambda a, it: int(round(_wage_from(it) * 1.3, -3)))),
    (r"^h1bDependent$", "", _TEXT, _r(lambda a, it: "Y" if it.unit("dependent") < 0.1 else "N")),
    (r"^caseNumber$", "", _TEXT, _r(lambda a, it: _case_number(it))),
    (r"^worksiteAddress$", "", _TEXT,
     _r(lambda a, it: f"{100 + int(hashed_digits(it, 'street', 3)) % 400} West 34th Street")),
    # dates that follow each other in a record (not one day for all)
    (r"^(" + "|".join(sorted({n for days in _TIMELINE.values() for n in days})) + r")$", "",
     ("string", "date", "date-time"), _dated),
    # patents
    (r"^companyFilingName$", "", (), _r(lambda a, it: a.name_of(it.symbol))),
    (r"^filingStatus$", "", _TEXT, _r(const("Granted"))),
    (r"^patentNumber$", "", _TEXT, _r(lambda a, it: _patent_number(it))),
    (r"^applicationNumber$", "", _TEXT,
     _r(lambda a, it: "17/" + hashed_digits(it, "application", 6))),
    (r"^patentType$", "", _TEXT, _r(lambda a, it: _choice(it, "kind", ("Utility", "Design")))),
    (r"^url$", "", _TEXT, _r(_url)),
)
# fmt: on
