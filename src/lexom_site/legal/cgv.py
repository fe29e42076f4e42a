"""The canonical CGV (content/legal/cgv.md) -> `Cgv`, a list of clauses.

The CGV names company facts as `{{ fact.name }}`; they are replaced by the
values of site.yaml here, once, so every output carries the same text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Mapping

from ..diagnostics import BuildError, Diagnostic, display_path
from ..i18n import _
from ..inputs.config import FACT_NAME, SiteConfig
from ..inputs.french import format_date
from ..inputs.markdown import block_tree, inline_text, link_problems, plain_block, plain_inline, unshown_lines
from ..inputs.schema import Date, Field, Text, parse_mapping
from ..inputs.source import Reader, Source, compose_yaml, read_source, split_front_matter

CGV_FIELDS = (
    Field("title", Text(max_length=200), "title of the CGV", example="Conditions Générales de Vente : {{ company.name }}"),
    Field("version", Text(max_length=20), "version of the text, shown under its title", example="1.0"),
    Field("effective_date", Date(), "date from which this version applies", example="2026-11-22"),
)

_FACT_REF = re.compile(r"\{\{\s*(?P<name>[^{}]*?)\s*\}\}")
_SECTION_RE = re.compile(r"(?P<num>[IVXL]+)\.\s+(?P<title>\S.*)")
_CLAUSE_RE = re.compile(r"(?P<num>\d+\.\d+)\.?\s+(?P<title>\S.*)")

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


@dataclass(frozen=True)
class Clause:
    number: str  # "I", "II", "2.1", "3.3"
    heading: str  # the heading as written: "3.3 Règlement par un OPCO (...)"
    title: str
    level: int  # 1: section (I., II.), 2: clause (2.1)
    body: str  # Markdown, facts substituted
    line: int  # line of the heading
    end_line: int
    body_line: int  # line of the first line of `body`

    @property
    def anchor(self) -> str:
        return "clause-" + self.number.replace(".", "-")

    def plain_text(self) -> str:
        """The words of the clause as a reader sees them: heading then body."""
        body = plain_block(self.body)
        return plain_inline(self.heading) + ("\n" + body if body else "")


@dataclass(frozen=True)
class Cgv:
    path: str
    title: str
    version: str
    effective_date: dt.date
    clauses: tuple[Clause, ...]

    def plain_text(self) -> str:
        return "\n".join(clause.plain_text() for clause in self.clauses)

    @property
    def effective_date_fr(self) -> str:
        return format_date(self.effective_date)


def substitute_facts(text: str, facts: Mapping[str, str], path: str, first_line: int) -> tuple[str, list[Diagnostic]]:
    """Replace `{{ name }}` by the fact's value; unknown names are errors."""
    diagnostics: list[Diagnostic] = []
    lines = text.split("\n")
    for index, line in enumerate(lines):
        def replace(match: re.Match, index: int = index) -> str:
            name = match["name"]
            if re.fullmatch(FACT_NAME, name) and name in facts:
                return facts[name]
            known = ", ".join(sorted(facts))
            diagnostics.append(Diagnostic(path, first_line + index, match.start() + 1,
                                          _("unknown fact '{{{{ {name} }}}}'").format(name=name),
                                          hint=_("facts are declared in site.yaml; known: {known}").format(
                                              known=known)))
            return match.group(0)
        lines[index] = _FACT_REF.sub(replace, line)
    return "\n".join(lines), diagnostics


def parse_cgv(source: Source, facts: Mapping[str, str]) -> tuple[Cgv | None, list[Diagnostic]]:
    front, diagnostics = split_front_matter(source)
    if front is None:
        return None, diagnostics
    node, diagnostics = compose_yaml(front.yaml_text, source.path, front.yaml_line)
    if node is None and diagnostics:
        return None, diagnostics
    parsed, found = parse_mapping(node, CGV_FIELDS, source.path, front.yaml_line, "front matter")
    diagnostics += found
    title = parsed.values.get("title", "")
    title, found = substitute_facts(title, facts, source.path, parsed.lines.get("title", 1))
    diagnostics += found
    body, found = substitute_facts(front.body, facts, source.path, front.body_line)
    diagnostics += found
    clauses, found = _split_clauses(body, source.path, front.body_line)
    diagnostics += found
    # no picture, and links only to web or mail addresses: in the text, or brought by a fact's value (the line
    # is the one where the fact is named)
    for number, line in [(parsed.lines.get("title", 1), title), *enumerate(body.split("\n"), front.body_line)]:
        for problem in link_problems(line, _("the CGV")):
            diagnostics.append(Diagnostic(source.path, number, problem.col, problem.message, hint=problem.hint))
    if diagnostics:
        return None, diagnostics
    return Cgv(source.path, title, parsed.values["version"], parsed.values["effective_date"], clauses), []


def _split_clauses(body: str, path: str, first_line: int) -> tuple[tuple[Clause, ...], list[Diagnostic]]:
    lines = body.split("\n")
    diagnostics: list[Diagnostic] = []
    headings = []
    tree = block_tree(body)
    for number, column, line in unshown_lines(body, tree):  # (a line of the CGV never left out without a word)
        diagnostics.append(Diagnostic(path, first_line + number, column,
                                      _("« {line} » would not be shown: Markdown reads it as a link definition, "
                                        "which the CGV do not use").format(line=line),
                                      hint=_("write the address in the link itself: [text](https://…), and delete "
                                             "this line")))
    for node in tree.children:
        start = node.map[0] if node.map else 0
        if node.type != "heading":
            if not headings:
                diagnostics.append(Diagnostic(path, first_line + start, 1, _("text before the first clause"),
                                              hint=_("the CGV starts with a clause heading, e.g. "
                                                     "'## I. Application ...'")))
            continue
        text = inline_text(node)
        if node.tag == "h2" and (match := _SECTION_RE.fullmatch(text)):
            headings.append((start, match["num"], text, match["title"], 1))
        elif node.tag == "h3" and (match := _CLAUSE_RE.fullmatch(text)):
            headings.append((start, match["num"], text, match["title"], 2))
        else:
            diagnostics.append(Diagnostic(
                path, first_line + start, 1, _("heading '{heading}' is not a numbered clause").format(heading=text),
                hint=_("sections are '## I. Title', clauses are '### 2.1. Title'")))
    clauses = []
    for position, (start, number, heading, title, level) in enumerate(headings):
        end = headings[position + 1][0] if position + 1 < len(headings) else len(lines)
        body_lines = lines[start + 1 : end]
        blank = next((i for i, line in enumerate(body_lines) if line.strip()), len(body_lines))
        body_text = "\n".join(body_lines).strip("\n")
        clauses.append(Clause(number, heading, title, level, body_text, first_line + start, first_line + end - 1,
                              first_line + start + 1 + blank))
    return tuple(clauses), diagnostics


def load_cgv(config: SiteConfig, reader: Reader = read_source) -> Cgv:
    path = config.cgv_file
    shown = display_path(path, config.root)
    if not path.exists() and not path.is_symlink():  # (a folder or a link: said by the reader)
        raise BuildError([Diagnostic(shown, 0, 0, _("the canonical CGV is missing"),
                                     hint=_("content/legal/cgv.md holds the one CGV appended to every sheet"))])
    source, diagnostics = reader(path, shown)
    if source is None:
        raise BuildError(diagnostics)
    cgv, diagnostics = parse_cgv(source, config.fact_values())
    if cgv is None:
        raise BuildError(diagnostics)
    return cgv
