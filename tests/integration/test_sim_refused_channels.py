"""The simulator's ``ws_refused_channels`` switch, on the wire: the market and charts sockets
refuse the channels it names (an ``error`` naming the symbol and the channels) and subscribe
the rest of the request, which they acknowledge as usual."""

from __future__ import annotations

import argparse
import json
from typing import Any

import aiohttp
import pytest

from aries_async.sim import Simulator
from aries_async.sim.cli import add_arguments, build_faults


async def _session(http: aiohttp.ClientSession, sim: Simulator, url: str) -> Any:
    ws = await http.ws_connect(url)
    token = sim.issue_token().access_token
    auth = {"method": "POST", "path": "/auth", "body": {"token": token}}
    await ws.send_str(json.dumps({"type": "request", "id": "a1", "payload": auth}))
    await _until(ws, lambda m: (m.get("payload") or {}).get("action") == "authSuccess")
    return ws


async def _until(ws: Any, last: Any) -> list[dict[str, Any]]:
    """Every message up to the first that ``last`` accepts (included)."""
    seen: list[dict[str, Any]] = []
    while True:
        for line in (await ws.receive_str(timeout=5)).splitlines():
            seen.append(json.loads(line))
            if last(seen[-1]):
                return seen


def _acked(request_id: str) -> Any:
    return lambda m: m.get("type") == "subscribed" and m.get("id") == request_id


def _errors(seen: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in m["payload"].items() if k != "timestamp"}
        for m in seen
        if (m.get("payload") or {}).get("action") == "error"
    ]


def _updates(seen: list[dict[str, Any]]) -> set[tuple[str, str]]:
    payloads = [m.get("payload") or {} for m in seen]
    return {(p["symbol"], p["type"]) for p in payloads if p.get("action") == "update"}


async def test_the_market_socket_refuses_the_named_channels_and_subscribes_the_rest(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    sim.faults.ws_refused_channels = {"AAPL": frozenset({"trades"}), "*": frozenset({"level2"})}
    ws = await _session(http, sim, sim.market_ws_url)
    try:
        both = {"quoteFields": "*", "tradeFields": "*"}
        # KO asks for level 2 only: nothing of it is left to subscribe.
        items: list[dict[str, Any]] = [{"symbol": "AAPL", **both}, {"symbol": "MSFT", **both}]
        items.append({"symbol": "KO", "level2": True})
        await ws.send_str(json.dumps({"type": "subscribe", "id": "s1", "payload": items}))
        last = ("MSFT", "trade")  # the last snapshot of the request
        seen = await _until(ws, lambda m: last in _updates([m]))
        assert _errors(seen) == [
            {
                "action": "error",
                "error": "not entitled to trades",
                "id": "s1",
                "symbols": ["AAPL"],
                "channels": ["trades"],
            },
            {
                "action": "error",
                "error": "not entitled to level2",
                "id": "s1",
                "symbols": ["KO"],
                "channels": ["level2"],
            },
        ]
        assert any(_acked("s1")(m) for m in seen)
        assert _updates(seen) == {("AAPL", "quote"), ("MSFT", "quote"), ("MSFT", "trade")}
        sim.advance(0.5)  # a feed step: still no trade of AAPL, nothing of KO
        seen = await _until(ws, lambda m: ("MSFT", "trade") in _updates([m]))
        assert ("AAPL", "quote") in _updates(seen)
        assert not {("AAPL", "trade"), ("KO", "level2")} & _updates(seen)
    finally:
        await ws.close()


async def test_the_charts_socket_refuses_the_named_type_and_acknowledges_the_request(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    sim.faults.ws_refused_channels = {"*": frozenset({"trades"})}
    ws = await _session(http, sim, sim.charts_ws_url)
    try:
        for request_id, kind in (("c1", "trades"), ("c2", "quotes")):
            payload = {"type": kind, "symbol": "AAPL"}
            await ws.send_str(
                json.dumps({"type": "subscribe", "id": request_id, "payload": payload})
            )
        seen = await _until(ws, lambda m: "n" in ((m.get("payload") or {}).get("data") or {}))
        assert _errors(seen) == [
            {
                "action": "error",
                "error": "not entitled to trades",
                "id": "c1",
                "symbols": ["AAPL"],
                "channels": ["trades"],
            }
        ]
        assert [m["id"] for m in seen if m.get("type") == "subscribed"] == ["c1", "c2"]
    finally:
        await ws.close()


def test_the_refused_channels_are_a_repeatable_cli_flag(
    capsys: pytest.CaptureFixture[str],
) -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    flags = ["--ws-refuse-channel", "level2", "--ws-refuse-channel", "aapl:trades"]
    flags += ["--ws-refuse-channel", "AAPL:greeks"]
    faults = build_faults(parser.parse_args(flags))
    assert faults.ws_refused_channels == {
        "*": frozenset({"level2"}),
        "AAPL": frozenset({"trades", "greeks"}),
    }
    assert build_faults(parser.parse_args([])).ws_refused_channels == {}
    for bad in ("AAPL:depth", ":quotes"):
        with pytest.raises(SystemExit) as exited:
            parser.parse_args(["--ws-refuse-channel", bad])
        assert exited.value.code == 2
        assert "--ws-refuse-channel" in capsys.readouterr().err


async def test_the_market_socket_names_a_requests_refused_channels_once_when_asked(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    """``ws_channel_errors = "request"``: one error per subscribe, naming the channels it
    refused for any of its symbols and no symbol; the rest is subscribed as usual."""
    sim.faults.ws_refused_channels = {"AAPL": frozenset({"trades"}), "*": frozenset({"level2"})}
    sim.faults.ws_channel_errors = "request"
    ws = await _session(http, sim, sim.market_ws_url)
    try:
        both = {"quoteFields": "*", "tradeFields": "*"}
        items: list[dict[str, Any]] = [{"symbol": "AAPL", **both}, {"symbol": "MSFT", **both}]
        items.append({"symbol": "KO", "level2": True})
        await ws.send_str(json.dumps({"type": "subscribe", "id": "s1", "payload": items}))
        seen = await _until(ws, lambda m: ("MSFT", "trade") in _updates([m]))
        assert _errors(seen) == [
            {
                "action": "error",
                "error": "not entitled to level2, trades",
                "id": "s1",
                "channels": ["level2", "trades"],
            }
        ]
        assert any(_acked("s1")(m) for m in seen)
        assert _updates(seen) == {("AAPL", "quote"), ("MSFT", "quote"), ("MSFT", "trade")}
    finally:
        await ws.close()


def test_what_a_channel_refusal_names_is_a_cli_flag() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert build_faults(parser.parse_args([])).ws_channel_errors == "symbol"
    faults = build_faults(parser.parse_args(["--ws-channel-errors", "request"]))
    assert faults.ws_channel_errors == "request"
