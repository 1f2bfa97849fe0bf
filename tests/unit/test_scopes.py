"""Scopes as data: groups for signing in, and the scopes of every operation of endpoints-all.md."""

from __future__ import annotations

import pytest
from op_args import ENDPOINTS, endpoint_table

from aries_async.auth.scopes import (
    ALL_SCOPES,
    PUBLIC_ROUTES,
    ROUTE_SCOPES,
    SCOPE_GROUPS,
    expand_scopes,
    required_scopes,
    route_template,
)
from aries_async.config import DEFAULT_SCOPES, ClientConfig
from aries_async.errors import ConfigurationError, ValidationError


def _rows() -> list[tuple[str, str, str, str]]:
    """(method, path, official group, scope column) of each row of endpoints-all.md."""
    return [
        (cells[1], cells[2].strip("`"), cells[3].split("/")[0].strip().strip("`"), cells[6])
        for cells in endpoint_table(ENDPOINTS)
    ]


needs_spec = pytest.mark.skipif(not ENDPOINTS.is_file(), reason=f"{ENDPOINTS} not found")


@needs_spec
def test_every_operation_of_endpoints_all_has_its_scopes() -> None:
    rows = _rows()
    assert len(rows) == 151
    found = 0
    for method, path, _, column in rows:
        route = (method, path)
        if column.startswith("none"):
            assert route in PUBLIC_ROUTES and route not in ROUTE_SCOPES, route
        elif column.startswith("bearer"):
            assert ROUTE_SCOPES[route] == (), route
        else:
            # The first scope named is the one of the spec; positions also take
            # account:information (oauth.md section 4).
            assert ROUTE_SCOPES[route][0] == column, route
            assert set(ROUTE_SCOPES[route]) <= set(ALL_SCOPES)
        assert route_template(method, path) == path
        found += 1
    assert found == 151
    assert ROUTE_SCOPES[("GET", "/v1/accounts/{id}/positions")] == (
        "position:information",
        "account:information",
    )
    # Nothing else: the 151 operations and GET /v1/users/me (documented, not in the package).
    assert len(ROUTE_SCOPES) + len(PUBLIC_ROUTES) == 152


@needs_spec
def test_each_group_of_operations_is_a_scope_group_with_exactly_what_it_needs() -> None:
    needed: dict[str, set[str]] = {}
    for method, path, group, _ in _rows():
        if (method, path) not in PUBLIC_ROUTES and ROUTE_SCOPES[(method, path)]:
            needed.setdefault(group, set()).add(ROUTE_SCOPES[(method, path)][0])
    assert "analytics" in needed and "watchlist" in needed
    for group, scopes in needed.items():
        assert set(SCOPE_GROUPS[group]) == scopes, group


def test_purpose_groups() -> None:
    assert len(set(ALL_SCOPES)) == len(ALL_SCOPES) == 13
    assert expand_scopes("all") == [s for s in ALL_SCOPES if s != "user:management"]
    assert expand_scopes(["default"]) == list(DEFAULT_SCOPES)
    read = expand_scopes("read")
    assert "order:execution" not in read and "watchlist:management" not in read
    assert {"market:supplemental", "order:information", "calendar:information"} <= set(read)
    assert expand_scopes("trading") == [
        "account:information",
        "position:information",
        "order:information",
        "order:execution",
    ]


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ("analytics", list(SCOPE_GROUPS["analytics"])),
        # Groups and scopes mixed, comma or space separated, each scope once, in order.
        (
            "chart, orders order:information market:information",
            ["market:information", "order:information", "order:execution"],
        ),
        (
            ["market", "options"],
            ["market:information", "market:supplemental", "options:information"],
        ),
        # Dashes for underscores, any case, a trailing s optional.
        ("Corporate-Actions watchlists", ["market:supplemental", *SCOPE_GROUPS["watchlist"]]),
        ("user:management", ["user:management"]),
        ("", []),
    ],
)
def test_expand_scopes(names: str | list[str], expected: list[str]) -> None:
    assert expand_scopes(names) == expected


def test_an_unknown_group_names_itself_and_lists_the_valid_ones() -> None:
    with pytest.raises(ValidationError) as info:
        expand_scopes(["market", "analytix"])
    message = str(info.value)
    assert info.value.field == "scopes"
    assert "'analytix'" in message and "did you mean 'analytics'" in message
    for name in ("all", "analytics", "market", "watchlist", "default"):
        assert name in message
    with pytest.raises(ValidationError, match=r"unknown scope 'market:informaton'.*did you"):
        expand_scopes("market:informaton")


def test_aries_scopes_takes_groups_too() -> None:
    config = ClientConfig.from_env({"ARIES_SCOPES": "trading,market"})
    assert config.scopes == (*SCOPE_GROUPS["trading"], *SCOPE_GROUPS["market"])
    with pytest.raises(ConfigurationError, match="ARIES_SCOPES: unknown scope group 'bogus'"):
        ClientConfig.from_env({"ARIES_SCOPES": "bogus"})


@pytest.mark.parametrize(
    ("method", "path", "template", "scopes"),
    [
        ("GET", "/v1/news/42", "/v1/news/{id}", ("market:supplemental",)),
        ("get", "/v1/news-sentiment?symbol=AAPL", "/v1/news-sentiment", ("market:supplemental",)),
        # An absolute URL (a nextUrl), a trailing slash.
        ("GET", "https://api.aries.com/v1/stocks/trades/?cursor=x", "/v1/stocks/trades", None),
        # The template with more literal segments wins.
        (
            "GET",
            "/v1/options/snapshot/chain/AAPL",
            "/v1/options/snapshot/chain/{underlyingAsset}",
            None,
        ),
        (
            "GET",
            "/v1/options/snapshot/AAPL/O%3AAAPL250117C00150000",
            "/v1/options/snapshot/{underlyingAsset}/{optionContract}",
            None,
        ),
        ("GET", "/v1/options/stocks/top-volume", "/v1/options/stocks/top-volume", None),
        ("DELETE", "/v1/config/watchlist/w1", "/v1/config/watchlist/{watchlist_id}", None),
        ("GET", "/v2/accounts/A%201/orders/history", "/v2/accounts/{id}/orders/history", None),
        ("POST", "/v1/predictions/orders", "/v1/predictions/orders", ()),
        ("GET", "/v1/predictions/search", "/v1/predictions/search", ()),
        ("GET", "/v1/no/such/thing", None, ()),
        ("POST", "/v1/news/42", None, ()),
    ],
)
def test_a_concrete_path_finds_its_operation(
    method: str, path: str, template: str | None, scopes: tuple[str, ...] | None
) -> None:
    assert route_template(method, path) == template
    expected = scopes
    if expected is None:
        assert template is not None
        expected = ROUTE_SCOPES[(method.upper(), template)]
    assert required_scopes(method, path) == expected
