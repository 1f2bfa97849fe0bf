"""Option legs that close a position: the simulator's check of ``positionEffect``.

The spec says what ``CLOSE`` means, not what the server does with one that has nothing to
close: the SDK's models document ``OPEN`` as "a new position" and ``CLOSE`` as "when closing an
existing position" ("closes an existing position (or reduces it)"). The simulator takes that
at its word, as it refuses an equity ``SELL`` of shares the account does not hold: an option
leg marked ``CLOSE`` (or ``C``) must have, in the account, a position on the other side of
at least the contracts it trades (the order's quantity x the leg's ``ratioQty``); a sold leg
closes a long position, a bought leg a short one. Otherwise the order is refused (``no
position to close``), at placement, in the preview's ``errors`` and on a replace.

A single leg trades on the order's side (as the fill does: a ``SELL`` order's leg sells);
a spread's legs on their own. Only option legs are checked; ``OPEN`` legs are not (a bought
leg marked ``OPEN`` against a short position still nets against it, as fills do).

The switch :attr:`State.check_closing_legs <aries_async.sim.state.State>` (CLI
``--unchecked-closes`` turns it off) stands for a server that does not check.

Stock, by the sides as finance-dev defines them (rest.md lists them): a ``SELL`` sells
shares held, a ``BUY_TO_COVER`` covers a short, a ``SELL_SHORT`` sells shares the account
does not own (:func:`unbacked_stock_close`). The shares the working orders of the same side
already sell (or cover) are spoken for, as a broker's "shares available" are: an order
beyond what is left is refused at intake (placement, preview, replace) with the counts in
its reason, and so is a ``SELL_SHORT`` while the account is long (the shares held are sold
with ``SELL`` first), so the position never crosses zero without a ``SELL_SHORT`` (or a
``BUY``). Refused at intake: the bot learns at once, as it would from a broker, and an order
once accepted fills as the touch allows -- within what its side may still trade when it
fills (:func:`deliverable`): another order filling first can take that away (a resting
short sale, placed flat, meets an account a buy made long; a ``BUY`` covers what a working
``BUY_TO_COVER`` was to), and the matcher then cancels what is left rather than cross zero.

The spec says nothing of a ``SELL_SHORT`` sent while long (finance-dev only defines the
side): refusing it is the simulator's reading. The switch
:attr:`Faults.short_sale_while_long <aries_async.sim.faults.Faults>` (CLI
``--short-sale-while-long``) stands for a server that takes it: the sale then nets against the
shares held (positions are net), at intake and when it fills.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from aries_async.sim.option_quotes import leg_ratio, leg_symbol
from aries_async.sim.records import SimOrder, SimPosition, decimal_text

__all__ = ["NO_POSITION_TO_CLOSE", "deliverable", "unbacked_close", "unbacked_stock_close"]

NO_POSITION_TO_CLOSE = "no position to close"
"""The refusal's reason (``ordRejReason``, a preview's ``errors`` entry)."""


def unbacked_close(
    positions: Mapping[str, SimPosition],
    legs: Sequence[Mapping[str, Any]],
    side: str,
    quantity: Decimal,
) -> str | None:
    """Why an order of ``quantity`` on ``side`` with ``legs`` cannot close what they say they
    close in an account holding ``positions`` (by symbol), or None."""
    for leg in legs:
        if leg.get("positionEffect") != "CLOSE" or leg.get("securityType") != "OPTION":
            continue
        # One leg trades on the order's side (as it fills), a spread's on their own.
        one = len(legs) == 1
        buying = side in ("BUY", "BUY_TO_COVER") if one else leg.get("side") == "BUY"
        symbol = leg_symbol(leg)
        held = positions.get(symbol) if symbol else None
        contracts = quantity * leg_ratio(leg)
        # A bought leg closes a short position, a sold one a long one.
        closable = -held.quantity if held and buying else held.quantity if held else Decimal(0)
        if closable < contracts:
            return NO_POSITION_TO_CLOSE
    return None


def unbacked_stock_close(
    held: Decimal,
    orders: Sequence[SimOrder],
    spec: Mapping[str, Any],
    replacing: SimOrder | None = None,
    *,
    short_while_long: bool = False,
) -> str | None:
    """Why a stock order ``spec`` (a ``SELL`` or ``BUY_TO_COVER``) is beyond the position of
    ``held`` shares (negative: short) once the account's working ``orders`` of its side on its
    symbol are counted (``replacing``, the order it would replace, not), or a ``SELL_SHORT``
    is sent while the account is long (unless ``short_while_long``: a server that takes it);
    None when neither."""
    side, symbol = spec["side"], spec["symbol"]
    if side == "SELL_SHORT" and held > 0 and not short_while_long:
        return (
            f"a short sale while long: {decimal_text(held)} held; SELL the shares held before"
            " selling short"
        )
    if side == "SELL":
        has = max(held, Decimal(0))
    elif side == "BUY_TO_COVER":
        has = max(-held, Decimal(0))
    else:
        return None
    working = sum(
        (
            o.leaves_qty
            for o in orders
            if o.working
            and not o.legs
            and o is not replacing
            and o.symbol == symbol
            and o.side == side
        ),
        Decimal(0),
    )
    if spec["qty"] <= has - working:
        return None
    if not working:
        return (
            "insufficient position to sell; use SELL_SHORT"
            if side == "SELL"
            else "no short position to cover"
        )
    what = "sell" if side == "SELL" else "cover"
    return (
        f"insufficient position to {what}: {decimal_text(has)} held, {decimal_text(working)}"
        f" in working {side} orders"
    ) + ("; use SELL_SHORT" if side == "SELL" else "")


def deliverable(
    side: str, held: Decimal, *, short_while_long: bool = False
) -> tuple[Decimal, str] | None:
    """How much a stock order on ``side`` may fill now that the account holds ``held``
    shares (negative: short), and what its ``text`` says of the rest it then cannot; None
    for no limit (a ``BUY``, a ``SELL_SHORT`` from a flat or short account, or from a long
    one with ``short_while_long``)."""
    if side == "SELL":
        return max(held, Decimal(0)), "no shares left to sell; the rest canceled"
    if side == "BUY_TO_COVER":
        return max(-held, Decimal(0)), "no short position left to cover; the rest canceled"
    if side == "SELL_SHORT" and held > 0 and not short_while_long:
        return Decimal(0), "the account is long: a short sale cannot sell shares held; canceled"
    return None
