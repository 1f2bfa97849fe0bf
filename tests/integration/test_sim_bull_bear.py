"""A simulated bull case and bear case argue apart, as finance-dev describes them: the bull case
a bullish thesis (positive factors, growth opportunities), the bear case a bearish one (risks,
challenges). A bot showing both sides showed the same note twice (found a defect: both fields
were the same placeholder text).
"""

from __future__ import annotations

from sim_http import SimApi


async def test_a_bull_case_and_a_bear_case_argue_apart(api: SimApi) -> None:
    status, body = await api.call(
        "GET", "/v1/signals/bull-bear", params={"symbols": "AAPL,MSFT", "pageSize": "10"}
    )
    assert status == 200, body
    cases = body["bullBearCases"]
    assert len(cases) == 10
    bulls = {case["bullCase"] for case in cases}
    bears = {case["bearCase"] for case in cases}
    assert not bulls & bears, (bulls, bears)  # no text argues both ways
    for case in cases:
        assert case["bullCase"] != case["bearCase"], case
        assert case["ticker"] in case["bullCase"] and case["ticker"] in case["bearCase"], case
