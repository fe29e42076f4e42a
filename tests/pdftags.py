"""Test helper: what makes a PDF tagged and accessible (PDF/UA-1), read back with pikepdf and pypdfium2.

`check_tagged(pdf)` returns the problems found (an empty list: none), and
`TaggedPdf` what the checks read, for tests to assert on:

- the catalogue: /MarkInfo /Marked true, a /StructTreeRoot, /Lang fr-FR,
  /ViewerPreferences /DisplayDocTitle true, a non-empty title in the document
  information, the XMP metadata saying the same (title, author, language,
  dates) and claiming PDF/UA-1;
- every page's content marked: every operator that draws (text, paths,
  images, shadings, forms) inside a marked-content sequence that is either an
  /Artifact or carries an MCID;
- the structure tree reaches every MCID of every page, and no other: each
  (page, MCID) of the content is one kid of one structure element, and the
  ParentTree says the same (the page's /StructParents and every annotation's
  /StructParent keys, /ParentTreeNextKey above them all);
- headings H1 to H6 in order, starting at H1, never skipping a level; lists
  as L of LI (each LI of Lbl and LBody); no empty heading;
- the headings' texts in the tree's order (to compare with what was meant).

What these checks cannot say: whether the reading order means what the
author meant, whether an alternative text is good, whether a heading is the
right level for its content. That needs a person (and PAC or NVDA).
"""

from __future__ import annotations

import ctypes
import io
import re
from dataclasses import dataclass, field

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

# Operators that draw something (ISO 32000-1, tables 51, 59, 87, 92, 107)
DRAWING = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "Tj", "TJ", "'", '"', "Do", "sh", "INLINE IMAGE"}
HEADING = re.compile(r"^/H([1-6])$")


@dataclass
class TaggedPdf:
    """What was read: the problems, the headings (level, text) and the structure types, in the tree's order."""

    problems: list[str] = field(default_factory=list)
    headings: list[tuple[int, str]] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    artifacts: int = 0  # marked-content sequences marked /Artifact, all pages
    mcids: int = 0  # marked-content sequences with an MCID, all pages
    info: dict[str, str] = field(default_factory=dict)
    xmp: dict[str, object] = field(default_factory=dict)


def _kids(element: pikepdf.Dictionary) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _marked_content(pdf: pikepdf.Pdf, index: int, page: pikepdf.Page, found: TaggedPdf) -> set[int]:
    """The MCIDs of the page's content; problems for drawing outside any tagged or artifact sequence."""
    stack: list[tuple[str, int | None]] = []
    mcids: set[int] = set()
    properties = page.obj.get("/Resources", {}).get("/Properties", {})
    unmarked: dict[str, int] = {}
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op in ("BDC", "BMC"):
            tag = str(operands[0])
            mcid = None
            if op == "BDC":
                props = operands[1]
                if isinstance(props, pikepdf.Name):
                    props = properties.get(props, pikepdf.Dictionary())
                value = props.get("/MCID") if isinstance(props, pikepdf.Dictionary) else None
                if value is not None:
                    mcid = int(value)
                    if mcid in mcids:
                        found.problems.append(f"page {index + 1}: MCID {mcid} used twice")
                    mcids.add(mcid)
                    found.mcids += 1
            if tag == "/Artifact":
                found.artifacts += 1
                if mcid is not None:
                    found.problems.append(f"page {index + 1}: an artifact with an MCID ({mcid})")
            stack.append((tag, mcid))
        elif op == "EMC":
            if not stack:
                found.problems.append(f"page {index + 1}: EMC without BDC/BMC")
            else:
                stack.pop()
        elif op in DRAWING:
            if not any(tag == "/Artifact" or mcid is not None for tag, mcid in stack):
                unmarked[op] = unmarked.get(op, 0) + 1
    if stack:
        found.problems.append(f"page {index + 1}: {len(stack)} marked-content sequence(s) not closed")
    if unmarked:
        found.problems.append(f"page {index + 1}: drawn outside marked content (neither tagged nor artifact): "
                              + ", ".join(f"{op} ×{n}" for op, n in sorted(unmarked.items())))
    return mcids


def _texts_by_mcid(data: bytes) -> dict[tuple[int, int], str]:
    """(page index, MCID) -> the text its text objects show (pdfium)."""
    texts: dict[tuple[int, int], str] = {}
    document = pdfium.PdfDocument(data)
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            for obj in page.get_objects(max_depth=3):
                mcid = pdfium_c.FPDFPageObj_GetMarkedContentID(obj.raw)
                if mcid < 0 or obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT:
                    continue
                size = pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
                buffer = ctypes.create_string_buffer(size)
                pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)),
                                             size)
                text = buffer.raw[: size - 2].decode("utf-16-le", errors="replace")
                texts[(index, mcid)] = texts.get((index, mcid), "") + text
    finally:
        document.close()
    return texts


