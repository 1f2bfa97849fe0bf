"""Contracts of the simulator with the rest of the package.

* the pytest plugin's ``aries_sim`` fixture serves a working simulator;
* ``aries_async.testing`` imports cheaply (it is loaded by every pytest run);
* every simulator response structures into the package's own models with the *strict*
  converter, so a field the models lack (or mis-type) fails here -- drift between the client
  and the simulator cannot go unnoticed;
* the payloads the client parses by hand (chart quotes and bars, the token answer) and every
  stream message go through the client's own parsers, and each wire field the simulator sends
  must change what the parsed value shows (else the client ignores it: drift), unless the
  field is listed in ``UNREAD`` with the reason;
* every kind of stream message fits the official ``finance-dev`` package's websocket codec and
  models, and the orders, positions and balances on the account socket fit its REST models
  and the API description's schemas (no field they do not name): the SDK says they are the
  REST objects;
* every route the simulator serves is covered by one of these contracts or listed in
  ``NO_CLIENT_CALL`` (payloads the SDK has no call for).
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import subprocess
import sys
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import aiohttp
import attrs
import orjson
import pytest
from spec_check import check_answer, check_definition

from aries_async import AriesClient, models
from aries_async.auth.tokens import Token
from aries_async.models._deferred import Deferred
from aries_async.models.events import UnknownEvent
from aries_async.sim import ManualClock, RateLimitFault, Simulator
from aries_async.sim.routes_generic import described_routes
from aries_async.sim.ws import hub_of
from aries_async.streaming.protocol import Decoder
from aries_async.testing import RecordingSleep

ACCOUNT = "TEST-ACCOUNT-001"


async def test_aries_sim_fixture_serves(aries_sim: Simulator) -> None:
    token = aries_sim.issue_token()
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            aries_sim.base_url + "/v2/users/me/accounts",
            headers={"Authorization": token.authorization},
        ) as resp,
    ):
        assert resp.status == 200
    assert aries_sim.requests[("GET", "/v2/users/me/accounts")] == 1
    config = aries_sim.client_config()
    assert config.endpoints.token_url == aries_sim.token_url
    assert config.endpoints.accounts_ws_url == aries_sim.accounts_ws_url
    assert config.client_secret == aries_sim.client_secret


async def test_recording_sleep_lets_a_bot_test_check_the_wait_without_waiting(
    aries_sim: Simulator,
) -> None:
    # the README's example: the rate limit asks for 20 s, the test records it and goes on
    aries_sim.faults.rate_limit["GET /v1/chart/quotes"] = RateLimitFault(count=1, retry_after=20)
    sleep = RecordingSleep()
    token = aries_sim.issue_token()
    async with AriesClient(aries_sim.client_config(), token=token, sleep=sleep) as client:
        quotes = await client.market.quotes(["AAPL"])
    assert quotes["AAPL"].last_price is not None
    assert sleep.waits == [20]
    assert aries_sim.requests[("GET", "/v1/chart/quotes")] == 2


def test_testing_plugin_imports_without_the_simulator() -> None:
    code = (
        "import sys, aries_async.testing as t; "
        "assert 'aries_async.sim.server' not in sys.modules, 'plugin imported the simulator'; "
        "assert {'aries_sim', 'aries_client', 'RecordingSleep'} <= set(t.__all__)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603


def _model(name: str) -> Any:
    return getattr(models, name)


def _strict(data: Any, cls: Any) -> Any:
    from aries_async.models._converter import strict_converter

    return strict_converter().structure(data, cls)


@pytest.fixture(scope="module")
def wire() -> dict[str, Any]:
    """One response of each kind, taken from a live simulator (once for the module: the tests
    only read it)."""
    return asyncio.run(_collect_wire())


async def _collect_wire() -> dict[str, Any]:
    async with Simulator(seed=4, clock=ManualClock(), tick_interval=None) as sim:
        headers = {"Authorization": sim.issue_token().authorization}
        out: dict[str, Any] = {}
        async with aiohttp.ClientSession(base_url=sim.base_url, headers=headers) as http:

            async def get(path: str, **params: str) -> Any:
                async with http.get(path, params=params) as resp:
                    assert resp.status == 200, await resp.text()
                    return await resp.json()

            async def post(path: str, body: dict[str, Any]) -> Any:
                async with http.post(path, json=body) as resp:
                    assert resp.status == 200, await resp.text()
                    return await resp.json()

            out["accounts"] = await get("/v2/users/me/accounts")
            out["balance"] = await get(f"/v2/accounts/{ACCOUNT}/balance")
            out["positions"] = await get(f"/v1/accounts/{ACCOUNT}/positions")
            order = {
                "tradingAccountId": ACCOUNT,
                "symbol": "KO",
                "side": "BUY",
                "type": "LIMIT",
                "qty": "2",
                "price": "20.00",
                "timeInForce": "DAY",
                "clientId": "drift",
            }
            out["preview"] = await post("/v1/orders/preview", order)
            out["ack"] = await post("/v1/orders", order)
            out["replace"] = await post(
                "/v1/orders/replace",
                {
                    "origClOrdId": out["ack"]["clOrdId"],
                    "tradingAccountId": ACCOUNT,
                    "symbol": "KO",
                    "side": "BUY",
                    "qty": "3",
                    "price": "20.5",
                },
            )
            out["cancel"] = await post(
                "/v1/orders/cancel",
                {
                    "origClOrdId": out["replace"]["clOrdId"],
                    "tradingAccountId": ACCOUNT,
                    "symbol": "KO",
                    "side": "BUY",
                },
            )
            out["orders"] = await get(f"/v2/accounts/{ACCOUNT}/orders")
            out["search"] = await get("/v1/marketdata/search", query="AAPL")
            out["status"] = await get("/v1/market/status")
            out["holidays"] = await get("/v1/market/holiday")
            out["expiries"] = await get("/v1/options/AAPL/expiry-dates")
            out["chain"] = await get(
                f"/v1/options/AAPL/contracts/{out['expiries']['expiryDates'][0]}"
            )
            out["user"] = await get("/v1/users/me")
            out["history"] = await get(
                f"/v2/accounts/{ACCOUNT}/orders/history",
                **{"from": "2026-01-01T00:00:00Z", "to": "2026-01-15T15:00:00Z"},
            )
            out["equities"] = await get("/v1/marketdata/equities/details", symbols="AAPL,SPX")
            # The chain names a contract by its ticker; the details take its OSI symbol.
            option = out["chain"]["calls"][0]["symbol"].removeprefix("O:")
            out["options"] = await get("/v1/marketdata/options/details", symbols=option)
            option_order = order | {"symbol": option, "qty": "3", "price": "1.00"}
            out["option_preview"] = await post("/v1/orders/preview", option_order)
            out["quotes"] = await get("/v1/chart/quotes", symbols="AAPL")
            now = int(sim.clock.now())
            out["bars"] = await get(
                "/v1/chart/history",
                symbol="AAPL",
                resolution="5",
                **{"from": str(now - 3 * 86400), "to": str(now)},
            )
        served = {
            (route.method, route.resource.canonical)
            for route in sim.app.router.routes()
            if route.method != "HEAD" and route.resource is not None
        }
        # Routes answered from the API description are under the schema contract of
        # test_sim_every_operation.py instead.
        served -= described_routes(sim.app.router).keys()
        out["routes"] = {"served": served, "hit": set(sim.requests.routes)}
    return out


@pytest.mark.parametrize(
    ("model", "pick"),
    [
        ("Account", lambda w: w["accounts"]["accounts"]),
        ("Balance", lambda w: [w["balance"]]),
        ("Position", lambda w: w["positions"]["positions"]),
        ("Order", lambda w: w["orders"]["orders"]),
        ("OrderPage", lambda w: [w["orders"]]),
        ("OrderAck", lambda w: [w["ack"]]),
        ("OrderPreview", lambda w: [w["preview"], w["option_preview"]]),
        ("ReplaceAck", lambda w: [w["replace"]]),
        ("CancelAck", lambda w: [w["cancel"]]),
        ("SymbolMatch", lambda w: w["search"]),
        ("MarketStatus", lambda w: [w["status"]]),
        ("Holiday", lambda w: w["holidays"]["holidays"]),
        ("OptionExpirations", lambda w: [w["expiries"]]),
        ("OptionChain", lambda w: [w["chain"]]),
        ("User", lambda w: [w["user"]]),
        ("OrderPage", lambda w: [w["history"]]),
        ("EquityDetailsResponse", lambda w: [w["equities"]]),
        ("OptionDetailsResponse", lambda w: [w["options"]]),
    ],
)
def test_responses_fit_the_models_strictly(wire: dict[str, Any], model: str, pick: Any) -> None:
    cls = _model(model)
    items = pick(wire)
    assert items
    for item in items:
        _strict(item, cls)


def test_every_response_the_models_take_is_complete(wire: dict[str, Any]) -> None:
    # the strict converter refuses unknown fields; these answers must also not be empty, or
    # the contract above would pass on nothing
    assert wire["history"]["orders"]
    assert wire["equities"]["data"] and not wire["equities"]["errors"]
    assert wire["options"]["data"] and not wire["options"]["errors"]


def test_an_option_preview_fits_the_description_and_quotes_its_fees(wire: dict[str, Any]) -> None:
    preview = wire["option_preview"]
    check_answer("previewOrder", 200, preview)  # and finance-dev's model, when installed
    assert preview["optionFees"] == "1.95"  # three contracts at 0.65


# -- payloads the client parses by hand, and the streams ---------------------------------------

UNREAD: dict[str, frozenset[str]] = {
    # wire fields the client does not surface, each a decision rather than an oversight
    "quote": frozenset(),
    "bars": frozenset({"s"}),  # the status, read as a whole (ok / no_data / error)
    "token": frozenset(),
    "marketStatus": frozenset(),
    "quote_update": frozenset(),
    "trade_update": frozenset(),
    "timeAndSales_update": frozenset({"symbol"}),  # the envelope's symbol, repeated
    "level2_update": frozenset(),
    "greeks_update": frozenset(),
}


def _shown(value: Any, raw: Any) -> dict[str, Any]:
    """Every public value of a parsed object (attrs fields, properties and fields read on
    demand, so that a value that cannot convert raises), leaving out the raw wire mapping a
    model may carry."""
    if isinstance(value, list | tuple):
        return {"items": [_shown(item, raw) for item in value]}
    cls = type(value)
    names = {
        name
        for name in dir(cls)
        if not name.startswith("_")
        and isinstance(
            inspect.getattr_static(cls, name, None),
            property | functools.cached_property | Deferred,
        )
    }
    if attrs.has(cls):
        names |= {f.name for f in attrs.fields(cls) if not f.name.startswith("_")}
    shown = {}
    for name in sorted(names):
        with warnings.catch_warnings(record=True) as heard:
            warnings.simplefilter("always")
            read = getattr(value, name)
        if not any(issubclass(w.category, DeprecationWarning) for w in heard):
            shown[name] = read  # (a deprecated alias repeats a value under its new name)
    return {name: v for name, v in shown.items() if v is not raw and v != raw}


def _altered(value: Any) -> Any:
    """Another value of the same wire type (a removal alone misses a field whose value is
    what the client assumes when it is absent, such as ``false``)."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value * 2 + 1
    if isinstance(value, str):
        try:
            return str(float(value) * 2 + 1)
        except ValueError:
            return value + "X"
    return None


