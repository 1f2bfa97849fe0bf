"""The shortcuts of the quote path behave exactly like the long way round.

* A first attempt that succeeds (or fails for good) never builds tenacity machinery; a
  retryable failure hands over to tenacity, which counts that failure as attempt 1 (against
  the simulator and its server-error fault).
* ``AuthSession.cached()`` agrees with ``token()`` about when a token is usable.
* Quote numbers: the float/int shortcut (kept as they are, converted on first read) gives the
  values the general parser gives, and the values it refuses still raise
  ``ResponseFormatError`` when the quote is built.
"""

from __future__ import annotations

import logging
import time
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
import tenacity

from aries_async import AriesClient, ClientConfig, RetryPolicy, Token
from aries_async.auth.session import AuthSession
from aries_async.auth.store import MemoryTokenStore
from aries_async.errors import NotFoundError, ResponseFormatError, ServerError
from aries_async.http import transport
from aries_async.models.common import parse_decimal
from aries_async.models.market import Quote
from aries_async.sim import ServerErrorFault, Simulator

ME = "/v1/users/me"


class RecordingSleep:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


class CountingRetrying(tenacity.AsyncRetrying):
    built = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        CountingRetrying.built += 1
        super().__init__(*args, **kwargs)


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> type[CountingRetrying]:
    CountingRetrying.built = 0
    monkeypatch.setattr(tenacity, "AsyncRetrying", CountingRetrying)
    return CountingRetrying


def client(sim: Simulator, sleep: RecordingSleep, **config: Any) -> AriesClient:
    return AriesClient(sim.client_config(**config), token=sim.issue_token(), sleep=sleep)


async def test_a_first_attempt_that_succeeds_builds_no_retry_machinery(
    counting: type[CountingRetrying],
) -> None:
    async with Simulator(seed=1) as sim, client(sim, RecordingSleep()) as c:
        me = await c.request("GET", ME)
    assert me["id"] == 1001 and counting.built == 0


async def test_a_final_failure_is_raised_without_retry_machinery(
    counting: type[CountingRetrying],
) -> None:
    async with Simulator(seed=1) as sim, client(sim, RecordingSleep()) as c:
        with pytest.raises(NotFoundError):
            await c.request("GET", "/v1/no/such/path")
        assert sim.requests[("GET", "/v1/no/such/path")] == 1
    assert counting.built == 0


async def test_a_retryable_failure_hands_over_to_tenacity_as_attempt_one(
    counting: type[CountingRetrying], caplog: pytest.LogCaptureFixture
) -> None:
    sleep = RecordingSleep()
    async with Simulator(seed=1) as sim:
        sim.faults.server_errors["GET " + ME] = ServerErrorFault(count=2, status=503)
        with caplog.at_level(logging.INFO, "aries_async.http"):
            async with client(sim, sleep, retry=RetryPolicy(jitter=0.0)) as c:
                assert (await c.request("GET", ME))["id"] == 1001
        assert sim.requests[("GET", ME)] == 3
    assert counting.built == 1
    assert sleep.waits == [0.5, 1.0]
    attempts = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
    assert [a.rsplit("(", 1)[1] for a in attempts] == ["attempt 2)", "attempt 3)"]


async def test_the_attempt_limit_counts_the_first_attempt(
    counting: type[CountingRetrying],
) -> None:
    sleep = RecordingSleep()
    async with Simulator(seed=1) as sim:
        sim.faults.server_errors["GET " + ME] = ServerErrorFault(count=3, status=503)
        async with client(sim, sleep, retry=RetryPolicy(jitter=0.0, max_attempts=2)) as c:
            with pytest.raises(ServerError):
                await c.request("GET", ME)
        assert sim.requests[("GET", ME)] == 2
    assert sleep.waits == [0.5]


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("expires_at", "now", "usable"),
    [
        (None, 1e9, True),  # never expires
        (1000.0, 900.0, True),  # 100 s left, skew 60
        (1000.0, 940.0, False),  # exactly the skew left: due for refresh
        (1000.0, 990.0, False),
        (1000.0, 2000.0, False),  # expired
    ],
)
async def test_cached_agrees_with_needs_refresh(
    expires_at: float | None, now: float, usable: bool
) -> None:
    token = Token(access_token="t" * 40, refresh_token="r" * 40, expires_at=expires_at)
    session = AuthSession(None, MemoryTokenStore(), refresh_skew=60.0, wall_clock=Clock(now))  # type: ignore[arg-type]
    await session.set_token(token)
    assert (session.cached() is token) is usable
    assert usable is not token.needs_refresh(now, 60.0)


