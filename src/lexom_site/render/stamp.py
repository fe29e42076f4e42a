"""Page numbers stamped on PDFs assembled from parts (pikepdf).

A course sheet is its course part and the CGV part; the printed catalogue
is a front, every course part and the CGV. The parts are laid out once and
reused, so none of them can know its page numbers: « page X / Y » is written
on each page once the document is assembled — in Lato 8 pt, the colour and
the place of the layout's own footers (calibrated on WeasyPrint's output:
right edge and baseline of the bottom-right margin box of pdf.css). The
printed catalogue's contents get their page numbers the same way, in the
boxes its layout left empty for them.

A font is a subset of one Lato file holding only the characters of the
numbers, embedded once per document (Type 0, Identity-H, with a ToUnicode
map so that the numbers read back as text).
"""

from __future__ import annotations

import io
import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

import pikepdf
from fontTools import subset
from fontTools.ttLib import TTFont

NUMBER_CHARS = "page 0123456789/"
FONT_SIZE = 8.0
RIGHT_EDGE = 544.318  # pt: A4 width less the 18 mm right margin, where WeasyPrint ends the bottom-right box's text
BASELINE = 41.75  # pt from the bottom: the baseline of the footer line (20 mm margin, 3 mm padding)
COLOUR = (74 / 255, 85 / 255, 102 / 255)  # --muted of pdf.css
# Tagged PDFs (pdf_tags.py): what is stamped is not of the document's structure, but pagination, as the running
# header and footer laid out
PAGINATION = "/Artifact <</Type /Pagination /Subtype /Footer>>"


@lru_cache(maxsize=4)
def _subset(font_path: str) -> tuple[bytes, dict[str, int], dict[int, int], dict[str, Any]]:
    """The subset font's bytes, glyph id per character, advance width per glyph id (1/1000 em), metrics and
    PostScript name."""
    logging.getLogger("fontTools").setLevel(logging.ERROR)  # (it warns about the font's old creation date)
    font = TTFont(font_path, recalcTimestamp=False, lazy=True)  # (else it would carry the time of the build)
    for table in ("GPOS", "GSUB", "GDEF", "kern"):  # (no kerning between digits: the glyphs' own advances are used;
        if table in font:                            # not reading these tables makes the subset 20 times faster)
            del font[table]
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.recalc_timestamp = False
    options.drop_tables += ["DSIG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=NUMBER_CHARS)
    subsetter.subset(font)
    data = io.BytesIO()
    font.save(data)
    cmap, units = font.getBestCmap(), font["head"].unitsPerEm
    gids = {char: font.getGlyphID(cmap[ord(char)]) for char in NUMBER_CHARS}
    widths = {gid: round(font["hmtx"][font.getGlyphName(gid)][0] * 1000 / units) for gid in gids.values()}
    head, os2 = font["head"], font["OS/2"]
    metrics = {"bbox": [round(v * 1000 / units) for v in (head.xMin, head.yMin, head.xMax, head.yMax)],
               "ascent": round(os2.sTypoAscender * 1000 / units), "descent": round(os2.sTypoDescender * 1000 / units),
               "cap": round(getattr(os2, "sCapHeight", 0) * 1000 / units),
               # its PostScript name as WeasyPrint writes it: Lato, Lato-Bold
               "name": (font["name"].getDebugName(6) or Path(font_path).stem).removesuffix("-Regular")}
    return data.getvalue(), gids, widths, metrics


def _to_unicode(gids: dict[str, int]) -> bytes:
    lines = [f"<{gid:04X}> <{ord(char):04X}>" for char, gid in sorted(gids.items(), key=lambda item: item[1])]
    return ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\n"
            f"endcodespacerange\n{len(lines)} beginbfchar\n" + "\n".join(lines) +
            "\nendbfchar\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n").encode("ascii")


class StampFont:
    """One font embedded in one document, to write text made of NUMBER_CHARS on its pages."""

    def __init__(self, pdf: pikepdf.Pdf, font_path: Path):
        data, self.gids, self.widths, metrics = _subset(str(font_path))
        base = pikepdf.Name(f"/LXSTMP+{metrics['name']}")  # (a subset's name: a tag + the font's)
        self.name = pikepdf.Name(f"/LexomStamp{font_path.stem.replace('-', '')}")
        font_file = pikepdf.Stream(pdf, data)
        font_file.Length1 = len(data)
        descriptor = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.FontDescriptor, FontName=base, Flags=32, FontBBox=metrics["bbox"], ItalicAngle=0,
            Ascent=metrics["ascent"], Descent=metrics["descent"], CapHeight=metrics["cap"], StemV=80,
            FontFile2=font_file))
        widths = pikepdf.Array()
        for gid in sorted(self.widths):
            widths.extend([gid, pikepdf.Array([self.widths[gid]])])
        descendant = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType2, BaseFont=base,
            CIDSystemInfo=pikepdf.Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
            FontDescriptor=descriptor, DW=0, W=widths, CIDToGIDMap=pikepdf.Name.Identity))
        self.font = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0, BaseFont=base,
            Encoding=pikepdf.Name("/Identity-H"), DescendantFonts=pikepdf.Array([descendant]),
            ToUnicode=pikepdf.Stream(pdf, _to_unicode(self.gids))))
        self.pdf = pdf
        self._save_state = pdf.make_indirect(pikepdf.Stream(pdf, b"q\n"))  # one object, put before every page's
        self._wrapped: set[tuple[int, int]] = set()

    def width(self, text: str, size: float) -> float:
        return sum(self.widths[self.gids[char]] for char in text) * size / 1000

    def write(self, page: pikepdf.Page, text: str, *, right: float, baseline: float, size: float,
              colour: tuple[float, float, float], mark: str = PAGINATION) -> None:
        """Write `text` on `page`, ending at x = `right` (pt), on `baseline` (pt from the bottom), in the
        marked-content sequence `mark` (tag and properties: an artifact unless told)."""
        glyphs = "".join(f"{self.gids[char]:04X}" for char in text)
        x = right - self.width(text, size)
        resources = page.obj.get("/Resources")
        if resources is None:
            page.obj.Resources = resources = pikepdf.Dictionary()
        fonts = resources.get("/Font")
        if fonts is None:
            resources.Font = fonts = pikepdf.Dictionary()
        fonts[self.name] = self.font
        restore = ""
        if page.obj.objgen not in self._wrapped:  # the page's own content between q and Q: its state is not ours
            self._wrapped.add(page.obj.objgen)
            page.contents_add(self._save_state, prepend=True)
            restore = "Q "
        r, g, b = colour
        page.contents_add(pikepdf.Stream(self.pdf, (
            f"\n{restore}{mark} BDC q {r:.4f} {g:.4f} {b:.4f} rg BT {self.name} {size:g} Tf {x:.3f} {baseline:.3f} Td "
            f"<{glyphs}> Tj ET Q EMC\n").encode("ascii")))


class PageNumbers:
    """Writes « page X / Y » on the pages of one document, where the layout's footer would."""

    def __init__(self, pdf: pikepdf.Pdf, font_path: Path):
        self.font = StampFont(pdf, font_path)

    def stamp(self, page: pikepdf.Page, number: int, total: int) -> None:
        self.font.write(page, f"page {number} / {total}", right=RIGHT_EDGE, baseline=BASELINE, size=FONT_SIZE,
                        colour=COLOUR)


def save(pdf: pikepdf.Pdf) -> bytes:
    """The document's bytes, the same for the same document (its file identifier made from its content)."""
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()
