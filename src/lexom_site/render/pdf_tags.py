"""Tagged PDFs (PDF/UA-1): the structure trees of parts joined, merged into one (pikepdf).

Each part is tagged where it is laid out (WeasyPrint, made whole by
pdf_finisher.py before it is written). Parts are laid out once and joined
many times (the CGV part with every sheet, every course part in the printed
catalogue), and joining pages with pikepdf drops the parts' trees. `StructureMerge` puts them back: the
elements of each part's Document under one Document element, in the order of
the parts; the ParentTree keys of each part (its pages' /StructParents and
its annotations' /StructParent) moved past those of the parts before it;
/RoleMap and /ClassMap merged; /MarkInfo /Marked true.
"""

from __future__ import annotations

import pikepdf

from .pdf_finisher import LANG  # noqa: F401 (the documents' language, for those who join)


def _kids(element: pikepdf.Object) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _is_element(kid: object) -> bool:
    return isinstance(kid, pikepdf.Dictionary) and "/S" in kid


class StructureMerge:
    """The structure trees of parts joined into `document`, one under the other, in the order they are added."""

    def __init__(self, document: pikepdf.Pdf):
        self.document = document
        self.root = document.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
        self.top = document.make_indirect(pikepdf.Dictionary(
            S=pikepdf.Name.Document, P=self.root, K=pikepdf.Array()))  # (/Type /StructElem: optional)
        self.root.K = pikepdf.Array([self.top])
        self.nums: list[pikepdf.Object] = []  # key, value, key, value… in increasing keys
        self.next_key = 0
        self.role_map: dict[str, pikepdf.Object] = {}
        self.class_map: dict[str, pikepdf.Object] = {}

    def join(self, part: pikepdf.Pdf) -> None:
        """The pages of `part` after those of the document, its structure tree after the document's (`part`
        may be the document itself, joined first: its own pages and tree)."""
        tree = part.Root.get("/StructTreeRoot")
        offset, top = self.next_key, self.top
        if part is self.document:
            assert offset == 0, "the document is joined first"
        else:
            for page in part.pages:  # (its keys moved past the others' before its pages are copied)
                if "/StructParents" in page.obj:
                    page.obj.StructParents = int(page.obj.StructParents) + offset
                for annotation in page.obj.get("/Annots", ()):
                    if "/StructParent" in annotation:
                        annotation.StructParent = int(annotation.StructParent) + offset
            self.document.pages.extend(part.pages)
            if tree is not None:
                tree = self.document.copy_foreign(tree)  # (its /Pg and annotations: the copies just made)
        if tree is None:
            return
        last = -1
        for key, value in pikepdf.NumberTree(tree.ParentTree).items():
            self.nums += [int(key) + offset, value]
            last = max(last, int(key))
        self.next_key = offset + max(last + 1, int(tree.get("/ParentTreeNextKey", 0)))
        for element in _kids(tree):
            for kid in (_kids(element) if element.get("/S") == "/Document" else [element]):
                if _is_element(kid):
                    kid.P = top
                    top.K.append(kid)
        for mine, theirs in ((self.role_map, tree.get("/RoleMap")), (self.class_map, tree.get("/ClassMap"))):
            for name, value in (theirs or pikepdf.Dictionary()).items():
                if name in mine and mine[name] != value:
                    raise ValueError(f"joined PDF parts map {name} differently")
                mine[name] = value

    def finish(self) -> None:
        """Write the merged tree in the document's catalogue."""
        self.root.ParentTree = self.document.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(self.nums)))
        self.root.ParentTreeNextKey = self.next_key
        if self.role_map:
            self.root.RoleMap = pikepdf.Dictionary(self.role_map)
        if self.class_map:
            self.root.ClassMap = pikepdf.Dictionary(self.class_map)
        catalog = self.document.Root
        catalog.StructTreeRoot = self.root
        catalog.MarkInfo = pikepdf.Dictionary(Marked=True)
