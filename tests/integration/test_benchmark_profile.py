"""The benchmarks' ``--profile`` option: pyinstrument profiles of our hot paths, written to files.

Each benchmark's profile runs our contender for real with a small count: the decoder in
process; the stream against a simulator in its own process, as the benchmarks run it; quote
polling against one that serves from a thread of this process (``_simproc.IN_THREAD``), as
what is checked is which functions the profile names, and a process is one more interpreter
to start.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks import _profile, _simproc, quote_polling, stream_decode, stream_throughput

pytest.importorskip("pyinstrument")

ROW = re.compile(r"^\s*([\d.]+)%\s+([\d.]+) s  (.+)$")


@pytest.fixture
def results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(_profile, "RESULTS", tmp_path)
    return tmp_path


def rows(path: Path) -> list[tuple[float, float, str]]:
    """The flat profile's rows: (percent, seconds, function and place)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        assert match, f"not a row of the flat profile: {line!r}"
        out.append((float(match[1]), float(match[2]), match[3]))
    return out


def functions(path: Path) -> list[str]:
    return [name.split("  ")[0] for _, _, name in rows(path)]


def spin(rounds: int) -> int:
    """Python work of its own, no calls (about 0.1 s for a million rounds here)."""
    n = 0
    while n < rounds:
        n += 1
    return n


def caller() -> int:
    return spin(1_500_000) + sum(range(1000))


def test_flat_gives_each_function_its_own_self_time(results: Path) -> None:
    files = _profile.profile("spin", caller)
    assert [f.name for f in files] == ["spin.flat.txt", "spin.tree.txt", "spin.html"]
    table = rows(files[0])
    top_percent, _, top = table[0]
    assert top.startswith("spin  ") and "test_benchmark_profile.py" in top
    assert top_percent > 50  # the caller's own line and the profiler's set-up share the rest
    assert len({name for _, _, name in table}) == len(table)  # one row per function
    assert sum(p for p, _, _ in table) == pytest.approx(100, abs=1)
    tree = files[1].read_text(encoding="utf-8")
    assert tree.startswith("garbage collection: ") and "spin" in tree
    assert files[2].stat().st_size > 0


def test_decode_profile_shows_the_decoder(
    results: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert stream_decode.main(["--profile", "--lines", "20000"]) == 0
    for per_frame in stream_decode.FRAME_SIZES:
        flat = results / f"stream_decode_{per_frame}_per_frame.flat.txt"
        names = functions(flat)
        assert "Decoder._decode" in names
        # a frame of many quotes converts their prices in one batch, a one-quote frame on read
        assert ("convert_quote_prices" if per_frame > 1 else "Deferred.__get__") in names
        assert (results / f"stream_decode_{per_frame}_per_frame.html").exists()
    assert "self time by function" in capsys.readouterr().out


def test_quote_polling_profile_shows_our_request_path(
    results: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_simproc, "IN_THREAD", True)
    assert quote_polling.main(["--profile", "--requests", "200", "--rounds", "2"]) == 0
    names = functions(results / "quote_polling.flat.txt")
    assert {"Market.quote", "AriesClient.request", "Quote.from_chart_item"} <= set(names)
    tree = (results / "quote_polling.tree.txt").read_text(encoding="utf-8")
    assert "Transport._attempt" in tree


def test_stream_profile_shows_our_consumer_path(results: Path) -> None:
    argv = ["--profile", "--count", "20000", "--frames", "20", "--symbols", "20"]
    assert stream_throughput.main(argv) == 0
    tree = (results / "stream_throughput_20_per_frame.tree.txt").read_text(encoding="utf-8")
    assert "MarketStream.on_messages" in tree and "Decoder.feed_many" in tree
    # typed updates wait in the consumer's buffer, tracked by the collector: it runs
    collections = re.search(r"(\d+) \+ (\d+) \+ (\d+) collections", tree.splitlines()[0])
    assert collections is not None and int(collections[1]) > 0
