"""Facts written the French way: dates, amounts, durations, rates.

    format_date(2026-12-03)      « 3 décembre 2026 » (« 1er » for the first of the month)
    format_amount(1290)          « 1 290 € »    (thousands grouped by a narrow no-break space,
    format_amount(1290.5)        « 1 290,50 € »  a no-break space before the sign;
    format_amount(1290, cents=True)  « 1 290,00 € »  always the cents, as on a proposal)
    format_number(10.5)          « 10,5 »
    plural(2, "jour")            « 2 jours »

Amounts are `Decimal`s, never floats: a price is printed exactly as written.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

NBSP = "\u00a0"  # no-break space: between a number and its unit
NNBSP = "\u202f"  # narrow no-break space: between groups of thousands

_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre")


def format_date(date: dt.date) -> str:
    day = "1er" if date.day == 1 else str(date.day)
    return f"{day} {_MONTHS[date.month - 1]} {date.year}"


def _group(digits: str) -> str:
    groups = []
    while len(digits) > 3:
        digits, last = digits[:-3], digits[-3:]
        groups.insert(0, last)
    return NNBSP.join([digits, *groups]) if digits else NNBSP.join(groups)


def format_number(number: Decimal | int) -> str:
    """A number as French readers write it: decimal comma, grouped thousands, no useless zeros."""
    number = Decimal(number)
    sign = "-" if number < 0 else ""
    text = format(abs(number).normalize(), "f")
    whole, _, decimals = text.partition(".")
    return sign + _group(whole) + ("," + decimals if decimals else "")


def format_amount(amount: Decimal | int, *, cents: bool = False) -> str:
    """An amount in euros: cents shown only when there are some (always with `cents`: on an invoice or
    a proposal), two digits then."""
    amount = Decimal(amount)
    whole, _, hundredths = format(abs(amount).quantize(Decimal("0.01")), "f").partition(".")
    text = _group(whole) + ("," + hundredths if hundredths != "00" or cents else "")
    return ("-" if amount < 0 else "") + text + NBSP + "€"


def plural(count: Decimal | int, word: str, plural_form: str | None = None) -> str:
    """« 1 jour », « 2 jours », « 1,5 jour » (French: plural from 2)."""
    many = Decimal(count) >= 2
    return f"{format_number(count)}{NBSP}{(plural_form or word + 's') if many else word}"
