"""`legal-diff`: where does a copy of the CGV depart from the canonical text?

A document (a legacy text sheet, a printed PDF, a saved HTML page) is read
as lines of text, the clause headings of the CGV are found in it, and each
clause is aligned word by word with the canonical clause. Differences that
no reader sees (spacing, Unicode form, apostrophes, line wrapping, list
bullets) are erased first by `textnorm`; what remains is reported once per
place, with the clause number, the canonical words and the words found.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path

from rapidfuzz import fuzz

from ..inputs.config import load_config
from ..diagnostics import CLAUSE_EXCERPT, Diagnostic, quote
from ..inputs.source import MAX_DOCUMENT_BYTES, MAX_PDF_BYTES, decode_lenient, read_input
from .cgv import ROMAN, Cgv, Clause, load_cgv
from .pdftext import UnreadablePdf, page_texts, without_running_lines
from .textnorm import Token, join, tokenize

MATCHES, DRIFTED, NOT_FOUND = 0, 1, 2

_NUMBER = re.compile(r"\d+\.\d+|\d+|[IVXL]+")
_TITLE_SIMILARITY = 75.0
_URL_IN_BRACKETS = re.compile(r"<((?:https?://|mailto:)[^>\s]+)>")


# --- reading documents ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    path: str
    lines: tuple[tuple[int, str], ...]  # (location, text): a line number, or a page number for PDFs
    unit: str  # "line" or "page"

    def where(self, location: int) -> str:
        return f"{self.path}:{location}" if self.unit == "line" else f"{self.path} (page {location})"


class _HTMLText(HTMLParser):
    BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "section", "article", "header",
              "footer", "ul", "ol", "table", "blockquote", "title", "dd", "dt", "nav", "main"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[int, str]] = []
        self._current: list[str] = []
        self._line = 1
        self._skip = 0

    def _flush(self) -> None:
        text = "".join(self._current).strip()
        if text:
            self.lines.append((self._line, " ".join(text.split())))
        self._current = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._skip += 1
        elif tag in self.BLOCKS:
            self._flush()

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self._skip = max(0, self._skip - 1)
        elif tag in self.BLOCKS:
            self._flush()

    def handle_data(self, data):
        if self._skip:
            return
        if not "".join(self._current).strip():
            self._line = self.getpos()[0] + data[: len(data) - len(data.lstrip())].count("\n")
        self._current.append(data)

    def close(self):
        super().close()
        self._flush()


def read_document(path: Path, shown: str | None = None) -> Document:
    """The document in a file (OSError or UnreadablePdf when it cannot be read; see diff_files for the limits)."""
    return parse_document(path.read_bytes(), shown or str(path), path.suffix)


def parse_document(data: bytes, shown: str, suffix: str = "", *, visible_only: bool = False) -> Document:
    """A document's lines of text: a PDF's pages, an HTML page's text blocks, or a text file's lines
    (`visible_only`: of a PDF, only what a reader sees, see pdftext.py)."""
    suffix = suffix.lower()
    if suffix == ".pdf" or data.startswith(b"%PDF-"):
        if visible_only:  # (a PDF this project made: its running headers and footers are in its margins)
            pages = page_texts(data, visible_only=True)
        else:  # (from anywhere: running headers and footers found by what they are)
            pages = without_running_lines(page_texts(data, margin_band=0))
        lines = []
        for number, text in enumerate(pages, start=1):
            lines += [(number, line) for line in text.split("\n")]
        return Document(shown, tuple(lines), "page")
    text = decode_lenient(data)
    if suffix in (".html", ".htm", ".xhtml") or re.match(r"\s*<(?:!doctype|html)", text, re.IGNORECASE):
        parser = _HTMLText()
        parser.feed(text)
        parser.close()
        return Document(shown, tuple(parser.lines), "line")
    return Document(shown, tuple(enumerate(text.split("\n"), start=1)), "line")


def document_tokens(document: Document, vocabulary: set[str]) -> list[Token]:
    """Tokens of a document, numbered by the index of their line in
    `document.lines`. A word a layout broke at a line end is joined again:
    after a hyphen it added (in a PDF), and wherever the two halves make a
    word of the CGV again (after a slash, a dash, an @, inside an address)."""
    tokens: list[Token] = []
    for index, (_, text) in enumerate(document.lines):
        text = _URL_IN_BRACKETS.sub(r"\1", text)
        if text.rstrip().endswith("\u00ad"):  # (a soft hyphen where the line broke: a hyphenation point)
            text = text.rstrip()[:-1] + "-"
        line_tokens = tokenize(text, index, keep_dashes=True)
        if tokens and line_tokens and not line_tokens[0].bullet:
            line_tokens = _join_broken_word(tokens, line_tokens, vocabulary, document.unit == "page")
        tokens += line_tokens
    return tokens


_ATTACHED_RUN = 6  # at most this many tokens on each side of a line break are looked at to join a word


def _join_broken_word(tokens: list[Token], line_tokens: list[Token], vocabulary: set[str], pdf: bool
                      ) -> list[Token]:
    """Join the end of `tokens` (the lines so far) and the start of `line_tokens` (the next line) when a
    layout broke a word there; return what is left of the next line."""
    head, following = (tokens[-2] if len(tokens) >= 2 else None), line_tokens[0]
    if (tokens[-1].text == "-" and not tokens[-1].space_before and head is not None and head.is_word
            and following.is_word):  # a hyphen at the line end
        joined = None
        if head.text + following.text in vocabulary:
            joined = head.text + following.text
        elif f"{head.text}-{following.text}" in vocabulary:
            joined = f"{head.text}-{following.text}"
        elif pdf and following.text[:1].islower():
            joined = head.text + following.text  # hyphenated by the layout, not a word we know
        if joined is not None:
            tokens[-2:] = [Token(joined, head.line, head.space_before)]
            return line_tokens[1:]
    # the attached tokens on each side of the break (no space between them)
    tail = 1
    while tail < min(_ATTACHED_RUN, len(tokens)) and not tokens[-tail].space_before:
        tail += 1
    lead = 1
    while lead < min(_ATTACHED_RUN, len(line_tokens)) and not line_tokens[lead].space_before:
        lead += 1
    before, after = tokens[-tail:], line_tokens[:lead]
    glued = tokenize("".join(t.text for t in before) + "".join(t.text for t in after), before[0].line)
    made = [t.text for t in glued if len(t.text) > 1 and all(t.text != o.text for o in before + after)]
    at_a_sign = not before[-1].is_word or not after[0].is_word  # (a break between two letters is a space...)
    in_address = pdf and any(c in word for word in made for c in "/@.")  # (...but in an address, a break)
    if len(glued) < len(before) + len(after) and (at_a_sign or in_address) and any(w in vocabulary for w in made):
        first = replace(glued[0], space_before=before[0].space_before)
        tokens[-tail:] = [first] + glued[1:]
        return line_tokens[lead:]
    return line_tokens


# --- finding and aligning clauses -------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    clause: str  # a clause's number, or TITLE
    location: int
    canonical: str
    found: str

    @property
    def place(self) -> str:
        return "title" if self.clause == TITLE else f"clause {self.clause}"


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
            return [f"{doc.path}: no copy of the CGV found"]
        out = []
        items = [(c.location, 0, f"{doc.where(c.location)}: {c.place}: {quote(c.canonical, CLAUSE_EXCERPT)} → "
                  f"{quote(c.found, CLAUSE_EXCERPT)}")
                 for c in self.changes]
        items += [(e.location or 0, 1, (doc.where(e.location) if e.location else doc.path) + f": {e.message}")
                  for e in self.events]
        out += [text for _, _, text in sorted(items, key=lambda item: (item[0], item[1]))]
        count = len(self.changes) + len(self.events)
        if count:
            out.append(f"{doc.path}: the CGV copy departs from the canonical text in {count} place"
                       f"{'s' if count > 1 else ''}")
        else:
            out.append(f"{doc.path}: the CGV copy matches the canonical text")
        return out


@dataclass(frozen=True)
class _Heading:
    clause: Clause | None  # None: a numbered heading that is not in the canonical CGV
    number: str  # as numbered in the document
    start: int  # token index of the heading
    title: int  # token index where its title starts (after « Article », the number and its punctuation)
    body: int  # token index where its body starts
    location: int


def _canonical_tokens(clause: Clause) -> tuple[list[Token], list[Token]]:
    heading = tokenize(clause.heading, 0)
    body = tokenize("\n".join(clause.plain_text().split("\n")[1:]), 1)
    return heading, body


def _title_tokens(heading: list[Token]) -> list[Token]:
    rest = heading[1:]
    return rest[1:] if rest and rest[0].text == "." else rest


_ARTICLE = {"article", "art", "chapitre", "section", "titre"}  # a word that may come before a clause's number
_AFTER_NUMBER = {".", ")", ":", "-", "°"}  # « 3.1. », « 3.1) », « ARTICLE 3 : », « Article 3.1 - »


def _same_number(written: str, number: str) -> bool:
    """« 3 » and « III » number the same section."""
    if written == number:
        return True
    return written.isdigit() and number in ROMAN and ROMAN.index(number) + 1 == int(written)


def _find_headings(tokens: list[Token], clauses: tuple[Clause, ...]) -> list[_Heading]:
    """The clause headings of the document, in the forms people write them: « 3.1. Titre », « 3.1 Titre »,
    « 3.1) Titre », « Article 3.1 - Titre », « ARTICLE 3 : TITRE » (a section by its roman or arabic number),
    in any case."""
    titles = {c.number: " ".join(t.text for t in _title_tokens(tokenize(c.heading))).casefold() for c in clauses}
    by_number = {c.number: c for c in clauses}
    headings: list[_Heading] = []
    for i, token in enumerate(tokens):
        line_start = i == 0 or tokens[i - 1].line != token.line
        if not line_start:
            continue
        k = i
        if token.text.casefold() in _ARTICLE and k + 1 < len(tokens) and tokens[k + 1].line == token.line:
            k += 1
            if tokens[k].text == "." and k + 1 < len(tokens):
                k += 1
        number_token = tokens[k]
        if not _NUMBER.fullmatch(number_token.text):
            continue
        j = k + 1
        separated = j < len(tokens) and tokens[j].text in _AFTER_NUMBER and tokens[j].line == token.line
        if separated:
            j += 1
        elif "." not in number_token.text and k == i:
            continue  # « IV » and « 3 » are numbers of a heading only with their punctuation or « Article »
        if j >= len(tokens) or tokens[j].line != token.line:
            continue

        def score(number: str) -> float:
            size = len(titles[number].split(" "))
            return fuzz.ratio(titles[number], " ".join(t.text for t in tokens[j : j + size]).casefold())

        written = number_token.text
        numbered = next((n for n in by_number if _same_number(written, n)), None)
        clause = by_number[numbered] if numbered is not None and score(numbered) >= _TITLE_SIMILARITY else None
        if clause is None:
            best = max(titles, key=score)
            clause = by_number[best] if score(best) >= 90 else None
        if clause is None:
            line_length = sum(1 for t in tokens[i:] if t.line == token.line)
            if line_length > 20 or not headings or (written.isdigit() and k == i):
                continue  # a numbered sentence, or text before the CGV
            headings.append(_Heading(None, written, i, j, i + line_length, token.line))
            continue
        size = len(titles[clause.number].split(" "))
        number = clause.number if _same_number(written, clause.number) else written
        headings.append(_Heading(clause, number, i, j, j + size, token.line))
    return headings


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
    headings = _find_headings(tokens, cgv.clauses)
    known = [h for h in headings if h.clause is not None]
    report = DiffReport(document, found=len(known) >= max(2, len(cgv.clauses) // 4))
    if not report.found:
        return report
    first_seen: dict[str, _Heading] = {}
    canonical_words = copied_words = 0
    for position, heading in enumerate(headings):
        end = headings[position + 1].start if position + 1 < len(headings) else len(tokens)
        if heading.clause is None:
            report.events.append(ClauseEvent(heading.number, heading.location,
                                             f"clause {heading.number} is not in the canonical CGV (added)"))
            continue
        number = heading.clause.number
        if number in first_seen:
            first = document.where(document.lines[first_seen[number].location][0])
            report.events.append(ClauseEvent(number, heading.location,
                                             f"clause {number} appears a second time (first at {first})"))
            continue
        first_seen[number] = heading
        canonical_heading, canonical_body = _canonical_tokens(heading.clause)
        if heading.number != number:
            report.events.append(ClauseEvent(number, heading.location,
                                             f"clause {number} is numbered {heading.number} in this copy"))
        else:
            report.changes += _diff_clause(number, *_as_written(_title_tokens(canonical_heading),
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
            report.events.append(ClauseEvent(number, None, f"clause {number} is missing from this copy"))
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


def _diff_title(cgv: Cgv, tokens: list[Token], first: _Heading) -> list[Change]:
    """The CGV's title line, when the copy has one: among the few lines before its first clause, the one
    most like the canonical title."""
    canonical = tokenize(cgv.title, 0)
    wanted = " ".join(t.text for t in canonical).casefold()
    lines = _group(tokens[:first.start])[-6:]
    scored = [(fuzz.ratio(wanted, " ".join(t.text for t in line).casefold()), line) for line in lines]
    best = max(scored, key=lambda item: item[0], default=None)
    if best is None or best[0] < _TITLE_SIMILARITY:
        return []
    return _diff_clause(TITLE, *_as_written(canonical, best[1]))[0]


def _moved(found: dict[str, _Heading], order: list[str]) -> list[ClauseEvent]:
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
            after = in_doc[i - 1].clause.number if i else "the start"
            events.append(ClauseEvent(heading.clause.number, heading.location,
                                      f"clause {heading.clause.number} has moved: it comes after {after}"))
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
            shown, 0, 0, "is not a PDF that can be read (damaged, incomplete or protected)",
            hint="open it in a PDF reader; if it opens, save it again as PDF and compare that copy"))
    return diff_document(cgv, document)
