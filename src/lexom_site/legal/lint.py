"""Legal lint: the CGV cannot drift again.

Three families of rules, each reported as a `Diagnostic` at its line:

- copies: a passage of the CGV (a clause or a substantial part of one, even
  slightly altered) outside content/legal/ is an error;
- facts: an e-mail address, host name, company name, court, mediator or
  declared amount that looks like a declared fact but is not equal to it is
  an error with a suggestion; inside the CGV every address is written as a
  fact and every amount is a declared one;
- structure: CGV numbering complete and in order, no empty or duplicated
  clause, internal references to clauses that exist.

Every rule works on text; `lint_files` reads the files at the edge.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from rapidfuzz import fuzz

from ..diagnostics import Diagnostic, display_path
from ..inputs.config import AMOUNT_RE, SiteConfig, amount_key
from ..inputs.source import Reader, read_source
from .cgv import ROMAN, Cgv
from .textnorm import LineIndex, fold

COPY_HINT = ("the CGV lives only in content/legal/cgv.md and is appended to every PDF sheet; "
             "remove the copied passage")

# A copied passage must share this many 4-word sequences with one CGV
# paragraph, cover this many words and be this similar to it (rapidfuzz).
SHINGLE = 4
MIN_SHARED_SHINGLES = 4
MIN_PASSAGE_WORDS = 10
MIN_SIMILARITY = 80.0
MAX_GAP_WORDS = 8


TEXT_SUFFIXES = {".md", ".markdown", ".txt", ".html", ".htm", ".xml", ".j2", ".jinja", ".yaml", ".yml", ".json"}


@dataclass(frozen=True)
class LintFile:
    path: str  # as shown in diagnostics
    text: str  # NFC, LF
    kind: str  # "cgv", "course", "template" or "content"


# --- copies of the CGV ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Unit:
    clause: str  # clause number
    title: str
    words: tuple[str, ...]


_WORD = re.compile(r"\w+(?:'\w+)*")


def _words(text: str) -> list[str]:
    """The words of a text, folded and lower-cased."""
    return [word.lower() for word in _WORD.findall(fold(text))]


def _word_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _WORD.finditer(fold(text))]


class CopyDetector:
    """Finds passages of the CGV in other texts: shingles find candidates,
    rapidfuzz confirms them."""

    def __init__(self, cgv: Cgv):
        self.units: list[_Unit] = []
        self.index: dict[tuple[str, ...], set[int]] = defaultdict(set)
        for clause in cgv.clauses:
            for paragraph in clause.plain_text().split("\n"):
                words = tuple(_words(paragraph))
                if len(words) < MIN_PASSAGE_WORDS:
                    continue
                unit = len(self.units)
                self.units.append(_Unit(clause.number, clause.title, words))
                for i in range(len(words) - SHINGLE + 1):
                    self.index[words[i : i + SHINGLE]].add(unit)

    def find(self, file: LintFile) -> list[Diagnostic]:
        words = _words(file.text)
        hits: dict[int, list[int]] = defaultdict(list)  # unit -> word positions in the file
        index = self.index
        for i, shingle in enumerate(zip(*(words[k:] for k in range(SHINGLE)))):
            units = index.get(shingle)
            if units:
                for unit in units:
                    hits[unit].append(i)
        candidates: list[tuple[float, int, int, str]] = []  # score, first word, last word, clause
        for unit, positions in hits.items():
            for first, last in _clusters(positions):
                last += SHINGLE - 1
                count = sum(first <= p <= last for p in positions)
                if count < MIN_SHARED_SHINGLES or last - first + 1 < MIN_PASSAGE_WORDS:
                    continue
                found = " ".join(words[first : last + 1])
                score = fuzz.partial_ratio(found, " ".join(self.units[unit].words))
                if score >= MIN_SIMILARITY:
                    candidates.append((score, first, last, self.units[unit].clause))
        # a passage is attributed to the paragraph it matches best, not to every similar one
        spans: list[tuple[int, int, str]] = []
        for score, first, last, clause in sorted(candidates, key=lambda c: (-c[0], c[1])):
            if not any(first <= b and a <= last for a, b, _ in spans):
                spans.append((first, last, clause))
        return [self._report(file, words, span) for span in _merge(spans)]

    def _report(self, file: LintFile, words: list[str], span: tuple[int, int, list[str]]) -> Diagnostic:
        first, last, clauses = span
        spans = _word_spans(file.text)
        index = LineIndex(file.text)
        line, col = index.position(spans[first][0])
        end_line, _ = index.position(spans[last][1])
        titles = {u.clause: u.title for u in self.units}
        named = ", ".join(f"{n} « {titles[n]} »" for n in clauses)
        where = f"lines {line}-{end_line}" if end_line != line else f"line {line}"
        kind = "clause" if len(clauses) == 1 else "clauses"
        return Diagnostic(file.path, line, col, f"{where} copy the CGV ({kind} {named})", hint=COPY_HINT,
                          end_line=end_line)


def _clusters(positions: list[int]) -> Iterable[tuple[int, int]]:
    positions = sorted(set(positions))
    start = previous = positions[0]
    for p in positions[1:]:
        if p - previous > MAX_GAP_WORDS:
            yield start, previous
            start = p
        previous = p
    yield start, previous


def _merge(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, list[str]]]:
    merged: list[tuple[int, int, list[str]]] = []
    for first, last, clause in sorted(spans):
        if merged and first <= merged[-1][1] + MAX_GAP_WORDS:
            m_first, m_last, clauses = merged[-1]
            merged[-1] = (m_first, max(m_last, last), clauses + ([clause] if clause not in clauses else []))
        else:
            merged.append((first, last, [clause]))
    return merged


# --- facts -----------------------------------------------------------------------------------------------

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_URL = re.compile(r"https?://[^\s<>\"'()\[\]{}]+[^\s<>\"'()\[\]{}.,;:!?]")
_HOST = re.compile(r"(?<![\w@.-])(?:www\.)?(?:[a-z0-9-]+\.)+(?:fr|com|eu|org|net|info|biz|io|co)(?![\w-])",
                   re.IGNORECASE)
_TLD = re.compile(r"\.(?:fr|com|eu|org|net|info|biz|io|co)(?![\w-])", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_SIMILAR_ADDRESS = 80.0
_SIMILAR_PHRASE = 85.0


@dataclass(frozen=True)
class _Finding:
    start: int
    message: str
    hint: str | None = None


def _host_of(url: str) -> str:
    return re.sub(r"^https?://", "", url).split("/")[0].lower()


def _label(host: str) -> str:
    """lexom.fr -> lexom; www.lexom.fr -> lexom."""
    parts = host.lower().removeprefix("www.").split(".")
    return parts[-2] if len(parts) >= 2 else parts[0]


class FactChecker:
    def __init__(self, config: SiteConfig):
        self.config = config
        facts = config.facts.values()
        self.emails = {f.value.lower(): f for f in facts if _EMAIL.fullmatch(f.value)}
        self.urls = {f.value: f for f in facts if _URL.fullmatch(f.value)}
        self.hosts = {h for h in (_host_of(u) for u in self.urls)} | {e.split("@")[1] for e in self.emails}
        self.names = [f for f in facts if f not in self.emails.values() and f not in self.urls.values()
                      and " " not in f.value and f.value.isupper() and len(f.value) >= 4]
        self.phrases = [f for f in facts if " " in f.value and not _URL.search(f.value)]
        # a near-miss of a name starts with its initial (in capitals) and has a length close to its length
        self._name_candidates = re.compile("|".join(
            rf"\b{re.escape(f.value[0])}[A-Za-zÀ-ÖØ-öø-ÿ]{{{low - 1},{high - 1}}}\b"
            for f in self.names for low, high in [_similar_lengths(len(f.value))]) or "(?!)")
        self._phrase_keys = []
        for fact in self.phrases:
            value = fold(fact.value)
            long_words = sorted(set(re.findall(r"\w{5,}", value.lower())), key=len, reverse=True)
            if long_words:
                self._phrase_keys.append((fact, value, re.compile("|".join(map(re.escape, long_words)))))
        self.amounts = config.amounts
        self._contexts = [(amount, _context_anchor(context), _context_regex(context))
                          for amount in self.amounts for context in amount.contexts]

    def check(self, file: LintFile) -> list[Diagnostic]:
        text = fold(file.text)
        masked = _PLACEHOLDER.sub(lambda m: " " * len(m.group()), text) if "{" in text else text
        findings: list[_Finding] = []
        taken: list[tuple[int, int]] = []
        for match in _EMAIL.finditer(masked) if "@" in masked else ():
            taken.append(match.span())
            findings += self._email(match, file.kind)
        for match in _URL.finditer(masked) if "://" in masked else ():
            taken.append(match.span())
            findings += self._url(match, file.kind)
        for match in _HOST.finditer(masked) if _TLD.search(masked) else ():
            if not any(a <= match.start() < b for a, b in taken):
                findings += self._host(match.start(), match.group())
        findings += self._names(masked, taken)
        findings += self._phrases(masked)
        findings += self._amounts(masked, file.kind)
        if not findings:
            return []
        index = LineIndex(file.text)
        out = []
        for finding in sorted(findings, key=lambda f: f.start):
            line, col = index.position(finding.start)
            out.append(Diagnostic(file.path, line, col, finding.message, hint=finding.hint))
        return out

    def _email(self, match: re.Match, kind: str) -> list[_Finding]:
        email = match.group()
        fact = self.emails.get(email.lower())
        if fact is not None:
            if kind == "cgv":
                return [_Finding(match.start(), f"address '{email}' written out in the CGV",
                                 f"write {{{{ {fact.name} }}}}: it is declared in site.yaml")]
            return []
        best = max(self.emails.values(), key=lambda f: fuzz.ratio(email.lower(), f.value.lower()), default=None)
        domain = email.split("@")[1].lower()
        if best is not None and (fuzz.ratio(email.lower(), best.value.lower()) >= _SIMILAR_ADDRESS
                                 or domain in self.hosts or _label(domain) in {_label(h) for h in self.hosts}):
            return [_Finding(match.start(), f"'{email}' is not a declared address: did you mean {best.value}?",
                             f"declared in site.yaml as {best.name}")]
        if kind == "cgv":
            return [_Finding(match.start(), f"address '{email}' in the CGV is not a declared fact",
                             "declare it under 'facts:' in site.yaml and write {{ name }} in the CGV")]
        return []

    def _url(self, match: re.Match, kind: str) -> list[_Finding]:
        url = match.group()
        if url in self.urls or url.rstrip("/") in {u.rstrip("/") for u in self.urls}:
            if kind == "cgv":
                fact = self.urls.get(url) or next(f for u, f in self.urls.items() if u.rstrip("/") == url.rstrip("/"))
                return [_Finding(match.start(), f"address '{url}' written out in the CGV",
                                 f"write {{{{ {fact.name} }}}}: it is declared in site.yaml")]
            return []
        host_findings = self._host(match.start(), _host_of(url))
        if host_findings:
            return host_findings
        if kind == "cgv":
            return [_Finding(match.start(), f"address '{url}' in the CGV is not a declared fact",
                             "declare it under 'facts:' in site.yaml and write {{ name }} in the CGV")]
        return []

    def _host(self, start: int, host: str) -> list[_Finding]:
        host = host.lower()
        if host in self.hosts or not self.hosts:
            return []
        best = max(self.hosts, key=lambda h: fuzz.ratio(host, h))
        same_name = _label(host) in {_label(h) for h in self.hosts}
        if same_name or fuzz.ratio(host, best) >= _SIMILAR_ADDRESS:
            if same_name:
                best = max((h for h in self.hosts if _label(h) == _label(host)), key=lambda h: fuzz.ratio(host, h))
            return [_Finding(start, f"'{host}' is not a declared address: did you mean {best}?",
                             "the site's addresses are declared in site.yaml under 'facts:'")]
        return []

    def _names(self, text: str, taken: list[tuple[int, int]]) -> list[_Finding]:
        findings = []
        if not self.names:
            return findings
        for match in self._name_candidates.finditer(text):
            word = match.group()
            if any(a <= match.start() < b for a, b in taken):
                continue
            upper = word.upper()
            for fact in self.names:
                if word == fact.value or not _lengths_allow(len(word), len(fact.value)):
                    continue
                if upper == fact.value.upper() or (
                        word[0].upper() == fact.value[0] and fuzz.ratio(upper, fact.value) >= _SIMILAR_ADDRESS):
                    findings.append(_Finding(match.start(), f"'{word}' looks like the declared {fact.name} "
                                             f"'{fact.value}': did you mean {fact.value}?",
                                             f"declared in site.yaml as {fact.name}"))
        return findings

    def _phrases(self, text: str) -> list[_Finding]:
        findings = []
        text_lower = text.lower()
        for fact, value, keywords in self._phrase_keys:
            lines_seen: set[int] = set()
            for hit in keywords.finditer(text_lower):  # only lines sharing a long word with the fact
                start_of_line = text.rfind("\n", 0, hit.start()) + 1
                if start_of_line in lines_seen:
                    continue
                lines_seen.add(start_of_line)
                end_of_line = text.find("\n", hit.start())
                line = text[start_of_line : end_of_line if end_of_line >= 0 else len(text)]
                if value in line:
                    continue
                found = fuzz.partial_ratio_alignment(value.lower(), line.lower(), score_cutoff=_SIMILAR_PHRASE)
                if found is not None:
                    start, end = found.dest_start, found.dest_end
                    findings.append(_Finding(start_of_line + start, f"'{line[start:end].strip()}' looks like the "
                                             f"declared {fact.name}: did you mean '{fact.value}'?",
                                             f"declared in site.yaml as {fact.name}"))
        return sorted(findings, key=lambda f: f.start)

    def _amounts(self, text: str, kind: str) -> list[_Finding]:
        findings = []
        lower = text.lower()
        covered: set[int] = set()
        seen: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for amount, anchor, regex in self._contexts:
            if anchor not in lower:  # a cheap test first: most texts state no amount at all
                continue
            for match in regex.finditer(lower):
                covered.add(match.start("number"))
                stated = text[match.start("number") : match.end("unit")]
                seen[amount.name].append((match.start("number"), stated))
                if amount_key(match["number"], match["unit"]) != amount.key:
                    findings.append(_Finding(match.start("number"), f"'{stated}' differs from the declared "
                                             f"{amount.name} ({amount.value}): did you mean {amount.value}?",
                                             f"declared in site.yaml, line {amount.line}"))
        if kind == "cgv":
            for match in AMOUNT_RE.finditer(text):
                if match.start("number") not in covered and not _inside_word(text, match.start()):
                    findings.append(_Finding(match.start(), f"amount '{match.group()}' in the CGV is not declared",
                                             "declare it under 'amounts:' in site.yaml with the words around it"))
            index = LineIndex(text)
            for name, statements in seen.items():
                lines_by_value: dict[tuple[str, str], list[int]] = defaultdict(list)
                shown: dict[tuple[str, str], str] = {}
                for start, stated in statements:
                    key = amount_key(*AMOUNT_RE.fullmatch(stated).group("number", "unit"))
                    lines_by_value[key].append(index.position(start)[0])
                    shown.setdefault(key, stated)
                if len(lines_by_value) > 1:
                    listed = " and ".join(f"{shown[k]} (line{'s' if len(v) > 1 else ''} {', '.join(map(str, v))})"
                                          for k, v in lines_by_value.items())
                    findings.append(_Finding(statements[0][0], f"the CGV states {name} with two values: {listed}",
                                             "one fact, one value: correct the wrong one"))
        return findings


def _similar_lengths(n: int) -> tuple[int, int]:
    """The word lengths that can reach the similarity threshold with a word of n letters."""
    lengths = [m for m in range(1, 4 * n) if _lengths_allow(m, n)]
    return max(3, lengths[0]), lengths[-1]


def _lengths_allow(a: int, b: int) -> bool:
    """Can two words of these lengths reach the similarity threshold? (ratio <= 2*min/(a+b))"""
    return 200 * min(a, b) >= _SIMILAR_ADDRESS * (a + b)


def _inside_word(text: str, start: int) -> bool:
    return start > 0 and (text[start - 1].isalnum() or text[start - 1] in "-./")


def _context_anchor(context: str) -> str:
    """The longest word of a context: a text without it cannot match the context."""
    return max(re.findall(r"\w+", fold(context).lower().replace("{}", " ")), key=len, default="")


def _context_regex(context: str) -> re.Pattern:
    before, after = (re.escape(part.lower()).replace(r"\ ", r"\s+") for part in context.split("{}"))
    return re.compile(before + AMOUNT_RE.pattern + after, re.IGNORECASE)


# --- structure of the CGV --------------------------------------------------------------------------------

_REFERENCE = re.compile(r"\b(?:article|clause|paragraphe|point|section)s?\s+(?:n°\s*)?(?P<ref>\d+\.\d+|[IVX]+)\b",
                        re.IGNORECASE)


def check_structure(cgv: Cgv) -> list[Diagnostic]:
    diagnostics = []
    path = cgv.path
    section_index = 0
    clause_index = 0
    seen: dict[str, int] = {}
    numbers = {c.number for c in cgv.clauses}
    has_sub = {c.number.split(".")[0] for c in cgv.clauses if c.level == 2}
    for clause in cgv.clauses:
        if clause.number in seen:
            diagnostics.append(Diagnostic(path, clause.line, 1, f"clause {clause.number} appears twice "
                                          f"(first at line {seen[clause.number]})"))
            continue
        seen[clause.number] = clause.line
        if clause.level == 1:
            section_index += 1
            clause_index = 0
            expected = ROMAN[section_index - 1] if section_index <= len(ROMAN) else "?"
            if clause.number != expected:
                diagnostics.append(Diagnostic(path, clause.line, 1, f"section {clause.number} comes where "
                                              f"section {expected} was expected",
                                              hint="number the sections I., II., III. ... in order"))
                if clause.number in ROMAN:
                    section_index = ROMAN.index(clause.number) + 1
            if not clause.body.strip() and str(section_index) not in has_sub:
                diagnostics.append(Diagnostic(path, clause.line, 1, f"section {clause.number} is empty"))
        else:
            clause_index += 1
            expected = f"{section_index}.{clause_index}"
            if clause.number != expected:
                diagnostics.append(Diagnostic(path, clause.line, 1, f"clause {clause.number} comes where "
                                              f"clause {expected} was expected",
                                              hint="clauses of section N are numbered N.1, N.2 ... in order"))
                major, _, minor = clause.number.partition(".")
                if major == str(section_index):
                    clause_index = int(minor)
            if not clause.body.strip():
                diagnostics.append(Diagnostic(path, clause.line, 1, f"clause {clause.number} is empty"))
        body_lines = clause.body.split("\n")
        for offset, line in enumerate(body_lines, start=clause.body_line):
            for match in _REFERENCE.finditer(line):
                if match["ref"] not in numbers:
                    diagnostics.append(Diagnostic(path, offset, match.start() + 1,
                                                  f"'{match.group()}' refers to a clause that does not exist",
                                                  hint=f"clauses: {', '.join(dict.fromkeys(c.number for c in cgv.clauses))}"))
    return diagnostics


# --- files -----------------------------------------------------------------------------------------------


class Linter:
    """Every legal rule that applies to one file, ready to run on many."""

    def __init__(self, config: SiteConfig, cgv: Cgv | None):
        self.facts = FactChecker(config)
        self.copies = CopyDetector(cgv) if cgv is not None else None

    def lint(self, file: LintFile) -> list[Diagnostic]:
        diagnostics = self.copies.find(file) if self.copies is not None and file.kind != "cgv" else []
        return diagnostics + self.facts.check(file)


def lint_texts(config: SiteConfig, cgv: Cgv | None, files: Iterable[LintFile],
               linter: Linter | None = None) -> list[Diagnostic]:
    linter = linter or Linter(config, cgv)
    diagnostics: list[Diagnostic] = []
    for file in files:
        diagnostics += linter.lint(file)
    if cgv is not None:
        diagnostics += check_structure(cgv)
    return diagnostics


def lint_inputs(config: SiteConfig, reader: Reader = read_source, *, skip_courses: bool = False
                ) -> tuple[list[LintFile], list[Diagnostic]]:
    """Every text the site is made of: content files and templates (course
    files aside with `skip_courses`, when the caller lints them itself)."""
    files, diagnostics = [], []
    cgv_path = (config.legal_dir / "cgv.md").resolve()
    for folder, kind in ((config.content_dir, "content"), (config.templates_dir, "template")):
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_dir() or path.name.startswith(".") or path.suffix.lower() not in TEXT_SUFFIXES:
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
