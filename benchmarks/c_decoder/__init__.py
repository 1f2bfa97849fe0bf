"""A prototype of the stream's hot path in C, to measure what compiled code would give.

Benchmark tooling only, not part of the package: whether aries-async ships compiled code is a
packaging decision for the team (see benchmarks/README.md, end-to-end stream throughput).

``_fastquotes.c`` holds C versions of the decoder's per-frame step (parse, build each quote's
:class:`~aries_async.models.events.QuoteUpdate`, convert its bid and ask to the ``Decimal``
that ``repr``'s digits give, found without a float-to-text conversion), of the market stream's
routing, of the two price getters and of a consumer's ``async for`` step, and a way to build
``Decimal`` values from CPython's private object layout. :func:`install` puts any of these
parts in place of the package's code for the current process; everything they do not handle
goes to the package's own Python code.

Run ``python -m benchmarks.c_decoder`` to build it (gcc and the Python headers are needed) and
check it against the package: ``--prices`` random prices equal to ``Decimal(repr(x))``, and
the firehose's frames, mixed with every other kind of message and malformed lines, delivered
alike through a market stream and ``async for``. Then
``python -m benchmarks.stream_throughput --c-decoder`` counts or times it (see there).
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import random
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "_fastquotes.c"


def library() -> Path:
    """Where :func:`build` writes the extension (next to its source, ignored by git)."""
    return HERE / f"_fastquotes{sysconfig.get_config_var('EXT_SUFFIX')}"


def build() -> Path:
    """Compiles the extension unless it is newer than its source; raises when it cannot.

    Benchmark children only load it (:func:`install`), so a parent builds it first.
    """
    target = library()
    if target.exists() and target.stat().st_mtime >= SOURCE.stat().st_mtime:
        return target
    compiler = shutil.which("gcc") or shutil.which("cc")
    if compiler is None:
        raise RuntimeError("no C compiler (gcc or cc) on PATH")
    include = sysconfig.get_paths()["include"]
    partial = target.with_name(target.name + ".tmp")
    cmd = [compiler, "-shared", "-fPIC", "-O2", "-Wall", "-Werror", f"-I{include}"]
    cmd += [str(SOURCE), "-o", str(partial)]
    subprocess.run(cmd, check=True)  # noqa: S603 (fixed arguments)
    partial.replace(target)  # a process loading it meanwhile sees the old file or the new one
    return target


def _module() -> Any:
    """The built extension, configured for the package's QuoteUpdate."""
    name = "benchmarks.c_decoder._fastquotes"
    if name in sys.modules:
        return sys.modules[name]
    if not library().exists():
        raise RuntimeError("build it first: python -m benchmarks.c_decoder")
    spec = importlib.util.spec_from_file_location(name, library())
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {library()}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules[name] = module

    from aries_async.models import events
    from aries_async.streaming.fanout import Consumer
    from aries_async.streaming.protocol import Decoder

    quote = events.QuoteUpdate
    slots = vars(events._LazyWire)
    module.configure(
        quote,
        events._UNSET,
        events._exact,
        quote._lazy_count,
        events._BID,
        events._ASK,
        slots["symbol"],
        slots["data"],
        slots["timestamp_ms"],
        slots["_cache"],
    )
    # What the C methods hand over to: the package's own code, saved before any install().
    module.configure_stream(
        orjson.loads,
        orjson.JSONDecodeError,
        vars(Decoder)["_decode"],
        events.SubscribeAck,
        vars(Consumer)["__anext__"],
    )
    return module


PARTS = ("decode", "route", "read", "decimal", "consumer")


def layout_available() -> bool:
    """Whether this interpreter's ``Decimal`` has the layout the ``decimal`` part writes."""
    module = _module()
    usable = bool(module.layout(True))
    module.layout(False)
    return usable


def _use_layout(module: Any) -> None:
    if not module.layout(True):
        raise RuntimeError("this Python's Decimal objects are not laid out as expected")


