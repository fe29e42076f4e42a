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

from .config import AMOUNT_RE, Amount, SiteConfig, amount_key
from .diagnostics import Diagnostic, display_path
from .legal import ROMAN, Cgv
from .source import read_source
from .textnorm import LineIndex, fold, tokenize

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


@dataclass(frozen=True)
class _Word:
    text: str  # lower-case
    start: int  # offset in the file's text
    end: int


_WORD = re.compile(r"\w+(?:'\w+)*")


def _words(text: str) -> list[_Word]:
    folded = fold(text)
    return [_Word(m.group().lower(), m.start(), m.end()) for m in _WORD.finditer(folded)]


class CopyDetector:
    """Finds passages of the CGV in other texts: shingles find candidates,
    rapidfuzz confirms them."""

    def __init__(self, cgv: Cgv):
        self.units: list[_Unit] = []
        self.index: dict[tuple[str, ...], set[int]] = defaultdict(set)
        for clause in cgv.clauses:
            for paragraph in clause.plain_text().split("\n"):
                words = tuple(w.text for w in _words(paragraph))
                if len(words) < MIN_PASSAGE_WORDS:
                    continue
                unit = len(self.units)
                self.units.append(_Unit(clause.number, clause.title, words))
                for i in range(len(words) - SHINGLE + 1):
                    self.index[words[i : i + SHINGLE]].add(unit)

    def find(self, file: LintFile) -> list[Diagnostic]:
        words = _words(file.text)
        hits: dict[int, list[int]] = defaultdict(list)  # unit -> word positions in the file
        for i in range(len(words) - SHINGLE + 1):
            for unit in self.index.get(tuple(w.text for w in words[i : i + SHINGLE]), ()):
                hits[unit].append(i)
        candidates: list[tuple[float, int, int, str]] = []  # score, first word, last word, clause
        for unit, positions in hits.items():
            for first, last in _clusters(positions):
                last += SHINGLE - 1
                count = sum(first <= p <= last for p in positions)
                if count < MIN_SHARED_SHINGLES or last - first + 1 < MIN_PASSAGE_WORDS:
                    continue
                found = " ".join(w.text for w in words[first : last + 1])
                score = fuzz.partial_ratio(found, " ".join(self.units[unit].words))
                if score >= MIN_SIMILARITY:
                    candidates.append((score, first, last, self.units[unit].clause))
        # a passage is attributed to the paragraph it matches best, not to every similar one
        spans: list[tuple[int, int, str]] = []
        for score, first, last, clause in sorted(candidates, key=lambda c: (-c[0], c[1])):
            if not any(first <= b and a <= last for a, b, _ in spans):
                spans.append((first, last, clause))
        return [self._report(file, words, span) for span in _merge(spans)]

    def _report(self, file: LintFile, words: list[_Word], span: tuple[int, int, list[str]]) -> Diagnostic:
        first, last, clauses = span
        index = LineIndex(file.text)
        line, col = index.position(words[first].start)
        end_line, _ = index.position(words[last].end)
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
        self.amounts = config.amounts
        self._contexts = [(amount, _context_regex(context)) for amount in self.amounts for context in amount.contexts]

    def check(self, file: LintFile) -> list[Diagnostic]:
        text = fold(file.text)
        masked = _PLACEHOLDER.sub(lambda m: " " * len(m.group()), text)
        findings: list[_Finding] = []
        taken: list[tuple[int, int]] = []
        for match in _EMAIL.finditer(masked):
            taken.append(match.span())
            findings += self._email(match, file.kind)
        for match in _URL.finditer(masked):
            taken.append(match.span())
            findings += self._url(match, file.kind)
        for match in _HOST.finditer(masked):
            if not any(a <= match.start() < b for a, b in taken):
                findings += self._host(match.start(), match.group())
        findings += self._names(masked, taken)
        findings += self._phrases(masked)
        findings += self._amounts(masked, file.kind)
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
        for fact in self.names:
            for match in re.finditer(r"\b[A-Za-zÀ-ÖØ-öø-ÿ]{3,}\b", text):
                word = match.group()
                if word == fact.value or word.islower() or any(a <= match.start() < b for a, b in taken):
                    continue
                if word.upper() == fact.value.upper() or (
                        word[0].upper() == fact.value[0] and fuzz.ratio(word.upper(), fact.value) >= _SIMILAR_ADDRESS):
                    findings.append(_Finding(match.start(), f"'{word}' looks like the declared {fact.name} "
                                             f"'{fact.value}': did you mean {fact.value}?",
                                             f"declared in site.yaml as {fact.name}"))
        return findings

    def _phrases(self, text: str) -> list[_Finding]:
        findings = []
        for fact in self.phrases:
            value = fold(fact.value)
            words = [w for w in re.findall(r"\w{5,}", value.lower())]
            offset = 0
            for line in text.split("\n"):
                line_lower = line.lower()
                if value in line or not any(w in line_lower for w in words):
                    offset += len(line) + 1
                    continue
                found = fuzz.partial_ratio_alignment(value.lower(), line_lower, score_cutoff=_SIMILAR_PHRASE)
                if found is not None:
                    start, end = found.dest_start, found.dest_end
                    findings.append(_Finding(offset + start, f"'{line[start:end].strip()}' looks like the declared "
                                             f"{fact.name}: did you mean '{fact.value}'?",
                                             f"declared in site.yaml as {fact.name}"))
                offset += len(line) + 1
        return findings

    def _amounts(self, text: str, kind: str) -> list[_Finding]:
        findings = []
        lower = text.lower()
        covered: set[int] = set()
        seen: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for amount, regex in self._contexts:
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


def _inside_word(text: str, start: int) -> bool:
    return start > 0 and (text[start - 1].isalnum() or text[start - 1] in "-./")


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


def lint_texts(config: SiteConfig, cgv: Cgv | None, files: Iterable[LintFile]) -> list[Diagnostic]:
    facts = FactChecker(config)
    copies = CopyDetector(cgv) if cgv is not None else None
    diagnostics: list[Diagnostic] = []
    for file in files:
        if copies is not None and file.kind != "cgv":
            diagnostics += copies.find(file)
        diagnostics += facts.check(file)
    if cgv is not None:
        diagnostics += check_structure(cgv)
    return diagnostics


def lint_inputs(config: SiteConfig) -> tuple[list[LintFile], list[Diagnostic]]:
    """Every text the site is made of: content files and templates."""
    files, diagnostics = [], []
    cgv_path = (config.legal_dir / "cgv.md").resolve()
    for folder, kind in ((config.content_dir, "content"), (config.templates_dir, "template")):
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_dir() or path.name.startswith(".") or path.suffix.lower() not in TEXT_SUFFIXES:
                continue  # images and other binary files hold no text to lint
            shown = display_path(path, config.root)
            source, found = read_source(path, shown)
            if source is None:
                diagnostics += found  # also reported by the content loader: load_project keeps one
                continue
            file_kind = kind
            if path.resolve() == cgv_path:
                file_kind = "cgv"
            elif path.parent == config.courses_dir:
                file_kind = "course"
            files.append(LintFile(shown, source.text, file_kind))
    return files, diagnostics


def lint_project(config: SiteConfig, cgv: Cgv | None) -> list[Diagnostic]:
    files, diagnostics = lint_inputs(config)
    return diagnostics + lint_texts(config, cgv, files)
