"""The documents `legal-diff` reads, as lines of text and word tokens.

A legacy text sheet (any encoding `decode_lenient` knows), a PDF (its pages,
pdftext.py) or a saved HTML page (its text blocks) becomes a `Document`:
lines, each with the line (or page) number a report names. `document_tokens`
makes its words, joining again the words a layout broke at a line end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from html.parser import HTMLParser

from ..files import decode_lenient
from ..i18n import _
from .pdftext import page_texts, without_running_lines
from .textnorm import Token, tokenize

_URL_IN_BRACKETS = re.compile(r"<((?:https?://|mailto:)[^>\s]+)>")



@dataclass(frozen=True)
class Document:
    path: str
    lines: tuple[tuple[int, str], ...]  # (location, text): a line number, or a page number for PDFs
    unit: str  # "line" or "page"

    def where(self, location: int) -> str:
        if self.unit == "line":
            return f"{self.path}:{location}"
        return _("{path} (page {page})").format(path=self.path, page=location)


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
    for index, (__, text) in enumerate(document.lines):
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
