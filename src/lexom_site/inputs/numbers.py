"""The kinds of values that are numbers, amounts, dates or yes/no (see kinds.py).

Numbers are exact (`Decimal`), never floats, and written plainly, without
quotes: `duration_days: 2`, `inter: 1290.50`, `updated: 2026-12-03`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import yaml

from ..i18n import N_, _, ngettext
from .kinds import Invalid, _describe, _Kind

_UNITS = (N_("hours"),)  # the units named in messages ("%" and "€" are the same in French)


@dataclass(frozen=True)
class Integer(_Kind):
    minimum: int = 0
    maximum: int = 10_000
    python_type = int

    def convert(self, node: yaml.Node) -> int:
        if not isinstance(node, yaml.ScalarNode) or node.style is not None:
            raise Invalid(node, _("expected a whole number, found {found}").format(found=_describe(node)),
                          _("write a number without quotes, e.g. 2"))
        value = node.value.strip()
        if not re.fullmatch(r"0|[1-9][0-9]{0,6}", value):
            hint = _("remove the leading zero") if re.fullmatch(r"0[0-9]+", value) else _("write a whole number, e.g. 2")
            raise Invalid(node, _("expected a whole number, found {found}").format(found=_("'{value}'").format(value=value)), hint)
        number = int(value)
        if not self.minimum <= number <= self.maximum:
            raise Invalid(node, _("must be between {minimum} and {maximum}, found {value}").format(
                minimum=self.minimum, maximum=self.maximum, value=number))
        return number

    def json_schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}


@dataclass(frozen=True)
class Number(_Kind):
    """An exact decimal number (never a float): hours, rates. Written with a
    point and at most `places` decimals: `14`, `10.5`."""

    minimum: Decimal = Decimal(0)
    maximum: Decimal = Decimal(10_000)
    places: int = 2
    unit: str = ""  # what the number counts, for messages ("hours", "%")
    python_type = Decimal

    def _form(self) -> str:
        return rf"(?:0|[1-9][0-9]{{0,8}})(?:\.[0-9]{{1,{self.places}}})?" if self.places else r"0|[1-9][0-9]{0,8}"

    def _example(self) -> str:
        return "14" if not self.places else "10.5"

    def convert(self, node: yaml.Node) -> Decimal:
        if not isinstance(node, yaml.ScalarNode) or node.style is not None:
            raise Invalid(node, _("expected a number, found {found}").format(found=_describe(node)),
                          _("write a number without quotes, e.g. {example}").format(example=self._example()))
        value = node.value.strip()
        if not re.fullmatch(self._form(), value):
            raise Invalid(node, _("expected a number such as {example}, found '{value}'").format(
                example=self._example(), value=value), self._hint(value))
        number = Decimal(value)
        if not self.minimum <= number <= self.maximum:
            raise Invalid(node, _("must be between {minimum} and {maximum}, found {value}").format(
                minimum=self.minimum, maximum=self.maximum, value=value))
        return number

    def _hint(self, value: str) -> str:
        if value.startswith("-"):
            return _("it cannot be negative")
        if "," in value:
            return _("write the decimals after a point, not a comma: {number}").format(number=value.replace(',', '.'))
        if re.search(r"\s", value):
            return _("write the digits without spaces")
        if re.search(r"[^0-9.]", value):
            if self.unit:
                return _("write the number only (the unit, {unit}, is printed by the site)").format(unit=_(self.unit))
            return _("write the number only")
        if self.places:
            return ngettext("at most {count} decimal, after a point", "at most {count} decimals, after a point",
                            self.places).format(count=self.places)
        return _("write a whole number")

    def json_schema(self) -> dict[str, Any]:
        return {"type": "number", "minimum": float(self.minimum), "maximum": float(self.maximum)}

    def to_json(self, value: Decimal) -> str:
        return str(value)

    def from_json(self, value: str) -> Decimal:
        return Decimal(value)


@dataclass(frozen=True)
class Money(Number):
    """An amount in euros, exact: `1290` or `1290.50` (cents always with two digits)."""

    maximum: Decimal = Decimal(1_000_000)
    unit: str = "€"

    def _form(self) -> str:
        return r"(?:0|[1-9][0-9]{0,8})(?:\.[0-9]{2})?"

    def _example(self) -> str:
        return _("1290 or 1290.50")

    def _hint(self, value: str) -> str:
        if re.fullmatch(r"[0-9]+[.,][0-9]", value):
            return _("write the cents with two digits, after a point: {number}").format(
                number=value.replace(',', '.') + "0")
        return super()._hint(value)


@dataclass(frozen=True)
class Date(_Kind):
    python_type = dt.date

    def convert(self, node: yaml.Node) -> dt.date:
        value = node.value.strip() if isinstance(node, yaml.ScalarNode) else None
        if value is None or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise Invalid(node, _("expected a date YYYY-MM-DD, found {found}").format(found=_describe(node)),
                          _("e.g. 2026-01-31"))
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise Invalid(node, _("'{value}' is not a real date").format(value=value),
                          _("check the month (01-12) and the day")) from None

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}

    def to_json(self, value: dt.date) -> str:
        return value.isoformat()

    def from_json(self, value: str) -> dt.date:
        return dt.date.fromisoformat(value)

    def scalar(self, value: dt.date) -> str:
        return value.isoformat()


@dataclass(frozen=True)
class Boolean(_Kind):
    """yes or no, written `true` or `false`."""

    python_type = bool

    def convert(self, node: yaml.Node) -> bool:
        value = node.value.strip() if isinstance(node, yaml.ScalarNode) and node.style is None else None
        if value not in ("true", "false"):
            raise Invalid(node, _("expected true or false, found {found}").format(found=_describe(node)),
                          _("write true or false"))
        return value == "true"

    def json_schema(self) -> dict[str, Any]:
        return {"type": "boolean"}

    def scalar(self, value: bool) -> str:
        return "true" if value else "false"
