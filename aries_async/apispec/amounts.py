"""Which ``string`` and ``integer`` fields of the description hold money or a quantity: those are
``Decimal`` in Python, shared by the generator (``tools/generate_api.py``), the client's runtime
(:mod:`aries_async.resources._arguments`) and the simulator (``sim/routes_generic.py``).

The description types many numbers ``string`` because the data vendors send them as JSON
strings (``"ask": "38.96"``). It gives such a field no ``format`` and no description, so its
name is what says what it holds; two rules decide, in this order:

* :data:`DECIMAL_STRINGS` lists, by schema, the fields of a venue that sends exact numbers on
  purpose (the prediction markets): read strictly, as every ``Decimal`` of the package is, so
  a value that is not a number fails the answer;
* the name rule: a field whose Python name (:func:`~aries_async.apispec.naming.field_name`:
  snake_case, abbreviations spelled out, ``pt`` -> ``price_target``, ``bid`` -> ``bid_price``)
  ends in a word of :data:`DECIMAL_WORDS` (``ask_price``, ``open_interest``, ``cost_basis``,
  ``maximum_amount``, ``target_percent``...) is an amount, unless :data:`TEXT_NUMBERS` names it
  with the reason it is text. The last word is the thing named (``target_exchange`` is an
  exchange, ``market_cap_currency`` a currency), so a word elsewhere in the name decides
  nothing. These are read leniently (``wire(lenient=True)``), as the text dates are
  (``naming.DATE_STRINGS``): a value that is not a number (``"N/A"``, ``"-"``) becomes ``None``
  and a warning on the ``aries_async.models`` logger names the field and the value, rather than
  failing the whole answer; ``""`` is absent (``None``, no warning), as in every amount.

A third rule is for numbers: the description types every ``number`` field a ``Decimal``, and
some amounts ``integer`` (:data:`INTEGER_AMOUNTS`: a chart pattern's prices, the estimates,
an ETF's assets), and quantities of shares and contracts too (:data:`INTEGER_QUANTITIES`:
volumes, sizes, holdings, open interest). Those are ``Decimal`` too, read strictly as every
number is: a price with cents is that price, a fractional holding that holding, where an
``int`` would fail the whole answer.

The other way round, :data:`WHOLE_NUMBERS` lists the ``number`` fields that are whole
numbers by their nature (a fiscal year): ``int``, read leniently (``wire(lenient=True)``), a
value with a fraction is ``None`` and a warning rather than a year cut short.

Either way the value is read from a decimal string or a JSON number (a float by its shortest
text, as every wire number: :mod:`aries_async.models._values`), and written back as a plain
decimal string, the wire's type.
"""

from __future__ import annotations

import re

from aries_async.apispec.naming import field_name

__all__ = [
    "DECIMAL_STRINGS",
    "DECIMAL_WORDS",
    "INTEGER_AMOUNTS",
    "INTEGER_QUANTITIES",
    "TEXT_NUMBERS",
    "WHOLE_NUMBERS",
    "is_decimal_string",
    "is_integer_amount",
    "is_whole_number",
    "lenient_decimal",
    "query_amount",
]

DECIMAL_STRINGS: dict[str, frozenset[str]] = {
    # The prediction venue sends prices and quantities as decimal strings "so no client parses
    # them through a float" (the official package's own words; it types some as Decimal): a
    # str would leave the user to convert, a float would round.
    "PredMdContract": frozenset({"tickSize", "minTradeQty", "strikeValue"}),
    "PredMdContractHit": frozenset({"tickSize", "strikeValue"}),
    "PredMdTick": frozenset({"yesPrice", "noPrice"}),
    "PredOrdersOrder": frozenset(
        {
            "avgPx",
            "cumQty",
            "leavesQty",
            "price",
            "quantity",
            "stopPx",
            "workingPrice",
            "workingQuantity",
        }
    ),
    "PredOrdersOrderReport": frozenset({"avgPx", "cumQty", "lastPx", "lastQty", "leavesQty"}),
    # The order's body: the same venue reads them back as exact decimal strings.
    "placePredictionOrder": frozenset({"quantity", "price", "stopPx"}),
}
"""Schema name (or operation id, for an inline body) -> the wire names of its string fields
that hold exact numbers by the venue's design: ``Decimal``, read strictly."""