def check_tagged(data: bytes, *, lang: str = "fr-FR") -> TaggedPdf:
    """Read `data` (a PDF) and report what is wrong with its tagging (see the module's docstring)."""
    found = TaggedPdf()
    problems = found.problems
    pdf = pikepdf.open(io.BytesIO(data))
    root = pdf.Root
    if not bool(root.get("/MarkInfo", {}).get("/Marked", False)):
        problems.append("/MarkInfo /Marked is not true")
    if str(root.get("/Lang", "")) != lang:
        problems.append(f"/Lang is {str(root.get('/Lang', ''))!r}, not {lang!r}")
    if not bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)):
        problems.append("/ViewerPreferences /DisplayDocTitle is not true")
    info = pdf.trailer.get("/Info", pikepdf.Dictionary())
    found.info = {str(key): str(value) for key, value in info.items()}
    if not found.info.get("/Title", "").strip():
        problems.append("no /Title in the document information")
    _check_xmp(pdf, found)

    tree = root.get("/StructTreeRoot")
    if tree is None:
        problems.append("no /StructTreeRoot")
        return found
    pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
    content: dict[tuple[int, int], None] = {}
    for index, page in enumerate(pdf.pages):
        for mcid in _marked_content(pdf, index, page, found):
            content[(index, mcid)] = None

    # the tree: every element once, every marked content once, in order
    owner: dict[tuple[int, int], tuple[int, int]] = {}  # (page, MCID) -> the element holding it
    annotations: dict[tuple[int, int], tuple[int, int]] = {}  # annotation -> the element holding it
    text_of = _texts_by_mcid(data)
    seen: set[tuple[int, int]] = set()
    role_map = tree.get("/RoleMap", pikepdf.Dictionary())
    last_level = 0

    def text_below(element: pikepdf.Dictionary, page: int | None) -> str:
        out = []
        for kid in _kids(element):
            if _is_int(kid):
                out.append(text_of.get((page, int(kid)), "") if page is not None else "")
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                kid_page = pages.get(kid.Pg.objgen) if "/Pg" in kid else page
                out.append(text_of.get((kid_page, int(kid.MCID)), ""))
            elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                kid_page = pages.get(kid.Pg.objgen) if "/Pg" in kid else page
                out.append(text_below(kid, kid_page))
        return "".join(out)

    def walk(element: pikepdf.Dictionary, parent: pikepdf.Object, page: int | None) -> None:
        nonlocal last_level
        if element.objgen in seen and element.objgen != (0, 0):
            problems.append(f"structure element {element.objgen} reached twice")
            return
        seen.add(element.objgen)
        if element.get("/P") is None or element.P.objgen != parent.objgen:
            problems.append(f"structure element {element.objgen} ({element.get('/S')}): /P is not its parent")
        kind = str(element.get("/S"))
        kind = str(role_map.get(kind, kind))
        found.types.append(kind)
        if "/Pg" in element:
            page = pages.get(element.Pg.objgen)
            if page is None:
                problems.append(f"structure element {element.objgen} ({kind}): /Pg is not a page of the document")
        heading = HEADING.match(kind)
        if heading:
            level = int(heading[1])
            text = " ".join(text_below(element, page).split())
            found.headings.append((level, text))
            if level > last_level + 1:
                problems.append(f"heading H{level} « {text} » after H{last_level}: a level skipped")
            if not text:
                problems.append(f"heading H{level} ({element.objgen}) is empty")
            last_level = level
        kids = _kids(element)
        if kind == "/L":
            for kid in kids:
                if isinstance(kid, pikepdf.Dictionary) and str(role_map.get(kid.get("/S"), kid.get("/S"))) not in (
                        "/LI", "/L", "/Caption"):
                    problems.append(f"a list (L) holds {kid.get('/S')}, not LI")
        if kind == "/LI":
            for kid in kids:
                if isinstance(kid, pikepdf.Dictionary) and str(role_map.get(kid.get("/S"), kid.get("/S"))) not in (
                        "/Lbl", "/LBody"):
                    problems.append(f"a list item (LI) holds {kid.get('/S')}, not Lbl or LBody")
        for kid in kids:
            if _is_int(kid):
                key = (page, int(kid))
                if page is None:
                    problems.append(f"MCID {int(kid)} of {kind} with no page")
                elif key in owner:
                    problems.append(f"page {page + 1} MCID {int(kid)} held twice")
                owner[key] = element.objgen
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                kid_page = pages.get(kid.Pg.objgen) if "/Pg" in kid else page
                owner[(kid_page, int(kid.MCID))] = element.objgen
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                annotations[kid.Obj.objgen] = element.objgen
            elif isinstance(kid, pikepdf.Dictionary):
                walk(kid, element, page)
            else:
                problems.append(f"{kind}: a kid that is neither an element nor content: {kid!r}")

    for top in _kids(tree):
        walk(top, tree, None)
    if [kind for kind in found.types[:1]] != ["/Document"] or len(_kids(tree)) != 1:
        problems.append("the structure tree's root does not hold one Document element")

    missing = [key for key in content if key not in owner]
    extra = [key for key in owner if key not in content]
    if missing:
        problems.append(f"{len(missing)} marked content(s) not in the structure tree, first (page, MCID): "
                        f"{[(page + 1, mcid) for page, mcid in missing[:5]]}")
    if extra:
        problems.append(f"{len(extra)} MCID(s) of the tree not in the pages' content: "
                        f"{[(page + 1 if page is not None else None, mcid) for page, mcid in extra[:5]]}")
    _check_parent_tree(pdf, tree, owner, annotations, problems)
    return found


