"""A stream's URL in its log lines keeps no credential: a password written unescaped may hold
``/``, which a URL parser reads as a port and a path, so everything up to the last ``@`` is
taken for the user and password, as in the Redis and endpoint URL checks."""

from __future__ import annotations

from aries_async.auth.redis_where import shown_url
from aries_async.streaming.reconnects import url_for_logs


def test_a_password_holding_a_slash_is_not_logged() -> None:
    shown = url_for_logs("wss://bot:2024/s3cret@127.0.0.1:8089/v1/market/ws?k=v")
    assert shown == "wss://127.0.0.1:8089/v1/market/ws"


def test_a_plain_url_is_logged_as_it_is() -> None:
    assert url_for_logs("wss://api.aries.example/v1/market/ws") == (
        "wss://api.aries.example/v1/market/ws"
    )


def test_an_ipv6_host_keeps_its_brackets() -> None:
    """Without them the port reads as part of the address."""
    assert url_for_logs("wss://u:p@[::1]:8089/v1/market/ws") == "wss://[::1]:8089/v1/market/ws"
    assert shown_url("redis://:pw@[::1]:6379/1") == "redis://[::1]:6379/1"


def test_an_at_sign_in_the_query_names_no_host() -> None:
    """``?`` before the last ``@``: the query's ``@`` or a password's ``?``; either way the
    host cannot be told, and the URL is not shown rather than shown with a wrong host."""
    url = "wss://api.aries.example/v1/market/ws?token=abc@def"
    assert url_for_logs(url) == "(a URL not shown)"
    assert shown_url(url.replace("wss", "redis")) == "<unreadable Redis URL>"
