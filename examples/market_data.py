"""Market data from the long tail of the API, against a local simulator: a stock screen, this
week's earnings calendar, and an option chain snapshot with its greeks.

Every call here is a generated, typed method (``client.analytics``, ``client.calendars``,
``client.options``...). Run: ``python examples/market_data.py``. With pandas installed
(``pip install 'aries-async[pandas]'``) the chain is also shown as a DataFrame.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from aries_async import AriesClient
from aries_async.sim import Simulator


async def main() -> None:
    async with Simulator(seed=7) as sim:
        token = sim.issue_token()  # every scope
        async with AriesClient(sim.client_config(), token=token) as client:
            screen = await client.analytics.stock_screener(
                page_size=5,
                clauses=[{"field": "marketCap", "operator": "gt", "value": "10000000000"}],
                operator="AND",
            )
            tickers = [row.security.ticker or "?" for row in screen if row.security]
            print("screen:", ", ".join(tickers))

            today = datetime.now(UTC).date()
            week = await client.calendars.earnings(today, today + timedelta(days=7))
            for release in week[:5]:
                print(
                    f"earnings {release.date} {release.symbol}: EPS estimate "
                    f"{release.eps_estimate}, revenue estimate {release.revenue_estimate}"
                )

            shown = 0
            async for row in client.options.chain_snapshot("AAPL", limit=10):
                details, greeks = row.details, row.greeks
                if details is None or greeks is None:
                    continue
                print(
                    f"{details.ticker} {details.contract_type} {details.strike_price}: "
                    f"delta {_round(greeks.delta)} gamma {_round(greeks.gamma)} "
                    f"theta {_round(greeks.theta)} vega {_round(greeks.vega)} "
                    f"IV {_round(row.implied_volatility)}"
                )
                shown += 1
                if shown == 6:
                    break

            try:
                from aries_async import to_frame

                page = await client.options.chain_snapshot("AAPL", limit=10)
                frame = to_frame(page)
            except ImportError:
                return
            print(frame[["details.strike_price", "greeks.delta", "implied_volatility"]].head())


def _round(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:.3f}"


if __name__ == "__main__":
    asyncio.run(main())
