"""Error words the exact reader parsed (a number a float may not hold): written back with
the digits the server sent."""

from __future__ import annotations

from aries_async.models.events import ServerErrorMessage
from aries_async.streaming.protocol import Decoder


def test_error_words_keep_the_digits_of_an_exact_number() -> None:
    line = (
        b'{"type":"event","payload":{"action":"error",'
        b'"error":{"limit":1.2345678901234567890,"held":12345678901234567890123,"at":1.50}}}'
    )
    [error] = Decoder().feed(line)
    assert type(error) is ServerErrorMessage
    assert error.error == '{"limit":1.2345678901234567890,"held":12345678901234567890123,"at":1.50}'
