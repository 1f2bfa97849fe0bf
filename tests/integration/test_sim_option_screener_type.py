"""An option top list's ``type`` (``OptionsScreenerItem``): the API description types it a
string and says no more, the spec is silent, and finance-dev documents it as "`c` = Call;
`P` = Put". The simulator sends that documented form by default and the words ``call``/``put``
with ``faults.option_type_words``; the client reads either, as sent (found a defect: the
simulator sent only the words, which no document gives), and ``put_call`` reads both as one
``PutCall`` (found a defect: code had to know both spellings).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sim_http import SimApi

from aries_async import AriesClient
from aries_async.models import PutCall
from aries_async.models.generated import OptionsScreenerItem
from aries_async.sim import Simulator

_PATHS = [
    "/v1/options/stocks/top-gainers",
    "/v1/options/stocks/top-volume",
    "/v1/options/etfs/top-volume",
]


def _right(row: dict[str, Any]) -> str:
    """``C`` or ``P``: the right the row's OSI symbol names (after its root and expiry)."""
    return str(row["symbol"][len(row["underlyingSymbol"]) + 6])


@pytest.mark.parametrize("path", _PATHS)
@pytest.mark.parametrize(
    ("words", "forms"), [(False, {"C": "c", "P": "P"}), (True, {"C": "call", "P": "put"})]
)
async def test_an_option_top_list_names_each_right_in_the_form_switched_on(
    api: SimApi, sim: Simulator, path: str, words: bool, forms: dict[str, str]
) -> None:
    sim.faults.option_type_words = words
    status, rows = await api.call("GET", path, params={"size": "40"})
    assert status == 200, rows
    assert {_right(row) for row in rows} == {"C", "P"}, rows  # both rights are in the list
    for row in rows:
        assert row["type"] == forms[_right(row)], row


_CALLS: list[Callable[[AriesClient], Awaitable[Any]]] = [
    lambda c: c.analytics.stocks_top_gainers(size=40),
    lambda c: c.analytics.stocks_top_volume(size=40),
    lambda c: c.analytics.etfs_top_volume(size=40),
]


@pytest.mark.parametrize("call", _CALLS)
@pytest.mark.parametrize(("words", "forms"), [(False, ("c", "P")), (True, ("call", "put"))])
async def test_the_client_reads_an_option_top_list_s_type_in_either_form(
    aries: AriesClient,
    sim: Simulator,
    call: Callable[[AriesClient], Awaitable[Any]],
    words: bool,
    forms: tuple[str, str],
) -> None:
    sim.faults.option_type_words = words
    items = await call(aries)
    assert len(items) == 40
    call_form, put_form = forms
    for item in items:  # the text as sent, matching the contract's right
        right = item.symbol[len(item.underlying_symbol) + 6]
        assert item.type == (call_form if right == "C" else put_form), item


@pytest.mark.parametrize("call", _CALLS)
@pytest.mark.parametrize("words", [False, True])
async def test_put_call_reads_either_form_as_the_contract_s_right(
    aries: AriesClient,
    sim: Simulator,
    call: Callable[[AriesClient], Awaitable[Any]],
    words: bool,
) -> None:
    sim.faults.option_type_words = words
    items = await call(aries)
    assert {item.put_call for item in items} == {PutCall.CALL, PutCall.PUT}
    for item in items:  # the same right as the contract's OSI symbol names
        right = item.symbol[len(item.underlying_symbol) + 6]
        assert item.put_call is (PutCall.CALL if right == "C" else PutCall.PUT), item


@pytest.mark.parametrize(
    ("sent", "read"),
    [
        ("c", PutCall.CALL),
        ("C", PutCall.CALL),
        ("call", PutCall.CALL),
        ("Call", PutCall.CALL),
        ("P", PutCall.PUT),
        ("p", PutCall.PUT),
        ("put", PutCall.PUT),
        (" PUT ", PutCall.PUT),
        (None, None),
        ("", None),
        ("straddle", None),
        ("cp", None),
    ],
)
def test_put_call_is_none_for_a_type_that_names_no_right(sent: str | None, read: Any) -> None:
    item = OptionsScreenerItem(type=sent)
    assert item.put_call is read
    assert item.type == sent  # the text as sent is kept
