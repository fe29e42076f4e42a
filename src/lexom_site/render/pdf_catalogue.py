"""The printed catalogue assembled from laid-out parts (pikepdf).

    front    cover, introduction, contents (templates/pdf/catalogue.html)
    courses  each course's part, as the sheets lay it out
    CGV      the CGV part, once
    back     the back page

No part knows a page number. Once joined, each contents entry (laid out as
links to `lexom-page:REF`, and an empty box linked to `lexom-number:REF`
for its number) is made a link to the course's first page and the number
written in its box (bold, on the box's bottom edge, which the layout puts
on the entry's baseline); « page X / Y » is stamped on every page but the
cover and the back page; the bookmarks are written: the contents, each
category and its courses, the CGV and its sections. The parts' structure
trees are merged as their pages are joined (pdf_tags.py): one tagged
document, in the order of its pages.

Joining 2,000 pages takes about a second: the document is walked once,
each part opened once, and the objects added per page kept to the few
that differ (the page number's text).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from .pdf_join import interrupt_after
from .pdf_tags import LANG, StructureMerge
from .stamp import PageNumbers, StampFont
from .typography import typeset  # (the bookmarks read as the pages: French typography)

LINK, NUMBER = "lexom-page:", "lexom-number:"  # the contents' links and number boxes as laid out, + a course's ref
CONTENTS_SIZE, CONTENTS_COLOUR = 10.0, (27 / 255, 35 / 255, 48 / 255)  # catalogue.css: body size, --ink
CONTENTS_TITLE = "Sommaire"  # the contents' heading, and its bookmark


@dataclass(frozen=True)
class Fonts:
    """The font files of the numbers written: the pages' footers, the contents' entries."""

    footer: Path
    contents: Path


@dataclass(frozen=True)
class Assembled:
    size: int  # bytes of the file written
    pages: int
    first_page: dict[str, int]  # course ref -> its first page (1-based), as the contents say


FRONT, CGV, BACK = "front", "cgv", "back"  # the slots of the catalogue besides its courses (named by their refs)


class CatalogueAssembly:
    """The catalogue, its parts joined as they come: the front, the courses of
    each category in order, the CGV, the back page. A part is joined as soon as
    every part before it is: a build joins the parts it has while the others
    are laid out. The parts are always joined in the same order, whatever
    order they come in, so the same parts make the same bytes."""

    def __init__(self, categories: list[tuple[str, list[tuple[str, str]]]]):
        """`categories`: (category, ((course ref, title), …)), in the catalogue's order."""
        self.categories = categories
        self.order = [FRONT, *(ref for _, courses in categories for ref, _ in courses), CGV, BACK]
        self.waiting: dict[str, pikepdf.Pdf] = {}  # parts come before those before them
        self.pages: dict[str, int] = {}  # slot -> page count, once joined
        self.document = pikepdf.new()
        self.structure = StructureMerge(self.document)  # (the parts' structure trees, joined with their pages)
        self.contents: int | None = None  # the contents' first page (0-based)
        self.version = "1.7"  # (the front's)
        self.cgv_sections: list[tuple[str, int]] = []  # (title, page in the CGV part, 0-based)

    def missing(self) -> list[str]:
        return [slot for slot in self.order if slot not in self.pages and slot not in self.waiting]

    def add(self, slot: str, pdf: bytes) -> None:
        """The pages of `slot` (FRONT, a course ref, CGV or BACK): joined in their place, now or once the parts
        before them are."""
        with interrupt_after():
            self.waiting[slot] = pikepdf.open(io.BytesIO(pdf))
            while len(self.pages) < len(self.order) and self.order[len(self.pages)] in self.waiting:
                next_slot = self.order[len(self.pages)]
                part = self.waiting.pop(next_slot)
                if next_slot == CGV:  # its sections, bookmarked under the CGV's
                    self.cgv_sections = _top_bookmarks_below(part)
                if next_slot == FRONT:
                    self.contents = _bookmark_page(part, CONTENTS_TITLE)
                    if "/Info" in part.trailer:  # the front's metadata: the catalogue's title, author, dates
                        self.document.trailer.Info = self.document.copy_foreign(part.trailer.Info)
                    if "/Metadata" in part.Root:  # (its XMP says the same, and the language)
                        self.document.Root.Metadata = self.document.copy_foreign(part.Root.Metadata)
                    self.document.Root.Lang = pikepdf.String(LANG)
                    self.document.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
                    self.version = part.pdf_version
                self.structure.join(part)
                self.pages[next_slot] = len(part.pages)

    def finish(self, fonts: Fonts, identifier: bytes, into: Path) -> Assembled:
        """Number, link and bookmark the joined catalogue and write it in the file `into` (qpdf writes it there
        itself: no copy of its bytes in memory, 25 MB less at 1,000 courses, and 0.15 s); `identifier`: 16 bytes
        that name its content (the file's ID, the same for the same parts)."""
        assert len(self.pages) == len(self.order), self.missing()
        with interrupt_after():
            document = self.document
            first_page, page = {}, 0
            for slot in self.order:
                first_page[slot] = page  # (0-based)
                page += self.pages[slot]
            pages = list(document.pages)  # (indexing document.pages walks the page tree each time)
            _link_contents(document, pages[: self.pages[FRONT]], pages, first_page, fonts.contents)
            _write_outline(document, pages, self.contents, self.categories, first_page, self.cgv_sections)
            self.structure.finish()
            document.Root.PageMode = pikepdf.Name.UseOutlines
            stamper = PageNumbers(document, fonts.footer)
            for number, page_ in enumerate(pages[1:-1], start=2):  # not on the cover, nor on the back page
                stamper.stamp(page_, number, len(pages))
            courses = self.order[1:-2]
            _save(document, identifier, self.version, into)
            return Assembled(into.stat().st_size, len(pages), {ref: first_page[ref] + 1 for ref in courses})


