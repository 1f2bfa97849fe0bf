"""The prediction venue's fields hold values of the form finance-dev's models describe, the
same for a seed: the categories are one tree whose ``path`` joins its levels, an event's
``timeSpecifier`` is its published precision (``YYYY``, ``YYYY.MM`` or ``YYYY.MM.DD``), and a
contract names its outcomes, how it settles, its strike's unit and its price scale (found a
defect: placeholders such as ``"KXFED-26MAR-T4.00 path"`` and ``"... price scale"``, and a
date-time for ``timeSpecifier``).
"""

from __future__ import annotations

import re
from typing import Any

from sim_http import SimApi

from aries_async.sim.prediction_events import CATEGORY_LEVELS

SPECIFIER = re.compile(r"^\d{4}(\.\d{2}(\.\d{2})?)?$")


async def _ok(api: SimApi, path: str, **params: str) -> Any:
    status, body = await api.call("GET", path, params=params)
    assert status == 200, body
    return body


def _nodes(tree: list[dict[str, Any]], above: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Each node of ``tree`` with the path of its parent ("" at the top), depth first."""
    found = []
    for node in tree:
        found.append((above, node))
        found += _nodes(node.get("children") or [], node["path"])
    return found


async def test_the_prediction_categories_are_a_tree_of_joined_levels(api: SimApi) -> None:
    body = await _ok(api, "/v1/predictions/categories")
    assert body["success"] is True
    tree = body["data"]["categories"]
    nodes = _nodes(tree)
    for above, node in nodes:
        # "Every level from the top down to this one, joined by ' > '"
        assert node["path"] == (f"{above} > {node['name']}" if above else node["name"]), node
        children = node.get("children")
        if children is not None:  # "ordered by name. Absent on a leaf."
            assert children, node
            assert [c["name"] for c in children] == sorted(c["name"] for c in children)
    paths = {node["path"] for _, node in nodes}
    leaves = {node["path"] for _, node in nodes if "children" not in node}
    # the tree files every simulated series, each path down to a leaf
    assert leaves == {" > ".join(levels) for levels in CATEGORY_LEVELS.values()}
    assert len(paths) == len(nodes)  # each category once
    assert [node["name"] for node in tree] == ["Economics"]


async def test_prediction_events_and_contracts_carry_their_documented_forms(
    api: SimApi,
) -> None:
    events = (await _ok(api, "/v1/predictions/base-events/be-fed-2026"))["data"]["events"]
    assert events
    for entry in events:
        specifier = entry["event"]["timeSpecifier"]
        assert SPECIFIER.match(specifier), specifier
        for contract in entry["contracts"]:
            _check_contract(contract)
    fed = next(e["event"] for e in events if e["contracts"][0]["symbol"].startswith("KXFED-26MAR"))
    assert fed["timeSpecifier"] == "2026.03"  # the March meeting: a month's precision
    contracts = (await _ok(api, "/v1/predictions/events/ev-fed-2026-03/contracts"))["data"]
    for contract in contracts["contracts"]:
        _check_contract(contract)
    for kind in ("events", "contracts"):
        hits = (await _ok(api, "/v1/predictions/search", type=kind))["data"]["hits"]
        assert hits
        for hit in hits:
            assert SPECIFIER.match(hit["timeSpecifier"]), hit
            if kind == "contracts":
                assert hit["symbolSubTypes"] == ["yes", "no"], hit
                assert hit["evaluationType"] == "above", hit


def _check_contract(contract: dict[str, Any]) -> None:
    assert re.search(r"-T[\d.]+$", contract["symbol"]), contract  # a threshold contract
    assert contract["symbolSubTypes"] == ["yes", "no"], contract  # its two outcomes
    assert contract["evaluationType"] == "above", contract  # settles yes above its strike
    assert contract["strikeUnit"] == "percent", contract  # a rate, an inflation or growth
    assert contract["priceScale"] == "100", contract  # prices in cents of the dollar paid