def _unread(data: Mapping[str, Any], parse: Callable[[dict[str, Any]], Any]) -> set[str]:
    """The keys of ``data`` that change nothing the parsed value shows, whether removed or
    given another value (a parse that raises has read the key)."""
    full = _shown(parse(dict(data)), data)
    unread = set()
    for key in data:
        variants = [{k: v for k, v in data.items() if k != key}, {**data, key: _altered(data[key])}]
        for variant in variants:
            try:
                if _shown(parse(variant), variant) != full:
                    break
            except Exception:  # refusing the changed field is reading it
                break
        else:
            unread.add(key)
    return unread


def test_chart_quotes_fields_all_reach_the_quote(wire: dict[str, Any]) -> None:
    body = wire["quotes"]
    [item] = body["d"]

    def parse(values: dict[str, Any]) -> Any:
        quotes, errors = models.parse_quote_batch({**body, "d": [{**item, "v": values}]}, ["AAPL"])
        assert not errors
        return quotes["AAPL"]

    assert set(item["v"]) - UNREAD["quote"]
    assert _unread(item["v"], parse) == UNREAD["quote"]
    assert _unread({k: v for k, v in item.items() if k != "v"}, lambda rest: parse(item["v"])) <= {
        "n",
        "s",
    }


def test_chart_bars_fields_all_reach_the_bars(wire: dict[str, Any]) -> None:
    body = wire["bars"]
    assert body["s"] == "ok" and body["t"]

    def parse(fields: dict[str, Any]) -> Any:
        return models.parse_bars({"s": "ok", **fields})

    assert _unread({k: v for k, v in body.items() if k != "s"}, parse) == set()


