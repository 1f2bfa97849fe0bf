"""What a notebook user meets driving a client cell by cell on the simulator: the messages of
the mistakes such a session makes, and what its cells show."""

from __future__ import annotations

import pytest

from aries_async import AriesClient, Token
from aries_async.sim import Simulator


async def test_a_bare_access_token_string_is_refused_with_the_way_to_pass_it(
    sim: Simulator,
) -> None:
    # A notebook user with an access token in hand passes the string itself.
    secret = sim.issue_token().access_token
    with pytest.raises(TypeError) as caught:
        AriesClient(sim.client_config(), token=secret)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "Token(access_token=" in message
    assert "got str" in message
    assert secret not in message  # the token is a secret: never in a message
    # What the message says works.
    async with AriesClient(sim.client_config(), token=Token(access_token=secret)) as client:
        assert await client.accounts.list()
