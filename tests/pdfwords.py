"""Test helper: finding a known text, in order, in the text read back from a PDF.

Used to prove that what was meant to be printed was printed: the words of a
text are looked for, in order, in the words of a PDF page text
(lexom_site.legal.pdftext.page_texts). List bullets are ignored and words
hyphenated at a line end are joined again.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_SPACES = re.compile(r"[\s\u00a0\u202f\u2007\u2009]+")
_BULLETS = {"•", "◦", "▪", "‣"}  # list markers drawn by CSS, not part of the text


def normalise(text: str) -> str:
    """NFC, one kind of space, straight apostrophes: differences no reader sees."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u2019", "'").replace("\u2010", "-").replace("\u00ad", "")
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True)
class Token:
    word: str
    line_end: bool


def tokens(text: str) -> list[Token]:
    out: list[Token] = []
    for line in unicodedata.normalize("NFC", text).split("\n"):
        words = [w for w in normalise(line).split(" ") if w and w not in _BULLETS]
        out += [Token(w, i == len(words) - 1) for i, w in enumerate(words)]
    return out


def words(text: str) -> list[str]:
    return [w for w in normalise(text).split(" ") if w and w not in _BULLETS]


@dataclass(frozen=True)
class Match:
    matched: int  # number of expected words found in order
    expected: tuple[str, ...]
    found_after: tuple[str, ...]  # the PDF words where the match stopped

    @property
    def complete(self) -> bool:
        return self.matched == len(self.expected)

    def describe(self) -> str:
        if self.complete:
            return "found"
        before = " ".join(self.expected[max(0, self.matched - 6) : self.matched])
        want = " ".join(self.expected[self.matched : self.matched + 6])
        got = " ".join(self.found_after[:6]) or "(end of document)"
        return f"after « {before} » expected « {want} » but found « {got} »"


def _align(expected: list[str], found: list[Token], start: int) -> tuple[int, int]:
    i, j = 0, start
    while i < len(expected) and j < len(found):
        token = found[j]
        if token.word == expected[i]:
            i, j = i + 1, j + 1
            continue
        if token.line_end and token.word.endswith("-") and j + 1 < len(found):
            following = found[j + 1].word
            if expected[i] in (token.word[:-1] + following, token.word + following):
                i, j = i + 1, j + 2
                continue
        break
    return i, j


def find_words(expected_text: str, found_text: str) -> Match:
    """Look for the words of `expected_text`, in order, in `found_text`."""
    expected = words(expected_text)
    found = tokens(found_text)
    if not expected:
        return Match(0, (), ())
    best = (0, 0)
    first = expected[0]
    for start, token in enumerate(found):
        if token.word == first or (token.line_end and token.word.endswith("-") and first.startswith(token.word[:-1])):
            matched, stop = _align(expected, found, start)
            if matched > best[0]:
                best = (matched, stop)
                if matched == len(expected):
                    break
    matched, stop = best
    return Match(matched, tuple(expected), tuple(t.word for t in found[stop : stop + 8]))
