"""Which generated models are the same model under another name, for ``tools/generate_api.py``.

The API's schemas name one shape several times (``IndexBarResponseBar`` and
``IndexBarsResponseBar``, the ``...ResponseData`` wrappers of the same record). Each such
shape is generated once; its other names become aliases (``IndexBarsResponseBar =
IndexBarResponseBar``): every name stays importable, ``isinstance`` holds under any of them,
and the code says once what the fields are.

Two models are the same when their classes, rendered, differ only in their own names and in
the names of models that are themselves the same (a list of ``IndexBarsResponseBar`` is a list
of ``IndexBarResponseBar``): found by refining the groups until they no longer change. The
model that stays a class is the one of the module that sorts first (``_shared`` before the
groups), so a module imports aliases' classes only from modules before it: no import cycles.

A schema that a hand-written model reads (:data:`HAND_WRITTEN`) is no class of its own either:
its generated name is that model, so that one wire object has one class.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from typing import Any

WORD = re.compile(r"\b[A-Z]\w*\b")

HAND_WRITTEN = {
    "EquityDetailsDTO": "aries_async.models.market.EquityDetails",
    "GetEquityDetailsResponse": "aries_async.models.market.EquityDetailsResponse",
    "GetOptionDetailsResponse": "aries_async.models.market.OptionDetailsResponse",
    "OptionDetailsDTO": "aries_async.models.market.OptionDetails",
    "SymbolError": "aries_async.models.market.SymbolError",
}
"""Schema name -> the hand-written model that reads it (``module.Class``): the models the
package exported before the generated ones existed, with the old names they still read
(deprecated aliases) and the house types (a size is a ``Decimal``). The generated name is
bound to that class, and the generated methods answer with it; ``tests/unit/test_models_agree.py``
holds each to its schema's fields and types."""


def hand_written(name: str) -> tuple[str, str] | None:
    """(module, class) of the hand-written model that schema ``name`` is, if one is."""
    path = HAND_WRITTEN.get(name)
    if path is None:
        return None
    module, cls = path.rsplit(".", 1)
    return module, cls


def aliases(
    owners: dict[str, str], render: Callable[[str], list[str]], natural: Callable[[str], Any]
) -> dict[str, str]:
    """Alias name -> the name of the class it stands for, over the models of ``owners``
    (name -> module); ``render(name)`` is the class's text without its docstring."""
    texts = {name: render(name) for name in owners}
    canon = {name: name for name in owners}
    while True:
        groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
        for name, lines in texts.items():
            key = tuple(_words(line, name, canon) for line in lines)
            groups[key].append(name)
        changed = False
        for names in groups.values():
            first = min(names, key=lambda n: (owners[n], natural(n)))
            for name in names:
                if canon[name] != first:
                    canon[name], changed = first, True
        if not changed:
            return {name: first for name, first in canon.items() if name != first}


def _words(line: str, own: str, canon: dict[str, str]) -> str:
    """``line`` with every model named by its group's first (its own name as ``Self``)."""

    def one(match: re.Match[str]) -> str:
        word = match.group(0)
        return "Self" if word == own else canon.get(word, word)

    return WORD.sub(one, line)
