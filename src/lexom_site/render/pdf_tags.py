"""Tagged PDFs (PDF/UA-1): each part's structure tree made whole, the trees of joined parts merged (pikepdf).

WeasyPrint tags what it lays out (`pdf_variant="pdf/ua-1"`): a structure
tree of the HTML's headings, lists, paragraphs and links, every piece of
content marked with an MCID or as an artifact. What is left to do is done on
each part, once, where it is laid out (`finish_part`, in the PDF workers):

- the running header and footer (the page's margin boxes) are marked with
  MCIDs that no element of the tree holds: they become pagination artifacts
  (`/Artifact <</Type /Pagination>> BDC`), their entries of the ParentTree
  null;
- a list item holding a paragraph (a loose Markdown list) gets the list body
  PDF asks for (LI > LBody > P), and a `<div>` grouping a `<dt>` and its
  `<dd>` in a list becomes the item it is (LI > Lbl, LBody);
- the Span elements WeasyPrint makes for each run of text, holding nothing
  but that text, give it to their parent (P > MCID rather than P > Span >
  MCID): the same tree to a reader, half the elements to copy and write at
  every join;

and the language is written in the XMP metadata too (dc:language), with a
/ParentTreeNextKey.

Parts are laid out once and joined many times (the CGV part with every
sheet, every course part in the printed catalogue), and joining pages with
pikepdf drops the parts' trees. `StructureMerge` puts them back: the
elements of each part's Document under one Document element, in the order of
the parts; the ParentTree keys of each part (its pages' /StructParents and
its annotations' /StructParent) moved past those of the parts before it;
/RoleMap and /ClassMap merged; /MarkInfo /Marked true.
"""

from __future__ import annotations

import io
import re

import pikepdf

from .stamp import save

LANG = "fr-FR"
PAGINATION = pikepdf.Dictionary(Type=pikepdf.Name.Pagination)


def _kids(element: pikepdf.Object) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _is_element(kid: object) -> bool:
    return isinstance(kid, pikepdf.Dictionary) and "/S" in kid


def _parent_arrays(tree: pikepdf.Dictionary) -> dict[int, pikepdf.Object]:
    return {int(key): value for key, value in pikepdf.NumberTree(tree.ParentTree).items()}


def tagged(data: bytes) -> bytes:
    """The PDF `data`, as WeasyPrint tagged it, made whole (`finish_part`); the same bytes for the same input."""
    pdf = pikepdf.open(io.BytesIO(data))
    if "/StructTreeRoot" not in pdf.Root:
        return data
    finish_part(pdf)
    return save(pdf)


def finish_part(pdf: pikepdf.Pdf) -> None:
    """Make the tagged PDF `pdf`, as WeasyPrint laid it out, whole (see the module's docstring)."""
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        return
    parents = _parent_arrays(tree)
    reachable = _rework(pdf, tree, parents)
    keys = []
    for page in pdf.pages:
        key = page.obj.get("/StructParents")
        keys += [int(annotation.StructParent) for annotation in page.obj.get("/Annots", ())
                 if "/StructParent" in annotation]
        array = parents.get(int(key)) if key is not None else None
        if not isinstance(array, pikepdf.Array):
            continue
        keys.append(int(key))
        orphans = {mcid for mcid, element in enumerate(array)
                   if isinstance(element, pikepdf.Dictionary) and element.objgen not in reachable}
        if orphans:
            _artifacts(pdf, page, orphans)
            for mcid in orphans:
                array[mcid] = pikepdf.Object.parse(b"null")
    tree.ParentTreeNextKey = max(keys, default=-1) + 1
    pdf.Root.Lang = pikepdf.String(LANG)
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:  # (no date written)
        meta["dc:language"] = {LANG}


_MARKED = re.compile(rb"/[A-Za-z]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")


def _artifacts(pdf: pikepdf.Pdf, page: pikepdf.Page, mcids: set[int]) -> None:
    """The marked-content sequences of `mcids` on `page` become pagination artifacts."""
    data = page.obj.Contents.read_bytes() if isinstance(page.obj.Contents, pikepdf.Stream) else b""
    changed = _MARKED.sub(lambda m: b"/Artifact <</Type /Pagination>> BDC" if int(m[1]) in mcids else m[0], data)
    if len(_MARKED.findall(changed)) == len(_MARKED.findall(data)) - len(mcids):  # (as WeasyPrint writes them)
        page.obj.Contents = pdf.make_stream(changed)
        return
    instructions = []  # otherwise read as PDF operators, a little slower
    for operands, operator in pikepdf.parse_content_stream(page):
        if str(operator) == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and \
                int(operands[1].get("/MCID", -1)) in mcids:
            operands = [pikepdf.Name.Artifact, PAGINATION]
        instructions.append((operands, operator))
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))


