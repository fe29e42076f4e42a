"""Reading text back from PDFs, and finding a known text in it.

Used to prove that what was meant to be printed was printed: the words of a
text are looked for, in order, in the words of a PDF. Running headers and
footers (which live in the page margins) are left out, list bullets are
ignored and words hyphenated at a line end are joined again.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pypdfium2 as pdfium

# Running headers and footers are drawn in the top and bottom page margins
# (22 mm and 20 mm in pdf.css); body text never comes closer than this to the
# page edge. 50 pt = 17.6 mm.
MARGIN_BAND_PT = 50.0

_SPACES = re.compile(r"[\s\u00a0\u202f\u2007\u2009]+")
_BULLETS = {"•", "◦", "▪", "‣"}  # list markers drawn by CSS, not part of the text


def page_texts(pdf: bytes, margin_band: float = MARGIN_BAND_PT) -> list[str]:
    """The text of each page, without what is drawn in the header/footer bands."""
    document = pdfium.PdfDocument(pdf)
    try:
        pages = []
        for page in document:
            width, height = page.get_size()
            text = page.get_textpage().get_text_bounded(left=0, bottom=margin_band, right=width,
                                                        top=height - margin_band)
            # pdfium marks a hyphen added by the layout at a line end with \x02 and joins the lines
            pages.append(text.replace("\r\n", "\n").replace("\r", "\n").replace("\x02", "-\n"))
        return pages
    finally:
        document.close()


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
