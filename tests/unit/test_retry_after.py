"""``Retry-After`` read into seconds: every form the servers send, and what counts as absent."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from aries_async.errors import parse_retry_after

NOW = 1_768_489_200.0  # Thu, 15 Jan 2026 15:00:00 GMT


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({}, None),
        ({"Retry-After": "3"}, 3.0),
        ({"Retry-After": " 2.5 "}, 2.5),
        ({"Retry-After": "0"}, 0.0),
        ({"retry-after": "4"}, 4.0),
        ({"Retry-After": "Thu, 15 Jan 2026 15:00:07 GMT"}, 7.0),
        ({"Retry-After": "Thu, 15 Jan 2026 14:59:00 GMT"}, 0.0),  # a date passed: now
        ({"Retry-After": "Thursday, 15-Jan-26 15:00:09 GMT"}, 9.0),  # RFC 850, obsolete
        ({"Retry-After": "Thu Jan 15 15:00:11 2026"}, 11.0),  # asctime: no zone, UTC
        ({"Retry-After": "3", "retry-after-ms": "1500"}, 1.5),  # the finer one
        ({"Retry-After-Ms": "250"}, 0.25),
        # not a finite, non-negative number: as if absent
        ({"Retry-After": ""}, None),
        ({"Retry-After": "soon"}, None),
        ({"Retry-After": "nan"}, None),
        ({"Retry-After": "NaN"}, None),
        ({"Retry-After": "inf"}, None),
        ({"Retry-After": "-Infinity"}, None),
        ({"Retry-After": "1e400"}, None),
        ({"Retry-After": "-5"}, None),
        ({"retry-after-ms": "nan"}, None),
        ({"retry-after-ms": "-100"}, None),
        # a valid header wins over an invalid sibling
        ({"Retry-After": "3", "retry-after-ms": "nan"}, 3.0),
        ({"Retry-After": "3", "retry-after-ms": "inf"}, 3.0),
        ({"Retry-After": "3", "retry-after-ms": "-1"}, 3.0),
        ({"Retry-After": "3", "retry-after-ms": "soon"}, 3.0),
        ({"Retry-After": "nan", "retry-after-ms": "1500"}, 1.5),
        ({"Retry-After": "-1", "retry-after-ms": "nan"}, None),
    ],
)
def test_retry_after_table(headers: dict[str, str], seconds: float | None) -> None:
    assert parse_retry_after(headers, now=NOW) == seconds


@pytest.fixture
def new_york() -> Iterator[None]:
    """The process's local time zone is New York's for the test."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", "America/New_York")
        time.tzset()
        yield
    time.tzset()


@pytest.mark.usefixtures("new_york")
def test_an_http_date_without_a_zone_is_utc_not_the_local_time() -> None:
    """Every HTTP-date is UTC; the asctime form just does not say so."""
    assert parse_retry_after({"Retry-After": "Thu Jan 15 15:00:11 2026"}, now=NOW) == 11.0
