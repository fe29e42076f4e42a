"""Declarative, typed front-matter fields.

Each field is declared once (`Field`: name, kind, French label, description,
whether it is required, example, placeholder) and its *kind* (kinds.py:
`Text`, `TextList`, `Money`...; `Group` and `GroupList` here, for fields made
of fields) knows everything about its values. Validation (`parse_mapping`,
collecting every error with its line), the content objects, the cache, the
file writers and `lexom-site schema` (`json_schema`) all derive from the
same declarations.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass
from typing import Any, Callable

import yaml

from ..diagnostics import Diagnostic
from ..i18n import _, french
from . import records
from .kinds import (Choice, ChoiceList, FreeMapping, Invalid, Invalids, Pattern, PlainText, Problem, Text, TextList,
                    _describe, _is_empty, _Kind)
from .numbers import Boolean, Date, Integer, Money, Number

__all__ = ["Boolean", "Choice", "ChoiceList", "Date", "Field", "FreeMapping", "Group", "GroupList", "Integer", "Money",
           "Number", "Parsed", "Pattern", "PlainText", "Text", "TextList", "json_schema", "parse_mapping"]

Kind = _Kind  # kinds.py, numbers.py, and Group, GroupList below


@dataclass(frozen=True)
class Field:
    """One field of a front matter, declared once."""

    name: str
    kind: Kind
    description: str  # what it holds, for the docs, `new course` comments and the JSON Schema
    required: bool = True
    example: Any = None  # a value of the right form, shown in hints and the JSON Schema
    label: str = ""  # its French name, as readers see it
    placeholder: Any = None  # what `new course` writes for it when the command is not given a value
    indicator: str = ""  # the Qualiopi item it answers ("1 · tarifs"), for `lexom-site audit`


@dataclass(frozen=True)
class Parsed:
    values: dict[str, Any]
    lines: dict[str, int]  # field name -> line of its key


def read_fields(node: yaml.Node | None, fields: tuple[Field, ...], what: str
                ) -> tuple[dict[str, Any], dict[str, yaml.Node], list[Problem]]:
    """Read a mapping node against `fields`: the values, the key node of each
    field given, and every problem (names relative to this mapping)."""
    values: dict[str, Any] = {}
    keys: dict[str, yaml.Node] = {}
    problems: list[Problem] = []
    if node is None or _is_empty(node):
        names = ", ".join(f.name for f in fields if f.required)
        return values, keys, [Problem(node, _("the {what} is empty").format(what=what),
                                      _("required fields: {names}").format(names=names), form="plain")]
    if not isinstance(node, yaml.MappingNode):
        return values, keys, [Problem(node, _("the {what} must be fields written 'name: value', found {found}").format(
            what=what, found=_describe(node)), _("start each line with a field name, e.g. 'title: ...'"),
            form="plain")]
    by_name = {f.name: f for f in fields}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):  # (reported when the YAML was composed)
            continue
        key = key_node.value
        spec = by_name.get(key)
        if spec is None:
            close = difflib.get_close_matches(str(key), list(by_name), n=1, cutoff=0.6)
            hint = (_("did you mean '{name}'?").format(name=close[0]) if close else
                    _("known fields: {names}").format(names=", ".join(by_name)))
            problems.append(Problem(key_node, "", hint, name=str(key), form="unknown"))
            continue
        keys.setdefault(key, key_node)
        try:
            values[key] = spec.kind.convert(value_node)
        except Invalid as exc:
            problems.append(Problem(exc.node, exc.message, exc.hint, name=key, label=spec.label, offset=exc.offset))
        except Invalids as exc:
            problems += [dataclasses.replace(p, name=f"{key}.{p.name}" if p.name else key, label=p.label or spec.label)
                         for p in exc.problems]
    for spec in fields:
        if spec.required and spec.name not in keys:
            if isinstance(spec.example, (str, int)):
                hint = _("add a line '{name}: ...' ({description}) e.g. '{name}: {example}'").format(
                    name=spec.name, description=_(spec.description), example=spec.example)
            else:
                hint = _("add a line '{name}: ...' ({description})").format(name=spec.name,
                                                                          description=_(spec.description))
            problems.append(Problem(None, "", hint, name=spec.name, label=spec.label, form="missing"))
    return values, keys, problems


def parse_mapping(
    node: yaml.Node | None, fields: tuple[Field, ...], path: str, first_line: int, what: str
) -> tuple[Parsed, list[Diagnostic]]:
    """Validate a mapping node against `fields`, collecting every problem."""
    values, keys, problems = read_fields(node, fields, what)
    diagnostics = []
    for problem in problems:
        where = problem.node
        line, col = (where.start_mark.line + first_line, where.start_mark.column + 1 + problem.offset) if where else (
            first_line, 1)
        message = problem.message if problem.form == "plain" else problem.text()
        diagnostics.append(Diagnostic(path, line, col, message, hint=problem.hint))
    return Parsed(values, {name: key.start_mark.line + first_line for name, key in keys.items()}), diagnostics


@dataclass(frozen=True)
class Group(_Kind):
    """A field made of fields (`prices:` with `inter:`, `intra_day:`...), read
    into a frozen object of the class `type_name` (one attribute per field;
    an optional field not given is its kind's `absent()`). `check` looks at
    a group read without errors: (field name, message, hint) for each problem
    between its fields (a minimum above the maximum)."""

    type_name: str = "Group"
    fields: tuple[Field, ...] = ()
    check: Callable[[Any], list[tuple[str, str, str | None]]] | None = None

    def __post_init__(self) -> None:
        record = dataclasses.make_dataclass(self.type_name, [(f.name, f.kind.python_type) for f in self.fields],
                                            frozen=True, kw_only=True)
        record.__module__ = records.__name__  # where pickle finds it (groups travel to worker processes)
        if hasattr(records, self.type_name):
            raise ValueError(f"two groups of fields are named {self.type_name}")
        setattr(records, self.type_name, record)
        object.__setattr__(self, "record", record)

    @property
    def python_type(self) -> type:  # type: ignore[override]
        return self.record

    def convert(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.MappingNode):
            raise Invalid(node, _("expected a group of fields, found {found}").format(found=_describe(node)),
                          _("write each of its fields on its own line below it, indented by two spaces: {names}")
                          .format(names=", ".join(f"'{f.name}:'" for f in self.fields)))
        values, keys, problems = read_fields(node, self.fields, _("group"))
        problems = [dataclasses.replace(p, node=p.node or node) for p in problems]
        if problems:
            raise Invalids(problems)
        value = self.make(values)
        if self.check is not None:
            by_name = {f.name: f for f in self.fields}
            nodes = {k.value: v for k, v in node.value}
            found = [Problem(nodes.get(name, node), message, hint, name=name, label=by_name[name].label)
                     for name, message, hint in self.check(value)]
            if found:
                raise Invalids(found)
        return value

    def make(self, values: dict[str, Any]) -> Any:
        return self.record(**{f.name: values[f.name] if f.name in values else f.kind.absent() for f in self.fields})

    def json_schema(self) -> dict[str, Any]:
        return json_schema(self.fields)

    def to_json(self, value: Any) -> dict[str, Any]:
        return {f.name: f.kind.to_json(getattr(value, f.name)) for f in self.fields
                if getattr(value, f.name) is not None}

    def from_json(self, value: dict[str, Any]) -> Any:
        return self.make({f.name: f.kind.from_json(value[f.name]) for f in self.fields if f.name in value})

    def lines(self, name: str, value: Any) -> list[str]:
        return [f"{name}:"] + ["  " + line for f in self.fields if getattr(value, f.name) is not None
                               for line in f.kind.lines(f.name, getattr(value, f.name))]


@dataclass(frozen=True)
class GroupList(_Kind):
    """A list of groups of fields (`sessions:`, each with `start:`, `end:`...)."""

    item: Group
    min_items: int = 1
    python_type = tuple

    def convert(self, node: yaml.Node) -> tuple[Any, ...]:
        if not isinstance(node, yaml.SequenceNode) or len(node.value) < self.min_items:
            raise Invalid(node, _("expected a list, found {found}").format(found=_describe(node)),
                          _("write each item as '  - ' followed by its first field, the others below it"))
        items, problems = [], []
        for number, child in enumerate(node.value, 1):
            try:
                items.append(self.item.convert(child))
            except Invalid as exc:
                problems.append(Problem(exc.node, _("item {number}: {problem}").format(number=number,
                                                                                        problem=exc.message),
                                        exc.hint, offset=exc.offset))
            except Invalids as exc:
                problems += [dataclasses.replace(p, name=f"{number}.{p.name}" if p.name else str(number))
                             for p in exc.problems]
        if problems:
            raise Invalids(problems)
        return tuple(items)

    def json_schema(self) -> dict[str, Any]:
        return {"type": "array", "minItems": self.min_items, "items": self.item.json_schema()}

    def to_json(self, value: tuple[Any, ...]) -> list[dict[str, Any]]:
        return [self.item.to_json(item) for item in value]

    def from_json(self, value: list[dict[str, Any]]) -> tuple[Any, ...]:
        return tuple(self.item.from_json(item) for item in value)

    def lines(self, name: str, value: tuple[Any, ...]) -> list[str]:
        out = [f"{name}:"]
        for item in value:
            lines = self.item.lines("-", item)[1:]  # the group's fields, indented by two spaces
            out += ["  - " + lines[0][2:]] + ["  " + line for line in lines[1:]]
        return out


def json_schema(fields: tuple[Field, ...], title: str = "") -> dict[str, Any]:
    """The JSON Schema of `fields`, in French whatever the language of the messages: VS Code shows its titles (the
    fields' French labels) and descriptions (translated from the French catalog) to the editors."""
    properties = {}
    for spec in fields:
        prop = dict(spec.kind.json_schema())
        if spec.label:
            prop["title"] = spec.label
        prop["description"] = french(spec.description)
        if spec.example is not None:
            prop["examples"] = [list(spec.example) if isinstance(spec.example, tuple) else spec.example]
        properties[spec.name] = prop
    schema = {"type": "object", "properties": properties, "required": [f.name for f in fields if f.required],
              "additionalProperties": False}
    return ({"$schema": "https://json-schema.org/draft/2020-12/schema", "title": french(title), **schema} if title
            else schema)