async def test_token_answer_fields_all_reach_the_token() -> None:
    async with Simulator(seed=4, clock=ManualClock(), tick_interval=None) as sim:
        form = {
            "grant_type": "client_credentials",
            "client_id": sim.client_id,
            "client_secret": sim.client_secret,
        }
        async with aiohttp.ClientSession() as http, http.post(sim.token_url, data=form) as resp:
            assert resp.status == 200
            body = await resp.json()
    assert _unread(body, lambda data: Token.from_response(data, now=1000.0)) == UNREAD["token"]


def _send(ws: aiohttp.ClientWebSocketResponse, message: dict[str, Any]) -> Any:
    return ws.send_str(orjson.dumps(message).decode())


async def _lines_until_close(ws: aiohttp.ClientWebSocketResponse) -> list[str]:
    lines: list[str] = []
    while True:
        msg = await ws.receive(timeout=5)
        if msg.type != aiohttp.WSMsgType.TEXT:
            return lines
        lines.extend(msg.data.splitlines())


async def _answers(ws: aiohttp.ClientWebSocketResponse, message: dict[str, Any]) -> list[str]:
    await _send(ws, message)
    return (await ws.receive_str(timeout=5)).splitlines()


def _auth(token: str) -> dict[str, Any]:
    payload = {"method": "POST", "path": "/auth", "body": {"token": token}}
    return {"type": "request", "id": "a1", "payload": payload}


