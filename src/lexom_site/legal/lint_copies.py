"""Legal lint, copies: a passage of the CGV (a paragraph or a substantial part
of one, even slightly altered) outside content/legal/ is an error, reported
over the lines of the passage with the clauses it copies."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from rapidfuzz import fuzz

from ..i18n import N_, _, ngettext
from ..inputs.config import SiteConfig
from .cgv import Cgv
from .lint_rule import FileRule, Finding, LintText
from .textnorm import fold

COPY_HINT = N_("the CGV lives only in content/legal/cgv.md and is appended to every PDF sheet; "
               "remove the copied passage")

# A copied passage must share this many 4-word sequences with one CGV
# paragraph, cover this many words and be this similar to it (rapidfuzz).
SHINGLE = 4
MIN_SHARED_SHINGLES = 4
MIN_PASSAGE_WORDS = 10
MIN_SIMILARITY = 80.0
MAX_GAP_WORDS = 8


@dataclass(frozen=True)
class _Unit:
    clause: str  # clause number
    title: str
    words: tuple[str, ...]


_WORD = re.compile(r"\w+(?:'\w+)*")


def _words(text: str) -> list[str]:
    """The words of a text, folded and lower-cased."""
    return [word.lower() for word in _WORD.findall(fold(text))]


class CopyRule(FileRule):
    """Finds passages of the CGV in the other texts: shingles find candidates,
    rapidfuzz confirms them."""

    kinds = frozenset({"course", "template", "content"})
    needs_cgv = True
    group = 0  # a copied passage is reported before the facts of its file

    def __init__(self, config: SiteConfig, cgv: Cgv | None):
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

    def check(self, text: LintText) -> list[Finding]:
        words = [word.lower() for word in _WORD.findall(text.folded)]
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
        for score, first, last, clause in sorted(candidates, key=_best_first):
            if not any(first <= b and a <= last for a, b, __ in spans):
                spans.append((first, last, clause))
        passages = _merge(spans)
        if not passages:
            return []
        offsets = [m.span() for m in _WORD.finditer(text.folded)]  # of each word
        return [self._report(text, offsets, passage) for passage in passages]

    def _report(self, text: LintText, offsets: list[tuple[int, int]], passage: tuple[int, int, list[str]]
                ) -> Finding:
        first, last, clauses = passage
        start, end = offsets[first][0], offsets[last][1]
        line = text.lines.position(start)[0]
        end_line = text.lines.position(end)[0]
        titles = {u.clause: u.title for u in self.units}
        named = ", ".join(f"{n} « {titles[n]} »" for n in clauses)
        if end_line != line:
            message = ngettext("lines {first}-{last} copy the CGV (clause {clauses})",
                               "lines {first}-{last} copy the CGV (clauses {clauses})", len(clauses))
        else:
            message = ngettext("line {first} copies the CGV (clause {clauses})",
                               "line {first} copies the CGV (clauses {clauses})", len(clauses))
        return Finding(start, message.format(first=line, last=end_line, clauses=named), _(COPY_HINT), end=end)


def _best_first(candidate: tuple[float, int, int, str]) -> tuple[float, int]:
    return -candidate[0], candidate[1]


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