def _check_parent_tree(pdf: pikepdf.Pdf, tree: pikepdf.Dictionary, owner: dict, annotations: dict,
                       problems: list[str]) -> None:
    """The ParentTree maps each page's MCIDs and each annotation back to the element that holds them."""
    parent_tree = {int(key): value for key, value in pikepdf.NumberTree(tree.ParentTree).items()}
    keys = []
    for index, page in enumerate(pdf.pages):
        key = page.obj.get("/StructParents")
        mcids = [mcid for (p, mcid) in owner if p == index]
        if key is None:
            if mcids:
                problems.append(f"page {index + 1} has marked content but no /StructParents")
            continue
        keys.append(int(key))
        array = parent_tree.get(int(key))
        if not isinstance(array, pikepdf.Array):
            problems.append(f"page {index + 1}: no ParentTree array under its /StructParents {int(key)}")
            continue
        for mcid in mcids:
            if mcid >= len(array) or array[mcid].objgen != owner[(index, mcid)]:
                problems.append(f"page {index + 1} MCID {mcid}: the ParentTree names another element")
        for annotation in page.obj.get("/Annots", ()):
            if "/StructParent" not in annotation:
                if annotation.objgen in annotations:
                    problems.append(f"page {index + 1}: a tagged annotation without /StructParent")
                continue
            keys.append(int(annotation.StructParent))
            target = parent_tree.get(int(annotation.StructParent))
            if target is None or annotation.objgen not in annotations or target.objgen != annotations[
                    annotation.objgen]:
                problems.append(f"page {index + 1}: an annotation's /StructParent names another element")
    if len(keys) != len(set(keys)):
        problems.append("a ParentTree key used twice (pages' /StructParents, annotations' /StructParent)")
    next_key = tree.get("/ParentTreeNextKey")
    if keys and (next_key is None or int(next_key) <= max(keys)):
        problems.append(f"/ParentTreeNextKey {next_key} is not above every key ({max(keys)})")


def _check_xmp(pdf: pikepdf.Pdf, found: TaggedPdf) -> None:
    """The XMP metadata says what the document information says, and claims PDF/UA-1."""
    if "/Metadata" not in pdf.Root:
        found.problems.append("no XMP metadata")
        return
    meta = pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
    xmp = {name: meta.get(name) for name in ("dc:title", "dc:creator", "dc:description", "dc:language",
                                             "xmp:CreateDate", "xmp:ModifyDate", "pdf:Producer",
                                             "pdfuaid:part")}
    found.xmp = xmp
    info = found.info
    expected = {"dc:title": info.get("/Title"), "dc:creator": [info["/Author"]] if "/Author" in info else None,
                "dc:description": info.get("/Subject"), "pdf:Producer": info.get("/Producer")}
    for name, value in expected.items():
        if value is not None and xmp[name] != value:
            found.problems.append(f"XMP {name} is {xmp[name]!r}, the document information says {value!r}")
    for name, key in (("xmp:CreateDate", "/CreationDate"), ("xmp:ModifyDate", "/ModDate")):
        if (xmp[name] is None) != (key not in info):
            found.problems.append(f"XMP {name} and the document information's {key}: one without the other")
        elif xmp[name] is not None and _pdf_date(info[key]) != re.sub(r"[-:T]", "", str(xmp[name]))[:len(
                _pdf_date(info[key]))]:
            found.problems.append(f"XMP {name} {xmp[name]} is not the document information's {key} {info[key]}")
    if xmp["dc:language"] != {str(pdf.Root.get("/Lang", ""))} and xmp["dc:language"] != [str(pdf.Root.get(
            "/Lang", ""))]:
        found.problems.append(f"XMP dc:language is {xmp['dc:language']!r}, not the document's /Lang")
    if str(xmp["pdfuaid:part"]) != "1":
        found.problems.append(f"XMP pdfuaid:part is {xmp['pdfuaid:part']!r}, not 1 (PDF/UA-1)")


def _pdf_date(value: str) -> str:
    """D:20261122103000Z -> 20261122103000 (the digits)."""
    return re.sub(r"\D", "", value.split("Z")[0].split("+")[0])


def outline(data: bytes) -> list[tuple[str, int, list]]:
    """The bookmarks: (title, page index, children)."""
    pdf = pikepdf.open(io.BytesIO(data))
    pages = {page.objgen: index for index, page in enumerate(pdf.pages)}

    def walk(items) -> list:
        out = []
        for item in items:
            destination = item.destination
            page = pages.get(destination[0].objgen) if isinstance(destination, pikepdf.Array) else None
            out.append((item.title, page, walk(item.children)))
        return out

    with pdf.open_outline() as tree:
        return walk(tree.root)