def _save(document: pikepdf.Pdf, identifier: bytes, version: str, into: Path) -> None:
    """The document written in `into`, its ID `identifier` (rather than a digest of the whole: a third faster at
    2,000 pages, as are object streams, which make the file a sixth smaller)."""
    document.trailer.ID = pikepdf.Array([pikepdf.String(identifier), pikepdf.String(identifier)])
    try:
        document.save(into, static_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,  # (the first ID
                      min_version=version)                                                        # kept)
    except OSError as exc:  # (a full disk: said with the file's name, not that of pikepdf's writer)
        raise OSError(exc.errno, exc.strerror, str(into)) from None


def _link_contents(document: pikepdf.Pdf, front: list[pikepdf.Page], pages: list[pikepdf.Page],
                   first_page: dict[str, int], font_path: Path) -> None:
    """The contents' entries made links to their courses' pages, and the numbers written in their boxes."""
    numbers = StampFont(document, font_path)
    for page in front:
        for annotation in page.obj.get("/Annots", ()):
            uri = str(annotation.get("/A", {}).get("/URI", ""))
            prefix = LINK if uri.startswith(LINK) else NUMBER if uri.startswith(NUMBER) else None
            if prefix is None:
                continue
            target = first_page[uri[len(prefix):]]
            del annotation["/A"]
            annotation.Dest = pikepdf.Array([pages[target].obj, pikepdf.Name.Fit])
            if prefix == NUMBER:  # its box: the number ends on its right edge, sits on its bottom edge
                x1, y1, x2, y2 = (float(v) for v in annotation.Rect)
                numbers.write(page, str(target + 1), right=max(x1, x2), baseline=min(y1, y2), size=CONTENTS_SIZE,
                              colour=CONTENTS_COLOUR)


def _write_outline(document: pikepdf.Pdf, pages: list[pikepdf.Page], contents: int | None,
                   categories: list[tuple[str, list[tuple[str, str]]]], first_page: dict[str, int],
                   cgv_sections: list[tuple[str, int]] = ()) -> None:
    """Bookmarks: the contents, each category with its courses, the CGV with its sections (the front's own are
    replaced)."""
    tree: list[tuple[str, int, list[tuple[str, int, list]]]] = []
    if contents is not None:
        tree.append((CONTENTS_TITLE, contents, []))
    for category, courses in categories:
        tree.append((category, first_page[courses[0][0]],
                     [(f"{typeset(title)} ({ref})", first_page[ref], []) for ref, title in courses]))
    tree.append(("Conditions générales de vente", first_page[CGV],
                 [(title, first_page[CGV] + page, []) for title, page in cgv_sections]))
    root = document.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines))
    root.Count = _outline_level(document, root, tree, pages)
    document.Root.Outlines = root


def _outline_level(document: pikepdf.Pdf, parent: pikepdf.Object, items: list, pages: list[pikepdf.Page]) -> int:
    """Outline items under `parent` (written by hand: pikepdf's outline model looks each page up again, which
    costs more than the whole join at 1,000 courses); how many items are open below `parent`."""
    made, visible = [], 0
    for title, page, children in items:
        item = document.make_indirect(pikepdf.Dictionary(
            Title=pikepdf.String(title), Parent=parent, Dest=pikepdf.Array([pages[page].obj, pikepdf.Name.Fit])))
        if children:
            below = _outline_level(document, item, children, pages)
            item.Count = -below  # closed: the categories show their courses when opened
        made.append(item)
        visible += 1
    for before, after in zip(made, made[1:]):
        before.Next, after.Prev = after, before
    if made:
        parent.First, parent.Last = made[0], made[-1]
    return visible


def _bookmark_page(document: pikepdf.Pdf, title: str) -> int | None:
    """The page (0-based) of the document's top-level bookmark `title` (WeasyPrint's, of a heading)."""
    with document.open_outline() as outline:
        for item in outline.root:
            destination = item.destination
            if item.title == title and isinstance(destination, pikepdf.Array) and len(destination):
                return pikepdf.Page(destination[0]).index
    return None


def _top_bookmarks_below(document: pikepdf.Pdf) -> list[tuple[str, int]]:
    """(title, page 0-based) of the bookmarks under the document's first one (WeasyPrint's: the CGV's sections,
    under its title)."""
    with document.open_outline() as outline:
        if not outline.root:
            return []
        return [(item.title, pikepdf.Page(item.destination[0]).index) for item in outline.root[0].children
                if isinstance(item.destination, pikepdf.Array) and len(item.destination)]
