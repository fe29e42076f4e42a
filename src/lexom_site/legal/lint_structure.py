"""Legal lint, structure of the CGV: sections numbered I., II., III. ... and
the clauses of section N numbered N.1, N.2 ... in order, no clause twice, no
empty clause (nor empty section without clauses), internal references
(« article 3.5 ») to clauses that exist.

One CGV rule: the numbering, duplicate and empty checks share the running
section count, and the diagnostics come clause by clause.
"""

from __future__ import annotations

import re

from ..diagnostics import Diagnostic
from ..i18n import _
from .cgv import ROMAN, Cgv

_REFERENCE = re.compile(r"\b(?:article|clause|paragraphe|point|section)s?\s+(?:n°\s*)?(?P<ref>\d+\.\d+|[IVX]+)\b",
                        re.IGNORECASE)


def check_structure(cgv: Cgv) -> list[Diagnostic]:
    """Numbering, duplicates, empty clauses and references, clause by clause."""
    diagnostics = []
    path = cgv.path
    section_index = 0
    clause_index = 0
    seen: dict[str, int] = {}
    numbers = {c.number for c in cgv.clauses}
    has_sub = {c.number.split(".")[0] for c in cgv.clauses if c.level == 2}
    for clause in cgv.clauses:
        if clause.number in seen:
            diagnostics.append(Diagnostic(path, clause.line, 1, _("clause {number} appears twice (first at line "
                                                                  "{line})").format(number=clause.number,
                                                                                    line=seen[clause.number])))
            continue
        seen[clause.number] = clause.line
        if clause.level == 1:
            section_index += 1
            clause_index = 0
            expected = ROMAN[section_index - 1] if section_index <= len(ROMAN) else "?"
            if clause.number != expected:
                diagnostics.append(Diagnostic(path, clause.line, 1, _("section {number} comes where section "
                                                                      "{expected} was expected").format(
                                                  number=clause.number, expected=expected),
                                              hint=_("number the sections I., II., III. ... in order")))
                if clause.number in ROMAN:
                    section_index = ROMAN.index(clause.number) + 1
            if not clause.body.strip() and str(section_index) not in has_sub:
                diagnostics.append(Diagnostic(path, clause.line, 1, _("section {number} is empty").format(
                    number=clause.number)))
        else:
            clause_index += 1
            expected = f"{section_index}.{clause_index}"
            if clause.number != expected:
                diagnostics.append(Diagnostic(path, clause.line, 1, _("clause {number} comes where clause "
                                                                      "{expected} was expected").format(
                                                  number=clause.number, expected=expected),
                                              hint=_("clauses of section N are numbered N.1, N.2 ... in order")))
                major, minor = clause.number.partition(".")[::2]
                if major == str(section_index):
                    clause_index = int(minor)
            if not clause.body.strip():
                diagnostics.append(Diagnostic(path, clause.line, 1, _("clause {number} is empty").format(
                    number=clause.number)))
        body_lines = clause.body.split("\n")
        for offset, line in enumerate(body_lines, start=clause.body_line):
            for match in _REFERENCE.finditer(line):
                if match["ref"] not in numbers:
                    diagnostics.append(Diagnostic(path, offset, match.start() + 1,
                                                  _("'{reference}' refers to a clause that does not exist").format(
                                                      reference=match.group()),
                                                  hint=_("clauses: {numbers}").format(numbers=", ".join(
                                                      dict.fromkeys(c.number for c in cgv.clauses)))))
    return diagnostics