@pytest.mark.parametrize(
    ("now", "usable"),
    [(900.0, True), (940.0, True), (999.0, True), (1000.0, False), (2000.0, False)],
)
async def test_a_token_that_cannot_be_renewed_is_cached_to_its_end(
    now: float, usable: bool
) -> None:
    """No refresh token and no app grant: nothing to renew it with, so no margin."""
    token = Token(access_token="t" * 40, expires_at=1000.0)
    session = AuthSession(None, MemoryTokenStore(), refresh_skew=60.0, wall_clock=Clock(now))  # type: ignore[arg-type]
    await session.set_token(token)
    assert (session.cached() is token) is usable
    assert usable is not token.needs_refresh(now, 0.0)


async def test_cached_is_none_for_a_refused_token_and_before_any_token() -> None:
    session = AuthSession(None, MemoryTokenStore(), wall_clock=Clock(0.0))  # type: ignore[arg-type]
    assert session.cached() is None
    token = Token(access_token="t" * 40)
    await session.set_token(token)
    assert session.cached() is token
    await session.invalidate(token.access_token)
    assert session.cached() is None


@pytest.mark.parametrize(
    "value", [175.4, 189.49, -0.46, 0.0, -0.0, 1e-7, 1e22, 123456789.125, 0, 7, -3, 10**20]
)
def test_quote_numbers_match_the_general_parser(value: float | int) -> None:
    quote = Quote.from_chart_item({"n": "X", "s": "ok", "v": {"lp": value, "volume": value}})
    expected = parse_decimal(value)
    assert quote.last_price == expected and quote.volume == expected
    assert str(quote.last_price) == str(expected)  # same digits and exponent, not only equal
    assert isinstance(quote.last_price, Decimal)


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), True, "abc", [1]])
def test_quote_numbers_still_refuse_what_the_parser_refuses(value: Any) -> None:
    with pytest.raises(ResponseFormatError, match="quote X lp"):
        Quote.from_chart_item({"n": "X", "s": "ok", "v": {"lp": value}})


def test_quote_texts_and_strings() -> None:
    quote = Quote.from_chart_item(
        {"n": "X", "s": "ok", "v": {"bid": "1.50", "short_name": 7, "exchange": "NYSE"}}
    )
    assert quote.bid_price == Decimal("1.50")
    assert quote.short_name == "7" and quote.exchange == "NYSE" and quote.description is None


@pytest.mark.parametrize("base", ["http://h", "http://h/", "http://h:8080/prefix", "http://h/p//"])
@pytest.mark.parametrize(
    "path", ["/v1/x", "v1/x", "//v1/x", "/", "", "https://o/v1?a=1", "http://o"]
)
def test_url_shortcut_matches_the_general_join(base: str, path: str) -> None:
    import attrs

    config = ClientConfig.for_base_url("http://unused")
    config = attrs.evolve(config, endpoints=attrs.evolve(config.endpoints, base_url=base))
    expected = (
        path
        if path.startswith(("http://", "https://"))
        else base.rstrip("/") + "/" + path.lstrip("/")
    )
    client = AriesClient(config)
    assert client._url(path, False) == expected  # False: no origin check here
    assert client._url(path, False) == expected  # again: the same join


async def test_a_query_string_reaches_the_server_as_aiohttp_sends_it() -> None:
    """A query given as text goes out as aiohttp sends it (the first time and from the kept
    URL); for letters and digits that is what the mapping gives."""
    quotes = "/v1/chart/quotes"

    def names(body: Any) -> list[str]:
        return [item["n"] for item in body["d"]]

    async with (
        Simulator(seed=1) as sim,
        client(sim, RecordingSleep()) as c,
        aiohttp.ClientSession() as plain,
    ):
        auth = {"Authorization": sim.issue_token().authorization}
        for text in ("symbols=AAPL", "symbols=aapl,MSFT", "symbols=A%26B", "symbols=X Y&a=1"):
            async with plain.get(sim.base_url + quotes, params=text, headers=auth) as r:
                expected = names(await r.json())
            assert names(await c.request("GET", quotes, params=text)) == expected
            assert names(await c.request("GET", quotes, params=text)) == expected
        assert expected == ["X Y"]  # the last: "&" and "=" separate parameters
        for symbols in ("AAPL", "AAPL,MSFT"):
            by_dict = await c.request("GET", quotes, params={"symbols": symbols})
            by_text = await c.request("GET", quotes, params="symbols=" + symbols)
            assert names(by_dict) == names(by_text) == symbols.split(",")


