"""Bookmarks of joined PDFs (pikepdf): each part's, one after the other.

WeasyPrint writes a part's bookmarks from its headings (the course's title,
its sections, days and modules; the CGV's title, sections and clauses).
Joining pages keeps only the first part's; `append_outline` copies another
part's after them, pointing at the pages joined (a bookmark's destination is
the place of its heading on its page).
"""

from __future__ import annotations

import pikepdf


def _items(parent: pikepdf.Object) -> list[pikepdf.Object]:
    """The bookmarks directly under `parent` (an outline or a bookmark), in order."""
    items, item = [], parent.get("/First")
    while item is not None and len(items) < 100_000:
        items.append(item)
        item = item.get("/Next")
    return items


def _visible(items: list[pikepdf.Object]) -> int:
    """How many bookmarks a reader sees of `items` and, below the open ones, theirs."""
    return sum(1 + max(0, int(item.get("/Count", 0))) for item in items)


def retitle(document: pikepdf.Pdf, title: str | None) -> None:
    """The document's first bookmark titled `title` (nothing if None or no bookmark)."""
    outlines = document.Root.get("/Outlines")
    if title is not None and outlines is not None and "/First" in outlines:
        outlines.First.Title = pikepdf.String(title)


def append_outline(document: pikepdf.Pdf, source: pikepdf.Pdf, title: str | None = None) -> None:
    """After the bookmarks of `document`, those of `source`, whose pages were joined to it (so that their
    destinations are the pages joined). `title`: the first one's new title, its children shown closed."""
    theirs = source.Root.get("/Outlines")
    if theirs is None or "/First" not in theirs:
        return
    copied = _items(document.copy_foreign(theirs))  # (the pages they point to: the copies already joined)
    outlines = document.Root.get("/Outlines")
    if outlines is None:
        outlines = document.Root.Outlines = document.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines))
    mine = _items(outlines)
    if title is not None:
        first = copied[0]
        first.Title = pikepdf.String(title)
        children = _items(first)
        for child in children:  # closed: a reader opens the section they look for
            if "/First" in child:
                child.Count = -abs(int(child.get("/Count", 0)))
        if children:
            first.Count = _visible(children)
    for item in copied:
        item.Parent = outlines
    if mine:
        mine[-1].Next, copied[0].Prev = copied[0], mine[-1]
    else:
        outlines.First = copied[0]
    outlines.Last = copied[-1]
    outlines.Count = _visible(mine + copied)
    document.Root.PageMode = pikepdf.Name.UseOutlines
