"""Write the typed models and methods of every operation from ``aries_async/apispec``.

    python tools/generate_api.py          # rewrite the generated modules
    python tools/generate_api.py --check  # exit 1 when the committed ones are stale

Output (committed; a test fails when it is stale):

* ``aries_async/models/generated/<group>.py``: an attrs model for every schema that an operation
  without a hand-written method answers with or takes in its body (schemas used by several
  groups in ``_shared.py``, a large group's in modules ``apigen_models.SUBMODULES`` names);
  ``__init__.py`` exports them all;
* ``aries_async/resources/generated/<group>.py``: a class per group with one typed async method
  per operation (a paginated one returns :class:`~aries_async.http.pagination.Paged`: awaited,
  one page; iterated with ``async for``, every item); each method's
  body is one call into :mod:`aries_async.resources._operation`, which does the work;
* ``aries_async/resources/generated/__init__.py``: the client's group properties.

Operations with ``covered_by`` keep their hand-written methods and get nothing here.
"""

from __future__ import annotations

import json
import keyword
import re
import sys
import textwrap
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aries_async.apispec import operations, schemas  # noqa: E402
from aries_async.apispec.amounts import is_decimal_string, query_amount  # noqa: E402
from aries_async.apispec.naming import (  # noqa: E402
    BODY_PARAMS,
    TIME_TEXT,
    field_name,
    group_class,
    group_module,
    query_time,
    ref_name,
    spell_out,
    variants,
)
from aries_async.apispec.ranges import COUNT_PARAMS  # noqa: E402
from tools.apigen_alias import aliases, hand_written  # noqa: E402
from tools.apigen_filters import Filters  # noqa: E402
from tools.apigen_models import (  # noqa: E402
    HEADER,
    STDLIB,
    Types,
    all_lines,
    answers_of,
    class_text,
    docline,
    import_lines,
    model_module,
    models_index,
    module_text,
    natural,
    owners_of,
    wrap,
)

FILTERS = "aries_async.resources.generated._filters"
ERRORS = (
    "Raises ``ValidationError`` (nothing sent), ``PermissionDeniedError`` (403) or another "
    "``APIError``: see :class:`Operations`."
)
"""The sentence on errors every generated method's docstring ends its paragraph with: what it
raises, by name, for a hover; ``Operations`` says once when and with what message."""
MODELS = "aries_async/models/generated"
RESOURCES = "aries_async/resources/generated"

HAND_WRITTEN = {"market": "aries_async.resources.market"}
"""Groups whose resource class is hand-written: it inherits the generated methods."""


LIST_PARAMS = ("AnyOf", "AllOf", "List")
LIST_WIRES = frozenset(
    {
        "symbols",
        "tickers",
        "identifiers",
        "ciks",
        "dates",
        "fields",
        "topics",
        "searchKeys",
        "adjustmentTypes",
        "distributionTypes",
        "settlementDates",
    }
)
"""String parameters that carry comma-separated lists: they also take a sequence."""


_PAGING = {
    "page": "page numbers: ``page`` counts up",
    "next_url": "each page's ``nextUrl`` is followed",
    "next_page": "each page's ``{next}`` token is sent back as ``{param}``",
    "cursor": "each page's ``nextCursor`` is sent back",
}


def _arg(text: str) -> list[str]:
    """An ``Args:`` entry, its continuation lines indented under it."""
    lines = textwrap.wrap(text, 100, initial_indent=" " * 12, subsequent_indent=" " * 16)
    return lines


# -- operations -> methods ------------------------------------------------------------------


def _param_type(param: dict[str, Any]) -> str:
    schema = param["schema"]
    kind = schema.get("type")
    if "enum" in schema:
        return "Literal[" + ", ".join(json.dumps(v) for v in schema["enum"]) + "]"
    when = query_time(param["wire"], schema)
    if param["wire"] in COUNT_PARAMS:
        return "int | str" if kind == "string" else "int"
    if kind == "string":
        if schema.get("format") == "date":
            return "date"
        if when:
            return "str | date" if when == "date" else "str | datetime | date"
        if query_amount(param["wire"]):
            return "Decimal | int | str"
        if param["wire"] in LIST_WIRES or param["wire"].endswith(LIST_PARAMS):
            return "str | Sequence[str]"
        return "str"
    if kind == "integer" and when:
        return "int | datetime"
    return {"integer": "int", "number": "Decimal | float", "boolean": "bool"}[kind]


