"""Reading text back from PDFs, page by page (pypdfium2).

Used by legal-diff and the verification of the built PDFs, and a hyphen
the layout added at a line end is kept as a hyphen at the end of that line.
Running headers and footers are left out: in the PDFs this project makes,
by where they are (the page margins, `margin_band`); in any other PDF (a
copy printed by another engine, with other margins) by what they are
(`without_running_lines`: lines repeated at the top or the bottom of the
pages, whatever their numbers, and page numbers).

`visible_only` keeps only the text a reader sees: a character smaller than
MIN_TEXT_PT, of too little contrast with a white page (under MIN_CONTRAST),
transparent, or drawn in an invisible rendering mode is left out, so that
text a stylesheet hid does not count as printed (the verification of the
built PDFs; slower: every character is looked at).
"""

from __future__ import annotations

import ctypes
import math
import re

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

# Running headers and footers are drawn in the top and bottom page margins
# (22 mm and 20 mm in pdf.css); body text never comes closer than this to the
# page edge. 50 pt = 17.6 mm.
MARGIN_BAND_PT = 50.0
MIN_TEXT_PT = 6.0  # the smallest text a reader can be said to read on paper (the footers are 8 pt)
MIN_CONTRAST = 3.0  # WCAG's ratio for large text, against white paper (the body text is about 15:1)
SPACE_EM = 0.12  # two characters further apart than this (in ems) have a space between them
RUNNING_ZONE = 4  # a running header or footer is among the first or the last lines of a page's text
_PAGE_NUMBER = re.compile(r"[-\s]*(?:page|p\.|pp\.)?\s*#(?:\s*(?:/|sur|of|de)\s*#)?[-\s]*")
_INVISIBLE_MODES = {3, 7}  # PDF text rendering modes that draw nothing (7: clip only)


class UnreadablePdf(ValueError):
    """Not a PDF that can be read (damaged, truncated, encrypted, or not a PDF at all)."""


def page_texts(pdf: bytes, margin_band: float = MARGIN_BAND_PT, *, visible_only: bool = False) -> list[str]:
    """The text of each page, without what is drawn in the header/footer bands (UnreadablePdf if it cannot be
    read); with `visible_only`, without what a reader cannot see (see the module's docstring)."""
    try:
        document = pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as exc:
        raise UnreadablePdf(str(exc)) from None
    try:
        pages = []
        for page in document:
            height = page.get_height()
            text = _page_text(page.get_textpage(), margin_band, height - margin_band, visible_only)
            pages.append(text)
        return pages
    finally:
        document.close()


def without_running_lines(pages: list[str]) -> list[str]:
    """The pages without their running headers and footers: a line among the first or last RUNNING_ZONE lines
    of a page that comes back at the same end of another page, its numbers aside
    (« Conditions de vente – page 3 / 7 »), or that is only a page number (« 3 », « Page 3 sur 7 », « - 3 - »)."""
    lines = [page.split("\n") for page in pages]
    zones = []  # per page: the indexes of its top and bottom zones
    for page in lines:
        filled = [i for i, line in enumerate(page) if line.strip()]
        zones.append((filled[:RUNNING_ZONE], filled[-RUNNING_ZONE:]))
    counts: dict[tuple[int, str], int] = {}
    for page, (top, bottom) in zip(lines, zones):
        for end, indexes in enumerate((top, bottom)):
            for key in {_running_key(page[i]) for i in indexes}:
                counts[end, key] = counts.get((end, key), 0) + 1
    out = []
    for page, (top, bottom) in zip(lines, zones):
        drop = {i for end, indexes in enumerate((top, bottom)) for i in indexes
                if counts[end, _running_key(page[i])] >= 2 or _PAGE_NUMBER.fullmatch(_running_key(page[i]))}
        out.append("\n".join(line for i, line in enumerate(page) if i not in drop))
    return out


def _running_key(line: str) -> str:
    """A line as its copies on other pages write it: numbers, case and spacing aside."""
    return re.sub(r"\d+", "#", " ".join(line.casefold().split()))


def _page_text(textpage: pdfium.PdfTextPage, bottom: float, top: float, visible_only: bool) -> str:
    """The characters of the page drawn between `bottom` and `top`, in the order the PDF draws them, with the
    spaces and line breaks their places show: a new line where the baseline moves or the text goes back
    left, a space where two characters of a line stand apart (rather than pdfium's guesses, which some
    engines defeat: Chromium writes no space characters, and pdfium then breaks a line between letters).
    A hyphen at a line end stays there. With `visible_only`, what a reader cannot see is left out."""
    raw = textpage.raw
    out: list[str] = []
    matrix = pdfium_c.FS_MATRIX()
    red, green, blue, alpha = (ctypes.c_uint() for _ in range(4))
    x, y = ctypes.c_double(), ctypes.c_double()
    box = pdfium_c.FS_RECTF()
    previous = None  # (right edge, baseline, size) of the last character kept
    for index in range(pdfium_c.FPDFText_CountChars(raw)):
        if pdfium_c.FPDFText_IsGenerated(raw, index) == 1:
            continue  # (pdfium's own spaces and line breaks: ours are made below)
        char = chr(pdfium_c.FPDFText_GetUnicode(raw, index))
        if char in "\r\n\ufffe":
            continue
        pdfium_c.FPDFText_GetCharOrigin(raw, index, x, y)
        if not bottom <= y.value <= top:
            continue
        if char.isspace():  # (a no-break space stays one: the text as typeset)
            if out and out[-1] not in " \n\u00a0\u202f":
                out.append(char if char in "\u00a0\u202f" else " ")
            continue
        pdfium_c.FPDFText_GetMatrix(raw, index, matrix)
        scale = math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c))
        size = pdfium_c.FPDFText_GetFontSize(raw, index) * scale
        if visible_only:
            pdfium_c.FPDFText_GetFillColor(raw, index, red, green, blue, alpha)
            text_object = pdfium_c.FPDFText_GetTextObject(raw, index)
            mode = pdfium_c.FPDFTextObj_GetTextRenderMode(text_object) if text_object else 0
            if (size < MIN_TEXT_PT or alpha.value < 128 or mode in _INVISIBLE_MODES
                    or contrast_with_white(red.value, green.value, blue.value) < MIN_CONTRAST):
                continue
        pdfium_c.FPDFText_GetLooseCharBox(raw, index, box)
        if previous is not None:
            right, baseline, previous_size = previous
            em = max(size, previous_size, 1.0)
            if abs(y.value - baseline) > 0.5 * em or box.left < right - em:
                out.append("\n")
            elif box.left - right > SPACE_EM * em and out[-1] not in " \u00a0\u202f":
                out.append(" ")
        out.append("-" if char == "\x02" else char)  # (pdfium's mark for a hyphen at a line end)
        previous = (box.right, y.value, size)
    return "".join(out).replace(" \n", "\n")


def contrast_with_white(red: int, green: int, blue: int) -> float:
    """WCAG 2's contrast ratio of a colour (0-255 each) with white."""
    def linear(value: int) -> float:
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    return 1.05 / (luminance + 0.05)