def install(parts: tuple[str, ...] = ("decode",)) -> Callable[[], None]:
    """Puts the extension in place of parts of the package for this process; returns the undo.

    ``decode``: decoders parse frames, build quotes and convert their bid and ask in C.
    ``route``: market streams route in C up to the hub's ``publish_many`` (Python): the
    latest-quote cache, acknowledgements and the other messages' tracking.
    ``read``: ``QuoteUpdate.bid_price`` and ``ask_price`` read a converted value in C.
    ``decimal``: the C code builds its ``Decimal`` values from coefficient and exponent, writing
    CPython's private ``Decimal`` object layout, instead of from text (raises RuntimeError
    when this interpreter's ``Decimal`` does not match that layout). ``consumer``: a
    consumer's ``async for`` step hands out a buffered item without a coroutine.
    """
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise ValueError(f"unknown parts {sorted(unknown)}; choose from {PARTS}")
    module = _module()
    undo = [_install_decode(module)] if "decode" in parts else []
    if "route" in parts:
        undo.append(_install_route(module))
    if "read" in parts:
        undo.append(_install_read(module))
    if "decimal" in parts:
        _use_layout(module)
        undo.append(lambda: module.layout(False))
    if "consumer" in parts:
        undo.append(_install_consumer(module))
    return _chain(undo)


@contextlib.contextmanager
def installed(parts: tuple[str, ...]) -> Iterator[None]:
    """:func:`install` for the ``with`` block only."""
    undo = install(parts)
    try:
        yield
    finally:
        undo()


def _chain(undo: list[Callable[[], None]]) -> Callable[[], None]:
    """One undo for several, run in the reverse order of what they undo."""

    def undo_all() -> None:
        for step in reversed(undo):
            step()

    return undo_all


def _swap(owner: Any, name: str, value: Any) -> Callable[[], None]:
    """Sets ``owner.name`` (an attribute of a class or module) to ``value``; returns the undo."""
    saved = vars(owner)[name]
    setattr(owner, name, value)
    return lambda: setattr(owner, name, saved)


def _install_decode(module: Any) -> Callable[[], None]:
    from aries_async.streaming import protocol

    return _chain(
        [
            _swap(protocol.Decoder, "_decode", module.method("decode", protocol.Decoder)),
            # The extension converted the prices it could; the rest convert on first read.
            _swap(protocol, "_convert_quote_prices", lambda messages: None),
        ]
    )


def _install_route(module: Any) -> Callable[[], None]:
    from aries_async.streaming.market import MarketStream

    return _swap(MarketStream, "on_messages", module.method("on_messages", MarketStream))


def _install_read(module: Any) -> Callable[[], None]:
    from aries_async.models.events import QuoteUpdate

    undo = []
    for name in ("bid_price", "ask_price"):
        getter = vars(QuoteUpdate)[name]
        read = module.field_reader(QuoteUpdate._lazy_slots[name], getter.fget)
        undo.append(_swap(QuoteUpdate, name, property(read, doc=getter.__doc__)))
    return _chain(undo)


def _install_consumer(module: Any) -> Callable[[], None]:
    from aries_async.streaming.fanout import Consumer

    return _swap(Consumer, "__anext__", module.method("anext", Consumer))


def check_consumer() -> int:
    """``async for`` over a consumer delivers alike with and without the ``consumer`` part:
    buffered items, items published while it waits, the end of the stream and its error, and
    the ``delivered`` count; raises AssertionError, else returns the items compared."""
    import asyncio

    from aries_async.errors import StreamClosedError
    from aries_async.streaming.fanout import Consumer, Hub

    async def scenario() -> list[Any]:
        hub = Hub()
        consumer: Consumer[Any] = Consumer(hub, [int, str], policy="conflate", limit=50)
        seen: list[Any] = []

        async def publish() -> None:
            for burst in range(20):
                hub.publish_many(list(range(burst * 7, burst * 7 + 7)))
                hub.publish(f"status {burst}")
                await asyncio.sleep(0)
            hub.end(StreamClosedError("gone"))

        hub.publish_many([-1, -2, -3])
        task = asyncio.ensure_future(publish())
        try:
            async for item in consumer:
                seen.append(item)
        except StreamClosedError as error:
            seen.append(f"error {error}")
        await task
        seen.append(("delivered", consumer.delivered, consumer.conflated))
        return seen

    want = asyncio.run(scenario())
    with installed(("consumer",)):
        got = asyncio.run(scenario())
    if got != want:
        raise AssertionError(f"async for delivered {got} against {want}")
    return len(want)