def _kind(prop: dict[str, Any], owner: str = "", wire: str = "") -> str:
    """What a body field is, in the words of the ``Args:`` section."""
    alt = next((a for a in variants(prop) if a.get("type") != "null"), {})
    if alt.get("type") == "string" and is_decimal_string(owner, wire):
        return "decimal"
    name = ref_name(alt)
    if name:
        return f":class:`{name}`"
    if alt.get("type") == "array":
        return "list of " + _kind(alt.get("items", {}))
    return str(alt.get("format", alt.get("type", "any value")))


def _body_needs(op: dict[str, Any], types: Types) -> str | None:
    """``The body needs a and b, or c.`` for a body of alternative forms."""
    body = op["body"]
    if not body or "properties" in body["schema"] or body["schema"].get("type") == "array":
        return None
    forms = []
    for alt in variants(body["schema"]):
        owner = str(ref_name(alt))
        wires = types.defs[owner].get("required", [])
        forms.append(" and ".join(field_name(w, owner) for w in wires))
    return f"The body needs {', or '.join(forms)}."


def _body_params(op: dict[str, Any], types: Types) -> list[tuple[str, str, bool, str, str]]:
    """(python name, annotation, required, wire description, wire name) of the body's
    parameters."""
    body = op["body"]
    if not body:
        return []
    schema = body["schema"]
    if schema.get("type") == "array":
        item = ref_name(schema["items"])
        types.used.add(str(item))
        name = BODY_PARAMS.get(op["id"], "body")
        annotation = f"Sequence[{item} | Mapping[str, Any]]"
        return [(name, annotation, True, "the JSON array body", "(body)")]
    found: dict[str, tuple[str, str, bool, str, str]] = {}
    alternatives = [schema] if "properties" in schema else variants(schema)
    for alt in alternatives:
        owner = ref_name(alt) or op["id"]
        target = types.defs[owner] if ref_name(alt) else alt
        required = set(target.get("required", [])) if len(alternatives) == 1 else set()
        for wire_name, prop in target["properties"].items():
            py = field_name(wire_name, owner)
            annotation, _ = types.annotation(prop, owner, wire_name)
            annotation = annotation.replace("list[", "Sequence[")
            for model in types.used:
                annotation = annotation.replace(f"[{model}]", f"[{model} | Mapping[str, Any]]")
            if annotation == "Decimal":
                annotation = "Decimal | int | str"
            where = f"body ``{wire_name}``, {_kind(prop, owner, wire_name)}"
            first = found.setdefault(py, (py, annotation, wire_name in required, where, wire_name))
            _unique(op, py, wire_name, first[4])
    return list(found.values())


def _unique(op: dict[str, Any], name: str, wire: str, other: str) -> None:
    """Fail loudly when two wire names of one method get one Python name, or when a name is
    not in the package's vocabulary (:data:`~aries_async.apispec.naming.ABBREVIATIONS`)."""
    if spell_out(name) != name:
        raise SystemExit(
            f"{op['id']}: parameter {name!r} ({wire!r}) should be {spell_out(name)!r} "
            "(naming.ABBREVIATIONS; rerun tools/derive_apispec.py)"
        )
    if wire != other:
        raise SystemExit(
            f"{op['id']}: {wire!r} and {other!r} are both parameter {name!r} "
            "(naming.ABBREVIATIONS spells words out)"
        )


def _result(op: dict[str, Any], types: Types) -> tuple[str, str]:
    """(return annotation, what the docstring says is returned)."""
    if op["response"]["content_type"].startswith("text/"):
        kind = "datetime" if op["id"] in TIME_TEXT else "str"
        types.names.add(kind)
        return kind, f"the server's answer (``text/plain``) as an aware UTC ``{kind}``"
    alts, _ = types._flat(op["response"]["schema"])
    alt = alts[0]
    if alt.get("type") == "array":
        item = ref_name(alt["items"])
        types.used.add(str(item))
        return f"builtins.list[{item}]", f"a list of :class:`{item}` (``[]`` for ``null``)"
    name = str(ref_name(alt))
    types.used.add(name)
    hand = hand_written(name)
    shown = hand[1] if hand else name  # the class, not the schema's name for it
    return shown, f":class:`{shown}`"


