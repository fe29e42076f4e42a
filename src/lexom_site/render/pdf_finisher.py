"""A tagged part made whole before WeasyPrint writes it (its `finisher`, on the pydyf objects).

WeasyPrint tags what it lays out (`pdf_variant="pdf/ua-1"`): a structure
tree of the HTML's headings, lists, paragraphs and links, every piece of
content marked with an MCID or as an artifact, the title shown, the XMP
claiming PDF/UA-1. What is left to do is done here, on each part, once,
where it is laid out (in the PDF workers; the cache keeps the result):

- the running header and footer (the page's margin boxes) are marked with
  MCIDs that no element of the tree holds: they become pagination artifacts
  (`/Artifact <</Type /Pagination>> BDC`), their ParentTree entries null;
- a list item holding a paragraph (a loose Markdown list) gets the list body
  PDF asks for (LI > LBody > P), and a `<div>` grouping a `<dt>` and its
  `<dd>` in a list becomes the item it is (LI > Lbl, LBody);
- the Span elements WeasyPrint makes for each run of text, holding nothing
  but that text, give it to their parent (P > MCID rather than P > Span >
  MCID): the same tree to a reader, half the elements to copy and write at
  every join (the Span objects are left empty);
- every element written without what PDF lets it leave out: `/Type
  /StructElem` (optional), and `/Pg` where none of its kids is a bare MCID
  (only they read it): three keys of five instead of five, on some 200
  elements a sheet and 190,000 in a 1,000-course catalogue, which every join
  parses, copies and writes again;
- `/ParentTreeNextKey`, and the language in the XMP (dc:language).

Done on WeasyPrint's own objects before they are written, it costs about a
millisecond a part (opening and saving the PDF again with pikepdf took five).
Joining the parts: pdf_tags.py.
"""

from __future__ import annotations

from typing import Any

import pydyf

LANG = "fr-FR"
_SPAN_KEYS = {"Type", "S", "K", "Pg", "P"}


class _Objects:
    def __init__(self, pdf: pydyf.PDF):
        self.objects = pdf.objects

    def __call__(self, reference: Any) -> Any:
        """The object a reference (b"12 0 R") names; anything else as it is."""
        if isinstance(reference, bytes) and reference.endswith(b" R"):
            return self.objects[int(reference.split(b" ", 1)[0])]
        return reference


def finish_tagged(document: Any, pdf: pydyf.PDF) -> None:
    """WeasyPrint's finisher for a tagged PDF (see the module's docstring)."""
    if "StructTreeRoot" not in pdf.catalog:
        return
    get = _Objects(pdf)
    root = get(pdf.catalog["StructTreeRoot"])
    nums = get(root["ParentTree"])["Nums"]
    arrays = {nums[i]: nums[i + 1] for i in range(0, len(nums), 2) if isinstance(nums[i + 1], pydyf.Array)}
    pages = [get(reference) for reference in pdf.page_references]
    array_of = {page.reference: arrays.get(page.get("StructParents")) for page in pages}
    reached = _rework(pdf, get, root, array_of)
    for number in reached:
        _lean(pdf.objects[number])
    for page in pages:
        array = array_of[page.reference]
        if array is None:
            continue
        orphans = {mcid for mcid, reference in enumerate(array)
                   if isinstance(reference, bytes) and get(reference).number not in reached}
        if orphans:
            _artifacts(get(page["Contents"]), orphans)
            for mcid in orphans:
                array[mcid] = "null"
    root["ParentTreeNextKey"] = max(nums[0::2], default=-1) + 1
    if "Metadata" in pdf.catalog:
        metadata = get(pdf.catalog["Metadata"])
        language = (b'<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:language>'
                    b"<rdf:Bag><rdf:li>" + LANG.encode() + b"</rdf:li></rdf:Bag></dc:language></rdf:Description>")
        metadata.stream = [chunk.replace(b"</rdf:RDF>", language + b"</rdf:RDF>", 1) if isinstance(chunk, bytes)
                           else chunk for chunk in metadata.stream]


def _lean(element: pydyf.Dictionary) -> None:
    """The keys PDF lets an element leave out, left out (see the module's docstring)."""
    del element["Type"]
    if "Pg" in element and not any(isinstance(kid, int) for kid in element["K"]):
        del element["Pg"]  # (its kids: elements, and marked content references and objects with their own page)


