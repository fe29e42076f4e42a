"""Rules on what must be printed together, or not at all, in a given place.

- The training provider declaration number is never printed without the
  sentence that must follow it (« Cet enregistrement ne vaut pas agrément de
  l'État »): templates print both through partials/declaration.html.
- The Qualiopi mark may appear on general pages (the home page, the
  catalogue's cover), never on a course page or a course sheet (the mark's
  charter): no template that a course page or sheet uses may show it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..diagnostics import display_path
from ..i18n import _
from ..inputs.site_facts import DECLARATION_SENTENCE
from ..inputs.template_refs import templates_used_by
from .lint_rule import FileRule, Finding, LintText
from .textnorm import fold

if TYPE_CHECKING:
    from ..inputs.config import SiteConfig
    from .cgv import Cgv

_SENTENCE = fold(DECLARATION_SENTENCE).rstrip(".").lower()
_NUMBER_IN_TEMPLATE = re.compile(r"declaration\.number")
COURSE_TEMPLATES = ("course.html", "pdf/sheet.html")  # what a course page and a course sheet are made from


class DeclarationRule(FileRule):
    """The declaration number, always with its sentence."""

    def __init__(self, config: SiteConfig, cgv: Cgv | None):
        number = config.fact_values().get("declaration.number")
        digits = re.sub(r"\D", "", number) if number else ""
        # the number as written anywhere, whatever its spacing
        self.number = re.compile(r"\s?".join(digits)) if digits else None

    def check(self, text: LintText) -> list[Finding]:
        if _SENTENCE in " ".join(text.folded.lower().split()):
            return []
        found = [match.start() for match in _NUMBER_IN_TEMPLATE.finditer(text.folded)] if text.file.kind == "template" else []
        if self.number is not None:
            found += [match.start() for match in self.number.finditer(text.masked)]
        return [Finding(start, _("the declaration number is printed without « {sentence} »").format(
                            sentence=DECLARATION_SENTENCE),
                        _("print both with {% include \"partials/declaration.html\" %}, or write the sentence "
                          "right after the number")) for start in sorted(found)[:1]]


_MARK = re.compile(r"<img\b[^>]*qualiopi[^>]*>|url\([^)]*qualiopi[^)]*\)|<svg\b[^>]*qualiopi", re.IGNORECASE)


class QualiopiMarkRule(FileRule):
    """No Qualiopi mark in what course pages and sheets are made from."""

    kinds = frozenset({"template"})

    def __init__(self, config: SiteConfig, cgv: Cgv | None):
        used = templates_used_by(config.templates_dir, COURSE_TEMPLATES)
        self.course_templates = {display_path(config.templates_dir / name, config.root): name for name in used}

    def check(self, text: LintText) -> list[Finding]:
        if text.file.path not in self.course_templates:
            return []
        return [Finding(match.start(), _("the Qualiopi mark may not appear on a course page or sheet (rule of the "
                                         "mark's charter): this template is used by {templates}").format(
                            templates=_(" and ").join(COURSE_TEMPLATES)),
                        _("show it on general pages only (home page, catalogue cover), in a template no course "
                          "page or sheet uses"), in_source=True) for match in _MARK.finditer(text.file.text)]