def _items(op: dict[str, Any], types: Types) -> str:
    """The annotation of one item of a paginated operation's pages: the class the description
    names (``item``, a hand-written one its page model reads, ``rows``: the tick history's
    bars), else the model of the list at the ``items`` path."""
    if "item" in op["pagination"]:
        return str(op["pagination"]["item"]).rsplit(".", 1)[1]
    page_schema = types._flat(op["response"]["schema"])[0][0]
    current = [types.defs[str(ref_name(page_schema))]]
    path = op["pagination"]["items"].split(".")
    for step in path:
        nxt = []
        for schema in current:
            for alt in types._flat(schema["properties"][step])[0]:
                if alt.get("type") == "array":
                    alt = alt["items"]
                name = ref_name(alt)
                nxt.append(types.defs[str(name)])
                types.used.add(str(name))
                if step == path[-1]:
                    nxt[-1] = {"name": name}
        current = nxt
    return " | ".join(dict.fromkeys(str(c["name"]) for c in current))


def _signature(
    op: dict[str, Any], types: Types, filters: Filters
) -> tuple[list[str], list[str], list[str]]:
    """The parameter lines, the paragraph saying where the path and query parameters go, and
    the ``Args:`` lines (the body's fields, which need words: their models, which are needed)."""
    shared = filters.method_params(op)
    params = sorted(
        (p for p in op["params"] if p["name"] not in shared),
        key=lambda p: (not p["required"], p["in"] != "path"),
    )
    positional, keyword_only, docs = [], [], []
    places: dict[str, list[str]] = defaultdict(list)
    for param in params:
        annotation = filters.annotation(param)
        kinds = ("date", "datetime", "Decimal", "Sequence", "Literal")
        types.names.update(n for n in kinds if re.search(rf"\b{n}\b", annotation))
        schema = param["schema"]
        only = schema["enum"][0] if len(schema.get("enum", ())) == 1 else None
        if only is not None:  # a required value with one choice is not the caller's to give
            keyword_only.append(f"{param['name']}: {annotation} = {json.dumps(only)}")
        elif param["required"]:
            positional.append(f"{param['name']}: {annotation}")
        else:
            keyword_only.append(f"{param['name']}: {annotation} | None = None")
        # Types, choices and defaults are in the signature; the wire name where it is not the
        # keyword (``Operations`` says the rule once).
        item = f"``{param['name']}``"
        if param["wire"] != param["name"]:
            item += f" as ``{param['wire']}``"
        if only is not None:
            item += f", always {only!r}"
        places[param["in"]].append(item)
    if shared:
        name = filters.of_method[op["id"]]
        places["query"].append(f"the keys of :class:`{name}` (``**filters``)")
    where = [f"In the {place}: {_and(items)}." for place, items in sorted(places.items()) if items]
    # where each Python name goes on the wire: one name, one place
    wires = {"idempotency_key": "header Idempotency-Key"} if op["idempotency_key"] else {}
    for param in op["params"]:
        place = f"{param['in']} {param['wire']}"
        _unique(op, param["name"], place, wires.setdefault(param["name"], place))
    for name, annotation, required, what, wire in _body_params(op, types):
        _unique(op, name, f"body {wire}", wires.setdefault(name, f"body {wire}"))
        types.names.update(
            n for n in ("Sequence", "Mapping", "Any", "datetime", "Decimal") if n in annotation
        )
        if required:  # keyword-only, as the official package has them: the wire order is arbitrary
            keyword_only.append(f"{name}: {annotation}")
        else:
            keyword_only.append(f"{name}: {annotation} | None = None")
        need = "required" if required else "optional"
        docs += _arg(f"{name}: {what}; {need}.")
    if op["idempotency_key"]:
        keyword_only.append("idempotency_key: str | None = None")
        docs += _arg(
            "idempotency_key: the ``Idempotency-Key`` header, the same on every retry of this "
            "call (a fresh UUID when not given)."
        )
    lines = ["self", *positional]
    if keyword_only:
        lines += ["*", *sorted(keyword_only, key=lambda p: p.endswith("= None"))]
    if shared:
        lines.append(f"**filters: Unpack[{filters.of_method[op['id']]}]")
    return lines, where, docs


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _def(name: str, params: list[str], returns: str, is_async: bool) -> list[str]:
    head = f"    {'async ' if is_async else ''}def {name}("
    one = head + ", ".join(params) + f") -> {returns}:"
    if len(one) <= 100:
        return [one]
    return [head, *[f"        {p}," for p in params], f"    ) -> {returns}:"]


