"""Where finance-dev's calls went: the :class:`AttributeError` of a resource asked for an
official method name (``client.accounts.get_account_balance``) names ours
(``client.accounts.balance``), and the client's, asked for an official group that has another
name here (``client.calendar``, ``client.websocket``), names that, so that a bot moved over line
by line finds each call."""

from __future__ import annotations

import functools
from collections import defaultdict

from aries_async.apispec import operations

__all__ = ["missing_attribute"]


@functools.cache
def _moved() -> dict[str, str]:
    """Official method name -> where each call of that name went ("finance-dev's X is Y")."""
    said: defaultdict[str, list[str]] = defaultdict(list)
    for op in operations():
        method = op["official"].rpartition(".")[2]
        ours = op["covered_by"] or f"{op['group']}.{op['name']}"
        said[method].append(f"finance-dev's {op['official']} is client.{ours}")
    return {name: "; ".join(where) for name, where in said.items()}


@functools.cache
def _groups() -> dict[str, str]:
    """Official group -> where it went, for the groups named otherwise here."""
    said = {
        "websocket": "finance-dev's websocket.market, .chart and .account are "
        "client.market_stream(), chart_stream() and account_stream(account_id)"
    }
    for op in operations():
        official = op["official"].rpartition(".")[0]
        if official != op["group"] and "." not in official:
            said[official] = f"finance-dev's {official} is client.{op['group']}"
    return said


def missing_attribute(owner: object, name: str, *, group: bool = False) -> AttributeError:
    """The error of ``owner.name`` not found: Python's, plus where the official call (or, with
    ``group``, the official group) of that name went when there is one. Private and dunder
    names never load the API description (copy, pickle and introspection probe those)."""
    message = f"{type(owner).__name__!r} object has no attribute {name!r}"
    where = None if name.startswith("_") else (_groups() if group else _moved()).get(name)
    if where is not None:
        message += f": {where}"
    return AttributeError(message, name=name, obj=owner)
