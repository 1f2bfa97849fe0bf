"""The benchmarks' prototype compiled hot path (benchmarks/c_decoder) still matches the package.

The prototype reaches into package internals (the lazy models' slots and cache, the decoder's,
stream's and consumer's private methods and attributes), so a change there can silently make
its benchmark figures meaningless; these tests build it and compare it with the package.
Skipped where there is no C compiler or no Python headers.
"""

from __future__ import annotations

import logging
import shutil
import sysconfig
from pathlib import Path
from typing import Any

import pytest

from benchmarks import c_decoder


@pytest.fixture(scope="module")
def built() -> Any:
    if shutil.which("gcc") is None and shutil.which("cc") is None:
        pytest.skip("no C compiler")
    if not (Path(sysconfig.get_paths()["include"]) / "Python.h").exists():
        pytest.skip("no Python headers")
    c_decoder.build()
    return c_decoder._module()


def test_prices_are_the_ones_repr_gives(built: Any) -> None:
    converted, left = c_decoder.check_prices(5_000)
    assert converted > 2_500  # the feed-like prices; any-double ones may be left to Python
    assert converted + left == 5_000


def test_prices_built_from_the_decimal_layout(built: Any) -> None:
    if not built.layout(True):
        pytest.skip("this Python's Decimal is laid out differently; the prototype uses text")
    built.layout(False)
    converted, _ = c_decoder.check_prices(5_000, layout=True)
    assert converted > 2_500


@pytest.mark.parametrize(
    "parts", [("decode",), ("decode", "route", "read"), ("route",), ("read",), ("consumer",)]
)
def test_stream_delivers_alike(built: Any, parts: tuple[str, ...], caplog: Any) -> None:
    caplog.set_level(logging.ERROR, logger="aries_async")
    assert c_decoder.check_stream(parts) > 200


def test_async_for_delivers_alike(built: Any) -> None:
    assert c_decoder.check_consumer() > 100


def test_install_is_undone(built: Any) -> None:
    from aries_async.models.events import QuoteUpdate
    from aries_async.streaming.fanout import Consumer
    from aries_async.streaming.market import MarketStream
    from aries_async.streaming.protocol import Decoder

    owners = (Decoder, MarketStream, QuoteUpdate, Consumer)
    before = [dict(vars(owner)) for owner in owners]
    undo = c_decoder.install(tuple(p for p in c_decoder.PARTS if p != "decimal"))
    assert vars(Decoder)["_decode"] is not before[0]["_decode"]
    undo()
    assert [dict(vars(owner)) for owner in owners] == before
    with pytest.raises(ValueError, match="unknown parts"):
        c_decoder.install(("everything",))
