"""The kinds of values a field may hold, each knowing everything about its values.

A kind reads a value from a YAML node (`convert`, raising `Invalid` at the
culprit node), gives its Python type, its JSON Schema, its JSON form for the
build cache (`to_json`/`from_json`), what an optional field holds when a
file does not give it (`absent`), and how to write it back into a file
(`scalar`/`lines`). Fields (schema.py) are declared with these kinds; groups
of fields are kinds too (schema.Group).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

import yaml

from ..i18n import N_, _, ngettext
from .markdown import escape_markdown
from .source import yaml_scalar

_EMPTY_PLAIN = {"", "~", "null", "Null", "NULL"}


class Invalid(Exception):
    """A value that does not fit its field; `node` locates the culprit."""

    def __init__(self, node: yaml.Node, message: str, hint: str | None = None, offset: int = 0):
        super().__init__(message)
        self.node, self.message, self.hint = node, message, hint
        self.offset = offset  # the culprit's column in the node's text (0: the node itself)


@dataclass(frozen=True)
class Problem:
    """One problem found while reading a group of fields, named relative to that group."""

    node: yaml.Node | None  # where it is; None: at the start of the group
    message: str  # what is wrong, after the field's name ("is empty")
    hint: str | None = None
    name: str = ""  # the field, dotted ("prices.inter")
    label: str = ""  # its French label
    form: str = "value"  # "value", "missing" (a required field) or "unknown" (a field that does not exist)
    offset: int = 0  # the culprit's column in the node's text

    def text(self) -> str:
        shown = f"'{self.name}'" + (f" ({self.label})" if self.label else "")
        if self.form == "missing":
            return _("required field {field} is missing").format(field=shown)
        if self.form == "unknown":
            return _("unknown field '{name}'").format(name=self.name)
        return _("{field} {problem}").format(field=shown, problem=self.message)


class Invalids(Exception):
    """Every problem found inside one value (a group of fields)."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(problem.text() for problem in problems))
        self.problems = problems


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        if len(node.value) == 1:
            key, value = node.value[0]
            if key.start_mark.line == value.end_mark.line and isinstance(key, yaml.ScalarNode):
                return _("a field and its value (because of the ': ' after '{key}')").format(key=key.value)
        return _("a group of fields")
    if isinstance(node, yaml.SequenceNode):
        return _("a list")
    return _("'{value}'").format(value=node.value)


def _is_empty(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.style is None and node.value.strip() in _EMPTY_PLAIN


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # Unicode category Cc, tab and line feed aside
_COLON_HINT = N_('a text containing ": " must be in double quotes, e.g. - "Présentations : concepts et outils"')


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
            hint = _(_COLON_HINT) if isinstance(node, yaml.MappingNode) else None
            raise Invalid(node, _("expected a text, found {found}").format(found=_describe(node)), hint)
        value = node.value.strip()
        if not value or _is_empty(node):
            raise Invalid(node, _("is empty"), _("write a text after the colon, or remove the line if the field is "
                                                 "optional"))
        control = _CONTROL.search(value)
        if control is not None:
            raise Invalid(node, _("contains an invisible control character (U+{code})").format(
                code=f"{ord(control.group()):04X}"), _("retype the value; it was probably pasted from another program"))
        if len(value) > self.max_length:
            raise Invalid(node, _("is too long ({length} characters; at most {most})").format(length=len(value),
                                                                                              most=self.max_length))
        return value

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "minLength": 1, "maxLength": self.max_length}

    def scalar(self, value: str) -> str:
        return yaml_scalar(escape_markdown(value))


@dataclass(frozen=True)
class PlainText(Text):
    """One line of plain text, printed exactly as typed (a title, a category): not Markdown, so `new course` and
    `import` write it without Markdown escapes (`Excel & Word *débutants*` stays so, in every output)."""

    def scalar(self, value: str) -> str:
        return yaml_scalar(value)


