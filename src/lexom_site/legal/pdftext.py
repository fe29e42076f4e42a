"""Reading text back from PDFs, page by page (pypdfium2).

Used by legal-diff and the verification of the built PDFs. Running headers
and footers (which live in the page margins) are left out, and a hyphen the
layout added at a line end is kept as a hyphen at the end of that line.
"""

from __future__ import annotations

import pypdfium2 as pdfium

# Running headers and footers are drawn in the top and bottom page margins
# (22 mm and 20 mm in pdf.css); body text never comes closer than this to the
# page edge. 50 pt = 17.6 mm.
MARGIN_BAND_PT = 50.0


class UnreadablePdf(ValueError):
    """Not a PDF that can be read (damaged, truncated, encrypted, or not a PDF at all)."""


def page_texts(pdf: bytes, margin_band: float = MARGIN_BAND_PT) -> list[str]:
    """The text of each page, without what is drawn in the header/footer bands (UnreadablePdf if it cannot be
    read)."""
    try:
        document = pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as exc:
        raise UnreadablePdf(str(exc)) from None
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