def _rework(pdf: pikepdf.Pdf, tree: pikepdf.Dictionary, parents: dict[int, pikepdf.Object]) -> set[tuple[int, int]]:
    """One walk of the tree, from its root: the lists made as PDF asks (`_list_item`, `_term_item`) and each Span
    holding one marked content and nothing else (WeasyPrint makes one per run of text) replaced by that content
    in its parent (the same tree to a reader, half the elements to copy and write). The elements reached."""
    reached: set[tuple[int, int]] = set()
    arrays: dict[tuple[int, int], pikepdf.Object] = {}  # page -> its ParentTree array
    stack = [kid for kid in _kids(tree) if _is_element(kid)]
    while stack:
        element = stack.pop()
        reached.add(element.objgen)
        kind, kids = element.S, _kids(element)
        changed = False
        if kind == "/L":
            for kid in kids:
                if _is_element(kid) and kid.S == "/Div":
                    _term_item(kid)
        elif kind == "/LI" and any(not _is_element(kid) or kid.S not in ("/Lbl", "/LBody") for kid in kids):
            kids, changed = _list_item(pdf, element, kids, parents), True
        for index, kid in enumerate(kids):
            if not _is_element(kid):
                continue
            if kid.S == "/Span" and "/Pg" in kid and len(kid.keys()) <= 5 and "/A" not in kid:
                content = _kids(kid)
                if len(content) == 1 and isinstance(content[0], int) and not isinstance(content[0], bool):
                    page = kid.Pg
                    if page.objgen not in arrays:
                        key = page.get("/StructParents")
                        arrays[page.objgen] = parents.get(int(key)) if key is not None else None
                    array, mcid = arrays[page.objgen], int(content[0])
                    if isinstance(array, pikepdf.Array) and mcid < len(array):
                        same_page = "/Pg" in element and element.Pg.objgen == page.objgen
                        kids[index] = mcid if same_page else pikepdf.Dictionary(
                            Type=pikepdf.Name.MCR, Pg=page, MCID=mcid)
                        array[mcid] = element
                        changed = True
                        continue
            stack.append(kid)
        if changed:
            element.K = pikepdf.Array(kids)
    return reached


def _term_item(div: pikepdf.Dictionary) -> None:
    """A Div grouping a term (LI > LBody) and its description (LI > LBody) in a list: LI > Lbl, LBody."""
    items = _kids(div)
    if len(items) == 2 and all(_is_element(item) and item.S == "/LI" and len(_kids(item)) == 1
                               and _is_element(_kids(item)[0]) and _kids(item)[0].S == "/LBody" for item in items):
        label, body = (_kids(item)[0] for item in items)
        label.S = pikepdf.Name.Lbl
        div.S = pikepdf.Name.LI
        div.K = pikepdf.Array([label, body])
        label.P = body.P = div


def _list_item(pdf: pikepdf.Pdf, item: pikepdf.Dictionary, kids: list, parents: dict[int, pikepdf.Object]) -> list:
    """A list item holding other things than Lbl and LBody: those in one LBody (LI > Lbl, LBody > P…)."""
    label = [kid for kid in kids if _is_element(kid) and kid.S == "/Lbl"]
    rest = [kid for kid in kids if not (_is_element(kid) and kid.S == "/Lbl")]
    body = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.LBody, P=item,
                                                K=pikepdf.Array(rest)))
    if "/Pg" in item:
        body.Pg = item.Pg
    for kid in rest:
        if _is_element(kid):
            kid.P = body
        elif isinstance(kid, int) and "/Pg" in item:  # content of the item itself: now the body's
            key = item.Pg.get("/StructParents")
            if key is not None:
                parents[int(key)][int(kid)] = body
    return [*label, body]


class StructureMerge:
    """The structure trees of parts joined into `document`, one under the other, in the order they are added."""

    def __init__(self, document: pikepdf.Pdf):
        self.document = document
        self.root = document.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
        self.top = document.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document, P=self.root, K=pikepdf.Array()))
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