@dataclass(frozen=True)
class Pattern(Text):
    """A text of a set form (a reference, an address): not Markdown."""

    regex: str = ".*"
    example: str = ""

    def convert(self, node: yaml.Node) -> str:
        value = super().convert(node)
        if not re.fullmatch(self.regex, value):
            accented = next((index for index, char in enumerate(value) if not char.isascii() and _bare(char).isascii()
                             and _bare(char)), None)
            plain = "".join(_bare(char).upper() if char.isupper() else _bare(char) for char in value)
            if accented is not None and re.fullmatch(self.regex, plain):
                raise Invalid(node, _("'{value}' contains the accented letter '{letter}'").format(
                    value=value, letter=value[accented]), _("write it without accents: {plain}").format(plain=plain),
                    offset=accented + (1 if node.style in ("'", '"') else 0))
            raise Invalid(node, _("'{value}' is not in the expected form").format(value=value),
                          _("write it like {example}").format(example=_(self.example) if self.example else ""))
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
                raise Invalid(node, _("is empty"), _("write one item per line, each starting with '  - '"))
            raise Invalid(node, _("expected a list, found {found}").format(found=_describe(node)),
                          _("write one item per line, each starting with '  - ', under the field name"))
        if len(node.value) < self.min_items:
            raise Invalid(node, ngettext("needs at least {count} item", "needs at least {count} items",
                                         self.min_items).format(count=self.min_items))
        items = []
        for child in node.value:
            try:
                items.append(self.item.convert(child))
            except Invalid as exc:
                raise Invalid(exc.node, _("list item {message}").format(message=exc.message), exc.hint,
                              exc.offset) from None
        return tuple(items)

    def json_schema(self) -> dict[str, Any]:
        return {"type": "array", "minItems": self.min_items, "items": self.item.json_schema()}

    def from_json(self, value: list[str]) -> tuple[str, ...]:
        return tuple(value)

    def lines(self, name: str, value: tuple[str, ...]) -> list[str]:
        return [f"{name}:"] + [f"  - {self.item.scalar(item)}" for item in value]


@dataclass(frozen=True)
class Choice(Text):
    """One of a few texts (`présentiel`, `distanciel`, `mixte`)."""

    values: tuple[str, ...] = ()

    def convert(self, node: yaml.Node) -> str:
        value = super().convert(node)
        if value not in self.values:
            near = [v for v in self.values if _bare(v) == _bare(value)]
            hint = (_("write '{value}'").format(value=near[0]) if near else
                    _("write one of: {values}").format(values=", ".join(self.values)))
            raise Invalid(node, _("'{value}' is not one of {values}").format(value=value, values=", ".join(self.values)),
                          hint)
        return value

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.values)}

    def scalar(self, value: str) -> str:
        return yaml_scalar(value)


def _bare(text: str) -> str:
    """Lower case, no accents: how a near-miss of a choice is recognised."""
    return "".join(c for c in unicodedata.normalize("NFD", text.casefold()) if not unicodedata.combining(c))


@dataclass(frozen=True)
class ChoiceList(TextList):
    """Some of a few texts, each at most once (`formats: [inter, intra]`)."""

    def convert(self, node: yaml.Node) -> tuple[str, ...]:
        items = super().convert(node)
        for child, item in zip(node.value, items):
            if items.count(item) > 1:
                raise Invalid(child, _("lists '{item}' twice").format(item=item), _("keep one of the two items"))
        return items

    def json_schema(self) -> dict[str, Any]:
        return {**super().json_schema(), "uniqueItems": True}


@dataclass(frozen=True)
class FreeMapping(_Kind):
    """Free-form data for templates (`extra:`): texts, lists and groups, read-only."""

    python_type = Mapping[str, Any]

    def convert(self, node: yaml.Node) -> Mapping[str, Any]:
        if not isinstance(node, yaml.MappingNode):
            raise Invalid(node, _("expected a group of fields, found {found}").format(found=_describe(node)))
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