DECIMAL_WORDS = frozenset(
    {
        "price",  # ask_price, strike_price, underlying_price...
        "amount",  # maximum_amount
        "size",  # a trade's size (contracts, shares), deal_size (money)
        "volume",
        "quantity",  # target_quantity
        "interest",  # open_interest: contracts
        "basis",  # cost_basis
        "target",  # price_target
        "percent",  # target_percent, change_percent
        "change",
        "return",  # average_return
        "rate",  # success_rate
        "cost",
        "value",
        "cap",
        "eps",
        "dividend",
        "yield",
        "pnl",
    }
)
"""The last words of a Python field name that make a ``string`` field an amount (see the module
docstring): money, a quantity of an instrument, or a figure derived from them (a percentage, a
rate, a return). A count of events (``trade_count``) is not in it: a count the schema types
``integer`` is an ``int``, and one typed ``string`` stays text rather than become a Decimal."""

INTEGER_AMOUNTS: dict[str, frozenset[str]] = {
    # The description types these ``integer`` because the vendors' samples it was written from
    # held whole numbers, but each is money (the official package's field docs: "Price at
    # pattern point B", "Suggested stop-loss price", "Assets under management", "Market value
    # of the holding"): a price with cents (208.45) is no int, and an int field that gets one
    # fails the whole answer. A count (``numberAnalysts``, a volume, a pattern's ``mature``
    # flag) stays ``int``; ``pricescale`` is a scale, not a price.
    "Point": frozenset(
        {
            "bprice",
            "cprice",
            "end_price",
            "entry",
            "eprice",
            "profit1",
            "profit2",
            "start_price",
            "stoploss",
        }
    ),
    "EbitEstimatesResponseData": frozenset({"ebitAvg", "ebitHigh", "ebitLow"}),
    "EbitdaEstimatesResponseData": frozenset({"ebitdaAvg", "ebitdaHigh", "ebitdaLow"}),
    "RevenueEstimatesResponseData": frozenset({"revenueAvg", "revenueHigh", "revenueLow"}),
    "Profile": frozenset({"aum"}),
    "Holding": frozenset({"value"}),
    "FinancialRatiosResponseResult": frozenset({"enterpriseValue", "freeCashFlow", "marketCap"}),
}
"""Schema name -> the wire names of its ``integer`` fields that hold money: ``Decimal``, read
strictly (a JSON number, whole or not, or a decimal string)."""

INTEGER_QUANTITIES: dict[str, frozenset[str]] = {
    # The description types these ``integer``, but each counts shares or contracts (held,
    # traded, quoted, open or short): quantities, ``Decimal`` as every quantity of the package
    # is, as ``Quote.volume`` and the order and position quantities are. A fund's holding, a
    # filing's change, a volume with odd lots are not always whole, and an int field that gets
    # 1234.5 fails the whole answer. Counts of other things (``numberOfHoldings``, a page
    # size, ``unchanged`` issues, an exchange id) stay ``int``; so does the hand-written
    # ``EquityDetails`` (released in 0.1.0), which is not generated.
    "ChartBar": frozenset({"volume"}),
    "FinancialRatiosResponseResult": frozenset({"averageVolume"}),
    "Holding": frozenset({"share"}),
    "IndexBarResponseBar": frozenset({"volume"}),
    "IndexBarsResponseBar": frozenset({"volume"}),
    "IndicesRealtimeIndexValue": frozenset({"volume"}),
    "InsiderTransaction": frozenset({"change", "share"}),
    "InstitutionalHolding": frozenset({"change", "share"}),
    "LastMinute": frozenset({"volume"}),
    "LastQuote": frozenset({"askSize", "bidSize"}),
    "LastTrade": frozenset({"size"}),
    "Min": frozenset({"accumulatedVolume", "volume"}),
    "OptionsScreenerItem": frozenset({"openInterest", "volume"}),
    "OwnershipRecord": frozenset({"change", "share"}),
    "PredMdTick": frozenset({"quantity"}),
    "PrevDay": frozenset({"volume"}),
    "Profile": frozenset({"avgVolume"}),
    "ShortInterestResponseResult": frozenset({"avgDailyVolume", "shortInterest"}),
    "ShortVolumeResponseResult": frozenset(
        {
            "adfShortVolume",
            "adfShortVolumeExempt",
            "exemptVolume",
            "nasdaqCarteretShortVolume",
            "nasdaqCarteretShortVolumeExempt",
            "nasdaqChicagoShortVolume",
            "nasdaqChicagoShortVolumeExempt",
            "nonExemptVolume",
            "nyseShortVolume",
            "nyseShortVolumeExempt",
            "shortVolume",
            "totalVolume",
        }
    ),
    "StockLastQuoteResponseResults": frozenset({"askSize", "bidSize"}),
    "UnifiedSnapshotResponseResult": frozenset({"openInterest"}),
}
"""Schema name -> the wire names of its ``integer`` fields that count shares or contracts:
``Decimal``, read strictly as :data:`INTEGER_AMOUNTS` are (a JSON number, whole or not, or a
decimal string)."""