@pytest.fixture(scope="module")
def stream_wire() -> list[str]:
    """Every kind of message the two simulator sockets send, as lines (once for the module)."""
    return asyncio.run(_collect_stream())


async def _collect_stream() -> list[str]:
    async with Simulator(seed=4, clock=ManualClock(), tick_interval=None) as sim:
        hub = hub_of(sim.app)
        token = sim.issue_token().access_token
        headers = {"Authorization": f"Bearer {token}"}
        lines: list[str] = []
        # No base URL: aiohttp before 3.12 refuses an absolute (websocket) URL beside one.
        async with aiohttp.ClientSession(headers=headers) as http:
            base = sim.base_url
            async with http.get(base + "/v1/options/AAPL/expiry-dates") as resp:
                expiry = (await resp.json())["expiryDates"][0]
            option = f"AAPL{expiry.replace('-', '')[2:]}C00230000"
            async with http.ws_connect(sim.market_ws_url) as market:
                subscribe = {
                    "type": "subscribe",
                    "id": "s1",
                    "payload": [
                        {
                            "symbol": "AAPL",
                            "quoteFields": "*",
                            "tradeFields": "*",
                            "level2": True,
                            "timeAndSales": True,
                        },
                        {"symbol": option, "greeksFields": "*"},
                        {"symbol": "NOPE"},
                    ],
                }
                lines += await _answers(market, subscribe)  # authRequired
                lines += await _answers(market, _auth(token))
                lines += await _answers(market, {"type": "ping", "id": "p1"})
                lines += await _answers(market, subscribe)
                expiries = {"method": "GET", "path": "/options/AAPL/expiry-dates"}
                lines += await _answers(
                    market, {"type": "request", "id": "r1", "payload": expiries}
                )
                for _ in range(4):
                    sim.advance(2)
                hub.refresh_auth()
                hub.expire()
                lines += await _lines_until_close(market)
            resting = {
                "tradingAccountId": ACCOUNT,
                "symbol": "KO",
                "side": "BUY",
                "type": "LIMIT",
                "price": "1.00",
                "qty": "1",
                "timeInForce": "GTC",
            }
            async with http.post(base + "/v1/orders", json=resting) as resp:  # for the snapshot
                assert resp.status == 200
            async with http.ws_connect(sim.accounts_ws_url) as accounts:
                lines += await _answers(accounts, _auth(token))
                account = {"topic": "account", "params": {"accountId": ACCOUNT}}
                lines += await _answers(
                    accounts, {"type": "subscribe", "id": "s2", "payload": account}
                )
                order = {
                    "tradingAccountId": ACCOUNT,
                    "symbol": "AAPL",
                    "side": "BUY",
                    "type": "MARKET",
                    "qty": "1",
                    "timeInForce": "DAY",
                }
                async with http.post(base + "/v1/orders", json=order) as resp:
                    assert resp.status == 200
                pnl = {"topic": "pnl", "params": {"accountId": ACCOUNT, "interval": "1m"}}
                for number, topic in enumerate(
                    (pnl, {"topic": "watchlist"}, {"topic": "news", "params": {"symbols": ["KO"]}})
                ):
                    lines += await _answers(
                        accounts, {"type": "subscribe", "id": f"t{number}", "payload": topic}
                    )
                hub.topics.watchlist_changed(ACCOUNT, {"id": 1, "name": "Mine", "symbols": []})
                hub.topics.news("KO raises its dividend", symbols=["KO"])
                hub.topics.account_info(ACCOUNT)
                # Option fills: positions of contracts, a spread's legs with their prices.
                call = order | {"symbol": option}
                spread = order | {"type": "LIMIT", "price": "50.00", "legs": _spread(expiry)}
                for placed in (call, spread):
                    async with http.post(base + "/v1/orders", json=placed) as resp:
                        assert (await resp.json())["status"] == "NEW"
                hub.expire()
                lines += await _lines_until_close(accounts)
            async with http.ws_connect(sim.accounts_ws_url) as late:
                lines += await _answers(late, {"type": "ping"})
                sim.advance(sim.context.settings.ws_auth_timeout + 1)
                hub.check_deadlines()
                lines += await _lines_until_close(late)
    return lines


