"""Legal lint: the CGV cannot drift again.

Three families of rules, each problem reported as a `Diagnostic` at its line:

- copies (lint_copies.py): a passage of the CGV (a clause or a substantial
  part of one, even slightly altered) outside content/legal/ is an error;
- facts (lint_facts.py): an e-mail address, host name, company name, court,
  mediator or declared amount that looks like a declared fact but is not
  equal to it is an error with a suggestion; inside the CGV every address is
  written as a fact and every amount is a declared one;
- structure (lint_structure.py): CGV numbering complete and in order, no
  empty or duplicated clause, internal references to clauses that exist.

Every rule is registered below, in `FILE_RULES` (rules run on each text) or
`CGV_RULES` (rules run on the parsed CGV); the shape of a rule is in
lint_rule.py. Every rule works on text: `lint_inputs` reads the files at the
edge, `lint_texts` lints texts, `lint_project` does both.
"""

from __future__ import annotations

from typing import Callable, Iterable

from ..diagnostics import Diagnostic, display_path
from ..paths import visible_files
from ..inputs.config import SiteConfig
from ..inputs.source import Reader, read_source
from .cgv import Cgv
from .lint_copies import CopyRule
from .lint_facts import AmountRule, EmailRule, HostRule, NameRule, PhraseRule, UrlRule
from .lint_law import contract_law
from .lint_marks import DeclarationRule, QualiopiMarkRule
from .lint_print import PrintableRule
from .lint_rule import FileRule, Finding, LintFile, LintText
from .lint_structure import check_structure

__all__ = ["CGV_RULES", "FILE_RULES", "FileRule", "Finding", "LintFile", "LintText", "Linter",
           "lint_inputs", "lint_project", "lint_texts"]

# The registry. A new rule is one class (or, for the CGV, one function) and one entry here
# (docs/legal-lint.md, "Adding a rule"). The findings of a file that fall at the same offset
# are reported in this order (within their group, see lint_rule.py).
FILE_RULES: tuple[type[FileRule], ...] = (
    PrintableRule,  # characters the PDF fonts cannot draw (lint_print.py)
    CopyRule,  # copies of the CGV (lint_copies.py)
    EmailRule, UrlRule, HostRule, NameRule, PhraseRule,  # facts declared once (lint_facts.py)
    AmountRule,  # amounts declared once (lint_facts.py)
    DeclarationRule, QualiopiMarkRule,  # printed together, or not in that place (lint_marks.py)
)
CGV_RULES: tuple[Callable[[Cgv], list[Diagnostic]], ...] = (check_structure, contract_law)

TEXT_SUFFIXES = {".md", ".markdown", ".txt", ".html", ".htm", ".xml", ".j2", ".jinja", ".yaml", ".yml", ".json"}


class Linter:
    """Every registered file rule, built once for a configuration and a CGV
    (a rule that needs the CGV is left out without one), ready to run on
    many files."""

    def __init__(self, config: SiteConfig, cgv: Cgv | None):
        self.rules = [rule(config, cgv) for rule in FILE_RULES if cgv is not None or not rule.needs_cgv]

    def lint(self, file: LintFile) -> list[Diagnostic]:
        text = LintText(file)
        found: list[tuple[int, Finding]] = []
        for rule in self.rules:
            if file.kind in rule.kinds:
                group = rule.group
                found += ((group, finding) for finding in rule.check(text))
        if not found:
            return []
        found.sort(key=_group_then_offset)  # stable: ties stay in the order of FILE_RULES
        diagnostics = []
        for _, finding in found:
            lines = text.source_lines if finding.in_source else text.lines
            line, col = lines.position(finding.start)
            end_line = lines.position(finding.end)[0] if finding.end is not None else None
            diagnostics.append(Diagnostic(file.path, line, col, finding.message, hint=finding.hint,
                                          end_line=end_line))
        return diagnostics


def _group_then_offset(found: tuple[int, Finding]) -> tuple[int, int]:
    return found[0], found[1].start


def lint_texts(config: SiteConfig, cgv: Cgv | None, files: Iterable[LintFile],
               linter: Linter | None = None) -> list[Diagnostic]:
    """The diagnostics of every file, then those of the CGV itself."""
    linter = linter or Linter(config, cgv)
    diagnostics: list[Diagnostic] = []
    for file in files:
        diagnostics += linter.lint(file)
    if cgv is not None:
        for rule in CGV_RULES:
            diagnostics += rule(cgv)
    return diagnostics


def lint_inputs(config: SiteConfig, reader: Reader = read_source, *, skip_courses: bool = False
                ) -> tuple[list[LintFile], list[Diagnostic]]:
    """Every text the site is made of: content files and templates (course
    files aside with `skip_courses`, when the caller lints them itself)."""
    files, diagnostics = [], []
    cgv_path = config.cgv_file.resolve()
    for folder, kind in ((config.content_dir, "content"), (config.templates_dir, "template")):
        if not folder.is_dir():
            continue
        for path in visible_files(folder):
            if path.is_dir() or path.suffix.lower() not in TEXT_SUFFIXES:
                continue  # images and other binary files hold no text to lint
            is_course = path.parent == config.courses_dir
            if is_course and skip_courses:
                continue
            shown = display_path(path, config.root)
            source, found = reader(path, shown)
            if source is None:
                diagnostics += found  # also reported by the content loader: load_project keeps one
                continue
            file_kind = kind
            if path.resolve() == cgv_path:
                file_kind = "cgv"
            elif is_course:
                file_kind = "course"
            files.append(LintFile(shown, source.text, file_kind))
    return files, diagnostics


def lint_project(config: SiteConfig, cgv: Cgv | None, reader: Reader = read_source, *,
                 skip_courses: bool = False, linter: Linter | None = None) -> list[Diagnostic]:
    """`linter`: one already made for this configuration and CGV, if the caller has it."""
    files, diagnostics = lint_inputs(config, reader, skip_courses=skip_courses)
    return diagnostics + lint_texts(config, cgv, files, linter)