def _method(op: dict[str, Any], types: Types, filters: Filters) -> list[str]:
    params, where, arg_docs = _signature(op, types, filters)
    returns, returned = _result(op, types)
    scopes = ", ".join(f"``{s}``" for s in op["scopes"])
    auth = f"scope {scopes}" if scopes else "a token of any scope"
    auth = "no token needed" if op["auth"] == "none" else auth
    paging = op["pagination"]
    doc = [f"{op['summary']}."]
    # The official name too, so that a bot moving from finance-dev finds its call here.
    facts = f"``{op['method']} {op['path']}`` (finance-dev ``{op['official']}``); {auth}; "
    facts += "retried when safe" if op["retry"] else "never retried"
    if op["idempotency_key"]:
        facts += " (one ``Idempotency-Key`` across the retries)"
    if paging:
        item = _items(op, types)
        said = _PAGING[paging["style"]].format(
            next=paging.get("next", "").rsplit(".", 1)[-1], param=paging.get("param")
        )
        facts += f"; paged ({said} for you)"
        returned = (
            f"awaited, one page ({returned}); with ``async for``, every :class:`{item}` of every "
            "page, fetched as the loop goes on"
        )
        if paging.get("backwards"):  # each page is older than the one before it
            returned += (
                f" (the page's ``{paging['rows']}``), newest first: each page's from its last, "
                "then the older page's"
            )
        returns = f"Paged[{returns}, {item}]"
    else:
        facts += "; not paged"
    lines = _def(op["name"], params, returns, not paging)
    lines.append(f'        """{doc[0]}')
    # One paragraph of what is particular to this operation; what every method shares (the
    # errors, the naming of wire parameters) is said once, on ``Operations``.
    paragraph = [facts + ".", *where, _body_needs(op, types), ERRORS]
    lines += ["", *wrap(" ".join(s for s in paragraph if s), " " * 8)]
    if arg_docs:
        lines += ["", "        Args:", *arg_docs]
    lines += ["", "        Returns:", *wrap(returned + ".", " " * 12), '        """']
    if paging:
        lines.append(f'        return self._paged("{op["id"]}", locals())')
    else:
        # The signature is the type callers see; ``_call`` answers ``Any`` (the model it read),
        # which these modules may return as is (pyproject's mypy override): a cast would only
        # say the return type again.
        lines.append(f'        return await self._call("{op["id"]}", locals())')
    return lines


def _resource_module(
    group: str, ops: list[dict[str, Any]], owners: dict[str, str], filters: Filters
) -> str:
    types = Types(schemas())
    lines: list[str] = []
    for op in ops:
        lines += ["", *_method(op, types, filters)]
    cls = group_class(group) + ("Operations" if group in HAND_WRITTEN else "")
    label = f"``client.{group}``"
    methods = _wrap_imports("\n".join(lines))
    body = "\n".join(
        [f"class {cls}(Operations):", f'    """{label}: the ``{group}`` operations."""', methods]
    )
    by_module: dict[str, list[str]] = defaultdict(list)
    for name in sorted(types.used):
        where, model = hand_written(name) or (f"aries_async.models.generated.{owners[name]}", name)
        by_module[where].append(model)
    for op in ops:  # an item class that is no model of the description (``_items``)
        item = (op["pagination"] or {}).get("item")
        if item:
            by_module[item.rsplit(".", 1)[0]].append(item.rsplit(".", 1)[1])
    by_module[FILTERS] = sorted({*filters.of_method.values(), *filters.enums.values()})
    blocks = [
        (["import builtins"] if "builtins." in body else [])
        + import_lines(body + "\nTYPE_CHECKING", STDLIB),
        import_lines(
            body,
            {
                "aries_async.http.pagination": ["Paged"],
                "aries_async.resources._operation": ["Operations"],
            },
        ),
        ["if TYPE_CHECKING:", *import_lines(body, dict(sorted(by_module.items())), "    ")],
    ]
    doc = f"{label}: the operations of the ``{group}`` group. {HEADER}"
    return module_text(doc, body, blocks, all_lines([cls]))


def _wrap_imports(text: str) -> str:
    out = []
    for line in text.splitlines():
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        if len(line) > 100 and stripped.startswith("from ") and " import " in stripped:
            head, names = stripped.split(" import ", 1)
            out += [f"{indent}{head} import ("]
            out += [f"{indent}    {n}," for n in names.split(", ")]
            out += [f"{indent})"]
        elif len(line) > 100 and "Literal[" in line:
            out += _split_literal(line)
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def _split_literal(line: str) -> list[str]:
    """A parameter line whose ``Literal[...]`` is too long, one value a line."""
    indent = line[: len(line) - len(line.lstrip())]
    head, rest = line.split("Literal[", 1)
    values, tail = rest.split("]", 1)
    items = values.split(", ")
    return [f"{head}Literal[", *[f"{indent}    {v}," for v in items], f"{indent}]{tail}"]


