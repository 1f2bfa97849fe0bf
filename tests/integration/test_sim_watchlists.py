"""The simulator's watchlists over raw HTTP: state that lasts, the documented rules, the error
envelopes, the scopes, and the observer the account socket's ``watchlist`` topic uses. Every
success answer is checked against the API description and the official models."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from sim_http import SimApi
from spec_check import check_answer

from aries_async.sim import Simulator
from aries_async.sim.watchlists import WatchlistChange

LISTS = "/v1/config/watchlist"


def _one(watchlist_id: int) -> str:
    return f"{LISTS}/{watchlist_id}"


async def _listed(api: SimApi) -> list[dict[str, Any]]:
    status, body = await api.call("GET", LISTS)
    check_answer("getConfigWatchlists", status, body)
    lists: list[dict[str, Any]] = body["watchlist"]
    return lists


async def _create(api: SimApi, name: str, symbols: list[str] | None = None) -> dict[str, Any]:
    status, body = await api.call("POST", LISTS, json={"name": name, "symbols": symbols})
    check_answer("createConfigWatchlist", status, body)
    created: dict[str, Any] = body
    return created


def _refusal(status: int, body: Any, want_status: int, code: str) -> None:
    assert (status, body["error"]["code"]) == (want_status, code), body
    assert body["error"]["type"] == ("NOT_FOUND" if want_status == 404 else "VALIDATION")
    assert body["error"]["request_id"].startswith("req-")


async def test_a_user_starts_with_one_default_watchlist(api: SimApi, sim: Simulator) -> None:
    status, body = await api.call("GET", LISTS)
    check_answer("getConfigWatchlists", status, body)
    assert body["user_id"] == sim.state.user_id
    assert [(w["name"], w["symbols"]) for w in body["watchlist"]] == [
        ("Default", ["AAPL", "MSFT", "SPY"])
    ]


async def test_create_cleans_the_symbols_and_reports_the_unknown_ones(api: SimApi) -> None:
    created = await _create(api, "Tech", ["nvda", "AAPL", "NVDA", "NOPE1", " amd "])
    assert created["name"] == "Tech"
    assert created["symbols"] == ["NVDA", "AAPL", "AMD"]
    assert created["invalid_symbols"] == ["NOPE1"]
    status, fetched = await api.call("GET", _one(created["id"]))
    check_answer("getConfigWatchlistById", status, fetched)
    assert fetched == {"id": created["id"], "name": "Tech", "symbols": ["NVDA", "AAPL", "AMD"]}
    clean = await _create(api, "Banks", ["JPM"])
    assert "invalid_symbols" not in clean  # only when some symbol was dropped
    assert [w["id"] for w in await _listed(api)][1:] == [created["id"], clean["id"]]


async def test_the_lists_last_across_tokens_and_keep_their_ids(
    api: SimApi, sim: Simulator, http: aiohttp.ClientSession
) -> None:
    created = await _create(api, "Keep", ["KO"])
    sim.advance(3600)
    other = SimApi(sim, http)  # a new token of the same user
    assert other.headers != api.headers
    status, body = await other.call("GET", _one(created["id"]))
    assert (status, body["symbols"]) == (200, ["KO"])


@pytest.mark.parametrize(
    ("change", "name", "symbols", "invalid"),
    [
        # The three documented shapes: a name, add_symbols or remove_symbols required.
        ({"name": "Renamed"}, "Renamed", ["AAPL", "MSFT"], None),
        ({"add_symbols": ["tsla", "AAPL", "ZZZZZ1"]}, "Mine", ["AAPL", "MSFT", "TSLA"], ["ZZZZZ1"]),
        ({"remove_symbols": ["msft", "IBM"]}, "Mine", ["AAPL"], None),
        # Additions first, then removals: a symbol in both lists ends up removed.
        (
            {"add_symbols": ["KO", "PEP"], "remove_symbols": ["ko"]},
            "Mine",
            ["AAPL", "MSFT", "PEP"],
            None,
        ),
        (
            {"name": "Mine", "add_symbols": [], "remove_symbols": None},
            "Mine",
            ["AAPL", "MSFT"],
            None,
        ),
    ],
)
async def test_update_renames_adds_and_removes(
    api: SimApi,
    change: dict[str, Any],
    name: str,
    symbols: list[str],
    invalid: list[str] | None,
) -> None:
    created = await _create(api, "Mine", ["AAPL", "MSFT"])
    status, body = await api.call("PATCH", _one(created["id"]), json=change)
    check_answer("updateConfigWatchlistById", status, body)
    assert (body["id"], body["name"], body["symbols"]) == (created["id"], name, symbols)
    assert body.get("invalid_symbols") == invalid
    status, stored = await api.call("GET", _one(created["id"]))
    assert (stored["name"], stored["symbols"]) == (name, symbols)


async def test_bad_updates_are_refused_and_change_nothing(api: SimApi) -> None:
    first = await _create(api, "One", ["AAPL"])
    await _create(api, "Two")
    path = _one(first["id"])
    _refusal(*await api.call("PATCH", path, json={}), 400, "MISSING_FIELDS")
    _refusal(*await api.call("PATCH", path, json={"name": "Two"}), 400, "WATCHLIST_ALREADY_EXISTS")
    _refusal(*await api.call("PATCH", path, json={"name": " "}), 400, "INVALID_NAME")
    _refusal(*await api.call("PATCH", path, json={"add_symbols": "AAPL"}), 400, "INVALID_FIELD")
    _refusal(*await api.call("PATCH", path, json={"name": 5}), 400, "INVALID_FIELD")
    _refusal(*await api.call("PATCH", _one(99999), json={"name": "X"}), 404, "WATCHLIST_NOT_FOUND")
    _refusal(
        *await api.call("PATCH", f"{LISTS}/abc", json={"name": "X"}), 400, "INVALID_WATCHLIST_ID"
    )
    status, body = await api.call("PATCH", path, data=b"{not json")
    assert (status, body["error"]["code"]) == (400, "MALFORMED_JSON")
    status, stored = await api.call("GET", path)
    assert (stored["name"], stored["symbols"]) == ("One", ["AAPL"])


async def test_bad_creates_are_refused(api: SimApi) -> None:
    await _create(api, "Taken")
    _refusal(
        *await api.call("POST", LISTS, json={"name": "Taken"}), 400, "WATCHLIST_ALREADY_EXISTS"
    )
    _refusal(*await api.call("POST", LISTS, json={"symbols": ["AAPL"]}), 400, "MISSING_FIELD")
    _refusal(
        *await api.call("POST", LISTS, json={"name": "X", "symbols": [1]}), 400, "INVALID_FIELD"
    )
    status, body = await api.call("POST", LISTS, json=["Taken"])
    assert (status, body["error"]["code"]) == (400, "MALFORMED_JSON")
    # Names are case-sensitive: another case is another name.
    assert (await _create(api, "taken"))["name"] == "taken"
    assert [w["name"] for w in await _listed(api)] == ["Default", "Taken", "taken"]


async def test_delete_removes_and_the_last_one_is_reset(api: SimApi) -> None:
    extra = await _create(api, "Extra", ["KO"])
    status, body = await api.call("DELETE", _one(extra["id"]))
    check_answer("deleteConfigWatchlistById", status, body)
    assert body == {"id": extra["id"], "name": "Extra", "symbols": ["KO"]}
    _refusal(*await api.call("GET", _one(extra["id"])), 404, "WATCHLIST_NOT_FOUND")
    _refusal(*await api.call("DELETE", _one(extra["id"])), 404, "WATCHLIST_NOT_FOUND")
    [last] = await _listed(api)
    await api.call("PATCH", _one(last["id"]), json={"name": "Favourites"})
    status, body = await api.call("DELETE", _one(last["id"]))
    check_answer("deleteConfigWatchlistById", status, body)
    assert body == {"id": last["id"], "name": "Default", "symbols": []}
    assert await _listed(api) == [body]


async def test_replace_all_matches_names_creates_and_deletes(api: SimApi) -> None:
    kept = await _create(api, "Kept", ["AAPL"])
    gone = await _create(api, "Gone", ["KO"])
    wanted = [
        {"name": "New", "symbols": ["lower", "NOT-A-TICKER"]},  # stored as sent, not checked
        {"name": "Kept", "symbols": ["MSFT"]},
        {"name": "Bare"},
    ]
    status, body = await api.call("PUT", LISTS, json=wanted)
    check_answer("replaceConfigWatchlists", status, body)
    result = body["watchlist"]
    assert [(w["name"], w["symbols"]) for w in result] == [
        ("New", ["lower", "NOT-A-TICKER"]),
        ("Kept", ["MSFT"]),
        ("Bare", None),
    ]
    assert result[1]["id"] == kept["id"]
    assert len({w["id"] for w in result} | {kept["id"], gone["id"]}) == 4  # new ids, none reused
    assert await _listed(api) == sorted(result, key=lambda w: w["id"])
    _refusal(*await api.call("GET", _one(gone["id"])), 404, "WATCHLIST_NOT_FOUND")


async def test_replace_all_with_nothing_leaves_one_empty_default(api: SimApi) -> None:
    before = await _listed(api)
    status, body = await api.call("PUT", LISTS, json=[])
    check_answer("replaceConfigWatchlists", status, body)
    [only] = body["watchlist"]
    assert (only["name"], only["symbols"]) == ("Default", [])
    assert only["id"] not in {w["id"] for w in before}  # a new one, as documented


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ([{"name": "A"}, {"name": "A"}], "DUPLICATE_NAME"),
        ([{"name": "A", "symbols": ["X", "X"]}], "DUPLICATE_SYMBOLS"),
        ([{"symbols": ["X"]}], "MISSING_FIELD"),
        ([{"name": ""}], "INVALID_NAME"),
        (["A"], "INVALID_FIELD"),
        ({"name": "A"}, "MALFORMED_JSON"),
    ],
)
async def test_bad_replacements_are_refused_and_change_nothing(
    api: SimApi, body: Any, code: str
) -> None:
    before = await _listed(api)
    status, answer = await api.call("PUT", LISTS, json=body)
    assert (status, answer["error"]["code"]) == (400, code)
    assert await _listed(api) == before


async def test_reading_needs_information_and_writing_management(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    reader = SimApi(sim, http)
    reader.headers = {"Authorization": sim.issue_token(["watchlist:information"]).authorization}
    assert (await reader.call("GET", LISTS))[0] == 200
    status, body = await reader.call("POST", LISTS, json={"name": "X"})
    assert (status, body["error"]["details"]) == (403, {"required_scope": "watchlist:management"})
    reader.headers = {}
    assert (await reader.call("GET", LISTS))[0] == 401
    assert sim.state.watchlists.all(sim.state.user_id)[-1].name == "Default"


async def test_observers_hear_every_change(api: SimApi, sim: Simulator) -> None:
    heard: list[WatchlistChange] = []
    remove = sim.state.watchlists.subscribe(heard.append)
    created = await _create(api, "Seen", ["AAPL", "BOGUS1"])
    await api.call("PATCH", _one(created["id"]), json={"add_symbols": ["KO"]})
    sim.advance(5)
    await api.call("DELETE", _one(created["id"]))
    await api.call("PUT", LISTS, json=[{"name": "Default"}, {"name": "Fresh", "symbols": []}])
    remove()
    remove()  # idempotent
    await _create(api, "Unheard")
    user = sim.state.user_id
    assert [(c.user_id, c.kind, c.watchlist["name"]) for c in heard] == [
        (user, "created", "Seen"),
        (user, "updated", "Seen"),
        (user, "deleted", "Seen"),
        (user, "updated", "Default"),
        (user, "created", "Fresh"),
    ]
    assert heard[0].watchlist == {"id": created["id"], "name": "Seen", "symbols": ["AAPL"]}
    assert heard[1].watchlist["symbols"] == ["AAPL", "KO"]
    assert heard[2].at - heard[1].at == 5


async def test_each_user_has_their_own_watchlists(sim: Simulator) -> None:
    books = sim.state.watchlists
    mine, _ = books.create(1, "Same name", ["AAPL"])
    theirs, _ = books.create(2, "Same name", ["MSFT"])
    assert mine.id != theirs.id
    assert [w.name for w in books.all(2)] == ["Default", "Same name"]
    with pytest.raises(Exception, match="not found") as refused:
        books.get(2, mine.id)
    assert getattr(refused.value, "status", None) == 404