WHOLE_NUMBERS: dict[str, frozenset[str]] = {
    # The description types the statements' fiscal year and quarter ``number``; a year and a
    # quarter are whole, and ``Decimal('2026')`` would be a year no ``date`` takes.
    "IncomeStatement": frozenset({"fiscalYear", "fiscalQuarter"}),
    "CashFlowStatement": frozenset({"fiscalYear", "fiscalQuarter"}),
}
"""Schema name -> the wire names of its ``number`` fields that are whole numbers: ``int``,
read leniently (a value with a fraction is ``None``, with a warning)."""

TEXT_NUMBERS: dict[tuple[str, str], str] = {
    ("Rating", "action_pt"): "what was done to the price target (raised, lowered...): a word",
    ("ScreenClause", "value"): "a screen's operand, compared with any field, text or number",
    ("StockScreenerResponseData", "text_value"): "the text form; ``number_value`` is the number",
}
"""(schema, wire name) -> why that string field, which the name rule would make a ``Decimal``,
stays ``str``.

Number-like text the rule does not take, for the record: the economic calendar's ``actual``,
``forecast``, ``previous`` and ``teForecast`` (figures as the source displays them, unit and
scale included: ``"3.2%"``, ``"$-1.2B"``), a spinoff's ``ratio`` (``"1:1"``), a tender offer's
``numberOfInitialInstruments`` and ``numberOfNewInstruments`` (the two sides of an exchange
ratio), options activity's ``tradeCount`` (a count, see :data:`DECIMAL_WORDS`), the chart's
resolution ``*_multipliers``, and codes and units (``wageLevel``, ``priceScale``,
``strikeUnit``, ``marketCapCurrency``, ``changeStatus``)."""


def is_decimal_string(owner: str, wire: str) -> bool:
    """Whether string field ``wire`` of schema (or operation) ``owner`` holds money or a
    quantity (a ``Decimal``): listed in :data:`DECIMAL_STRINGS`, or named so (module docstring).
    The caller asks only about fields the description types ``string``."""
    return wire in DECIMAL_STRINGS.get(owner, frozenset()) or lenient_decimal(owner, wire)


def is_integer_amount(owner: str, wire: str) -> bool:
    """Whether ``integer`` field ``wire`` of schema ``owner`` holds money or a quantity of
    shares or contracts (a ``Decimal``): listed in :data:`INTEGER_AMOUNTS` or
    :data:`INTEGER_QUANTITIES`. The caller asks only about fields the description types
    ``integer``."""
    return wire in INTEGER_AMOUNTS.get(owner, frozenset()) or wire in INTEGER_QUANTITIES.get(
        owner, frozenset()
    )


def is_whole_number(owner: str, wire: str) -> bool:
    """Whether ``number`` field ``wire`` of schema ``owner`` is a whole number (an ``int``):
    listed in :data:`WHOLE_NUMBERS`."""
    return wire in WHOLE_NUMBERS.get(owner, frozenset())


def lenient_decimal(owner: str, wire: str) -> bool:
    """Whether string field ``wire`` of ``owner`` is an amount by its name (read leniently: a
    value that is not a number is ``None`` and a warning), not by :data:`DECIMAL_STRINGS`."""
    if not wire or wire in DECIMAL_STRINGS.get(owner, frozenset()):
        return False
    if (owner, wire) in TEXT_NUMBERS:
        return False
    return field_name(wire, owner).rsplit("_", 1)[-1] in DECIMAL_WORDS


_BOUND = re.compile(r"(?<=[a-z])(Gte|Gt|Lte|Lt|From|To|After|Before|Min|Max|Above|Below)$")


def query_amount(wire: str) -> bool:
    """Whether query parameter ``wire``, typed ``string``, holds money or a quantity by the name
    rule, a bound's suffix set aside (``strikePriceGte`` is a ``strikePrice``): a ``Decimal``
    or an ``int`` sent as its exact text, as a decimal string field is."""
    return lenient_decimal("", _BOUND.sub("", wire))