def _artifacts(stream: pydyf.Stream, mcids: set[int]) -> None:
    """The marked-content sequences of `mcids` in `stream` become pagination artifacts."""
    items = stream.stream
    for index, item in enumerate(items):
        if (isinstance(item, pydyf.Dictionary) and item.get("MCID") in mcids and index
                and index + 1 < len(items) and items[index + 1] == b"BDC"):
            items[index - 1] = "/Artifact"
            items[index] = pydyf.Dictionary({"Type": "/Pagination"})


def _is_element(kid: Any) -> bool:
    return isinstance(kid, pydyf.Dictionary) and kid.get("Type") == "/StructElem"


def _rework(pdf: pydyf.PDF, get: _Objects, root: pydyf.Dictionary, array_of: dict) -> set[int]:
    """One walk of the tree from its root: lists made as PDF asks, Spans of one run of text given to their parent.
    The numbers of the elements reached."""
    reached: set[int] = set()
    stack = [get(kid) for kid in root["K"]]
    while stack:
        element = stack.pop()
        if not _is_element(element):
            continue
        reached.add(element.number)
        kids = element["K"]
        kind = element["S"]
        if kind == "/L":
            for kid in kids:
                if _is_element(get(kid)) and get(kid)["S"] == "/Div":
                    _term_item(get, get(kid))
        elif kind == "/LI" and any(not _is_element(get(kid)) or get(kid)["S"] not in ("/Lbl", "/LBody")
                                   for kid in kids):
            kids = element["K"] = _list_item(pdf, get, element, array_of)
        for index, reference in enumerate(kids):
            kid = get(reference)
            if not _is_element(kid):
                continue
            content = kid["K"]
            if (kid["S"] == "/Span" and set(kid) <= _SPAN_KEYS and "Pg" in kid and len(content) == 1
                    and isinstance(content[0], int) and array_of.get(kid["Pg"]) is not None):
                mcid = content[0]
                kids[index] = mcid if element.get("Pg") == kid["Pg"] else pydyf.Dictionary(
                    {"Type": "/MCR", "Pg": kid["Pg"], "MCID": mcid})
                array_of[kid["Pg"]][mcid] = element.reference
                kid.clear()  # (left empty: nothing points to it any more)
                continue
            stack.append(kid)
    return reached


def _term_item(get: _Objects, div: pydyf.Dictionary) -> None:
    """A Div grouping a term (LI > LBody) and its description (LI > LBody) in a list: LI > Lbl, LBody."""
    items = [get(item) for item in div["K"]]
    if len(items) == 2 and all(_is_element(item) and item["S"] == "/LI" and len(item["K"]) == 1
                               and _is_element(get(item["K"][0])) and get(item["K"][0])["S"] == "/LBody"
                               for item in items):
        label, body = (get(item["K"][0]) for item in items)
        label["S"] = "/Lbl"
        div["S"] = "/LI"
        div["K"] = pydyf.Array([label.reference, body.reference])
        label["P"] = body["P"] = div.reference
        for item in items:
            item.clear()


def _list_item(pdf: pydyf.PDF, get: _Objects, item: pydyf.Dictionary, array_of: dict) -> pydyf.Array:
    """A list item holding other things than Lbl and LBody: those in one LBody (LI > Lbl, LBody > P…)."""
    kids = list(item["K"])
    label = [kid for kid in kids if _is_element(get(kid)) and get(kid)["S"] == "/Lbl"]
    rest = [kid for kid in kids if kid not in label]
    body = pydyf.Dictionary({"Type": "/StructElem", "S": "/LBody", "K": pydyf.Array(rest), "P": item.reference})
    if "Pg" in item:
        body["Pg"] = item["Pg"]
    pdf.add_object(body)
    for kid in rest:
        if _is_element(get(kid)):
            get(kid)["P"] = body.reference
        elif isinstance(kid, int) and array_of.get(item.get("Pg")) is not None:  # the item's own content: the body's
            array_of[item["Pg"]][kid] = body.reference
    return pydyf.Array([*label, body.reference])
