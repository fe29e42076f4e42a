"""`legal-diff`: where does a copy of the CGV depart from the canonical text?

A document (a legacy text sheet, a printed PDF, a saved HTML page) is read
as lines of text (document.py), the clause headings of the CGV are found in
it (headings.py), and each clause is aligned word by word with the
canonical clause. Differences that no reader sees (textnorm.py, and
docs/legal-lint.md « What counts as the same text ») are erased first; what
remains is reported once per place, with the clause number, the canonical
words and the words found.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from pathlib import Path

from rapidfuzz import fuzz

from ..i18n import _, ngettext
from ..inputs.config import load_config
from ..diagnostics import CLAUSE_EXCERPT, Diagnostic, quote
from ..inputs.source import MAX_DOCUMENT_BYTES, MAX_PDF_BYTES, read_input
from .cgv import Cgv, load_cgv
from .document import Document, document_tokens, parse_document
from .headings import TITLE_SIMILARITY, Heading, canonical_tokens, find_headings, title_tokens
from .pdftext import UnreadablePdf
from .textnorm import Token, join, tokenize

MATCHES, DRIFTED, NOT_FOUND = 0, 1, 2


# --- finding and aligning clauses -------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    clause: str  # a clause's number, or TITLE
    location: int
    canonical: str
    found: str

    @property
    def place(self) -> str:
        return _("title") if self.clause == TITLE else _("clause {number}").format(number=self.clause)


@dataclass(frozen=True)
class ClauseEvent:
    clause: str
    location: int | None
    message: str


@dataclass
class DiffReport:
    document: Document
    found: bool
    changes: list[Change] = field(default_factory=list)
    events: list[ClauseEvent] = field(default_factory=list)  # missing, added, moved
    problem: Diagnostic | None = None  # the file could not be read (nothing compared)

    @property
    def status(self) -> int:
        if not self.found:
            return NOT_FOUND
        return DRIFTED if self.changes or self.events else MATCHES

    def lines(self) -> list[str]:
        doc = self.document
        if self.problem is not None:
            return self.problem.format().split("\n")
        if not self.found:
            return [_("{path}: no copy of the CGV found").format(path=doc.path)]
        out = []
        items = [(c.location, 0, _("{where}: {place}: {canonical} → {found}").format(
                      where=doc.where(c.location), place=c.place, canonical=quote(c.canonical, CLAUSE_EXCERPT),
                      found=quote(c.found, CLAUSE_EXCERPT)))
                 for c in self.changes]
        items += [(e.location or 0, 1, _("{where}: {message}").format(
                      where=doc.where(e.location) if e.location else doc.path, message=e.message))
                  for e in self.events]
        out += [text for *__, text in sorted(items, key=lambda item: (item[0], item[1]))]
        count = len(self.changes) + len(self.events)
        if count:
            out.append(ngettext("{path}: the CGV copy departs from the canonical text in {count} place",
                                "{path}: the CGV copy departs from the canonical text in {count} places",
                                count).format(path=doc.path, count=count))
        else:
            out.append(_("{path}: the CGV copy matches the canonical text").format(path=doc.path))
        return out


def _group(tokens: list[Token]) -> list[list[Token]]:
    groups: list[list[Token]] = []
    for token in tokens:
        if groups and groups[-1][-1].line == token.line:
            groups[-1].append(token)
        else:
            groups.append([token])
    return groups


def _describe(canonical: list[Token], found: list[Token], a1: int, a2: int, b1: int, b2: int) -> tuple[str, str]:
    """The two sides of a change. A change of punctuation only, or an insertion
    or deletion, is shown with its neighbouring word (the next one when the
    change opens a line, the previous one otherwise)."""
    if any(t.is_word for t in canonical[a1:a2]) and any(t.is_word for t in found[b1:b2]):
        return join(canonical[a1:a2]), join(found[b1:b2])
    opens_line = b1 < len(found) and (b1 == 0 or found[b1 - 1].line != found[b1].line)
    if opens_line and a2 < len(canonical) and b2 < len(found):
        a2, b2 = a2 + 1, b2 + 1
    elif a1 > 0 and b1 > 0:
        a1, b1 = a1 - 1, b1 - 1
    return join(canonical[a1:a2]), join(found[b1:b2])


_SENTENCE_END = {".", ";", ":", "!", "?"}
_NEAR = 2  # two changes this few words apart, in one sentence, are one place (a swap, « ne … pas »)


def _diff_clause(number: str, canonical: list[Token], found: list[Token]) -> tuple[list[Change], int]:
    """The places where `found` departs from `canonical`, and how many canonical tokens it has in order.
    A dash opening a line of the copy is a dash of the text where the canonical text has one there, else a
    list bullet (not compared)."""
    if any(t.bullet for t in found):
        kept = _matched(canonical, found)
        found = [t for index, t in enumerate(found) if not t.bullet or index in kept]
    matcher = difflib.SequenceMatcher(None, [t.text for t in canonical], [t.text for t in found], autojunk=False)
    copied = sum(block.size for block in matcher.get_matching_blocks())
    changes = []
    for a1, a2, b1, b2 in _places(matcher.get_opcodes(), canonical):
        # one change per place: split at line (document) and block (canonical) boundaries when both agree
        a_groups, b_groups = _group(canonical[a1:a2]), _group(found[b1:b2])
        if len(a_groups) == len(b_groups) > 1:
            pieces, a, b = [], a1, b1
            for ga, gb in zip(a_groups, b_groups):
                pieces.append((a, a + len(ga), b, b + len(gb)))
                a, b = a + len(ga), b + len(gb)
        elif len(b_groups) > 1 and len(a_groups) <= 1:
            pieces, b = [], b1
            for index, gb in enumerate(b_groups):
                pieces.append((a1 if index == 0 else a2, a2 if index == 0 else a2, b, b + len(gb)))
                b += len(gb)
        else:
            pieces = [(a1, a2, b1, b2)]
        for p_a1, p_a2, p_b1, p_b2 in pieces:
            if p_b1 < len(found):
                location = found[p_b1].line
            else:
                location = found[-1].line if found else 0
            changes.append(Change(number, location, *_describe(canonical, found, p_a1, p_a2, p_b1, p_b2)))
    return changes, copied


def _matched(canonical: list[Token], found: list[Token]) -> set[int]:
    """The indexes of the tokens of `found` that the alignment with `canonical` keeps as they are."""
    matcher = difflib.SequenceMatcher(None, [t.text for t in canonical], [t.text for t in found], autojunk=False)
    return {block.b + k for block in matcher.get_matching_blocks() for k in range(block.size)}


def _places(opcodes: list[tuple[str, int, int, int, int]], canonical: list[Token]
            ) -> list[tuple[int, int, int, int]]:
    """The differing spans of an alignment, two of them joined into one place when only a word or two of
    the same sentence stand between them."""
    places: list[list[int]] = []
    previous_equal: tuple[int, int] | None = None
    for op, a1, a2, b1, b2 in opcodes:
        if op == "equal":
            previous_equal = (a1, a2)
            continue
        if (places and previous_equal is not None and previous_equal[1] - previous_equal[0] <= _NEAR
                and not any(t.text in _SENTENCE_END for t in canonical[previous_equal[0]:previous_equal[1]])):
            places[-1][1], places[-1][3] = a2, b2
        else:
            places.append([a1, a2, b1, b2])
        previous_equal = None
    return [tuple(place) for place in places]


def _without_trailing_text(canonical: list[Token], found: list[Token]) -> list[Token]:
    """The last clause ends where its canonical text ends: lines after it (a page
    footer, the rest of a sheet) are not part of the copy."""
    matcher = difflib.SequenceMatcher(None, [t.text for t in canonical], [t.text for t in found], autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    if blocks and blocks[-1].a + blocks[-1].size == len(canonical):
        end = blocks[-1].b + blocks[-1].size
        if end < len(found) and found[end].line != found[end - 1].line:
            return found[:end]
    return found


TITLE = "title"  # the clause name of a change in the CGV's title line
MIN_COPIED_SHARE = 0.5  # a copy holds at least this share of the words of the clauses whose headings it has


def diff_document(cgv: Cgv, document: Document) -> DiffReport:
    """Find the CGV copy in `document` and every place where it departs from `cgv`."""
    vocabulary = {t.text for clause in cgv.clauses for t in tokenize(clause.plain_text())}
    vocabulary |= {t.text for t in tokenize(cgv.title)}
    tokens = document_tokens(document, vocabulary)
    headings = find_headings(tokens, cgv.clauses)
    known = [h for h in headings if h.clause is not None]
    report = DiffReport(document, found=len(known) >= max(2, len(cgv.clauses) // 4))
    if not report.found:
        return report
    first_seen: dict[str, Heading] = {}
    canonical_words = copied_words = 0
    for position, heading in enumerate(headings):
        end = headings[position + 1].start if position + 1 < len(headings) else len(tokens)
        if heading.clause is None:
            report.events.append(ClauseEvent(heading.number, heading.location,
                                             _("clause {number} is not in the canonical CGV (added)").format(
                                                 number=heading.number)))
            continue
        number = heading.clause.number
        if number in first_seen:
            first = document.where(document.lines[first_seen[number].location][0])
            report.events.append(ClauseEvent(number, heading.location,
                                             _("clause {number} appears a second time (first at {first})")
                                             .format(number=number, first=first)))
            continue
        first_seen[number] = heading
        canonical_heading, canonical_body = canonical_tokens(heading.clause)
        if heading.number != number:
            report.events.append(ClauseEvent(number, heading.location,
                                             _("clause {number} is numbered {written} in this copy").format(
                                                 number=number, written=heading.number)))
        else:
            report.changes += _diff_clause(number, *_as_written(title_tokens(canonical_heading),
                                                                tokens[heading.title:heading.body]))[0]
        body = tokens[heading.body:end]
        if position == len(headings) - 1:
            body = _without_trailing_text(canonical_body, body)
        changes, copied = _diff_clause(number, canonical_body, body)
        report.changes += changes
        canonical_words += len(canonical_body)
        copied_words += copied
    if copied_words < MIN_COPIED_SHARE * canonical_words:  # the headings of the CGV, not its text
        return DiffReport(document, found=False)
    report.changes = _diff_title(cgv, tokens, known[0]) + report.changes
    order = [c.number for c in cgv.clauses]
    for number in order:
        if number not in first_seen:
            report.events.append(ClauseEvent(number, None, _("clause {number} is missing from this copy").format(
                number=number)))
    report.events += _moved(first_seen, order)
    # token lines are indexes into document.lines: report the document's own line or page numbers
    report.changes = [replace(c, location=document.lines[c.location][0]) for c in report.changes]
    report.events = [replace(e, location=document.lines[e.location][0] if e.location is not None else None)
                     for e in report.events]
    return report


def _as_written(canonical: list[Token], found: list[Token]) -> tuple[list[Token], list[Token]]:
    """A heading and its copy, both in lower case when the copy is all in capitals (« PRIX ET CONDITIONS »:
    a style, typed or made by CSS): its case is then not compared."""
    letters = "".join(t.text for t in found if t.is_word)
    if any(c.isalpha() for c in letters) and letters.upper() == letters:
        return [replace(t, text=t.text.casefold()) for t in canonical], [replace(t, text=t.text.casefold())
                                                                           for t in found]
    return canonical, found


def _diff_title(cgv: Cgv, tokens: list[Token], first: Heading) -> list[Change]:
    """The CGV's title line, when the copy has one: among the few lines before its first clause, the one
    most like the canonical title."""
    canonical = tokenize(cgv.title, 0)
    wanted = " ".join(t.text for t in canonical).casefold()
    lines = _group(tokens[:first.start])[-6:]
    scored = [(fuzz.ratio(wanted, " ".join(t.text for t in line).casefold()), line) for line in lines]
    best = max(scored, key=lambda item: item[0], default=None)
    if best is None or best[0] < TITLE_SIMILARITY:
        return []
    return _diff_clause(TITLE, *_as_written(canonical, best[1]))[0]


def _moved(found: dict[str, Heading], order: list[str]) -> list[ClauseEvent]:
    """Clauses outside the longest run found in canonical order are the ones that moved."""
    in_doc = sorted(found.values(), key=lambda h: h.start)
    ranks = [order.index(h.clause.number) for h in in_doc]
    best: list[list[int]] = []
    for i, rank in enumerate(ranks):
        chains = [chain for chain in best if ranks[chain[-1]] < rank]
        best.append((max(chains, key=len) if chains else []) + [i])
    keep = set(max(best, key=len)) if best else set()
    events = []
    for i, heading in enumerate(in_doc):
        if i not in keep:
            number = heading.clause.number
            message = (_("clause {number} has moved: it comes after {after}").format(
                number=number, after=in_doc[i - 1].clause.number) if i else
                _("clause {number} has moved: it comes after the start").format(number=number))
            events.append(ClauseEvent(number, heading.location, message))
    return events


def diff_files(root: Path, files: list[Path]) -> list[DiffReport]:
    """`lexom-site legal-diff`: each file's CGV copy compared with the project's
    canonical CGV (BuildError when the project's configuration or CGV is invalid)."""
    cgv = load_cgv(load_config(root))
    return [_diff_file(cgv, path) for path in files]


def _diff_file(cgv: Cgv, path: Path) -> DiffReport:
    """One file's report; one that cannot be read says why (and the next file is compared all the same)."""
    shown = str(path)
    pdf = path.suffix.lower() == ".pdf"
    data, problems = read_input(path, shown, MAX_PDF_BYTES if pdf else MAX_DOCUMENT_BYTES)
    if data is None:
        return DiffReport(Document(shown, (), "line"), False, problem=problems[0])
    try:
        document = parse_document(data, shown, path.suffix)
    except UnreadablePdf:
        return DiffReport(Document(shown, (), "line"), False, problem=Diagnostic(
            shown, 0, 0, _("is not a PDF that can be read (damaged, incomplete or protected)"),
            hint=_("open it in a PDF reader; if it opens, save it again as PDF and compare that copy")))
    return diff_document(cgv, document)
