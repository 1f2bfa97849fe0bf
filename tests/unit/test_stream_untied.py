"""The rules that tie an error without a request id (``streaming/protocol/untied.py``)."""

from __future__ import annotations

import logging

import pytest

from aries_async.streaming.protocol.untied import Untied, UntiedLog, lone


def test_lone_is_the_only_request_awaiting_unless_the_error_names_another() -> None:
    assert lone({}) is None
    assert lone({"r-1": ("AAPL",), "r-2": ("MSFT",)}) is None
    assert lone({"r-1": ("AAPL",)}) == "r-1"
    assert lone({"r-1": ("AAPL",)}, ["aapl "]) == "r-1"
    assert lone({"r-1": ("AAPL",)}, ["TSLA"]) is None  # a notice of another symbol
    assert lone({"r-1": ()}, [" "]) == "r-1"  # a blank name names nothing


def test_untied_refusals_are_tied_once_as_many_requests_await() -> None:
    held = Untied()
    held.reasons += ["no news"]
    assert held.settle({"s-1": "news", "s-2": "pnl"}) == ([], "", False)
    assert held.settle({"s-2": "pnl"}) == (["s-2"], "no news", False)
    assert not held


def test_two_refusals_of_one_subscription_for_one_reason_are_one() -> None:
    held = Untied()
    held.reasons += ["no news", "no news"]
    assert held.settle({"s-1": "news", "s-2": "news"}) == (["s-1", "s-2"], "no news", True)
    held.reasons += ["no news", "no news"]  # two subscriptions: two refusals
    assert held.settle({"s-3": "news", "s-4": "pnl"}) == (["s-3", "s-4"], "no news", False)
    held.reasons += ["no news", "locked"]  # another reason is news
    assert held.settle({"s-5": "news", "s-6": "news"}) == (
        ["s-5", "s-6"],
        "one of: no news | locked",
        False,
    )


def test_the_untied_log_warns_once(caplog: pytest.LogCaptureFixture) -> None:
    said = UntiedLog("charts", "they wait")
    with caplog.at_level(logging.DEBUG, logger="aries_async.streaming"):
        said.untied("invalid symbol", 2, "requests")
        said.untied("invalid symbol", 3, "requests")
    levels = [r.levelno for r in caplog.records]
    assert levels == [logging.WARNING, logging.DEBUG]
    assert "charts stream" in caplog.records[0].getMessage()
