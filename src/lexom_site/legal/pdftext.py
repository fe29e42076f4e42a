"""Reading text back from PDFs, page by page (pypdfium2).

Used by legal-diff and the verification of the built PDFs. Running headers
and footers (which live in the page margins) are left out, and a hyphen the
layout added at a line end is kept as a hyphen at the end of that line.

`visible_only` keeps only the text a reader sees: a character smaller than
MIN_TEXT_PT, of too little contrast with a white page (under MIN_CONTRAST),
transparent, or drawn in an invisible rendering mode is left out, so that
text a stylesheet hid does not count as printed (the verification of the
built PDFs; slower: every character is looked at).
"""

from __future__ import annotations

import ctypes
import math

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

# Running headers and footers are drawn in the top and bottom page margins
# (22 mm and 20 mm in pdf.css); body text never comes closer than this to the
# page edge. 50 pt = 17.6 mm.
MARGIN_BAND_PT = 50.0
MIN_TEXT_PT = 6.0  # the smallest text a reader can be said to read on paper (the footers are 8 pt)
MIN_CONTRAST = 3.0  # WCAG's ratio for large text, against white paper (the body text is about 15:1)
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
            width, height = page.get_size()
            textpage = page.get_textpage()
            if visible_only:
                text = _visible_text(textpage, margin_band, height - margin_band)
            else:
                text = textpage.get_text_bounded(left=0, bottom=margin_band, right=width, top=height - margin_band)
            # pdfium marks a hyphen added by the layout at a line end with \x02 and joins the lines
            pages.append(text.replace("\r\n", "\n").replace("\r", "\n").replace("\x02", "-\n"))
        return pages
    finally:
        document.close()


def _visible_text(textpage: pdfium.PdfTextPage, bottom: float, top: float) -> str:
    """The characters of the page between `bottom` and `top` that a reader sees (pdfium's own line breaks and
    hyphen marks kept)."""
    raw = textpage.raw
    out = []
    matrix = pdfium_c.FS_MATRIX()
    red, green, blue, alpha = (ctypes.c_uint() for _ in range(4))
    x, y = ctypes.c_double(), ctypes.c_double()
    for index in range(pdfium_c.FPDFText_CountChars(raw)):
        char = chr(pdfium_c.FPDFText_GetUnicode(raw, index))
        if pdfium_c.FPDFText_IsGenerated(raw, index) == 1 or char in "\r\n\x02\ufffe":
            out.append(char)
            continue
        pdfium_c.FPDFText_GetCharOrigin(raw, index, x, y)
        if not bottom <= y.value <= top:
            continue
        if char.isspace():
            out.append(char)
            continue
        pdfium_c.FPDFText_GetMatrix(raw, index, matrix)
        size = pdfium_c.FPDFText_GetFontSize(raw, index) * math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c))
        pdfium_c.FPDFText_GetFillColor(raw, index, red, green, blue, alpha)
        text_object = pdfium_c.FPDFText_GetTextObject(raw, index)
        mode = pdfium_c.FPDFTextObj_GetTextRenderMode(text_object) if text_object else 0
        if (size >= MIN_TEXT_PT and alpha.value >= 128 and mode not in _INVISIBLE_MODES
                and contrast_with_white(red.value, green.value, blue.value) >= MIN_CONTRAST):
            out.append(char)
    return "".join(out)


def contrast_with_white(red: int, green: int, blue: int) -> float:
    """WCAG 2's contrast ratio of a colour (0-255 each) with white."""
    def linear(value: int) -> float:
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    return 1.05 / (luminance + 0.05)
