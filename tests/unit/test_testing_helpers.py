"""The helpers ``aries_async.testing`` offers for users' own tests."""

from __future__ import annotations

import logging

from aries_async.testing import capture_logs, shows_secret

SECRET = "Zq8uYbW3kP0sLr7Tn2Vc"


def test_capture_logs_takes_every_logger_at_debug_and_restores_the_level() -> None:
    root = logging.getLogger()
    before = root.level
    with capture_logs() as logs:
        logging.getLogger("websockets.client").debug("> TEXT %r", "frame")
        logging.getLogger("aries_async.http").info("GET /v1 -> %d", 200)
    logging.getLogger("after").warning("not captured")
    assert logs.lines == [
        "websockets.client DEBUG > TEXT 'frame'",
        "aries_async.http INFO GET /v1 -> 200",
    ]
    assert root.level == before


def test_capture_logs_at_a_level_makes_no_record_below_it() -> None:
    root = logging.getLogger()
    before = root.level
    made: list[str] = []

    class Counted:
        def __repr__(self) -> str:  # formatted only when a record is made and read
            made.append("repr")
            return "frame"

    with capture_logs(logging.WARNING) as logs:
        logging.getLogger("websockets.client").debug("> TEXT %r", Counted())
        logging.getLogger("aries_async.http").info("GET /v1 -> %d", 200)
        logging.getLogger("aries_async.streaming").warning("%s stream is stale", "market")
        assert not logging.getLogger("websockets.client").isEnabledFor(logging.DEBUG)
    assert logs.lines == ["aries_async.streaming WARNING market stream is stale"]
    assert made == []
    assert root.level == before


def test_shows_secret_sees_the_whole_secret_or_any_twelve_characters_of_it() -> None:
    assert shows_secret(f"token={SECRET}", SECRET)
    assert shows_secret(f"...{SECRET[-12:]}'}}", SECRET)  # a log cut short shows the end
    assert not shows_secret(f"...{SECRET[-11:]}'}}", SECRET)
    assert not shows_secret("token=<redacted>", SECRET)
    assert shows_secret("abc", "abc")  # a secret shorter than the window counts whole
