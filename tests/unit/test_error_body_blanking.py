"""An error answer quoting the bearer token it was sent keeps no piece of it: pieces are
looked for at the start of the body (where a server's message is), the whole token
everywhere, so that a large error page is not scanned character by character on the loop."""

from __future__ import annotations

import secrets

from aries_async.http.exchange import Response, status_error
from aries_async.testing import shows_secret

TOKEN = secrets.token_urlsafe(600)
SENT = {"Authorization": f"Bearer {TOKEN}"}


def _error(body: str) -> bytes:
    answer = Response(status=502, headers={}, body=body.encode())
    error = status_error(
        answer, "Bad Gateway", "GET", "https://api.example/v1/x", now=0.0, sent=SENT
    )
    return error.body


def test_a_piece_of_the_token_near_the_start_is_blanked() -> None:
    body = _error(f'{{"error": "bad token {TOKEN[:40]}..."}}')
    assert not shows_secret(body.decode(), TOKEN)


def test_the_whole_token_deep_in_a_large_page_is_blanked() -> None:
    page = "<p>upstream error</p>" * 20_000 + f"<!-- {TOKEN} -->"
    body = _error(page)
    assert TOKEN not in body.decode()
    assert body.startswith(b"<p>upstream error</p>")
