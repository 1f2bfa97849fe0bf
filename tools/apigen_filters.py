"""The query filters that operations share, for ``tools/generate_api.py``.

Many operations take families of optional query parameters around one field: ``cik``,
``cikAfter``, ``cikFrom``, ``cikBefore``, ``cikTo``; ``fiscalYear``, ``fiscalYearMin`` ...
Spelled out in every signature and docstring they were most of the generated code, the same
fifty lines in ``cash_flow_statements`` and ``income_statements``. Here each family becomes one
``TypedDict`` (``aries_async/resources/generated/_filters.py``), each key typed and documented
once; an operation with several families gets a ``TypedDict`` that inherits them (shared by
every operation with the same families), and its method takes ``**filters: Unpack[...]``: the
keyword names stay what they were, mypy checks them, and the runtime checks the values by name
against the description as it does for every other parameter. The families on dates and on
numbers have modules of their own (:data:`PARTS`), which ``_filters`` re-exports.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from aries_async.apispec.naming import field_name, group_class
from tools.apigen_models import HEADER, all_lines, docline, import_lines, wrap

MODULE = "aries_async.resources.generated._filters"

PARTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "_date_filters": ("dates and times", ("date", "date-time")),
    "_number_filters": ("numbers", ("integer", "number")),
}
"""Module -> what its families filter, and the kinds of value (a schema's format, else its type)
that are that. The other families (text), the combinations of families that methods take and
the shared ``Literal`` choices stay in ``_filters``, which exports these modules' names too:
one module of every family would be longer than a module may be."""


SUFFIXES: tuple[str, ...] = ("AnyOf", "AllOf", "After", "From", "Before", "To", "Above", "Min")
SUFFIXES += ("Below", "Max", "Gte", "Gt", "Lte", "Lt")
"""The endings of a filter's variants (``tickerAnyOf``, ``priceAbove``, ``strikePriceGte``)."""


def _stem(wire: str) -> str:
    for suffix in SUFFIXES:
        if wire.endswith(suffix) and len(wire) > len(suffix):
            return wire[: -len(suffix)]
    return wire


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


class Filters:
    """The filter families of a set of operations, and the ``TypedDict`` each method takes."""

    def __init__(self, ops: list[dict[str, Any]], param_type: Callable[[dict[str, Any]], str]):
        self._literal = param_type
        self.enums = _shared_enums(ops)
        param_type = self.annotation
        # family key (the sorted (name, wire, annotation) of its keys) -> its params, in order
        self.families: dict[tuple[tuple[str, str, str], ...], list[dict[str, Any]]] = {}
        self.of_op: dict[str, list[tuple[tuple[str, str, str], ...]]] = {}
        for op in ops:
            stems: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for param in op["params"]:
                if param["in"] == "query" and not param["required"]:
                    stems[_stem(param["wire"])].append(param)
            keys = []
            for params in stems.values():
                if len(params) > 1:
                    key = tuple(sorted((p["name"], p["wire"], param_type(p)) for p in params))
                    self.families.setdefault(key, params)
                    keys.append(key)
            if keys:
                self.of_op[op["id"]] = keys
        self.names = self._family_names()
        # the TypedDict each method takes: its one family, or one that inherits its families
        by_set: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
        for op in ops:
            if op["id"] in self.of_op:
                by_set[tuple(self.of_op[op["id"]])].append(op)
        self.combined: dict[str, tuple[list[str], list[dict[str, Any]]]] = {}
        self.of_method: dict[str, str] = {}
        for family_keys, users in by_set.items():
            if len(family_keys) == 1:
                name = self.names[family_keys[0]]
            else:
                name = _combined_name(users)
                assert name not in self.combined, name
                assert name not in self.names.values(), name
                self.combined[name] = ([self.names[k] for k in family_keys], users)
            for op in users:
                self.of_method[op["id"]] = name

    def _family_names(self) -> dict[tuple[tuple[str, str, str], ...], str]:
        """``CikFilters``; a stem with several families names the smaller ones by their
        variants (``DateFromToFilters``)."""
        by_stem: dict[str, list[tuple[tuple[str, str, str], ...]]] = defaultdict(list)
        for key, params in self.families.items():
            by_stem[_stem(params[0]["wire"])].append(key)
        names = {}
        for stem, keys in by_stem.items():
            keys.sort(key=lambda k: (-len(k), k))
            for index, key in enumerate(keys):
                ends = [w[len(stem) :] or "Is" for _, w, _ in key] if index else []
                variant = "".join(sorted(ends, key=lambda e: (e != "Is", e)))
                # named in the keys' vocabulary: ``avgDailyVolume`` -> ``AverageDailyVolume``
                names[key] = f"{_camel(field_name(stem).rstrip('_'))}{variant}Filters"
        assert len(set(names.values())) == len(names), names
        return names

    def annotation(self, param: dict[str, Any]) -> str:
        """A parameter's type: a shared ``Literal`` by its name, else spelled out."""
        return self.enums.get(tuple(param["schema"].get("enum", ())), "") or self._literal(param)

    def method_params(self, op: dict[str, Any]) -> set[str]:
        """The Python names of ``op``'s parameters that its ``**filters`` carries."""
        return {name for key in self.of_op.get(op["id"], []) for name, _, _ in key}

    def modules(self) -> dict[str, str]:
        """Module name -> text: ``_filters`` (the text families, then the combinations methods
        take, and the shared choices), and a module of families for each of :data:`PARTS`."""
        bodies: dict[str, list[str]] = {part: [] for part in ["_filters", *PARTS]}
        exported: dict[str, list[str]] = {part: [] for part in bodies}
        for key, name in sorted(self.names.items(), key=lambda item: item[1]):
            params = self.families[key]
            kind = params[0]["schema"].get("format", params[0]["schema"]["type"])
            part = next((p for p, (_, kinds) in PARTS.items() if kind in kinds), "_filters")
            bodies[part] += self._family(name, params, kind)
            exported[part].append(name)
        body = bodies["_filters"]
        for name, (bases, users) in sorted(self.combined.items()):
            methods = ", ".join(f"``{op['group']}.{op['name']}()``" for op in users)
            head = f"class {name}({', '.join(bases)}, total=False):"
            if len(head) > 100:
                head = "\n".join(
                    [f"class {name}(", *[f"    {b}," for b in bases], "    total=False,", "):"]
                )
            body += ["", "", head]
            keys = ", ".join(f":class:`{base}`" for base in bases)
            body += _doc(f"The query filters of {methods}: the keys of {keys}.")
        aliases = []
        for values, name in sorted(self.enums.items(), key=lambda item: item[1]):
            aliases += ["", f"{name}: TypeAlias = Literal["]
            aliases += [*wrap(", ".join(json.dumps(v) for v in values) + ",", " " * 4), "]"]
            aliases.append(
                f'"""The values of ``{name}`` (a ``Literal`` several operations take)."""'
            )
        package = MODULE.rsplit(".", 1)[0]
        texts = {}
        for part, (what, kinds) in PARTS.items():
            doc = (
                f"The families of query filters on {what} (a schema format or type "
                f"{' or '.join(f'``{kind}``' for kind in kinds)}) that operations share: one "
                f"``TypedDict`` a family, exported by ``_filters`` with the other filters. "
                f"{HEADER}"
            )
            texts[part] = _module(doc, bodies[part], exported[part], {})
        where = " and those ".join(
            f"on {what} (from ``{part}``)" for part, (what, _) in PARTS.items()
        )
        doc = (
            "Query filters and parameter choices that operations share: one ``TypedDict`` a "
            "family of filters, which a method takes as keyword arguments (``**filters``), "
            "and one ``Literal`` a set of choices several parameters take. Here are the families "
            "on text, their combinations that methods take and the choices; this module exports "
            f"every filter, also the families {where}. {HEADER}"
        )
        moved = {f"{package}.{part}": exported[part] for part in PARTS}
        names = [*self.enums.values(), *self.names.values(), *self.combined]
        texts["_filters"] = _module(doc, [*aliases, *body], names, moved)
        return texts

    def _family(self, name: str, params: list[dict[str, Any]], kind: str) -> list[str]:
        """The ``TypedDict`` of one family of filters."""
        stem = _stem(params[0]["wire"])
        keys = ", ".join(
            f"``{p['name']}``" + (f" (``{p['wire']}``)" if p["wire"] != p["name"] else "")
            for p in params
        )
        doc = f"The ``{stem}`` filters ({kind}), keys (and wire names): {keys}."
        lines = ["", "", f"class {name}(TypedDict, total=False):", *_doc(doc)]
        return lines + [f"    {p['name']}: {self.annotation(p)} | None" for p in params]


def _module(doc: str, body: list[str], names: list[str], imported: dict[str, list[str]]) -> str:
    """A module of filters: docstring, imports (the names ``body`` uses, and every name of
    ``imported``: module -> names), ``__all__`` (``names``, sorted), then ``body``."""
    text = "\n".join(body)
    stdlib = {
        "collections.abc": ["Sequence"],
        "datetime": ["date", "datetime"],
        "decimal": ["Decimal"],
        "typing": ["Literal", "TypeAlias", "TypedDict"],
    }
    lines = [*docline(doc), "", "from __future__ import annotations", ""]
    lines += import_lines(text, stdlib)
    everything = " ".join(name for names in imported.values() for name in names)
    lines += ["", *import_lines(everything, imported)] if imported else []
    lines += ["", *all_lines(sorted(names))]
    return "\n".join(lines) + "\n" + text + "\n"


def _shared_enums(ops: list[dict[str, Any]]) -> dict[tuple[str, ...], str]:
    """The choices (three or more) that several parameters share -> the name of their
    ``Literal``: the parameter's, with its first group's where two sets share a name."""
    users: dict[tuple[str, ...], list[tuple[str, str]]] = defaultdict(list)
    for op in ops:
        for param in op["params"]:
            values = tuple(param["schema"].get("enum", ()))
            if len(values) > 2:
                users[values].append((param["name"], op["group"]))
    shared = {values: found for values, found in users.items() if len(found) > 1}
    names: dict[tuple[str, ...], str] = {}
    for values, found in shared.items():
        name = _camel(found[0][0].rstrip("_"))
        if sum(other[0][0] == found[0][0] for other in shared.values()) > 1:
            name = group_class(found[0][1]) + name
        names[values] = name
    assert len(set(names.values())) == len(names), names
    return names


def _doc(text: str) -> list[str]:
    one = f'    """{text}"""'
    if len(one) <= 100:
        return [one]
    return [*wrap('"""' + text, " " * 4), '    """']


def _combined_name(users: list[dict[str, Any]]) -> str:
    """``FinancialsStatementsFilters`` for ``cash_flow_statements`` and ``income_statements``:
    the group, and the words the methods' names end with (all of the first's when none)."""
    words = [op["name"].split("_") for op in users]
    common: list[str] = []
    while (
        all(len(w) > len(common) for w in words) and len({w[-len(common) - 1] for w in words}) == 1
    ):
        common.insert(0, words[0][-len(common) - 1])
    return group_class(users[0]["group"]) + _camel("_".join(common or words[0])) + "Filters"