def _spread(expiry: str) -> list[dict[str, str]]:
    """The legs of a call spread on AAPL (bought at 230, sold at 240) expiring on ``expiry``."""
    return [
        {
            "securityType": "OPT",
            "side": side,
            "ratioQty": "1",
            "positionEffect": "OPEN",
            "putCall": "CALL",
            "strikePrice": strike,
            "maturity": expiry,
        }
        for side, strike in (("BUY", "230"), ("SELL", "240"))
    ]


def _kind(line: str) -> str:
    """What a line is: an update type, an account event name or a control action/type."""
    message = orjson.loads(line)
    payload = message.get("payload") or {}
    if message.get("type") != "event":
        return str(message.get("type"))
    if payload.get("action") == "update":
        return str(payload.get("type"))
    if payload.get("topic") == "account":
        return str(payload.get("name", "account.snapshot"))
    if payload.get("topic"):
        return str(payload["topic"])
    return str(payload.get("action"))


STREAM_KINDS = frozenset(
    {
        "authRequired",
        "authSuccess",
        "pong",
        "subscribed",
        "error",
        "marketStatus",
        "quote",
        "trade",
        "level2",
        "timeAndSales",
        "greeks",
        "refreshAuth",
        "authExpired",
        "account.snapshot",
        "account.order",
        "account.position",
        "account.balance",
        "account.info",
        "authTimeout",
        "response",
        "pnl",
        "watchlist",
        "news",
    }
)


