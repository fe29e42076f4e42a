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

from .kinds import Invalid, _describe, _Kind


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
            raise Invalid(node, f"expected a number, found {_describe(node)}",
                          f"write a number without quotes, e.g. {self._example()}")
        value = node.value.strip()
        if not re.fullmatch(self._form(), value):
            raise Invalid(node, f"expected a number such as {self._example()}, found '{value}'", self._hint(value))
        number = Decimal(value)
        if not self.minimum <= number <= self.maximum:
            raise Invalid(node, f"must be between {self.minimum} and {self.maximum}, found {value}")
        return number

    def _hint(self, value: str) -> str:
        if value.startswith("-"):
            return "it cannot be negative"
        if "," in value:
            return f"write the decimals after a point, not a comma: {value.replace(',', '.')}"
        if re.search(r"\s", value):
            return "write the digits without spaces"
        if re.search(r"[^0-9.]", value):
            return f"write the number only{' (the unit, ' + self.unit + ', is printed by the site)' if self.unit else ''}"
        return f"at most {self.places} decimal(s), after a point" if self.places else "write a whole number"

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
        return "1290 or 1290.50"

    def _hint(self, value: str) -> str:
        if re.fullmatch(r"[0-9]+[.,][0-9]", value):
            return f"write the cents with two digits, after a point: {value.replace(',', '.')}0"
        return super()._hint(value)


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
class Boolean(_Kind):
    """yes or no, written `true` or `false`."""

    python_type = bool

    def convert(self, node: yaml.Node) -> bool:
        value = node.value.strip() if isinstance(node, yaml.ScalarNode) and node.style is None else None
        if value not in ("true", "false"):
            raise Invalid(node, f"expected true or false, found {_describe(node)}", "write true or false")
        return value == "true"

    def json_schema(self) -> dict[str, Any]:
        return {"type": "boolean"}

    def scalar(self, value: bool) -> str:
        return "true" if value else "false"
