"""Token lifetimes at the edges: odd ``expires_in`` values, the skew cap, reprs that never raise."""

from __future__ import annotations

from typing import Any

import pytest

from aries_async.auth.tokens import Token

NOW = 1_700_000_000.0
ACCESS = "a" * 40


def _from(expires_in: Any) -> Token:
    return Token.from_response({"access_token": ACCESS, "expires_in": expires_in}, now=NOW)


@pytest.mark.parametrize(
    ("expires_in", "expires_at", "due_now"),
    [
        (3600, NOW + 3600, False),
        ("3600", NOW + 3600, False),
        (0, NOW, True),  # expired on arrival
        (-5, NOW, True),  # counted as 0, never "expired before it was issued"
        ("-5", NOW, True),
        (None, None, False),  # not sent: no expiry known, renewed after a 401
        ("", None, False),
        ("soon", None, False),
        (True, None, False),
        ("NaN", None, False),  # not a number: as if not sent
        ("nan", None, False),
        ("inf", None, False),
        ("-inf", None, False),
        (1e12, None, False),  # beyond any real lifetime: no expiry known
        ("1e12", None, False),
        (10**30, None, False),
    ],
)
def test_expires_in_table(expires_in: Any, expires_at: float | None, due_now: bool) -> None:
    token = _from(expires_in)
    assert token.expires_at == expires_at
    assert token.needs_refresh(NOW, 60.0) is due_now
    assert "Token(" in repr(token) and ACCESS not in repr(token)
    if expires_at is None:
        assert token.expires_at_datetime is None
    else:
        assert token.expires_at_datetime is not None
    assert Token.from_dict(token.to_dict()) == token


@pytest.mark.parametrize(
    "expires_at", [float("nan"), float("inf"), float("-inf"), 1e300, "NaN", "1e300", -1e300]
)
def test_saved_tokens_with_absurd_expiry_load_and_repr(expires_at: Any) -> None:
    token = Token.from_dict({"access_token": ACCESS, "expires_at": expires_at})
    assert token.expires_at is None
    assert ACCESS not in repr(token)
    assert token.expires_at_datetime is None


def test_repr_never_raises_for_a_hand_made_token() -> None:
    for expires_at in (1e300, -1e300, float("nan"), float("inf")):
        token = Token(access_token=ACCESS, expires_at=expires_at)
        assert "expires_at=" in repr(token)
        assert ACCESS not in str(token)


@pytest.mark.parametrize(
    ("lifetime", "due_after"),
    [
        (3600, 3540),  # long lifetime: the configured 60 s skew
        (120, 60),  # exactly twice the skew: the skew
        (60, 30),  # the simulator's --token-ttl 60: half the lifetime, not every call
        (10, 5),
        (0, 0),
    ],
)
def test_skew_is_capped_at_half_the_lifetime(lifetime: int, due_after: int) -> None:
    token = _from(lifetime)
    if due_after > 0:
        assert not token.needs_refresh(NOW + due_after - 0.001, 60.0)
    assert token.needs_refresh(NOW + due_after, 60.0)


def test_unknown_issue_time_keeps_the_configured_skew() -> None:
    token = Token(access_token=ACCESS, expires_at=NOW + 30)  # obtained_at unknown (0)
    assert token.needs_refresh(NOW, 60.0)