def _groups_module(groups: list[str]) -> str:
    top = sorted({g.split(".")[0] for g in groups if g not in HAND_WRITTEN})
    lines = [
        *docline(f"The client's operation groups. {HEADER}"),
        "",
        "from __future__ import annotations",
        "",
        "import functools",
        "from typing import TYPE_CHECKING, cast",
        "",
        "if TYPE_CHECKING:",
        "    from aries_async.client import AriesClient",
        "",
    ]
    for group in sorted(g for g in groups if g not in HAND_WRITTEN):
        module = group_module(group)
        lines.append(f"    from .{module} import {group_class(group)}")
    lines += ["", '__all__ = ["Groups", "Predictions"]', "", ""]
    subs = sorted(g for g in groups if g.startswith("predictions."))
    lines += [
        "class Predictions:",
        '    """``client.predictions``: prediction markets (reference data needs no token)."""',
        "",
        "    def __init__(self, client: AriesClient) -> None:",
        "        self._client = client",
    ]
    for group in subs:
        lines += _property(group, group.split(".")[1])
    lines += ["", "", "class Groups:", '    """The generated groups of ``AriesClient``."""']
    for name in top:
        if name == "predictions":
            lines += [
                "",
                "    @functools.cached_property",
                "    def predictions(self) -> Predictions:",
                f'        """{PREDICTIONS_DOC}"""',
                '        return Predictions(cast("AriesClient", self))',
            ]
            continue
        lines += _property(name, name)
    return "\n".join(lines) + "\n"


PREDICTIONS_DOC = "Prediction markets: ``.markets``, ``.history`` and ``.orders``."


def _property(group: str, attr: str) -> list[str]:
    cls = group_class(group)
    owner = "self._client" if "." in group else 'cast("AriesClient", self)'
    methods = ", ".join(
        f"``{op['name']}``" for op in operations() if op["group"] == group and not op["covered_by"]
    )
    text = f"The ``{group}`` operations (:class:`{cls}`): {methods}."
    doc = [f'        """{text}"""']
    if len(doc[0]) > 100:
        opening = '        """'
        doc = [*textwrap.wrap(text, 100, initial_indent=opening, subsequent_indent=" " * 8)]
        doc.append('        """')
    return [
        "",
        "    @functools.cached_property",
        f"    def {attr}(self) -> {cls}:",
        *doc,
        f"        from .{group_module(group)} import {cls}",
        "",
        f"        return {cls}({owner})",
    ]


def render() -> dict[str, str]:
    """Relative path -> text of every generated file."""
    ops = [op for op in operations() if not op["covered_by"]]
    defs = schemas()
    owners = owners_of(ops, defs)
    answers = answers_of(ops)
    files: dict[str, str] = {}
    by_module: dict[str, list[str]] = defaultdict(list)
    for name, module in owners.items():
        by_module[module].append(name)
    alias = aliases(owners, lambda name: class_text(name, defs), natural)
    for module, names in by_module.items():
        text = model_module(module, names, defs, owners, answers, alias)
        files[f"{MODELS}/{module}.py"] = text
    files[f"{MODELS}/__init__.py"] = models_index(owners)
    by_group: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for op in ops:
        by_group[op["group"]].append(op)
    filters = Filters(ops, _param_type)
    for group, group_ops in by_group.items():
        text = _resource_module(group, group_ops, owners, filters)
        files[f"{RESOURCES}/{group_module(group)}.py"] = text
    files.update({f"{RESOURCES}/{name}.py": text for name, text in filters.modules().items()})
    files[f"{RESOURCES}/__init__.py"] = _groups_module(sorted(by_group))
    assert not any(keyword.iskeyword(group_module(g)) for g in by_group)
    return files


def main() -> None:
    files = render()
    stale = [path for path, text in files.items() if _read(ROOT / path) != text]
    for directory in (MODELS, RESOURCES):
        for path in sorted((ROOT / directory).glob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel not in files:
                stale.append(rel)
                if "--check" not in sys.argv:
                    path.unlink()
    if "--check" in sys.argv:
        if stale:
            raise SystemExit("stale generated files: " + ", ".join(sorted(stale)))
        return
    for rel, text in files.items():
        (ROOT / rel).parent.mkdir(parents=True, exist_ok=True)
        (ROOT / rel).write_text(text)
    print(f"{len(files)} files written; {len(stale)} changed")


def _read(path: Path) -> str | None:
    return path.read_text() if path.exists() else None


if __name__ == "__main__":
    main()
