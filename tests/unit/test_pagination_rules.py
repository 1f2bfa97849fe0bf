"""When paging goes on and when it ends, in each of the API's four styles (``following``)."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import pytest

from aries_async.http.pagination import STYLES, following


@pytest.mark.parametrize(
    ("style", "sent", "current", "size", "expected"),
    [
        # cursor: the next one is nextCursor; 0, absent, or not an int ends
        ("cursor", 42, None, None, 42),
        ("cursor", 0, 42, None, None),
        ("cursor", None, 42, None, None),
        ("cursor", True, 42, None, None),  # a bool is not a cursor (True == 1)
        ("cursor", "43", 42, None, None),
        # next_url and next_page: the text as sent; absent, empty or blank ends
        (
            "next_url",
            "https://api.example/v1/x?next=abc",
            None,
            None,
            "https://api.example/v1/x?next=abc",
        ),
        ("next_url", "", None, None, None),
        ("next_url", " \t\n", None, None, None),
        ("next_url", None, None, None, None),
        ("next_page", "token-2", "token-1", None, "token-2"),
        ("next_page", " ", "token-1", None, None),
        ("next_page", 7, "token-1", None, None),
        # page: the page after the current one (1 first); a page shorter than asked ends
        ("page", None, None, None, 1),
        ("page", None, 3, None, 4),
        ("page", None, 3, 10, 4),
        ("page", None, 3, 11, None),
    ],
)
def test_what_comes_after_a_page_of_ten(
    style: str, sent: Any, current: Hashable | None, size: int | None, expected: Hashable | None
) -> None:
    assert following(style, sent=sent, count=10, current=current, size=size) == expected


@pytest.mark.parametrize("style", STYLES)
def test_an_empty_page_ends_every_style(style: str) -> None:
    assert following(style, sent="more", count=0, current=None, size=None) is None
    assert following(style, sent=42, count=0, current=2, size=None) is None


def test_an_unknown_style_is_an_error_not_the_end() -> None:
    with pytest.raises(ValueError, match="unknown pagination style 'offset'"):
        following("offset", sent=1, count=10, current=None, size=None)


@pytest.mark.parametrize(
    ("current", "expected"),
    [(None, 2), (0, 2), (1, 2), (2, 3)],  # 0 or none asks for page 1 ("0 or omitted means 1")
)
def test_a_listing_documented_to_count_from_1_goes_on_after_its_first_page(
    current: int | None, expected: int
) -> None:
    assert following("page", sent=None, count=10, current=current, size=10, first=1) == expected
