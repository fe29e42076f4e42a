"""Declarative, typed front-matter fields.

Each field is declared once (`Field`: name, kind, French label, description,
whether it is required, example, placeholder) and its *kind* (`Text`,
`TextList`, `Integer`...) knows everything about its values: how to read one
from a YAML node (collecting every error with its line), its Python type,
its JSON Schema, its JSON form for the build cache, and how to write it back
into a file. Validation, the content objects, the cache, the file writers
and `lexom-site schema` all derive from the same declarations.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

import yaml

from ..diagnostics import Diagnostic
from .markdown import escape_markdown
from .source import yaml_scalar

_EMPTY_PLAIN = {"", "~", "null", "Null", "NULL"}


class Invalid(Exception):
    """A value that does not fit its field; `node` locates the culprit."""

    def __init__(self, node: yaml.Node, message: str, hint: str | None = None):
        super().__init__(message)
        self.node, self.message, self.hint = node, message, hint


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        if len(node.value) == 1:
            key, value = node.value[0]
            if key.start_mark.line == value.end_mark.line and isinstance(key, yaml.ScalarNode):
                return f"a field and its value (because of the ': ' after '{key.value}')"
        return "a group of fields"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return f"'{node.value}'"


def _is_empty(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.style is None and node.value.strip() in _EMPTY_PLAIN


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # Unicode category Cc, tab and line feed aside
_COLON_HINT = 'a text containing ": " must be in double quotes, e.g. - "Présentations : concepts et outils"'


class _Kind:
    """What every kind of value can do; the defaults suit plain JSON values."""

    python_type: Any = object

    def to_json(self, value: Any) -> Any:
        """The value as JSON (for the build cache); `from_json` is the inverse."""
        return value

    def from_json(self, value: Any) -> Any:
        return value

    def absent(self) -> Any:
        """The value of an optional field that a file does not give."""
        return None

    def scalar(self, value: Any) -> str:
        """The value as written after `name: ` in a file, to be read back exactly as given."""
        return str(value)

    def lines(self, name: str, value: Any) -> list[str]:
        """The field as written in a file."""
        return [f"{name}: {self.scalar(value)}"]


@dataclass(frozen=True)
class Text(_Kind):
    """One line of inline Markdown."""

    max_length: int = 2_000
    python_type = str

    def convert(self, node: yaml.Node) -> str:
        if not isinstance(node, yaml.ScalarNode):
            hint = _COLON_HINT if isinstance(node, yaml.MappingNode) else None
            raise Invalid(node, f"expected a text, found {_describe(node)}", hint)
        value = node.value.strip()
        if not value or _is_empty(node):
            raise Invalid(node, "is empty", "write a text after the colon, or remove the line if the field is optional")
        control = _CONTROL.search(value)
        if control is not None:
            raise Invalid(node, f"contains an invisible control character (U+{ord(control.group()):04X})",
                          "retype the value; it was probably pasted from another program")
        if len(value) > self.max_length:
            raise Invalid(node, f"is too long ({len(value)} characters; at most {self.max_length})")
        return value

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "minLength": 1, "maxLength": self.max_length}

    def scalar(self, value: str) -> str:
        return yaml_scalar(escape_markdown(value))


@dataclass(frozen=True)
class Pattern(Text):
    """A text of a set form (a reference, an address): not Markdown."""

    regex: str = ".*"
    example: str = ""

    def convert(self, node: yaml.Node) -> str:
        value = super().convert(node)
        if not re.fullmatch(self.regex, value):
            raise Invalid(node, f"'{value}' is not in the expected form", f"write it like {self.example}")
        return value

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": f"^(?:{self.regex})$"}

    def scalar(self, value: str) -> str:
        return yaml_scalar(value)


@dataclass(frozen=True)
class TextList(_Kind):
    """A list of texts, one item per line."""

    min_items: int = 1
    item: Text = field(default_factory=Text)
    python_type = tuple[str, ...]

    def convert(self, node: yaml.Node) -> tuple[str, ...]:
        if not isinstance(node, yaml.SequenceNode):
            if _is_empty(node):
                raise Invalid(node, "is empty", "write one item per line, each starting with '  - '")
            raise Invalid(
                node,
                f"expected a list, found {_describe(node)}",
                "write one item per line, each starting with '  - ', under the field name",
            )
        if len(node.value) < self.min_items:
            raise Invalid(node, f"needs at least {self.min_items} item(s)")
        items = []
        for child in node.value:
            try:
                items.append(self.item.convert(child))
            except Invalid as exc:
                raise Invalid(exc.node, f"list item {exc.message}", exc.hint) from None
        return tuple(items)

    def json_schema(self) -> dict[str, Any]:
        return {"type": "array", "minItems": self.min_items, "items": self.item.json_schema()}

    def from_json(self, value: list[str]) -> tuple[str, ...]:
        return tuple(value)

    def lines(self, name: str, value: tuple[str, ...]) -> list[str]:
        return [f"{name}:"] + [f"  - {self.item.scalar(item)}" for item in value]


@dataclass(frozen=True)
class Integer(_Kind):
    minimum: int = 0
    maximum: int = 10_000
    python_type = int

    def convert(self, node: yaml.Node) -> int:
        if not isinstance(node, yaml.ScalarNode) or node.style is not None:
            raise Invalid(node, f"expected a whole number, found {_describe(node)}", "write a number without quotes, e.g. 2")
        value = node.value.strip()
        if not re.fullmatch(r"0|[1-9][0-9]{0,6}", value):
            hint = "remove the leading zero" if re.fullmatch(r"0[0-9]+", value) else "write a whole number, e.g. 2"
            raise Invalid(node, f"expected a whole number, found '{value}'", hint)
        number = int(value)
        if not self.minimum <= number <= self.maximum:
            raise Invalid(node, f"must be between {self.minimum} and {self.maximum}, found {number}")
        return number

    def json_schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}


@dataclass(frozen=True)
class Date(_Kind):
    python_type = dt.date

    def convert(self, node: yaml.Node) -> dt.date:
        value = node.value.strip() if isinstance(node, yaml.ScalarNode) else None
        if value is None or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise Invalid(node, f"expected a date YYYY-MM-DD, found {_describe(node)}", "e.g. 2026-01-31")
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise Invalid(node, f"'{value}' is not a real date", "check the month (01-12) and the day") from None

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}

    def to_json(self, value: dt.date) -> str:
        return value.isoformat()

    def from_json(self, value: str) -> dt.date:
        return dt.date.fromisoformat(value)

    def scalar(self, value: dt.date) -> str:
        return value.isoformat()


@dataclass(frozen=True)
class FreeMapping(_Kind):
    """Free-form data for templates (`extra:`): texts, lists and groups, read-only."""

    python_type = Mapping[str, Any]

    def convert(self, node: yaml.Node) -> Mapping[str, Any]:
        if not isinstance(node, yaml.MappingNode):
            raise Invalid(node, f"expected a group of fields, found {_describe(node)}")
        return MappingProxyType(_plain(node))

    def json_schema(self) -> dict[str, Any]:
        return {"type": "object"}

    def to_json(self, value: Mapping[str, Any]) -> dict[str, Any]:
        return dict(value)

    def from_json(self, value: dict[str, Any]) -> Mapping[str, Any]:
        return MappingProxyType(_tuples(value))

    def absent(self) -> Mapping[str, Any]:
        return MappingProxyType({})

    def lines(self, name: str, value: Mapping[str, Any]) -> list[str]:
        dumped = yaml.safe_dump({name: _lists(value)}, allow_unicode=True, sort_keys=False, width=1_000)
        return dumped.rstrip("\n").split("\n")


def _plain(node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return {k.value: _plain(v) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return tuple(_plain(v) for v in node.value)
    return node.value


def _tuples(value: Any) -> Any:
    """JSON lists as the tuples `_plain` makes."""
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    return value


def _lists(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_lists(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _lists(v) for k, v in value.items()}
    return value


Kind = Text | Pattern | TextList | Integer | Date | FreeMapping


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


@dataclass(frozen=True)
class Parsed:
    values: dict[str, Any]
    lines: dict[str, int]  # field name -> line of its key


def parse_mapping(
    node: yaml.Node | None, fields: tuple[Field, ...], path: str, first_line: int, what: str
) -> tuple[Parsed, list[Diagnostic]]:
    """Validate a mapping node against `fields`, collecting every problem."""
    diagnostics: list[Diagnostic] = []
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    if node is None or _is_empty(node):
        names = ", ".join(f.name for f in fields if f.required)
        diagnostics.append(Diagnostic(path, first_line, 1, f"the {what} is empty", hint=f"required fields: {names}"))
        return Parsed(values, lines), diagnostics
    if not isinstance(node, yaml.MappingNode):
        line, col = node.start_mark.line + first_line, node.start_mark.column + 1
        diagnostics.append(
            Diagnostic(
                path,
                line,
                col,
                f"the {what} must be fields written 'name: value', found {_describe(node)}",
                hint="start each line with a field name, e.g. 'title: ...'",
            )
        )
        return Parsed(values, lines), diagnostics
    by_name = {f.name: f for f in fields}
    for key_node, value_node in node.value:
        key_line, key_col = key_node.start_mark.line + first_line, key_node.start_mark.column + 1
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        spec = by_name.get(key) if key is not None else None
        if spec is None:
            close = difflib.get_close_matches(str(key), list(by_name), n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else "known fields: " + ", ".join(by_name)
            diagnostics.append(Diagnostic(path, key_line, key_col, f"unknown field '{key}'", hint=hint))
            continue
        lines.setdefault(key, key_line)
        try:
            values[key] = spec.kind.convert(value_node)
        except Invalid as exc:
            line, col = exc.node.start_mark.line + first_line, exc.node.start_mark.column + 1
            diagnostics.append(Diagnostic(path, line, col, f"'{key}' {exc.message}", hint=exc.hint))
    for spec in fields:
        if spec.required and spec.name not in lines:
            example = f" e.g. '{spec.name}: {spec.example}'" if isinstance(spec.example, (str, int)) else ""
            diagnostics.append(
                Diagnostic(
                    path,
                    first_line,
                    1,
                    f"required field '{spec.name}' is missing",
                    hint=f"add a line '{spec.name}: ...' ({spec.description}){example}",
                )
            )
    return Parsed(values, lines), diagnostics


def json_schema(fields: tuple[Field, ...], title: str) -> dict[str, Any]:
    properties = {}
    for spec in fields:
        prop = dict(spec.kind.json_schema())
        if spec.label:
            prop["title"] = spec.label
        prop["description"] = spec.description
        if spec.example is not None:
            prop["examples"] = [list(spec.example) if isinstance(spec.example, tuple) else spec.example]
        properties[spec.name] = prop
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "type": "object",
        "properties": properties,
        "required": [f.name for f in fields if f.required],
        "additionalProperties": False,
    }