def _prices(count: int, rng: random.Random) -> list[float]:
    """Prices as feeds send them (cents, sub-penny, large, tiny, negative changes), and any
    double at all, which the extension must either get right or leave to Python."""
    out: list[float] = [10.0, 0.5, -0.0, 1e-05, 1.2e-05, 9_999_999.99, 1e7, 0.1 + 0.2]
    while len(out) < count:
        kind = rng.randrange(5)
        if kind == 0:
            out.append(rng.randrange(1, 10**7) / 100)
        elif kind == 1:
            out.append(rng.randrange(1, 10**8) / 10 ** rng.randrange(1, 9))
        elif kind == 2:
            out.append(-rng.randrange(1, 10**5) / 10 ** rng.randrange(1, 5))
        elif kind == 3:
            out.append(rng.uniform(-1e8, 1e8))
        else:
            out.append(rng.expovariate(1.0) * 10 ** rng.randrange(-9, 9))
    return out


def check_prices(count: int, seed: int = 1, layout: bool = False) -> tuple[int, int]:
    """``(converted, left to Python)`` over ``count`` prices; raises on the first difference
    from ``Decimal(repr(x))`` in digits, exponent, text, hash or arithmetic. ``layout``: the
    Decimals are built from coefficient and exponent (``install(("decimal",))``)."""
    module = _module()
    if layout:
        _use_layout(module)
    converted = 0
    try:
        for x in _prices(count, random.Random(seed)):
            got = module.convert(x)
            if got is None:
                continue
            want = Decimal(repr(x))
            same = (
                got.as_tuple() == want.as_tuple()
                and str(got) == str(want)
                and hash(got) == hash(want)
                and (got + want) / 3 == (want + want) / 3
                and (got * want).as_tuple() == (want * want).as_tuple()
            )
            if not same:
                raise AssertionError(f"{x!r}: {got!r} against {want!r}")
            converted += 1
    finally:
        module.layout(False)
    return converted, count - converted


def _frames(rng: random.Random) -> list[bytes | str]:
    """The firehose's frames and frames that mix in every other kind of line, some of them
    with blank space around them or as text (``str``) frames."""
    from aries_async.sim.feed import Firehose

    frames = [frame for frame, _ in Firehose(symbols=20, lines_per_frame=5).frames()]
    frames += [frame for frame, _ in Firehose(symbols=7, lines_per_frame=1).frames()]
    other = [
        b'{"type":"event","payload":{"action":"update","type":"trade","symbol":"A",'
        b'"data":{"lastPrice":1.5}}}',
        b'{"type":"event","payload":{"action":"update","type":"quote","symbol":"",'
        b'"data":{"bidPrice":1.5,"askPrice":1.6}}}',
        b'{"type":"event","payload":{"action":"update","type":"quote","symbol":"B",'
        b'"data":{"bidPrice":"1.50","askPrice":1.6}}}',
        b'{"type":"event","payload":{"action":"update","symbol":"C","data":{"bidPrice":2.5}}}',
        b'{"type":"event","payload":{"action":"authSuccess","data":{"expiresIn":1000}}}',
        b'{"type":"event","payload":["not","a","dict"]}',
        b'{"type":"pong","requestId":"7"}',
        b'{"type":"event","payload":{"action":"update","type":"quote","symbol":"FH00001",'
        b'"data":{"bidPrice":9.5}}}',
        b'{"type":"subscribed","payload":{"status":200},"requestId":"3"}',
        b"[1,2,3]",
        b"not json",
        b'{"type":"event","payload":{"action":"update","type":"quote","symbol":"D",'
        b'"data":{"bidPrice":1e300,"askPrice":-0.0}}}',
    ]
    mixed: list[bytes | str] = []
    for _ in range(200):
        lines = [rng.choice(other) for _ in range(rng.randrange(1, 4))]
        lines.insert(rng.randrange(len(lines) + 1), rng.choice(frames))
        frame = b"\n".join(lines)
        if rng.random() < 0.2:
            frame = b" \r\n" + frame + b"\n\t"
        mixed.append(frame.decode() if rng.random() < 0.2 else frame)
    mixed += other  # one line a frame
    return [*frames, *mixed]


