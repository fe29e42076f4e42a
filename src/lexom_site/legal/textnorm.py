"""Text normalisation and word tokens shared by the legal checks.

Differences no reader sees are erased before comparing texts: Unicode
composition (NFC), the kind of space (non-breaking, narrow, thin), curly vs
straight apostrophes, non-breaking hyphens, soft hyphens, line wrapping; and
what the French typography of the outputs (render/typography.py) adds to
the text as written: spaces before : ; ! ? and inside « » (a token is a word
or one mark, spaces between them do not count), « nᵒ » for « n° », thousands
grouped by a space (« 1 200 » is the one token « 1200 »).
`fold` keeps every character at its offset so positions found in the folded
text are positions in the original.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

_FOLD = str.maketrans({
    "\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " ", "\u2002": " ", "\u2003": " ", "\t": " ",
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'",
    "\u2010": "-", "\u2011": "-",
    "\u1d52": "\u00b0",  # « nᵒ » (render/typography.py) is « n° »
    "\u00ad": " ",  # soft hyphen: never a visible difference
})

# a number in groups of thousands (« 1 200 », one token, spaces dropped), a word (with inner hyphens,
# apostrophes, dots, slashes, @) or one punctuation mark
_TOKEN = re.compile(r"(?<![\w.,])\d{1,3}(?: \d{3})+(?![\w.])|\w+(?:[-'./@]\w+)*|[^\w\s]")
_BULLET_ONLY = re.compile(r"^[ \t]*[-*•◦▪‣][ \t]+")


_FOLDED_CHARS = re.compile("[" + "".join(chr(c) for c in _FOLD) + "]")


def fold(text: str) -> str:
    """NFC, one kind of space and apostrophe; same length as an NFC input."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text.translate(_FOLD) if _FOLDED_CHARS.search(text) else text


@dataclass(frozen=True)
class Token:
    text: str
    line: int  # 1-based line (or page) where the token stands
    space_before: bool

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum() or self.text[0] == "_"


def tokenize(text: str, first_line: int = 1, *, list_markers: bool = True) -> list[Token]:
    """Tokens of `text`, line by line. With `list_markers`, a bullet ("- ",
    "* ", "• ") opening a line is layout, not text, and is dropped."""
    tokens: list[Token] = []
    for number, line in enumerate(fold(text).split("\n"), start=first_line):
        if list_markers:
            line = _BULLET_ONLY.sub("", line)
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
    """Offsets in a text -> 1-based line and column."""

    def __init__(self, text: str, first_line: int = 1):
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.first_line = first_line

    def position(self, offset: int) -> tuple[int, int]:
        index = bisect_right(self.starts, offset) - 1
        return self.first_line + index, offset - self.starts[index] + 1
