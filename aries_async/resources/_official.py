"""Where finance-dev's calls went: the :class:`AttributeError` of a resource asked for an
official method name (``client.accounts.get_account_balance``) names ours
(``client.accounts.balance``), so that a bot moved over line by line finds each call."""

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


def missing_attribute(owner: object, name: str) -> AttributeError:
    """The error of ``owner.name`` not found: Python's, plus where the official call of that
    name went when there is one. Private and dunder names never load the API description
    (copy, pickle and introspection probe those)."""
    message = f"{type(owner).__name__!r} object has no attribute {name!r}"
    where = None if name.startswith("_") else _moved().get(name)
    if where is not None:
        message += f": {where}"
    return AttributeError(message, name=name, obj=owner)
