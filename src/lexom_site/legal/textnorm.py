"""Text normalisation and word tokens shared by the legal checks.

Differences no reader sees are erased before comparing texts (`fold`):
Unicode composition (NFC), the kind of space (non-breaking, narrow, thin),
of apostrophe (’ ‘ '), of dash (‐ ‑ – — − -), of quotation mark (« » “ ” „ "),
the ellipsis (… = ...), ligatures (ﬁ = fi), and every invisible character
(soft hyphen, zero-width space and joiners, word joiner, BOM, bidirectional
marks: removed). `fold_mapped` says where each folded offset was in the
original, so positions found in the folded text are reported where the
editor's text has them. docs/legal-lint.md says the same for readers.
It also erases what the French typography of the outputs
(render/typography.py) adds to the text as written: the spaces before
: ; ! ? and inside « » (a token is a word or one mark: spaces between them
do not count), « nᵒ » for « n° », thousands grouped by a space (« 1 200 »
is the one token « 1200 »).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

# One character for another, the same length: the kinds of space, apostrophe, dash and quotation mark a word
# processor, a browser or a typesetter chooses are the same text.
_FOLD = str.maketrans({
    **dict.fromkeys("\u00a0\u202f\u2007\u2009\u2002\u2003\u2004\u2005\u2006\u2008\u200a\u205f\u3000\t", " "),
    **dict.fromkeys("\u2019\u2018\u201b\u02bc\u2032", "'"),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
    **dict.fromkeys("\u00ab\u00bb\u201c\u201d\u201e\u201f\u2039\u203a", '"'),
    "\u1d52": "\u00b0",  # « nᵒ » (render/typography.py) is « n° »
})
# Characters that draw nothing, removed: every format character of Unicode (category Cf: the soft hyphen,
# zero-width space and joiners, the word joiner, a byte order mark inside the text, the bidirectional marks,
# embeddings, overrides and isolates...; tests/test_legal_copies.py checks this list against the Unicode
# database), and the combining grapheme joiner.
INVISIBLE = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f\u034f]")
# One character for several: the ellipsis and the typographic ligatures (what some PDFs give back).
_EXPAND = {"\u2026": "...", "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
           "\ufb05": "st", "\ufb06": "st"}
_RESIZED = re.compile(INVISIBLE.pattern[:-1] + "".join(_EXPAND) + "]")

# a number in groups of thousands (« 1 200 », one token, spaces dropped), a word (with inner hyphens,
# apostrophes, dots, slashes, @) or one punctuation mark
_TOKEN = re.compile(r"(?<![\w.,])\d{1,3}(?: \d{3})+(?![\w.])|\w+(?:[-'./@]\w+)*|[^\w\s]")
# a list bullet opening a line: a dash, a star, a bullet sign, or a symbol-font bullet that a word processor
# stores in the private-use area (U+F0B7 for Symbol's bullet, U+F0A7 for Wingdings' square...)
# a bullet typed against its first word (« -faire », « *en »): a bullet, unless the text has that mark there
_GLUED_BULLET = re.compile(r"^[ \t]*[-*•](?=\w)")
_BULLET_ONLY = re.compile(r"^[ \t]*[-*•◦▪‣●■➢⁃\uf020-\uf0ff](?:[ \t]+|[ \t]*$)")


_FOLDED_CHARS = re.compile("[" + "".join(chr(c) for c in _FOLD) + "]")


@dataclass(frozen=True)
class Folded:
    """A folded text, and where its offsets were in the text it was folded from."""

    text: str
    shifts: tuple[tuple[int, int], ...] = ()  # (folded offset, original - folded from there on), ascending

    def original(self, offset: int) -> int:
        """The offset in the original text of the character at `offset` in the folded one."""
        index = bisect_right(self.shifts, (offset, float("inf"))) - 1
        return offset + (self.shifts[index][1] if index >= 0 else 0)


def fold_mapped(text: str) -> Folded:
    """`text` as the legal checks compare it: Unicode NFC; one kind of space, apostrophe, dash and quotation
    mark; the ellipsis as three dots, ligatures as their letters; invisible characters removed. Its offsets
    map back to `text` (exactly for an NFC input)."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if _FOLDED_CHARS.search(text):
        text = text.translate(_FOLD)
    if not _RESIZED.search(text):
        return Folded(text)
    out, shifts, delta, last, length = [], [], 0, 0, 0
    for match in _RESIZED.finditer(text):
        kept = text[last:match.start()]
        replacement = _EXPAND.get(match.group(), "")
        out += (kept, replacement)
        start = length + len(kept)  # where the replacement starts in the folded text
        for extra in range(1, len(replacement)):  # the letters of an expansion after the first: at its start
            shifts.append((start + extra, match.start() - (start + extra)))
        length = start + len(replacement)
        delta = match.end() - length
        shifts.append((length, delta))
        last = match.end()
    out.append(text[last:])
    return Folded("".join(out), tuple(shifts))


def fold(text: str) -> str:
    """`text` folded (see `fold_mapped`)."""
    return fold_mapped(text).text


@dataclass(frozen=True)
class Token:
    text: str
    line: int  # 1-based line (or page) where the token stands
    space_before: bool
    bullet: bool = False  # a dash opening a line: a list bullet, or a dash of the text the layout put there

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum() or self.text[0] == "_"


def tokenize(text: str, first_line: int = 1, *, list_markers: bool = True, keep_dashes: bool = False
             ) -> list[Token]:
    """Tokens of `text`, line by line. With `list_markers`, a bullet ("- ",
    "* ", "• ") opening a line is layout, not text, and is dropped; with
    `keep_dashes` too, a dash opening a line is kept, marked `bullet` (the
    comparison decides whether the text has a dash there), and so is a
    dash or a star typed against the first word (« -faire »)."""
    tokens: list[Token] = []
    for number, line in enumerate(fold(text).split("\n"), start=first_line):
        if list_markers:
            marker = _BULLET_ONLY.match(line) or (_GLUED_BULLET.match(line) if keep_dashes else None)
            if marker is not None:
                if keep_dashes and marker.group().strip() in ("-", "*"):
                    tokens.append(Token(marker.group().strip(), number, True, bullet=True))
                line = line[marker.end():]
        previous_end = -1
        for match in _TOKEN.finditer(line):
            tokens.append(Token(match.group().replace(" ", ""), number, match.start() != previous_end))
            previous_end = match.end()
    return tokens


def join(tokens: list[Token]) -> str:
    """The tokens as text again, with their original spacing."""
    out = []
    for index, token in enumerate(tokens):
        out.append((" " if index and token.space_before else "") + token.text)
    return "".join(out)


class LineIndex:
    """Offsets in a text (or in `folded`, the text folded) -> 1-based line and column in the text."""

    def __init__(self, text: str, first_line: int = 1, folded: Folded | None = None):
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.first_line = first_line
        self.folded = folded

    def position(self, offset: int) -> tuple[int, int]:
        if self.folded is not None:
            offset = self.folded.original(offset)
        index = bisect_right(self.starts, offset) - 1
        return self.first_line + index, offset - self.starts[index] + 1
