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


def _raised(cause_words: str) -> BaseException:
    """An error chained to one whose words are ``cause_words``, as raised."""
    try:
        try:
            raise ValueError(cause_words)
        except ValueError as cause:
            raise RuntimeError("reading the answer failed") from cause
    except RuntimeError as exc:
        return exc


@pytest.mark.parametrize(
    ("cause_words", "prints"),
    [("got " + SECRET[:14] + "...", True), ("got a str of 40 characters", False)],
    ids=["cause-quotes-a-piece", "cause-quotes-none"],
)
def test_an_error_prints_a_secret_when_a_cause_quotes_a_piece_of_it(
    cause_words: str, prints: bool
) -> None:
    """The question the answers, the socket requests and a stream's bug each ask of an
    error before chaining or logging it: its own words hold no secret here, its cause's may."""
    from aries_async._redaction import prints_secret

    exc = _raised(cause_words)
    assert not quotes_secret(str(exc), [SECRET])
    assert prints_secret(exc, lambda text: blanked(text, [SECRET])) is prints
