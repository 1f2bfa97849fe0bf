"""A server may echo a secret as it received it: percent-encoded (a form body or a query
string: ``/`` ``+`` ``=`` of a base64 secret become ``%2F`` ``%2B`` ``%3D``, a space ``+``) or
escaped inside JSON (``"`` and ``\\``, ``/`` as ``\\/``). ``blanked`` hides those forms too,
whole or cut short, as it hides the secret as written."""

from __future__ import annotations

import json
from urllib.parse import quote, quote_plus, urlencode

import pytest

from aries_async.auth.tokens import blanked, quotes_secret

SECRET = 'Zx9+k/Q2=="mW\\4 tR7/vB+e8P0q'


@pytest.mark.parametrize(
    "echo",
    [
        urlencode({"grant_type": "client_credentials", "client_secret": SECRET}),
        "bad secret " + quote(SECRET, safe=""),
        "bad secret " + quote_plus(SECRET),
        json.dumps({"error": "invalid_client", "got": SECRET}),
        json.dumps({"got": SECRET}).replace("/", "\\/"),
        "bad secret " + quote(SECRET, safe="")[:20] + "...",
    ],
    ids=["form", "percent", "plus", "json", "json-slashes", "percent-cut"],
)
def test_an_encoded_echo_of_a_secret_is_blanked(echo: str) -> None:
    assert quotes_secret(echo, [SECRET])
    shown = blanked(echo, [SECRET])
    assert "[redacted]" in shown
    for form in (quote(SECRET, safe=""), quote_plus(SECRET), json.dumps(SECRET)[1:-1]):
        assert form[:12] not in shown


def test_text_without_the_secret_is_left_alone() -> None:
    text = "invalid_client: the client secret is wrong (a%2Fb, \\u00e9)"
    assert blanked(text, [SECRET]) == text