async def test_quote_takes_any_symbol_and_keeps_a_bounded_number_of_parsed_urls(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(transport, "_TARGETS", 2)
    async with Simulator(seed=1) as sim, client(sim, RecordingSleep()) as c:
        for symbol in ("aapl", "MSFT", "AAPL", "nvda", "NVDA", " tsla "):
            assert (await c.market.quote(symbol)).symbol == symbol.strip().upper()
        kept = c._transport._targets
        assert sorted(query for _, query in kept) == ["symbols=AAPL", "symbols=MSFT"]
        assert sim.requests[("GET", "/v1/chart/quotes")] == 6


async def test_quotes_of_plain_symbols_use_the_kept_url_and_others_the_mapping() -> None:
    async with Simulator(seed=1) as sim, client(sim, RecordingSleep(), quote_chunk_size=2) as c:
        for _ in range(2):
            quotes = await c.market.quotes(["aapl", "MSFT", "nvda"])
            assert sorted(quotes) == ["AAPL", "MSFT", "NVDA"]
        kept = sorted(query for _, query in c._transport._targets)
        assert kept == ["symbols=AAPL,MSFT", "symbols=NVDA"]
        # an unknown symbol, sent through the mapping
        partial = await c.market.quotes(["AAPL", "NO.SUCH"])
        assert list(partial) == ["AAPL"] and list(partial.errors) == ["NO.SUCH"]
        assert len(c._transport._targets) == 2
        assert sim.requests[("GET", "/v1/chart/quotes")] == 5


async def test_a_retry_after_the_token_expired_sends_a_refreshed_token() -> None:
    """The header factory answers at once with a usable token, and waits for a refresh
    otherwise: here the wait between two attempts outlives the token."""
    clock = Clock(time.time())

    class ExpiringSleep(RecordingSleep):
        async def __call__(self, seconds: float) -> None:
            await super().__call__(seconds)
            clock.now += 7200

    async with Simulator(seed=1) as sim:
        sim.faults.server_errors["GET " + ME] = ServerErrorFault(count=1, status=503)
        config = sim.client_config(retry=RetryPolicy(jitter=0.0))
        async with AriesClient(
            config, token=sim.issue_token(), sleep=ExpiringSleep(), wall_clock=clock
        ) as c:
            before = sim.token_requests
            assert (await c.request("GET", ME))["id"] == 1001
            assert sim.token_requests - before == 1
            assert sim.requests[("GET", ME)] == 2


KEYS = ("lp", "bid", "ask", "ch", "chp", "volume", "open_price", "high_price", "low_price")
ATTRIBUTE = {
    "lp": "last_price",
    "bid": "bid_price",
    "ask": "ask_price",
    "volume": "volume",
    "prev_close_price": "previous_close_price",
}
"""The Quote attribute of a wire key, for the keys the tests below leave out."""
AWKWARD = [1e-7, 1e22, -0.0, 0, 10**19, 1e16, 0.1 + 0.2, 175.4, -3, 123456789.125]


@pytest.mark.parametrize("shift", range(len(AWKWARD)))
def test_a_quote_with_every_number_converts_them_all_at_once_exactly(shift: int) -> None:
    numbers = AWKWARD[shift:] + AWKWARD[:shift]
    values = dict(zip((*KEYS, "prev_close_price"), numbers, strict=True))
    quote = Quote.from_chart_item({"n": "X", "s": "ok", "v": values})
    got = [
        quote.last_price,
        quote.bid_price,
        quote.ask_price,
        quote.change,
        quote.change_percent,
        quote.volume,
        quote.open_price,
        quote.high_price,
        quote.low_price,
        quote.previous_close_price,
    ]
    expected = [parse_decimal(n) for n in numbers]
    assert [str(g) for g in got] == [str(e) for e in expected]


@pytest.mark.parametrize(
    ("odd", "expected"),
    [
        (None, None),
        ("12.50", Decimal("12.50")),
        (10**30, Decimal(10**30)),  # beyond what orjson writes: converted one by one
    ],
)
def test_a_value_the_batch_cannot_take_falls_back_to_one_by_one(
    odd: object, expected: Decimal | None
) -> None:
    values: dict[str, object] = dict.fromkeys((*KEYS, "prev_close_price"), 1.25)
    values["ask"] = odd
    quote = Quote.from_chart_item({"n": "X", "s": "ok", "v": values})
    assert quote.ask_price == expected and quote.bid_price == Decimal("1.25")


@pytest.mark.parametrize(
    "odd", [True, float("nan"), float("inf"), [1], {"a": 1}, "1,5", "null", [None], {"a": None}]
)
def test_a_bad_value_among_good_ones_is_still_refused(odd: object) -> None:
    values: dict[str, object] = dict.fromkeys((*KEYS, "prev_close_price"), 1.25)
    values["high_price"] = odd
    with pytest.raises(ResponseFormatError, match="quote X high_price"):
        Quote.from_chart_item({"n": "X", "s": "ok", "v": values})


@pytest.mark.parametrize("missing", [(), ("bid",), ("bid", "ask", "volume")])
def test_a_quote_built_the_short_way_is_the_model_the_constructor_builds(
    missing: tuple[str, ...],
) -> None:
    import pickle

    import attrs

    values: dict[str, object] = dict(zip((*KEYS, "prev_close_price"), AWKWARD, strict=True))
    values.update(short_name="X", description="Ex Corp", exchange="NYSE")
    for key in missing:
        values[key] = None
    quote = Quote.from_chart_item({"n": "X", "s": "ok", "v": values})
    long_way = Quote(
        symbol="X",
        name="Ex Corp",  # n carries the symbol: the name is the description
        last_price=parse_decimal(values["lp"]),
        bid_price=parse_decimal(values["bid"]),
        ask_price=parse_decimal(values["ask"]),
        change=parse_decimal(values["ch"]),
        change_percent=parse_decimal(values["chp"]),
        volume=parse_decimal(values["volume"]),
        open_price=parse_decimal(values["open_price"]),
        high_price=parse_decimal(values["high_price"]),
        low_price=parse_decimal(values["low_price"]),
        previous_close_price=parse_decimal(values["prev_close_price"]),
        short_name="X",
        description="Ex Corp",
        exchange="NYSE",
    )
    assert quote == long_way and hash(quote) == hash(long_way)
    assert repr(quote) == repr(long_way)
    assert attrs.asdict(quote) == attrs.asdict(long_way)
    assert pickle.loads(pickle.dumps(quote)) == quote  # noqa: S301 - our own bytes
    assert attrs.evolve(quote, bid_price=Decimal(1)).bid_price == Decimal(1)
    assert all(getattr(quote, ATTRIBUTE[key]) is None for key in missing)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        quote.bid_price = Decimal(1)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("sent", "left_out"),
    [((), ("bid",)), (("ask",), ()), (("bid", "ask"), ("volume", "prev_close_price"))],
)
def test_a_quote_with_numbers_null_or_left_out_is_still_built_lazily(
    sent: tuple[str, ...], left_out: tuple[str, ...]
) -> None:
    values: dict[str, object] = dict(zip((*KEYS, "prev_close_price"), AWKWARD, strict=True))
    for key in sent:
        values[key] = None
    for key in left_out:
        del values[key]
    quote = Quote.from_chart_item({"n": "X", "s": "ok", "v": values})
    assert "last_price" not in vars(quote)  # nothing converted yet: the lazy path took it
    assert str(quote.last_price) == str(parse_decimal(AWKWARD[0]))
    for key in (*sent, *left_out):
        assert getattr(quote, ATTRIBUTE[key]) is None
    assert str(quote.high_price) == str(parse_decimal(AWKWARD[7]))


