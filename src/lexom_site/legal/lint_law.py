"""Where the canonical CGV disagrees with the law of training contracts.

A private individual who pays for their own training signs a training
contract (Code du travail L6353-3): 10 days to withdraw (L6353-5), nothing
payable before they end and at most 30 % after (L6353-6). The contract that
`lexom-site proposal --contract` makes follows the law. The CGV is never
reworded by the tool: where it says otherwise, `check` warns, once, for the
legal owner to decide.
"""

from __future__ import annotations

import re

from ..diagnostics import Diagnostic, Severity
from ..i18n import N_, _
from .cgv import Cgv

_WITHDRAWAL = re.compile(r"délai de rétractation de (\d+) jours", re.IGNORECASE)
_INDIVIDUAL_DEPOSIT = re.compile(r"personnes? physiques?.*acompte|acompte.*personnes? physiques?", re.IGNORECASE)
HINT = N_("for the CGV's legal owner to decide; the tool never rewords the CGV, and the contracts it makes follow "
          "the law")


def contract_law(cgv: Cgv) -> list[Diagnostic]:
    """Warnings where the CGV gives individuals other terms than the Code du travail."""
    found: list[Diagnostic] = []
    withdrawal = deposit = False
    for clause in cgv.clauses:
        for offset, line in enumerate(clause.body.split("\n")):
            number = clause.body_line + offset
            match = _WITHDRAWAL.search(line)
            if match and int(match[1]) != 10 and not withdrawal:
                withdrawal = True
                found.append(Diagnostic(cgv.path, number, match.start() + 1, _(
                    "the CGV gives {days} days to withdraw; a training contract with a private individual gives 10 "
                    "(Code du travail L6353-5)").format(days=match[1]), Severity.WARNING, _(HINT)))
            if _INDIVIDUAL_DEPOSIT.search(line) and not deposit:
                deposit = True
                found.append(Diagnostic(cgv.path, number, 1, _(
                    "the CGV asks a private individual for a deposit with the signed agreement; the Code du travail "
                    "forbids any payment before the 10 days to withdraw end, then allows at most 30 % (L6353-6)"),
                    Severity.WARNING, _(HINT)))
    return found
