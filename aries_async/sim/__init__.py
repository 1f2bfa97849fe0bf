"""A local Aries: an aiohttp server speaking the Aries REST, OAuth and websocket protocols.

Use it to test bots without the live service or real money::

    from aries_async.sim import Simulator, ManualClock, RateLimitFault

    async with Simulator(seed=1, clock=ManualClock()) as sim:
        ...  # point a client at sim.client_config(), sim.issue_token()
        sim.advance(30)  # 30 simulated seconds of prices and fills, no sleeping

Orders end like a real session's: a ``DAY`` order still working at the close (16:00 New York
on a trading day; placed after it, the next trading day's) becomes ``EXPIRED`` on the account
socket and in the order lists; see :mod:`~aries_async.sim.sessions` for the other times in
force.

Parts: :mod:`~aries_async.sim.symbols` (the universe, read from ``data/symbols.csv``),
:mod:`~aries_async.sim.feed` (prices and bars: :mod:`~aries_async.sim.clock`,
:mod:`~aries_async.sim.walk`, :mod:`~aries_async.sim.bars`, :mod:`~aries_async.sim.firehose`),
:mod:`~aries_async.sim.state` (accounts and orders: :mod:`~aries_async.sim.records`,
:mod:`~aries_async.sim.intake`, :mod:`~aries_async.sim.ledger`, :mod:`~aries_async.sim.valuation`,
:mod:`~aries_async.sim.matching`, :mod:`~aries_async.sim.amendments`,
:mod:`~aries_async.sim.sessions` (the trading calendar: market status, order expiry),
:mod:`~aries_async.sim.seed`; per user
:mod:`~aries_async.sim.watchlists` and :mod:`~aries_async.sim.predictions` with
:mod:`~aries_async.sim.predictions_intake`), :mod:`~aries_async.sim.auth`
(OAuth, records in :mod:`~aries_async.sim.grants`), :mod:`~aries_async.sim.faults` (faults:
their records in :mod:`~aries_async.sim.fault_kinds`, the websockets' in
:mod:`~aries_async.sim.ws_faults`, the spec's readings in :mod:`~aries_async.sim.fault_variants`,
the command line's flags in
:mod:`~aries_async.sim.fault_flags` and :mod:`~aries_async.sim.fault_values`, the answers'
body faults in :mod:`~aries_async.sim.fault_bodies`, applied (a spoiled value too) by
:mod:`~aries_async.sim.spoil`, connects left unanswered in
:mod:`~aries_async.sim.unanswered`),
:mod:`~aries_async.sim.context` (what the HTTP app and websockets share; what they served,
:mod:`~aries_async.sim.summary`),
:mod:`~aries_async.sim.app` (the HTTP app: :mod:`~aries_async.sim.middleware`, the
``routes_*`` modules and :mod:`~aries_async.sim.responses`; every other operation of the API
description from :mod:`~aries_async.sim.routes_generic`, with :mod:`~aries_async.sim.schema_walk`,
:mod:`~aries_async.sim.field_rules`, :mod:`~aries_async.sim.field_values`,
:mod:`~aries_async.sim.answer` and :mod:`~aries_async.sim.option_model`), :mod:`~aries_async.sim.ws`
(websockets: :mod:`~aries_async.sim.ws_session`, :mod:`~aries_async.sim.ws_market` with
:mod:`~aries_async.sim.ws_market_subs`, :mod:`~aries_async.sim.ws_values` and
:mod:`~aries_async.sim.ws_requests`,
:mod:`~aries_async.sim.ws_account` with :mod:`~aries_async.sim.ws_topics`,
:mod:`~aries_async.sim.ws_charts`), :mod:`~aries_async.sim.server` (:class:`Simulator`;
:mod:`~aries_async.sim.threaded` runs one on its own thread) and :mod:`~aries_async.sim.cli`
(``aries-async sim``). The feed, the ledger and the watchlists keep their listeners with
:mod:`~aries_async.sim.listeners`.
"""

from aries_async.sim.context import RecordedRequest, SimContext, SimSettings
from aries_async.sim.faults import (
    AppRateLimit,
    ErrorFault,
    Faults,
    RateLimitFault,
    ServerErrorFault,
)
from aries_async.sim.feed import Clock, Firehose, ManualClock, QuoteSnapshot, SystemClock
from aries_async.sim.server import Simulator
from aries_async.sim.state import AccountEvent
from aries_async.sim.summary import SimSummary

__all__ = [
    "AccountEvent",
    "AppRateLimit",
    "Clock",
    "ErrorFault",
    "Faults",
    "Firehose",
    "ManualClock",
    "QuoteSnapshot",
    "RateLimitFault",
    "RecordedRequest",
    "ServerErrorFault",
    "SimContext",
    "SimSettings",
    "SimSummary",
    "Simulator",
    "SystemClock",
]