def test_every_stream_message_decodes_to_its_type(stream_wire: list[str]) -> None:
    assert {_kind(line) for line in stream_wire} == STREAM_KINDS
    decoder = Decoder()
    for line in stream_wire:
        [item] = decoder.feed(line)
        assert not isinstance(item, UnknownEvent), line
        _shown(item, None)  # every field converts
    assert (decoder.malformed, decoder.invalid, decoder.unknown) == (0, 0, 0)


def test_account_stream_payloads_fit_the_models_strictly(stream_wire: list[str]) -> None:
    models_of = {
        "account.order": models.Order,
        "account.position": models.Position,
        "account.balance": models.Balance,
    }
    for line in stream_wire:
        kind = _kind(line)
        data: Any = (orjson.loads(line).get("payload") or {}).get("data")
        if kind == "account.snapshot":
            _strict(data["account"], models.Balance)
            assert data["positions"] and data["ordersV2"]
            for position in data["positions"]:
                _strict(position, models.Position)
            for order in data["ordersV2"]:
                _strict(order, models.Order)
        elif kind in models_of:
            _strict(data, models_of[kind])


# The REST object each account message carries, by the API description's name: the SDK says
# they are identical across REST and the socket.
ACCOUNT_OBJECTS = {
    "account.order": "TradeOrderV2",
    "account.position": "AccountPosition",
    "account.balance": "AccountBalanceV2",
}


@pytest.mark.finance_dev
def test_every_stream_message_fits_the_official_models(stream_wire: list[str]) -> None:
    codec = pytest.importorskip("finance_dev.websocket.codec")
    from finance_dev import models as rest
    from finance_dev.websocket import models as ws

    def account_object(name: str, data: Any) -> None:
        check_definition(name, data)
        getattr(rest, name).model_validate(data)

    def snapshot(payload: dict[str, Any]) -> None:
        data = ws.AccountSnapshot.model_validate(payload["data"])
        account_object("AccountBalanceV2", data.account)
        for position in data.positions:
            account_object("AccountPosition", position)
        for order in data.ordersV2:
            account_object("TradeOrderV2", order)

    def account_event(payload: dict[str, Any]) -> None:
        event = ws.AccountEvent.model_validate(payload)
        if event.name in ACCOUNT_OBJECTS:
            account_object(ACCOUNT_OBJECTS[event.name], event.data)

    def market(data_model: Any) -> Callable[[dict[str, Any]], None]:
        def check(payload: dict[str, Any]) -> None:
            event = ws.MarketEvent.model_validate(payload)
            if data_model is not None:
                data_model.model_validate(event.data)

        return check

    checks: dict[str, Callable[[dict[str, Any]], object]] = {
        "marketStatus": market(None),
        "quote": market(ws.QuoteData),
        "trade": market(ws.TradeData),
        "level2": market(ws.Level2Data),
        "timeAndSales": market(ws.TimeAndSalesData),
        "greeks": market(ws.GreeksData),
        "account.snapshot": snapshot,
        **dict.fromkeys([*ACCOUNT_OBJECTS, "account.info"], account_event),
        "pnl": ws.PnlEvent.model_validate,
        "watchlist": ws.TopicEvent.model_validate,
        "news": ws.TopicEvent.model_validate,
    }
    typed = {
        "pong": "PongMessage",
        "subscribed": "SubscribedMessage",
        "response": "ResponseMessage",
    }
    for line in stream_wire:
        kind = _kind(line)
        [message] = codec.decode_frame(line)  # raises for a message its model refuses
        assert type(message).__name__ == typed.get(kind, "EventMessage"), line
        if kind in checks:
            checks[kind](message.payload)
    # Every kind is checked: the data kinds by their models, the others by the codec's type.
    assert STREAM_KINDS - set(checks) - set(typed) == {
        "authRequired",
        "authSuccess",
        "authTimeout",
        "authExpired",
        "refreshAuth",
        "error",
    }


