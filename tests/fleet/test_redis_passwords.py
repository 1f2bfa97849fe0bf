"""Redis passwords written into a URL as they are, with the characters a generated password has
(``@``, ``/``, ``+``): the store and the budget never show them, in a repr, an error or a log.

redis-py reads ``redis://:p@ss@host`` (the last ``@`` ends the password), so such a URL works
and is common; ``/`` in a password written unescaped cuts the URL short where redis-py reads
it, and the URL is then shown without the password all the same.
"""

from __future__ import annotations

import pytest

from aries_async.auth.redisstore import RedisTokenStore
from aries_async.auth.tokens import Token
from aries_async.errors import AriesError
from aries_async.http.budget_redis import RedisRateBudget
from aries_async.testing import capture_logs, redis_server, shows_secret

AT_SIGN = "Qv7@kP2mX9@wR4tZ8nL6sB1c"
"""A password with ``@`` in it (redis-py takes everything up to the last ``@``)."""

SLASH = "2024/Hs8+Jd3/Lk5Wq9Zr7Tn4Bx"
"""A base64-like password starting with digits, with ``/``: unescaped, its start reads as a port."""


def _shown(text: str, password: str) -> bool:
    # Any run of 8 characters: the password's pieces between its @ and / are that long.
    return shows_secret(text, password, window=8)


async def test_a_password_with_at_signs_works_and_is_never_shown(redis_binary: str) -> None:
    token = Token(access_token="a" * 40, refresh_token="r" * 40, expires_at=2_000_000_000.0)
    with redis_server(redis_binary, password=AT_SIGN) as url, capture_logs() as logs:
        assert AT_SIGN in url
        async with RedisTokenStore(url, client_id="app") as store:
            async with store.lock():
                await store.save(token)
            assert await store.load() == token  # redis-py read the password
            texts = [repr(store)]
        async with RedisRateBudget(url) as budget:
            assert await budget.acquire("quotes", 10.0, 10, 1.0)
            texts.append(repr(budget))
        port = url.rsplit(":", 1)[1].split("/")[0]
        wrong = url.replace(f":{port}/", ":1/")  # nothing listens on port 1
        async with RedisTokenStore(wrong, client_id="app") as down:
            texts.append(repr(down))
            with pytest.raises(AriesError) as failed:
                await down.load()
            texts.append(str(failed.value))
        async with RedisRateBudget(wrong) as unreachable:
            with pytest.raises(AriesError) as failed:
                await unreachable.acquire("quotes", 10.0, 10, 1.0)
            texts.append(str(failed.value))
    texts += logs.lines
    leaked = [text for text in texts if _shown(text, AT_SIGN)]
    assert not leaked, leaked


async def test_a_password_with_a_slash_is_never_shown(redis_binary: str) -> None:
    with redis_server(redis_binary) as url:
        unescaped = url.replace("redis://", f"redis://:{SLASH}@")
        texts: list[str] = []
        with capture_logs() as logs:
            try:
                store = RedisTokenStore(unescaped, client_id="app")
            except AriesError as exc:
                texts.append(str(exc))
            else:
                texts.append(repr(store))
                with pytest.raises(AriesError) as failed:
                    await store.load()
                texts.append(str(failed.value))
                await store.aclose()
    texts += logs.lines
    leaked = [text for text in texts if _shown(text, SLASH)]
    assert not leaked, leaked
