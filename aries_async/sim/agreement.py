"""Figures of one simulated record that must agree with each other: :func:`agree`.

The field rules give each field its value from its own name (:mod:`~aries_async.sim.field_rules`),
so figures a record ties together came out each on its own: every venue's short volume was the
day's total volume, an estimate's low, mean and high one number, a fund's holdings weighed more
than the fund. :func:`agree` goes over a generated answer once and ties them, as the provider's
figures are tied:

* short volume: the facilities' short volumes sum to the short volume, a share of the total;
  each facility's exempt part is at most its short volume and they sum to the exempt volume;
  the ratio is the short volume in percent of the total;
* a low, a mean (average, median) and a high of one figure (``ebitLow``, ``ebitAvg``,
  ``ebitHigh``; ``targetLow``...): low below every middle, every middle below high;
* a fund's ``holdings``: weights in proportion to the positions' values, summing to at most 100;
* market breadth: advancers, decliners and unchanged add up to the symbols counted, and the
  percentages and the ratio are theirs;
* short interest: the days to cover are the short interest over the average daily volume.
* a prediction contract is tradable or not: ``tradable`` is the opposite of ``nonTradable``;
* a statement's earnings per share are its net income over the company's shares outstanding
  (the one count every answer shows, :func:`~aries_async.sim.symbols.shares_outstanding`).

A value it sets is drawn from the record's own figures, so the same answer stays the same.
"""

from __future__ import annotations

import re
import zlib
from typing import Any, TypeGuard

__all__ = ["agree"]

_VENUE = re.compile(r"^([a-z]\w*)ShortVolume$")
_HIGH = re.compile(r"^(\w+?)(High)$")
_MIDDLES = ("Avg", "Mean", "Average", "Median")
_SHARES = re.compile(r"(?i)sharesOutstanding$")
_PER_SHARE = re.compile(r"(?i)(EarningsPerShare|EPS)$")
# the income that is the common shareholders', first; a statement names one of these
_NET_INCOMES = (
    "netIncomeLossAttributableCommonShareholders",
    "netIncome",
    "consolidatedNetIncomeLoss",
)


def agree(body: Any) -> Any:
    """``body`` with the figures of each record tied together (changed in place; returned)."""
    if isinstance(body, dict):
        _short_volume(body)
        _spreads(body)
        _breadth(body)
        _short_interest(body)
        _tradable(body)
        _per_share(body)
        for key, value in body.items():
            if key == "holdings" and isinstance(value, list):
                _weights(value)
            agree(value)
    elif isinstance(body, list):
        for value in body:
            agree(value)
    return body


def _unit(record: dict[str, Any], name: str) -> float:
    """A number in [0, 1) fixed by ``name`` and the record's figures as generated."""
    seen = ",".join(f"{k}={v}" for k, v in sorted(record.items()) if isinstance(v, (int, str)))
    return zlib.crc32(f"{name}:{seen}".encode()) / 4294967296.0


def _number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _like(template: Any, value: float) -> int | float:
    """``value`` of the kind of ``template``: a whole number, or two places."""
    return round(value) if isinstance(template, int) else round(value, 2)


def _split(whole: int, weights: list[float]) -> list[int]:
    """``whole`` in whole parts in proportion to ``weights``, summing to ``whole``."""
    total = sum(weights)
    parts = [int(whole * w / total) for w in weights]
    parts[0] += whole - sum(parts)
    return parts


def _short_volume(record: dict[str, Any]) -> None:
    total = record.get("totalVolume")
    if not (_number(total) and _number(record.get("shortVolume")) and total > 0):
        return
    venues = [k for k in record if _VENUE.match(k) and _number(record[k])]
    short = round(total * (0.25 + 0.3 * _unit(record, "short")))
    exempt = round(short * (0.002 + 0.02 * _unit(record, "exempt")))
    record["shortVolume"] = short
    for name, value in (("exemptVolume", exempt), ("nonExemptVolume", short - exempt)):
        if name in record:
            record[name] = value
    if _number(record.get("shortVolumeRatio")):
        record["shortVolumeRatio"] = round(short / total * 100, 2)
    if not venues:
        return
    # most short sales print off exchange (the ADF and the Nasdaq facilities), some on NYSE
    weights = [0.5 + _unit(record, venue) for venue in venues]
    for venue, part, exempt_part in zip(
        venues, _split(short, weights), _split(exempt, weights), strict=True
    ):
        record[venue] = part
        if _number(record.get(venue + "Exempt")):
            record[venue + "Exempt"] = min(exempt_part, part)


def _spreads(record: dict[str, Any]) -> None:
    for key in list(record):
        found = _HIGH.match(key)
        if found is None or not _number(record[key]):
            continue
        base = found.group(1)
        middles = [record[base + m] for m in _MIDDLES if _number(record.get(base + m))]
        low_key = base + "Low"
        if not middles or not _number(record.get(low_key)):
            continue
        top, bottom = max(middles), min(middles)
        if record[key] <= top:  # the highest estimate above every middle one
            record[key] = _like(record[key], top * (1.03 + 0.12 * _unit(record, key)))
        if record[low_key] >= bottom:
            record[low_key] = _like(record[low_key], bottom * (0.97 - 0.12 * _unit(record, key)))


def _weights(holdings: list[Any]) -> None:
    rows = [h for h in holdings if isinstance(h, dict) and _number(h.get("percent"))]
    if len(rows) < 2:
        return
    values = [h["value"] if _number(h.get("value")) and h["value"] > 0 else 0 for h in rows]
    if not any(values):
        values = [h["percent"] for h in rows]
    # the rows listed are the fund's largest positions: most of it, never more than all
    share = 40 + 55 * _unit({"n": len(rows), "v": int(sum(values))}, "covered")
    scale = share / sum(values)
    for row, value in zip(rows, values, strict=True):
        row["percent"] = round(value * scale, 2)


def _breadth(record: dict[str, Any]) -> None:
    counts = [record.get(k) for k in ("advancers", "decliners", "unchanged")]
    if not all(_number(c) for c in counts) or "totalSymbols" not in record:
        return
    advancers, decliners, unchanged = (int(c) for c in counts if _number(c))
    total = advancers + decliners + unchanged
    record["totalSymbols"] = total
    if total and "advancersPercent" in record:
        record["advancersPercent"] = round(advancers / total * 100, 2)
    if total and "declinersPercent" in record:
        record["declinersPercent"] = round(decliners / total * 100, 2)
    if decliners and "advanceDeclineRatio" in record:
        record["advanceDeclineRatio"] = round(advancers / decliners, 2)


def _short_interest(record: dict[str, Any]) -> None:
    days, volume = record.get("daysToCover"), record.get("avgDailyVolume")
    if _number(days) and _number(volume) and _number(record.get("shortInterest")):
        # a short interest of a day or a few of the stock's trading, as the days say
        days = max(float(days), 0.5)
        record["daysToCover"] = round(days, 3)
        record["shortInterest"] = round(days * volume)


def _tradable(record: dict[str, Any]) -> None:
    tradable, non_tradable = record.get("tradable"), record.get("nonTradable")
    if isinstance(tradable, bool) and isinstance(non_tradable, bool):
        record["tradable"] = not non_tradable


def _per_share(record: dict[str, Any]) -> None:
    shares = next((v for k, v in record.items() if _SHARES.search(k) and _number(v)), None)
    income = next((record[k] for k in _NET_INCOMES if _number(record.get(k))), None)
    if shares is None or income is None or shares <= 0:
        return
    for key in [k for k in record if _PER_SHARE.search(k) and _number(record[k])]:
        record[key] = round(income / shares, 2)