@pytest.mark.parametrize("odd", [float("nan"), float("inf"), float("-inf")])
def test_a_null_beside_a_nan_is_not_taken_for_two_nones(odd: float) -> None:
    # orjson writes NaN and the infinities as null too: the lazy path counts the Nones
    values: dict[str, object] = dict.fromkeys((*KEYS, "prev_close_price"), 1.25)
    values["bid"] = None
    values["high_price"] = odd
    with pytest.raises(ResponseFormatError, match="quote X high_price"):
        Quote.from_chart_item({"n": "X", "s": "ok", "v": values})


def test_quote_numbers_are_converted_on_first_read_and_kept() -> None:
    import copy
    import pickle

    values: dict[str, object] = dict(zip((*KEYS, "prev_close_price"), AWKWARD, strict=True))
    quote = Quote.from_chart_item({"n": "X", "s": "ok", "v": values})
    # Not converted yet: pickling and copying keep the wire numbers and convert them later.
    assert "last_price" not in vars(quote) and "bid_price" not in vars(quote)
    unpickled = pickle.loads(pickle.dumps(quote))  # noqa: S301 - our own bytes
    copied = copy.copy(quote)
    values["lp"] = 999.0  # the caller's dict changing afterwards changes nothing
    first = quote.last_price
    assert "last_price" in vars(quote) and "bid_price" not in vars(quote)
    assert quote.last_price is first  # one Decimal, kept
    assert str(first) == str(parse_decimal(AWKWARD[0]))
    assert unpickled.last_price == first and copied.last_price == first
    assert unpickled == quote == copied
    attributes = ("bid_price", "volume", "previous_close_price")
    assert [str(getattr(unpickled, attr)) for attr in attributes] == [
        str(parse_decimal(AWKWARD[1])),
        str(parse_decimal(AWKWARD[5])),
        str(parse_decimal(AWKWARD[9])),
    ]
