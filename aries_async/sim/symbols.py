"""The simulator's instrument universe: 750+ real US tickers with names, venues and base prices.

The list is written by hand for this project and is fully deterministic (no network, no files).
Prices are plausible reference levels, not market data: the feed (:mod:`aries_async.sim.feed`)
starts each symbol's random walk from its ``base_price`` scaled by a seeded jitter.

Contract:

* :data:`SYMBOLS` is a :class:`SymbolTable` with every equity/ETF, a few indices and futures;
* :meth:`SymbolTable.get` looks a ticker up (case-insensitive);
* :meth:`SymbolTable.search` ranks exact ticker, ticker prefix, name word prefix, then name
  substring matches; ``.AAPL`` searches option contracts of optionable underlyings and ``/ES``
  futures, as ``GET /v1/marketdata/search`` does (rest.md section 7).
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

__all__ = [
    "FUTURES",
    "INDICES",
    "OPTIONABLE",
    "SYMBOLS",
    "SymbolInfo",
    "SymbolTable",
]

_VENUES: dict[str, tuple[str, str]] = {
    "Q": ("XNAS", "NASDAQ"),
    "N": ("XNYS", "NYSE"),
    "A": ("ARCX", "NYSEARCA"),
    "Z": ("BATS", "CBOE"),
}

OPTIONABLE: frozenset[str] = frozenset(
    {"AAPL", "MSFT", "NVDA", "AMZN", "TSLA", "META", "GOOGL", "AMD", "SPY", "QQQ", "IWM"}
)
"""Underlyings with listed options in the simulator (expiry dates, contracts, option search)."""


@attrs.frozen(kw_only=True)
class SymbolInfo:
    """One instrument.

    Attributes:
        symbol: the ticker as used on the wire (``BRK.B``, ``SPX``, ``/ES``).
        name: the full name, used by search and as the quote ``description``.
        mic: the venue code returned as the search ``tag`` (``XNAS``, ``XNYS``, ``ARCX``...).
        exchange: the venue name used in quotes (``NASDAQ``, ``NYSE``...).
        base_price: the reference price the random walk starts near.
        kind: ``stock``, ``etf``, ``index`` or ``future``.
    """

    symbol: str
    name: str
    mic: str
    exchange: str
    base_price: float
    kind: str = "stock"

    @property
    def is_etf(self) -> bool:
        """Whether the instrument is an exchange-traded fund."""
        return self.kind == "etf"

    @property
    def tradable(self) -> bool:
        """Whether equity orders may be placed on it (indices and futures cannot)."""
        return self.kind in ("stock", "etf")

    @property
    def optionable(self) -> bool:
        """Whether the simulator lists options on it."""
        return self.symbol in OPTIONABLE

    @property
    def search_type(self) -> str:
        """The search result ``type``: ``stock`` (ETFs included), ``index`` or ``future``."""
        return "stock" if self.kind in ("stock", "etf") else self.kind


INDICES: tuple[SymbolInfo, ...] = (
    SymbolInfo(
        symbol="SPX",
        name="S&P 500 Index",
        mic="XCBO",
        exchange="CBOE",
        base_price=5750.0,
        kind="index",
    ),
    SymbolInfo(
        symbol="NDX",
        name="Nasdaq 100 Index",
        mic="XNAS",
        exchange="NASDAQ",
        base_price=20100.0,
        kind="index",
    ),
    SymbolInfo(
        symbol="DJI",
        name="Dow Jones Industrial Average",
        mic="XNYS",
        exchange="NYSE",
        base_price=42200.0,
        kind="index",
    ),
    SymbolInfo(
        symbol="VIX",
        name="CBOE Volatility Index",
        mic="XCBO",
        exchange="CBOE",
        base_price=16.5,
        kind="index",
    ),
    SymbolInfo(
        symbol="RUT",
        name="Russell 2000 Index",
        mic="XCBO",
        exchange="CBOE",
        base_price=2180.0,
        kind="index",
    ),
    SymbolInfo(
        symbol="COMP",
        name="Nasdaq Composite Index",
        mic="XNAS",
        exchange="NASDAQ",
        base_price=18300.0,
        kind="index",
    ),
)
"""Index symbols: quotable and searchable, not tradable."""

FUTURES: tuple[SymbolInfo, ...] = (
    SymbolInfo(
        symbol="/ES",
        name="E-mini S&P 500 Futures",
        mic="XCME",
        exchange="CME",
        base_price=5780.0,
        kind="future",
    ),
    SymbolInfo(
        symbol="/NQ",
        name="E-mini Nasdaq-100 Futures",
        mic="XCME",
        exchange="CME",
        base_price=20200.0,
        kind="future",
    ),
    SymbolInfo(
        symbol="/YM",
        name="E-mini Dow Futures",
        mic="XCBT",
        exchange="CBOT",
        base_price=42300.0,
        kind="future",
    ),
    SymbolInfo(
        symbol="/RTY",
        name="E-mini Russell 2000 Futures",
        mic="XCME",
        exchange="CME",
        base_price=2190.0,
        kind="future",
    ),
    SymbolInfo(
        symbol="/CL",
        name="Crude Oil Futures",
        mic="XNYM",
        exchange="NYMEX",
        base_price=71.4,
        kind="future",
    ),
    SymbolInfo(
        symbol="/GC",
        name="Gold Futures",
        mic="XCEC",
        exchange="COMEX",
        base_price=2650.0,
        kind="future",
    ),
    SymbolInfo(
        symbol="/SI",
        name="Silver Futures",
        mic="XCEC",
        exchange="COMEX",
        base_price=31.2,
        kind="future",
    ),
    SymbolInfo(
        symbol="/ZN",
        name="10-Year T-Note Futures",
        mic="XCBT",
        exchange="CBOT",
        base_price=110.5,
        kind="future",
    ),
)
"""Futures: searchable with a ``/`` prefix and quotable; not tradable through ``/v1/orders``."""

# TICKER|Name|venue (Q Nasdaq, N NYSE, A NYSE Arca, Z Cboe BZX)|base price[|E for ETFs]
_DATA = """\
AAPL|Apple Inc.|Q|228.50
MSFT|Microsoft Corporation|Q|415.20
NVDA|NVIDIA Corporation|Q|135.40
AMZN|Amazon.com, Inc.|Q|198.30
GOOGL|Alphabet Inc. Class A|Q|172.60
GOOG|Alphabet Inc. Class C|Q|174.10
META|Meta Platforms, Inc.|Q|560.80
TSLA|Tesla, Inc.|Q|248.90
AVGO|Broadcom Inc.|Q|168.40
BRK.B|Berkshire Hathaway Inc. Class B|N|452.10
JPM|JPMorgan Chase & Co.|N|212.70
LLY|Eli Lilly and Company|N|880.50
V|Visa Inc.|N|281.30
UNH|UnitedHealth Group Incorporated|N|585.20
XOM|Exxon Mobil Corporation|N|118.60
MA|Mastercard Incorporated|N|495.70
JNJ|Johnson & Johnson|N|161.40
PG|The Procter & Gamble Company|N|170.20
HD|The Home Depot, Inc.|N|395.10
COST|Costco Wholesale Corporation|Q|890.40
ABBV|AbbVie Inc.|N|192.30
MRK|Merck & Co., Inc.|N|112.80
CVX|Chevron Corporation|N|148.90
ORCL|Oracle Corporation|N|168.20
CRM|Salesforce, Inc.|N|272.60
BAC|Bank of America Corporation|N|40.10
KO|The Coca-Cola Company|N|70.30
PEP|PepsiCo, Inc.|Q|168.90
NFLX|Netflix, Inc.|Q|705.40
AMD|Advanced Micro Devices, Inc.|Q|155.20
ADBE|Adobe Inc.|Q|520.70
WMT|Walmart Inc.|N|80.60
TMO|Thermo Fisher Scientific Inc.|N|605.30
LIN|Linde plc|Q|462.80
MCD|McDonald's Corporation|N|298.10
CSCO|Cisco Systems, Inc.|Q|52.40
ACN|Accenture plc|N|345.60
ABT|Abbott Laboratories|N|114.20
DHR|Danaher Corporation|N|268.30
WFC|Wells Fargo & Company|N|58.70
INTU|Intuit Inc.|Q|640.10
TXN|Texas Instruments Incorporated|Q|201.50
QCOM|QUALCOMM Incorporated|Q|168.30
DIS|The Walt Disney Company|N|95.40
AMGN|Amgen Inc.|Q|320.60
PM|Philip Morris International Inc.|N|122.30
VZ|Verizon Communications Inc.|N|42.10
IBM|International Business Machines Corporation|N|220.40
CAT|Caterpillar Inc.|N|375.90
GE|GE Aerospace|N|182.60
NOW|ServiceNow, Inc.|N|890.20
ISRG|Intuitive Surgical, Inc.|Q|480.70
PFE|Pfizer Inc.|N|29.10
CMCSA|Comcast Corporation|Q|41.80
UNP|Union Pacific Corporation|N|246.30
AMAT|Applied Materials, Inc.|Q|198.50
SPGI|S&P Global Inc.|N|512.40
GS|The Goldman Sachs Group, Inc.|N|505.20
RTX|RTX Corporation|N|121.70
NEE|NextEra Energy, Inc.|N|81.90
T|AT&T Inc.|N|21.60
LOW|Lowe's Companies, Inc.|N|262.80
HON|Honeywell International Inc.|Q|207.40
UBER|Uber Technologies, Inc.|N|75.30
BKNG|Booking Holdings Inc.|Q|4120.00
PGR|The Progressive Corporation|N|250.10
AXP|American Express Company|N|268.90
ELV|Elevance Health, Inc.|N|520.60
COP|ConocoPhillips|N|108.40
MS|Morgan Stanley|N|103.70
BLK|BlackRock, Inc.|N|905.30
SYK|Stryker Corporation|N|355.20
TJX|The TJX Companies, Inc.|N|116.80
VRTX|Vertex Pharmaceuticals Incorporated|Q|470.30
C|Citigroup Inc.|N|62.50
BSX|Boston Scientific Corporation|N|82.40
REGN|Regeneron Pharmaceuticals, Inc.|Q|1050.00
LRCX|Lam Research Corporation|Q|78.90
ADI|Analog Devices, Inc.|Q|228.10
MDT|Medtronic plc|N|88.70
PLD|Prologis, Inc.|N|125.60
SCHW|The Charles Schwab Corporation|N|66.30
MMC|Marsh & McLennan Companies, Inc.|N|225.40
CB|Chubb Limited|N|285.10
ETN|Eaton Corporation plc|N|318.70
PANW|Palo Alto Networks, Inc.|Q|345.20
KLAC|KLA Corporation|Q|760.40
MU|Micron Technology, Inc.|Q|98.60
ADP|Automatic Data Processing, Inc.|Q|276.90
BA|The Boeing Company|N|168.20
DE|Deere & Company|N|398.50
ANET|Arista Networks, Inc.|N|352.10
FI|Fiserv, Inc.|N|178.30
LMT|Lockheed Martin Corporation|N|560.20
GILD|Gilead Sciences, Inc.|Q|78.40
SBUX|Starbucks Corporation|Q|96.20
BMY|Bristol-Myers Squibb Company|N|51.70
MDLZ|Mondelez International, Inc.|Q|72.30
UPS|United Parcel Service, Inc.|N|131.20
SO|The Southern Company|N|88.40
CI|The Cigna Group|N|345.10
INTC|Intel Corporation|Q|22.80
MO|Altria Group, Inc.|N|50.60
ICE|Intercontinental Exchange, Inc.|N|158.30
SHW|The Sherwin-Williams Company|N|372.40
DUK|Duke Energy Corporation|N|114.20
ZTS|Zoetis Inc.|N|190.60
AMT|American Tower Corporation|N|228.70
KKR|KKR & Co. Inc.|N|128.40
CME|CME Group Inc.|Q|210.30
PH|Parker-Hannifin Corporation|N|610.50
TT|Trane Technologies plc|N|385.20
EQIX|Equinix, Inc.|Q|850.10
APH|Amphenol Corporation|N|65.30
CL|Colgate-Palmolive Company|N|103.80
SNPS|Synopsys, Inc.|Q|520.60
CDNS|Cadence Design Systems, Inc.|Q|275.40
WM|Waste Management, Inc.|N|210.70
PYPL|PayPal Holdings, Inc.|Q|72.40
NKE|NIKE, Inc.|N|84.30
MCO|Moody's Corporation|N|470.20
TDG|TransDigm Group Incorporated|N|1350.00
CMG|Chipotle Mexican Grill, Inc.|N|57.80
GD|General Dynamics Corporation|N|298.60
ITW|Illinois Tool Works Inc.|N|258.40
CVS|CVS Health Corporation|N|62.10
EOG|EOG Resources, Inc.|N|126.30
MSI|Motorola Solutions, Inc.|N|450.20
CTAS|Cintas Corporation|Q|206.50
USB|U.S. Bancorp|N|46.20
PNC|The PNC Financial Services Group, Inc.|N|185.40
NOC|Northrop Grumman Corporation|N|512.30
HCA|HCA Healthcare, Inc.|N|385.60
TGT|Target Corporation|N|152.40
BDX|Becton, Dickinson and Company|N|238.70
ORLY|O'Reilly Automotive, Inc.|Q|1150.00
MMM|3M Company|N|128.50
CSX|CSX Corporation|Q|34.60
FDX|FedEx Corporation|N|275.30
MAR|Marriott International, Inc.|Q|248.10
AON|Aon plc|N|345.70
APD|Air Products and Chemicals, Inc.|N|295.40
ABNB|Airbnb, Inc.|Q|128.60
CARR|Carrier Global Corporation|N|78.40
ECL|Ecolab Inc.|N|248.30
CEG|Constellation Energy Corporation|Q|230.50
FCX|Freeport-McMoRan Inc.|N|45.20
NSC|Norfolk Southern Corporation|N|245.10
PSX|Phillips 66|N|132.40
MPC|Marathon Petroleum Corporation|N|165.80
EMR|Emerson Electric Co.|N|110.30
ROP|Roper Technologies, Inc.|Q|545.20
AJG|Arthur J. Gallagher & Co.|N|285.60
WELL|Welltower Inc.|N|125.40
SLB|Schlumberger Limited|N|43.80
COF|Capital One Financial Corporation|N|152.30
GM|General Motors Company|N|48.60
NXPI|NXP Semiconductors N.V.|Q|238.40
TFC|Truist Financial Corporation|N|42.70
DHI|D.R. Horton, Inc.|N|178.20
ADSK|Autodesk, Inc.|Q|265.30
PCAR|PACCAR Inc|Q|98.70
HLT|Hilton Worldwide Holdings Inc.|N|225.60
OKE|ONEOK, Inc.|N|92.40
AFL|Aflac Incorporated|N|108.30
TRV|The Travelers Companies, Inc.|N|225.70
SRE|Sempra|N|80.20
WMB|The Williams Companies, Inc.|N|44.10
AZO|AutoZone, Inc.|N|3050.00
SPG|Simon Property Group, Inc.|N|158.40
PSA|Public Storage|N|335.20
ROST|Ross Stores, Inc.|Q|148.60
BK|The Bank of New York Mellon Corporation|N|68.30
AEP|American Electric Power Company, Inc.|Q|98.40
KMB|Kimberly-Clark Corporation|N|142.30
NEM|Newmont Corporation|N|52.60
MET|MetLife, Inc.|N|78.40
O|Realty Income Corporation|N|61.20
ALL|The Allstate Corporation|N|182.30
D|Dominion Energy, Inc.|N|55.40
PCG|PG&E Corporation|N|19.80
FTNT|Fortinet, Inc.|Q|72.30
DLR|Digital Realty Trust, Inc.|N|152.60
JCI|Johnson Controls International plc|N|68.40
GWW|W.W. Grainger, Inc.|N|980.20
FICO|Fair Isaac Corporation|N|1750.00
MSCI|MSCI Inc.|N|560.30
KMI|Kinder Morgan, Inc.|N|21.80
AMP|Ameriprise Financial, Inc.|N|450.20
PAYX|Paychex, Inc.|Q|130.40
LHX|L3Harris Technologies, Inc.|N|232.50
CPRT|Copart, Inc.|Q|52.10
FAST|Fastenal Company|Q|68.70
MCHP|Microchip Technology Incorporated|Q|78.30
CCI|Crown Castle Inc.|N|108.20
HUM|Humana Inc.|N|310.40
URI|United Rentals, Inc.|N|720.60
PRU|Prudential Financial, Inc.|N|118.30
TEL|TE Connectivity Ltd.|N|148.20
LEN|Lennar Corporation|N|172.40
F|Ford Motor Company|N|10.80
CMI|Cummins Inc.|N|290.30
VLO|Valero Energy Corporation|N|142.60
KDP|Keurig Dr Pepper Inc.|Q|35.20
AIG|American International Group, Inc.|N|74.60
OXY|Occidental Petroleum Corporation|N|56.30
IDXX|IDEXX Laboratories, Inc.|Q|485.20
PWR|Quanta Services, Inc.|N|262.40
GIS|General Mills, Inc.|N|72.30
EW|Edwards Lifesciences Corporation|N|68.50
KVUE|Kenvue Inc.|N|21.40
IQV|IQVIA Holdings Inc.|N|235.60
ACGL|Arch Capital Group Ltd.|Q|96.30
ODFL|Old Dominion Freight Line, Inc.|Q|195.40
HES|Hess Corporation|N|148.70
PEG|Public Service Enterprise Group Incorporated|N|82.40
A|Agilent Technologies, Inc.|N|138.50
CTVA|Corteva, Inc.|N|56.20
AME|AMETEK, Inc.|N|168.30
EXC|Exelon Corporation|Q|38.60
YUM|Yum! Brands, Inc.|N|132.40
RSG|Republic Services, Inc.|N|196.50
IT|Gartner, Inc.|N|482.30
SYY|Sysco Corporation|N|76.40
CTSH|Cognizant Technology Solutions Corporation|Q|72.50
GEHC|GE HealthCare Technologies Inc.|Q|85.60
OTIS|Otis Worldwide Corporation|N|96.80
VRSK|Verisk Analytics, Inc.|Q|268.40
KR|The Kroger Co.|N|54.20
DOW|Dow Inc.|N|53.40
MNST|Monster Beverage Corporation|Q|52.30
EA|Electronic Arts Inc.|Q|142.60
XEL|Xcel Energy Inc.|Q|62.40
RMD|ResMed Inc.|N|215.30
NUE|Nucor Corporation|N|148.70
HSY|The Hershey Company|N|192.40
ED|Consolidated Edison, Inc.|N|96.30
DD|DuPont de Nemours, Inc.|N|82.50
VMC|Vulcan Materials Company|N|250.30
MLM|Martin Marietta Materials, Inc.|N|535.20
BKR|Baker Hughes Company|Q|34.80
HPQ|HP Inc.|N|34.20
GLW|Corning Incorporated|N|40.30
EXR|Extra Space Storage Inc.|N|162.40
DFS|Discover Financial Services|N|135.60
VICI|VICI Properties Inc.|N|31.80
FANG|Diamondback Energy, Inc.|Q|195.20
CSGP|CoStar Group, Inc.|Q|76.40
IR|Ingersoll Rand Inc.|N|92.30
KHC|The Kraft Heinz Company|Q|35.10
HIG|The Hartford Financial Services Group, Inc.|N|110.20
DAL|Delta Air Lines, Inc.|N|48.60
XYL|Xylem Inc.|N|135.40
EIX|Edison International|N|78.20
TRGP|Targa Resources Corp.|N|148.30
ON|ON Semiconductor Corporation|Q|70.40
ROK|Rockwell Automation, Inc.|N|265.30
AVB|AvalonBay Communities, Inc.|N|215.60
WAB|Westinghouse Air Brake Technologies Corporation|N|162.40
LULU|Lululemon Athletica Inc.|Q|262.30
CDW|CDW Corporation|Q|225.40
MTD|Mettler-Toledo International Inc.|N|1380.00
PPG|PPG Industries, Inc.|N|130.20
WTW|Willis Towers Watson Public Limited Company|Q|278.50
EFX|Equifax Inc.|N|285.30
GRMN|Garmin Ltd.|N|168.40
TSCO|Tractor Supply Company|Q|270.60
ANSS|ANSYS, Inc.|Q|320.40
EBAY|eBay Inc.|Q|55.30
FITB|Fifth Third Bancorp|Q|40.20
WEC|WEC Energy Group, Inc.|N|88.60
KEYS|Keysight Technologies, Inc.|N|145.30
MTB|M&T Bank Corporation|N|162.70
CHTR|Charter Communications, Inc.|Q|285.40
DXCM|DexCom, Inc.|Q|72.60
ADM|Archer-Daniels-Midland Company|N|60.40
CBRE|CBRE Group, Inc.|N|108.30
NDAQ|Nasdaq, Inc.|Q|68.40
AWK|American Water Works Company, Inc.|N|138.20
EQR|Equity Residential|N|68.30
BIIB|Biogen Inc.|Q|205.40
STT|State Street Corporation|N|82.60
PHM|PulteGroup, Inc.|N|125.30
FTV|Fortive Corporation|N|72.40
HPE|Hewlett Packard Enterprise Company|N|18.30
DTE|DTE Energy Company|N|122.40
ETR|Entergy Corporation|N|112.30
BR|Broadridge Financial Solutions, Inc.|N|205.60
TTWO|Take-Two Interactive Software, Inc.|Q|158.40
DVN|Devon Energy Corporation|N|45.60
SBAC|SBA Communications Corporation|Q|225.40
HAL|Halliburton Company|N|32.40
ZBH|Zimmer Biomet Holdings, Inc.|N|112.50
VLTO|Veralto Corporation|N|98.30
IFF|International Flavors & Fragrances Inc.|N|98.60
BRO|Brown & Brown, Inc.|N|96.40
TYL|Tyler Technologies, Inc.|N|520.30
STE|STERIS plc|N|228.40
INVH|Invitation Homes Inc.|N|35.60
ALGN|Align Technology, Inc.|Q|245.30
PPL|PPL Corporation|N|30.20
WY|Weyerhaeuser Company|N|31.40
FE|FirstEnergy Corp.|N|40.60
ES|Eversource Energy|N|62.30
LYB|LyondellBasell Industries N.V.|N|95.20
MPWR|Monolithic Power Systems, Inc.|Q|820.50
GPN|Global Payments Inc.|N|102.40
CAH|Cardinal Health, Inc.|N|108.60
TROW|T. Rowe Price Group, Inc.|Q|112.30
HBAN|Huntington Bancshares Incorporated|Q|14.20
RJF|Raymond James Financial, Inc.|N|122.50
ARE|Alexandria Real Estate Equities, Inc.|N|118.40
CNP|CenterPoint Energy, Inc.|N|28.60
PTC|PTC Inc.|Q|178.20
WDC|Western Digital Corporation|Q|68.30
DOV|Dover Corporation|N|178.40
HUBB|Hubbell Incorporated|N|385.20
NTAP|NetApp, Inc.|Q|118.60
GDDY|GoDaddy Inc.|N|158.30
STLD|Steel Dynamics, Inc.|Q|125.40
CINF|Cincinnati Financial Corporation|Q|125.30
VTR|Ventas, Inc.|N|58.40
RF|Regions Financial Corporation|N|22.10
SYF|Synchrony Financial|N|50.30
CPAY|Corpay, Inc.|N|305.20
AXON|Axon Enterprise, Inc.|Q|345.60
DECK|Deckers Outdoor Corporation|N|158.40
BLDR|Builders FirstSource, Inc.|N|178.50
SMCI|Super Micro Computer, Inc.|Q|42.30
WST|West Pharmaceutical Services, Inc.|N|305.20
LDOS|Leidos Holdings, Inc.|N|148.60
ZBRA|Zebra Technologies Corporation|Q|325.40
TER|Teradyne, Inc.|Q|118.30
CBOE|Cboe Global Markets, Inc.|N|185.40
NVR|NVR, Inc.|N|8800.00
K|Kellanova|N|80.20
CLX|The Clorox Company|N|152.30
BALL|Ball Corporation|N|62.40
ATO|Atmos Energy Corporation|N|128.60
MKC|McCormick & Company, Incorporated|N|76.30
WAT|Waters Corporation|N|335.40
LH|Labcorp Holdings Inc.|N|225.30
PKG|Packaging Corporation of America|N|192.40
HOLX|Hologic, Inc.|Q|78.60
CMS|CMS Energy Corporation|N|64.30
ESS|Essex Property Trust, Inc.|N|285.20
EXPE|Expedia Group, Inc.|Q|142.50
CTRA|Coterra Energy Inc.|N|25.40
OMC|Omnicom Group Inc.|N|98.30
MAA|Mid-America Apartment Communities, Inc.|N|152.40
LUV|Southwest Airlines Co.|N|29.60
J|Jacobs Solutions Inc.|N|138.20
MOH|Molina Healthcare, Inc.|N|338.40
BBY|Best Buy Co., Inc.|N|92.30
DGX|Quest Diagnostics Incorporated|N|152.60
COO|The Cooper Companies, Inc.|Q|102.40
PFG|Principal Financial Group, Inc.|Q|82.30
EXPD|Expeditors International of Washington, Inc.|N|122.40
ULTA|Ulta Beauty, Inc.|Q|385.20
TXT|Textron Inc.|N|86.40
NRG|NRG Energy, Inc.|N|82.50
FDS|FactSet Research Systems Inc.|N|445.30
EG|Everest Group, Ltd.|N|378.20
GPC|Genuine Parts Company|N|138.40
AVY|Avery Dennison Corporation|N|212.30
SWKS|Skyworks Solutions, Inc.|Q|102.60
ALB|Albemarle Corporation|N|92.40
IEX|IDEX Corporation|N|205.30
CF|CF Industries Holdings, Inc.|N|82.60
DPZ|Domino's Pizza, Inc.|N|425.30
L|Loews Corporation|N|78.40
AKAM|Akamai Technologies, Inc.|Q|102.50
JBHT|J.B. Hunt Transport Services, Inc.|Q|172.30
UAL|United Airlines Holdings, Inc.|Q|48.20
SNA|Snap-on Incorporated|N|285.60
KIM|Kimco Realty Corporation|N|22.40
VRSN|VeriSign, Inc.|Q|185.30
EVRG|Evergy, Inc.|Q|60.20
LNT|Alliant Energy Corporation|Q|58.30
MAS|Masco Corporation|N|78.40
POOL|Pool Corporation|Q|362.50
TRMB|Trimble Inc.|Q|58.60
NDSN|Nordson Corporation|Q|258.30
AMCR|Amcor plc|N|10.60
IP|International Paper Company|N|45.30
ENPH|Enphase Energy, Inc.|Q|112.40
CAG|Conagra Brands, Inc.|N|30.20
SJM|The J. M. Smucker Company|N|118.40
JKHY|Jack Henry & Associates, Inc.|Q|172.30
CPB|Campbell Soup Company|N|48.20
KEY|KeyCorp|N|16.40
RVTY|Revvity, Inc.|N|118.50
UDR|UDR, Inc.|N|42.30
TAP|Molson Coors Beverage Company|N|55.60
HST|Host Hotels & Resorts, Inc.|Q|17.80
PODD|Insulet Corporation|Q|205.40
LKQ|LKQ Corporation|Q|41.20
INCY|Incyte Corporation|Q|62.30
CHRW|C.H. Robinson Worldwide, Inc.|Q|88.40
WRB|W. R. Berkley Corporation|N|58.30
AES|The AES Corporation|N|18.60
TECH|Bio-Techne Corporation|Q|72.40
EMN|Eastman Chemical Company|N|102.30
CRL|Charles River Laboratories International, Inc.|N|215.60
KMX|CarMax, Inc.|N|78.40
ALLE|Allegion plc|N|138.20
BG|Bunge Global SA|N|98.40
REG|Regency Centers Corporation|Q|65.30
CPT|Camden Property Trust|N|112.40
NI|NiSource Inc.|N|30.20
TPR|Tapestry, Inc.|N|42.60
HRL|Hormel Foods Corporation|N|32.40
AOS|A. O. Smith Corporation|N|85.30
EPAM|EPAM Systems, Inc.|N|198.40
MGM|MGM Resorts International|N|40.20
HII|Huntington Ingalls Industries, Inc.|N|262.30
CE|Celanese Corporation|N|135.40
WYNN|Wynn Resorts, Limited|Q|88.60
BXP|BXP, Inc.|N|68.40
FFIV|F5, Inc.|Q|195.30
MOS|The Mosaic Company|N|28.40
TFX|Teleflex Incorporated|N|238.20
HSIC|Henry Schein, Inc.|Q|72.30
CZR|Caesars Entertainment, Inc.|Q|38.40
GNRC|Generac Holdings Inc.|N|148.60
PNW|Pinnacle West Capital Corporation|N|82.40
FRT|Federal Realty Investment Trust|N|108.30
AIZ|Assurant, Inc.|N|172.40
BWA|BorgWarner Inc.|N|34.20
DVA|DaVita Inc.|N|138.50
MKTX|MarketAxess Holdings Inc.|Q|225.30
PAYC|Paycom Software, Inc.|N|162.40
ETSY|Etsy, Inc.|Q|58.30
IVZ|Invesco Ltd.|N|16.20
BEN|Franklin Resources, Inc.|N|21.40
GL|Globe Life Inc.|N|98.60
NCLH|Norwegian Cruise Line Holdings Ltd.|N|18.40
CCL|Carnival Corporation & plc|N|17.30
RCL|Royal Caribbean Cruises Ltd.|N|165.40
APA|APA Corporation|N|28.60
FMC|FMC Corporation|N|62.40
MHK|Mohawk Industries, Inc.|N|132.30
PARA|Paramount Global|Q|11.20
WBA|Walgreens Boots Alliance, Inc.|Q|10.40
WBD|Warner Bros. Discovery, Inc.|Q|8.30
LVS|Las Vegas Sands Corp.|N|44.60
PLTR|Palantir Technologies Inc.|N|38.40
COIN|Coinbase Global, Inc.|Q|215.30
SHOP|Shopify Inc.|N|78.40
SQ|Block, Inc.|N|68.20
SNOW|Snowflake Inc.|N|125.60
CRWD|CrowdStrike Holdings, Inc.|Q|295.30
DDOG|Datadog, Inc.|Q|118.40
ZS|Zscaler, Inc.|Q|182.60
NET|Cloudflare, Inc.|N|82.30
MDB|MongoDB, Inc.|Q|265.40
TEAM|Atlassian Corporation|Q|172.30
WDAY|Workday, Inc.|Q|258.40
TTD|The Trade Desk, Inc.|Q|98.60
MRVL|Marvell Technology, Inc.|Q|72.40
ARM|Arm Holdings plc|Q|138.20
ASML|ASML Holding N.V.|Q|865.40
TSM|Taiwan Semiconductor Manufacturing Company Limited|N|182.30
BABA|Alibaba Group Holding Limited|N|82.40
PDD|PDD Holdings Inc.|Q|128.60
JD|JD.com, Inc.|Q|28.40
BIDU|Baidu, Inc.|Q|92.30
NIO|NIO Inc.|N|5.40
RIVN|Rivian Automotive, Inc.|Q|12.60
LCID|Lucid Group, Inc.|Q|3.40
SOFI|SoFi Technologies, Inc.|Q|8.20
HOOD|Robinhood Markets, Inc.|Q|22.40
AFRM|Affirm Holdings, Inc.|Q|32.60
RBLX|Roblox Corporation|N|42.30
U|Unity Software Inc.|N|18.40
SNAP|Snap Inc.|N|10.60
PINS|Pinterest, Inc.|N|32.40
SPOT|Spotify Technology S.A.|N|345.20
ROKU|Roku, Inc.|Q|68.30
ZM|Zoom Video Communications, Inc.|Q|64.20
DOCU|DocuSign, Inc.|Q|58.40
OKTA|Okta, Inc.|Q|82.60
TWLO|Twilio Inc.|N|62.30
HUBS|HubSpot, Inc.|N|520.40
DASH|DoorDash, Inc.|Q|138.20
LYFT|Lyft, Inc.|Q|12.40
DKNG|DraftKings Inc.|Q|36.30
MSTR|MicroStrategy Incorporated|Q|165.40
MARA|Marathon Digital Holdings, Inc.|Q|18.20
RIOT|Riot Platforms, Inc.|Q|8.60
GME|GameStop Corp.|N|22.40
AMC|AMC Entertainment Holdings, Inc.|N|4.80
BB|BlackBerry Limited|N|2.40
NOK|Nokia Oyj|N|4.30
ERIC|Telefonaktiebolaget LM Ericsson|Q|7.20
SONY|Sony Group Corporation|N|88.40
TM|Toyota Motor Corporation|N|178.60
HMC|Honda Motor Co., Ltd.|N|30.20
NVO|Novo Nordisk A/S|N|118.40
AZN|AstraZeneca PLC|Q|76.30
GSK|GSK plc|N|40.20
SNY|Sanofi|Q|50.40
NVS|Novartis AG|N|112.30
UL|Unilever PLC|N|62.40
BP|BP p.l.c.|N|32.60
SHEL|Shell plc|N|68.40
TTE|TotalEnergies SE|N|66.30
RIO|Rio Tinto Group|N|64.20
BHP|BHP Group Limited|N|56.40
VALE|Vale S.A.|N|10.80
SAP|SAP SE|N|228.30
DEO|Diageo plc|N|128.40
BUD|Anheuser-Busch InBev SA/NV|N|60.20
HSBC|HSBC Holdings plc|N|44.30
UBS|UBS Group AG|N|30.60
MUFG|Mitsubishi UFJ Financial Group, Inc.|N|10.40
INFY|Infosys Limited|N|22.30
MELI|MercadoLibre, Inc.|Q|2050.00
SE|Sea Limited|N|82.40
NU|Nu Holdings Ltd.|N|13.60
CPNG|Coupang, Inc.|N|22.40
GRAB|Grab Holdings Limited|Q|3.80
DELL|Dell Technologies Inc.|N|118.40
APP|AppLovin Corporation|Q|88.30
VST|Vistra Corp.|N|98.40
FSLR|First Solar, Inc.|Q|215.30
ENTG|Entegris, Inc.|Q|112.40
WOLF|Wolfspeed, Inc.|N|10.20
ALNY|Alnylam Pharmaceuticals, Inc.|Q|265.30
MRNA|Moderna, Inc.|Q|62.40
BNTX|BioNTech SE|Q|108.30
ILMN|Illumina, Inc.|Q|138.40
EXAS|Exact Sciences Corporation|Q|62.30
ZTO|ZTO Express (Cayman) Inc.|N|22.40
CHWY|Chewy, Inc.|N|28.60
W|Wayfair Inc.|N|48.30
CVNA|Carvana Co.|N|162.40
Z|Zillow Group, Inc. Class C|Q|52.30
EL|The Estee Lauder Companies Inc.|N|82.40
CROX|Crocs, Inc.|Q|132.60
SKX|Skechers U.S.A., Inc.|N|64.30
ANF|Abercrombie & Fitch Co.|N|148.20
GPS|Gap, Inc.|N|22.40
M|Macy's, Inc.|N|15.60
KSS|Kohl's Corporation|N|18.30
DG|Dollar General Corporation|N|82.40
DLTR|Dollar Tree, Inc.|Q|72.30
BJ|BJ's Wholesale Club Holdings, Inc.|N|88.60
CAVA|CAVA Group, Inc.|N|118.40
SHAK|Shake Shack Inc.|N|102.30
WING|Wingstop Inc.|Q|345.20
TXRH|Texas Roadhouse, Inc.|Q|172.40
DRI|Darden Restaurants, Inc.|N|162.30
QSR|Restaurant Brands International Inc.|N|68.40
SPY|SPDR S&P 500 ETF Trust|A|575.30|E
QQQ|Invesco QQQ Trust|Q|492.40|E
IWM|iShares Russell 2000 ETF|A|218.60|E
DIA|SPDR Dow Jones Industrial Average ETF Trust|A|422.30|E
VOO|Vanguard S&P 500 ETF|A|528.40|E
VTI|Vanguard Total Stock Market ETF|A|282.30|E
IVV|iShares Core S&P 500 ETF|A|578.20|E
VEA|Vanguard FTSE Developed Markets ETF|A|51.40|E
VWO|Vanguard FTSE Emerging Markets ETF|A|45.30|E
EFA|iShares MSCI EAFE ETF|A|80.20|E
EEM|iShares MSCI Emerging Markets ETF|A|44.60|E
AGG|iShares Core U.S. Aggregate Bond ETF|A|100.40|E
BND|Vanguard Total Bond Market ETF|Q|74.30|E
TLT|iShares 20+ Year Treasury Bond ETF|Q|96.40|E
IEF|iShares 7-10 Year Treasury Bond ETF|Q|95.20|E
SHY|iShares 1-3 Year Treasury Bond ETF|Q|82.40|E
LQD|iShares iBoxx $ Investment Grade Corporate Bond ETF|A|110.30|E
HYG|iShares iBoxx $ High Yield Corporate Bond ETF|A|79.40|E
GLD|SPDR Gold Shares|A|245.60|E
SLV|iShares Silver Trust|A|28.40|E
USO|United States Oil Fund, LP|A|74.30|E
UNG|United States Natural Gas Fund, LP|A|14.20|E
XLF|Financial Select Sector SPDR Fund|A|46.30|E
XLK|Technology Select Sector SPDR Fund|A|228.40|E
XLE|Energy Select Sector SPDR Fund|A|92.30|E
XLV|Health Care Select Sector SPDR Fund|A|152.40|E
XLI|Industrial Select Sector SPDR Fund|A|132.60|E
XLY|Consumer Discretionary Select Sector SPDR Fund|A|198.30|E
XLP|Consumer Staples Select Sector SPDR Fund|A|82.40|E
XLU|Utilities Select Sector SPDR Fund|A|78.20|E
XLB|Materials Select Sector SPDR Fund|A|92.40|E
XLRE|Real Estate Select Sector SPDR Fund|A|44.30|E
XLC|Communication Services Select Sector SPDR Fund|A|92.60|E
SMH|VanEck Semiconductor ETF|Q|248.30|E
SOXX|iShares Semiconductor ETF|Q|228.40|E
ARKK|ARK Innovation ETF|A|52.30|E
TQQQ|ProShares UltraPro QQQ|Q|72.40|E
SQQQ|ProShares UltraPro Short QQQ|Q|8.60|E
SPXL|Direxion Daily S&P 500 Bull 3X Shares|A|162.30|E
UVXY|ProShares Ultra VIX Short-Term Futures ETF|Z|28.40|E
VXX|iPath Series B S&P 500 VIX Short-Term Futures ETN|Z|52.30|E
SCHD|Schwab U.S. Dividend Equity ETF|A|28.60|E
VIG|Vanguard Dividend Appreciation ETF|A|198.40|E
VYM|Vanguard High Dividend Yield ETF|A|128.30|E
VNQ|Vanguard Real Estate ETF|A|92.40|E
GDX|VanEck Gold Miners ETF|A|38.20|E
KRE|SPDR S&P Regional Banking ETF|A|58.40|E
XBI|SPDR S&P Biotech ETF|A|98.30|E
IBB|iShares Biotechnology ETF|Q|142.60|E
JETS|U.S. Global Jets ETF|A|22.40|E
KWEB|KraneShares CSI China Internet ETF|A|30.20|E
FXI|iShares China Large-Cap ETF|A|30.40|E
EWJ|iShares MSCI Japan ETF|A|70.30|E
EWZ|iShares MSCI Brazil ETF|A|28.60|E
INDA|iShares MSCI India ETF|Z|56.40|E
IEMG|iShares Core MSCI Emerging Markets ETF|A|56.30|E
IJH|iShares Core S&P Mid-Cap ETF|A|62.40|E
IJR|iShares Core S&P Small-Cap ETF|A|116.30|E
MDY|SPDR S&P MidCap 400 ETF Trust|A|565.20|E
RSP|Invesco S&P 500 Equal Weight ETF|A|178.40|E
QUAL|iShares MSCI USA Quality Factor ETF|Z|178.30|E
MTUM|iShares MSCI USA Momentum Factor ETF|Z|198.40|E
USMV|iShares MSCI USA Min Vol Factor ETF|Z|88.60|E
BITO|ProShares Bitcoin Strategy ETF|A|20.30|E
IBIT|iShares Bitcoin Trust ETF|Q|38.40|E
FBTC|Fidelity Wise Origin Bitcoin Fund|Z|58.30|E
TIP|iShares TIPS Bond ETF|A|110.20|E
BIL|SPDR Bloomberg 1-3 Month T-Bill ETF|A|91.60|E
SGOV|iShares 0-3 Month Treasury Bond ETF|A|100.50|E
JEPI|JPMorgan Equity Premium Income ETF|A|58.30|E
JEPQ|JPMorgan Nasdaq Equity Premium Income ETF|Q|54.20|E
DGRO|iShares Core Dividend Growth ETF|A|62.40|E
IWF|iShares Russell 1000 Growth ETF|A|372.30|E
IWD|iShares Russell 1000 Value ETF|A|188.40|E
VUG|Vanguard Growth ETF|A|392.60|E
VTV|Vanguard Value ETF|A|172.30|E
VGT|Vanguard Information Technology ETF|A|592.40|E
VB|Vanguard Small-Cap ETF|A|232.30|E
VO|Vanguard Mid-Cap ETF|A|262.40|E
VXUS|Vanguard Total International Stock ETF|Q|62.30|E
BNDX|Vanguard Total International Bond ETF|Q|50.20|E
EMB|iShares J.P. Morgan USD Emerging Markets Bond ETF|Q|92.40|E
ACWI|iShares MSCI ACWI ETF|Q|118.30|E
URA|Global X Uranium ETF|A|28.40|E
LIT|Global X Lithium & Battery Tech ETF|A|42.30|E
ICLN|iShares Global Clean Energy ETF|Q|14.20|E
TAN|Invesco Solar ETF|A|38.40|E
HACK|Amplify Cybersecurity ETF|A|72.30|E
SKYY|First Trust Cloud Computing ETF|Q|108.40|E
BOTZ|Global X Robotics & Artificial Intelligence ETF|Q|32.30|E
ITA|iShares U.S. Aerospace & Defense ETF|Z|148.40|E
XHB|SPDR S&P Homebuilders ETF|A|112.30|E
XRT|SPDR S&P Retail ETF|A|78.40|E
XOP|SPDR S&P Oil & Gas Exploration & Production ETF|A|138.60|E
OIH|VanEck Oil Services ETF|A|282.30|E
PAVE|Global X U.S. Infrastructure Development ETF|Z|40.20|E
DBC|Invesco DB Commodity Index Tracking Fund|A|22.40|E
DUOL|Duolingo, Inc.|Q|268.40
ONON|On Holding AG|N|48.30
CELH|Celsius Holdings, Inc.|Q|32.40
ELF|e.l.f. Beauty, Inc.|N|128.30
SMAR|Smartsheet Inc.|N|55.40
PATH|UiPath Inc.|N|12.60
S|SentinelOne, Inc.|N|24.30
ESTC|Elastic N.V.|N|82.40
GTLB|GitLab Inc.|Q|52.30
CFLT|Confluent, Inc.|Q|26.40
IOT|Samsara Inc.|N|42.30
BILL|Bill Holdings, Inc.|N|58.40
TOST|Toast, Inc.|N|28.30
FOUR|Shift4 Payments, Inc.|N|88.40
MNDY|monday.com Ltd.|Q|268.30
CYBR|CyberArk Software Ltd.|Q|278.40
CHKP|Check Point Software Technologies Ltd.|Q|182.30
WIX|Wix.com Ltd.|Q|168.40
TEVA|Teva Pharmaceutical Industries Limited|N|17.60
GFS|GLOBALFOUNDRIES Inc.|Q|42.30
QRVO|Qorvo, Inc.|Q|102.40
LSCC|Lattice Semiconductor Corporation|Q|52.30
MKSI|MKS Instruments, Inc.|Q|118.40
COHR|Coherent Corp.|N|88.30
CIEN|Ciena Corporation|N|58.40
JNPR|Juniper Networks, Inc.|N|38.60
UI|Ubiquiti Inc.|N|225.30
LOGI|Logitech International S.A.|Q|82.40
PSTG|Pure Storage, Inc.|N|52.30
NTNX|Nutanix, Inc.|Q|62.40
DT|Dynatrace, Inc.|N|52.30
MANH|Manhattan Associates, Inc.|Q|268.40
APPF|AppFolio, Inc.|Q|225.30
GWRE|Guidewire Software, Inc.|N|158.40
AZPN|Aspen Technology, Inc.|Q|228.30
SSNC|SS&C Technologies Holdings, Inc.|Q|72.40
FIS|Fidelity National Information Services, Inc.|N|82.30
WEX|WEX Inc.|N|182.40
ALLY|Ally Financial Inc.|N|36.30
CFG|Citizens Financial Group, Inc.|N|40.20
ZION|Zions Bancorporation, National Association|Q|48.40
CMA|Comerica Incorporated|N|58.30
FHN|First Horizon Corporation|N|16.40
EWBC|East West Bancorp, Inc.|Q|82.30
WAL|Western Alliance Bancorporation|N|78.40
LPLA|LPL Financial Holdings Inc.|Q|228.30
IBKR|Interactive Brokers Group, Inc.|Q|128.40
APO|Apollo Global Management, Inc.|N|118.30
BX|Blackstone Inc.|N|148.40
ARES|Ares Management Corporation|N|152.30
CG|The Carlyle Group Inc.|Q|42.40
OWL|Blue Owl Capital Inc.|N|18.30
TPG|TPG Inc.|Q|52.40
MKL|Markel Group Inc.|N|1580.00
RNR|RenaissanceRe Holdings Ltd.|N|245.30
KNSL|Kinsale Capital Group, Inc.|N|420.40
AFG|American Financial Group, Inc.|N|132.30
ORI|Old Republic International Corporation|N|34.40
UNM|Unum Group|N|56.30
LNC|Lincoln National Corporation|N|30.20
VOYA|Voya Financial, Inc.|N|72.40
EQH|Equitable Holdings, Inc.|N|40.30
RGA|Reinsurance Group of America, Incorporated|N|212.40
EOS|Eos Energy Enterprises, Inc.|Q|2.40
PLUG|Plug Power Inc.|Q|2.60
RUN|Sunrun Inc.|Q|16.30
SEDG|SolarEdge Technologies, Inc.|Q|22.40
BE|Bloom Energy Corporation|N|12.30
CHPT|ChargePoint Holdings, Inc.|N|1.80
QS|QuantumScape Corporation|N|5.40
OKLO|Oklo Inc.|N|10.30
SMR|NuScale Power Corporation|N|12.40
CCJ|Cameco Corporation|N|48.30
LEU|Centrus Energy Corp.|A|62.40
X|United States Steel Corporation|N|38.30
CLF|Cleveland-Cliffs Inc.|N|13.40
AA|Alcoa Corporation|N|36.30
MP|MP Materials Corp.|N|17.40
SCCO|Southern Copper Corporation|N|108.30
GOLD|Barrick Gold Corporation|N|19.40
AEM|Agnico Eagle Mines Limited|N|80.30
WPM|Wheaton Precious Metals Corp.|N|60.40
FNV|Franco-Nevada Corporation|N|128.30
PAAS|Pan American Silver Corp.|Q|20.40
AG|First Majestic Silver Corp.|N|6.30
KGC|Kinross Gold Corporation|N|9.40
EQT|EQT Corporation|N|36.30
AR|Antero Resources Corporation|N|28.40
RRC|Range Resources Corporation|N|32.30
CHK|Chesapeake Energy Corporation|Q|80.40
MRO|Marathon Oil Corporation|N|28.30
PXD|Pioneer Natural Resources Company|N|262.40
CNQ|Canadian Natural Resources Limited|N|34.30
SU|Suncor Energy Inc.|N|38.40
ENB|Enbridge Inc.|N|40.30
TRP|TC Energy Corporation|N|46.40
ET|Energy Transfer LP|N|16.30
EPD|Enterprise Products Partners L.P.|N|29.40
MPLX|MPLX LP|N|44.30
LNG|Cheniere Energy, Inc.|A|182.40
"""


def _parse() -> tuple[SymbolInfo, ...]:
    out: list[SymbolInfo] = []
    for line in _DATA.splitlines():
        if not line.strip():
            continue
        parts = line.split("|")
        mic, exchange = _VENUES[parts[2]]
        kind = "etf" if len(parts) > 4 and parts[4] == "E" else "stock"
        out.append(
            SymbolInfo(
                symbol=parts[0],
                name=parts[1],
                mic=mic,
                exchange=exchange,
                base_price=float(parts[3]),
                kind=kind,
            )
        )
    return tuple(out)


class SymbolTable:
    """An immutable, ordered set of instruments with lookup and ranked search.

    Example:
        >>> SYMBOLS.get("aapl").name
        'Apple Inc.'
        >>> [s.symbol for s in SYMBOLS.search("micro", limit=2)]
        ['MSFT', 'AMD']
    """

    def __init__(self, items: tuple[SymbolInfo, ...]) -> None:
        self._items = items
        self._by_symbol = {item.symbol: item for item in items}

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[SymbolInfo]:
        return iter(self._items)

    def __contains__(self, symbol: object) -> bool:
        return isinstance(symbol, str) and symbol.upper() in self._by_symbol

    def get(self, symbol: str) -> SymbolInfo | None:
        """The instrument for ``symbol`` (case-insensitive), or None."""
        return self._by_symbol.get(symbol.strip().upper())

    def search(self, query: str, limit: int = 20) -> list[SymbolInfo]:
        """Rank instruments for a search box.

        Order: exact ticker, ticker prefix (shorter first), a name word starting with the query,
        then the query anywhere in the name; ties keep table order. ``/`` searches futures only;
        other queries skip futures.
        """
        text = query.strip().upper()
        if not text or limit <= 0:
            return []
        futures_only = text.startswith("/")
        scored: list[tuple[int, int, int, SymbolInfo]] = []
        for position, item in enumerate(self._items):
            if (item.kind == "future") != futures_only:
                continue
            name = item.name.upper()
            if item.symbol == text:
                rank = 0
            elif item.symbol.startswith(text):
                rank = 1
            elif any(word.startswith(text) for word in name.replace(",", " ").split()):
                rank = 2
            elif len(text) >= 2 and text in name:
                rank = 3
            else:
                continue
            scored.append((rank, len(item.symbol) if rank == 1 else 0, position, item))
        scored.sort(key=lambda entry: entry[:3])
        return [entry[3] for entry in scored[:limit]]


SYMBOLS = SymbolTable(_parse() + INDICES + FUTURES)
"""Every instrument the simulator knows."""