@pytest.mark.parametrize("kind", ["quote", "trade", "timeAndSales", "level2", "greeks"])
def test_market_update_fields_all_reach_the_event(stream_wire: list[str], kind: str) -> None:
    [line, *_] = [line for line in stream_wire if _kind(line) == kind]
    message = orjson.loads(line)

    def parse(data: dict[str, Any]) -> Any:
        changed = {**message, "payload": {**message["payload"], "data": data}}
        [item] = Decoder().feed(orjson.dumps(changed))
        return item

    data = message["payload"]["data"]
    assert _unread(data, parse) == UNREAD[f"{kind}_update"]


def test_market_status_fields_all_reach_the_event(stream_wire: list[str]) -> None:
    [line] = [line for line in stream_wire if _kind(line) == "marketStatus"]
    message = orjson.loads(line)

    def parse(data: dict[str, Any]) -> Any:
        changed = {**message, "payload": {**message["payload"], "data": data}}
        [item] = Decoder().feed(orjson.dumps(changed))
        return item

    assert _unread(message["payload"]["data"], parse) == UNREAD["marketStatus"]


NO_CLIENT_CALL = frozenset(
    {
        ("GET", "/health"),
        ("GET", "/oauth2/authorize"),  # an HTML page for a browser
        ("POST", "/oauth2/authorize"),  # a redirect for a browser
        ("GET", "/v1/chart/search"),
        ("GET", "/v1/chart/config"),
        ("GET", "/v1/chart/symbols"),
        ("GET", "/v1/chart/time"),
        ("GET", "/v1/etb"),
        ("POST", "/v1/etb/search"),
    }
)
"""Routes the simulator serves that the SDK has no call for (so no model to drift from)."""

COVERED_ELSEWHERE = frozenset(
    {
        ("POST", "/v1/oauth2/token"),  # test_token_answer_fields_all_reach_the_token
        ("GET", "/v1/market/ws"),  # the stream tests
        ("GET", "/v1/marketdata/ws"),  # the same socket: test_market_ws_older_path
        ("GET", "/v1/accounts/ws"),
        # test_sim_watchlists.py and test_sim_predictions.py: each answer against the API
        # description's schema and finance-dev's model (spec_check.check_answer).
        ("GET", "/v1/config/watchlist"),
        ("POST", "/v1/config/watchlist"),
        ("PUT", "/v1/config/watchlist"),
        ("GET", "/v1/config/watchlist/{watchlist_id}"),
        ("PATCH", "/v1/config/watchlist/{watchlist_id}"),
        ("DELETE", "/v1/config/watchlist/{watchlist_id}"),
        ("GET", "/v1/predictions/orders"),
        ("POST", "/v1/predictions/orders"),
        ("GET", "/v1/predictions/orders/{orderId}"),
        ("GET", "/v1/charts/ws"),  # test_stream_charts: every variant decodes, none unknown
        # test_sim_market_data.py: each timespan against the description's schema and
        # finance-dev's model (spec_check.check_answer).
        ("GET", "/v1/stocks/aggs"),
    }
)


def test_every_simulator_route_is_under_a_contract(wire: dict[str, Any]) -> None:
    served, hit = wire["routes"]["served"], wire["routes"]["hit"]
    assert served - hit - COVERED_ELSEWHERE == NO_CLIENT_CALL