def _view(item: Any) -> Any:
    """What a consumer can see of a decoded item, prices with their exact digits."""
    from aries_async.models.events import QuoteUpdate

    if type(item) is QuoteUpdate:
        prices = [item.bid_price, item.ask_price, item.mid_price]
        return (
            "quote",
            item.symbol,
            item.data,
            item.timestamp_ms,
            [None if p is None else p.as_tuple() for p in prices],
        )
    return repr(item)


def check_stream(parts: tuple[str, ...] = PARTS, seed: int = 1) -> int:
    """The same frames through a market stream with and without ``parts`` of the extension:
    the same items delivered to a consumer of every kind the frames decode into, the same
    latest quotes and trades, market status and decoder counters, or an AssertionError;
    returns how many frames were compared."""
    from aries_async.streaming.fanout import Consumer
    from aries_async.streaming.market import MarketStream
    from aries_async.streaming.protocol import Decoder, MarketSubscription

    frames = _frames(random.Random(seed))
    items = [item for frame in frames for item in Decoder().feed(frame)]
    kinds = {type(item) for item in items}
    # Every symbol but one is subscribed: the latest caches keep only subscribed symbols.
    symbols = sorted({s for item in items if (s := getattr(item, "symbol", None))} - {"B"})

    async def no_token() -> str:
        return ""

    def run() -> tuple[list[Any], dict[str, Any], list[Any]]:
        stream = MarketStream("ws://127.0.0.1:9/unused", no_token)
        for symbol in symbols:
            stream._subs.add(MarketSubscription.build(symbol, ["quotes", "trades"]))
        consumer: Consumer[Any] = Consumer(
            stream._hub, kinds, policy="conflate", limit=len(frames) * 10
        )
        decoder = stream._connection.decoder
        delivered = []
        for frame in frames:
            stream.on_messages(decoder.feed(frame))
            while (item := consumer.get_nowait()) is not None:
                delivered.append(_view(item))
        latest = {symbol: _view(quote) for symbol, quote in stream._latest.items()}
        state: list[Any] = [
            repr(stream._latest_trade),
            repr(stream.market_status),
            stream.acknowledged,
        ]
        state += [decoder.lines, decoder.malformed, decoder.invalid, decoder.unknown]
        return delivered, latest, state

    want = run()
    with installed(parts):
        got = run()
    for index, (a, b) in enumerate(zip(want[0], got[0], strict=True)):
        if a != b:
            raise AssertionError(f"item {index}: {b} against {a}")
    if want[1] != got[1]:
        raise AssertionError("the latest-quote caches differ")
    if want[2] != got[2]:
        raise AssertionError(f"stream state and decoder counters {got[2]} against {want[2]}")
    return len(frames)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prices", type=int, default=100_000)
    args = parser.parse_args(argv)
    # The mixed frames' malformed lines are logged one by one; the counters are compared.
    logging.getLogger("aries_async").setLevel(logging.ERROR)
    print(f"built {build()}")
    layout = layout_available()
    if not layout:
        print("this Python's Decimal is laid out differently: the decimal part is not checked")
    for from_layout in (False, True) if layout else (False,):
        converted, left = check_prices(args.prices, layout=from_layout)
        how = "from their layout" if from_layout else "from text"
        print(f"prices built {how}: {converted:,} equal to Decimal(repr(x)), {left:,} left")
    everything = PARTS if layout else tuple(p for p in PARTS if p != "decimal")
    for parts in (("decode",), ("decode", "route", "read"), everything):
        print(f"{' + '.join(parts)}: {check_stream(parts):,} frames delivered alike")
    print(f"consumer: {check_consumer():,} items delivered alike by async for")
    return 0
