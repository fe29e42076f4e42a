"""Tagged, accessible PDFs (PDF/UA-1): every published PDF read back (tests/pdftags.py, and the pdfua package).

The sheets are joined from two parts laid out apart (the course's, and the
CGV's laid out once per build), the printed catalogue from many: their
structure trees must be one, in reading order, every page's content marked,
with the bookmarks, the language and the metadata of the whole.
"""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from conftest import REPO, complete_site, course, write_tree
from pdftags import check_tagged, outline
from pdfwords import normalise
from test_proposal import PROPOSAL, make, sales  # noqa: F401 (a fixture)

from lexom_site.build.project import load_project
from lexom_site.cli import main
from lexom_site.inputs.markdown import plain_inline
from lexom_site.render.pdf_join import Part, join_parts, page_count
from lexom_site.render.typography import typeset
from lexom_site.render.sheets import NUMBER_FONT

PROJECT = load_project(REPO)
COURSES = {course.ref: course for course in PROJECT.catalogue.courses}
CGV_HEADINGS = [(1, PROJECT.cgv.title)] + [(clause.level + 1, normalise(plain_inline(clause.heading)))
                                           for clause in PROJECT.cgv.clauses]


def _tagged(data: bytes):
    found = check_tagged(data)
    assert found.problems == []
    return found


def _headings(found) -> list[tuple[int, str]]:
    return [(level, normalise(text)) for level, text in found.headings]


def _subsequence(expected: list, actual: list) -> list:
    """What of `expected` is not found in `actual`, in order."""
    position, missing = 0, []
    for item in expected:
        try:
            position = actual.index(item, position) + 1
        except ValueError:
            missing.append(item)
    return missing


def _course_headings(course) -> list[tuple[int, str]]:
    expected = [(1, course.title), (2, "Objectifs de la formation"), (2, "Programme de la formation")]
    for half in course.programme.half_days:
        expected.append((3, half.label))
        expected += [(4, normalise(plain_inline(f"{module.number}. {module.title}"))) for module in half.modules]
    expected += [(2, "Pré-requis"), (2, "Public cible"), (2, "Pédagogie"), (3, "Méthodes pédagogiques"),
                 (2, "Modalités d'évaluation")]
    return [(level, normalise(text)) for level, text in expected]


def test_every_pdf_of_the_build_is_tagged(real_build: Path):
    """Marked, a structure tree reaching every marked content of every page, every page's drawing marked (tagged
    or artifact), headings without a skipped level, lists of LI, fr-FR, the title shown, XMP = document info."""
    pdfs = sorted((real_build / "pdf").glob("*.pdf"))
    assert [p.name for p in pdfs] == ["PUB-ECOM-12.pdf", "RCL-RCL-14.pdf", "catalogue.pdf"]
    for path in pdfs:
        found = check_tagged(path.read_bytes())
        assert found.problems == [], path.name
        assert {"/Document", "/H1", "/H2", "/H3", "/P", "/L", "/LI", "/LBody", "/Link"} <= set(found.types), path.name
        assert found.artifacts > 0 and found.mcids > 100  # running headers and footers, page numbers
        assert found.info["/Title"] == found.xmp["dc:title"] and found.xmp["dc:language"] == {"fr-FR"}


@pytest.mark.parametrize("ref", sorted(COURSES))
def test_a_sheet_is_one_tree_the_course_then_the_cgv(real_build: Path, ref: str):
    found = _tagged((real_build / "pdf" / f"{ref}.pdf").read_bytes())
    headings = _headings(found)
    start = headings.index((1, PROJECT.cgv.title))
    assert headings[start:] == CGV_HEADINGS  # the CGV's headings, all, in order, last
    assert headings[0] == (1, COURSES[ref].title)
    assert _subsequence(_course_headings(COURSES[ref]), headings[:start]) == []
    assert [level for level, _ in headings].count(1) == 2  # the course's title, the CGV's


@pytest.mark.parametrize("ref", sorted(COURSES))
def test_a_sheet_has_bookmarks_metadata_and_shows_its_title(real_build: Path, ref: str):
    data = (real_build / "pdf" / f"{ref}.pdf").read_bytes()
    course = COURSES[ref]
    marks = outline(data)
    assert [title for title, _, _ in marks] == [typeset(course.title), "Conditions générales de vente"]  # (as printed)
    (_, first, sections), (_, cgv_page, clauses) = marks
    assert first == 0
    assert [title for title, _, _ in sections][:2] == ["Objectifs de la formation", "Programme de la formation"]
    days = sections[1][2]
    assert [title for title, _, _ in days] == [half.label for half in course.programme.half_days]
    assert [normalise(title) for _, _, modules in days for title, _, _ in modules] == [
        normalise(plain_inline(f"{m.number}. {m.title}")) for half in course.programme.half_days for m in half.modules]
    assert [normalise(title) for title, _, _ in clauses] == [
        heading for level, heading in CGV_HEADINGS if level == 2]
    assert [normalise(title) for _, _, below in clauses for title, _, _ in below] == [
        heading for level, heading in CGV_HEADINGS if level == 3]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert 0 < cgv_page < len(pdf.pages)
        root = pdf.Root
        assert root.ViewerPreferences.DisplayDocTitle is True and root.PageMode == "/UseOutlines"
        assert str(pdf.docinfo.Title) == f"{ref} — {course.title}" and str(pdf.docinfo.Author) == "LEXOM"
        meta = pdf.open_metadata()
        assert meta["dc:title"] == f"{ref} — {course.title}" and meta["dc:creator"] == ["LEXOM"]
        assert meta["xmp:CreateDate"] == "2026-11-22" and str(pdf.docinfo.CreationDate) == "D:20261122"
        assert meta["pdfuaid:part"] == "1"


def test_the_cgv_bookmark_opens_the_first_page_of_the_cgv(real_build: Path):
    from lexom_site.legal.pdftext import page_texts

    for ref in COURSES:
        data = (real_build / "pdf" / f"{ref}.pdf").read_bytes()
        pages = page_texts(data)
        cgv_page = outline(data)[1][1]
        assert pages[cgv_page].lstrip().startswith(PROJECT.cgv.title)
        assert PROJECT.cgv.title not in "\n".join(pages[:cgv_page])


def test_the_catalogue_is_one_tree_in_the_order_of_its_pages(real_build: Path):
    found = _tagged((real_build / "pdf/catalogue.pdf").read_bytes())
    headings = _headings(found)
    titles = [text for level, text in headings if level == 1]
    # front (cover, introduction, contents), the courses by category, the CGV; the back page has no heading
    assert titles[:3] == ["Catalogue des formations", "Bienvenue", "Sommaire"]
    assert titles[3:] == [COURSES["PUB-ECOM-12"].title, COURSES["RCL-RCL-14"].title, PROJECT.cgv.title]
    start = headings.index((1, PROJECT.cgv.title))
    assert headings[start:start + len(CGV_HEADINGS)] == CGV_HEADINGS
    assert headings[start + len(CGV_HEADINGS):] == [(2, "DONNÉES PERSONNELLES")]  # the back page's
    for ref in ("PUB-ECOM-12", "RCL-RCL-14"):
        course_start = headings.index((1, COURSES[ref].title))
        assert _subsequence(_course_headings(COURSES[ref]), headings[course_start:start]) == []


def test_a_proposal_and_a_contract_are_tagged(sales: Path):  # noqa: F811
    for args, name in (((), "2026-042.pdf"), (("--contract",), "2026-042-contrat.pdf")):
        text = PROPOSAL
        if args:
            text = text.replace("  company: ACME SARL\n", "").replace("  role: Responsable formation\n", "")
            text = text.replace("  - Paul Martin\n", "")
        result, _ = make(sales, text, *args)
        assert result.exit_code == 0, result.stderr
        found = _tagged((sales / "proposals" / name).read_bytes())
        assert found.headings and found.headings[0][0] == 1
        assert "Proposition commerciale" in found.info["/Title"] or "Contrat" in found.info["/Title"]
        assert (1, PROJECT.cgv.title) in _headings(found)


def test_links_of_both_parts_keep_their_place_in_the_tree(site: Path):
    """A course part with links (the contacts' addresses in the key facts and the practical information) joined to
    the CGV part with its own: each link annotation's /StructParent still names its Link element."""
    complete_site(site)
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course()}")
    result = CliRunner().invoke(main, ["build", "--root", str(site)])
    assert result.exit_code == 0, result.output
    data = (site / "public/pdf/ABC-DEF-1.pdf").read_bytes()
    found = _tagged(data)
    assert "/Link" in found.types
    with pikepdf.open(io.BytesIO(data)) as pdf:
        cgv_start = outline(data)[1][1]
        links = [[int(a.StructParent) for a in page.get("/Annots", ())] for page in pdf.pages]
        assert any(links[:cgv_start]) and any(links[cgv_start:]), links  # links in both parts
        assert min(key for page in links[cgv_start:] for key in page) > max(key for page in links[:cgv_start]
                                                                             for key in page)
    assert check_tagged((site / "public/pdf/catalogue.pdf").read_bytes()).problems == []


def test_parts_joined_many_times_keep_one_tree(real_build: Path):
    """Three parts, links included: every key of the ParentTree moved past the parts before."""
    sheet = (real_build / "pdf/RCL-RCL-14.pdf").read_bytes()
    part = Part(sheet, page_count(sheet))
    joined = join_parts(part, part, part, numbers=REPO / "assets" / NUMBER_FONT)
    found = _tagged(joined.pdf)
    assert _headings(found).count((1, PROJECT.cgv.title)) == 3
    with pikepdf.open(io.BytesIO(joined.pdf)) as pdf:
        keys = [int(page.StructParents) for page in pdf.pages]
        links = [int(a.StructParent) for page in pdf.pages for a in page.get("/Annots", ())]
        assert links, "the sheet has links (the CGV's addresses)"
        assert len(set(keys + links)) == len(keys + links)
        assert int(pdf.Root.StructTreeRoot.ParentTreeNextKey) == max(keys + links) + 1


def test_the_checks_see_what_is_not_tagged(real_build: Path):
    """The checks of tests/pdftags.py are not blind: content drawn outside marked content, marked content the
    tree does not reach, a skipped heading level and a missing language are each reported."""
    data = (real_build / "pdf/RCL-RCL-14.pdf").read_bytes()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.pages[0].contents_add(pikepdf.Stream(pdf, b"0 0 10 10 re f /P <</MCID 999>> BDC 1 1 2 2 re f EMC"))
        h2 = next(e for e in _elements(pdf.Root.StructTreeRoot) if e.S == "/H2")
        h2.S = pikepdf.Name("/H3")
        del pdf.Root.Lang
        out = io.BytesIO()
        pdf.save(out)
    problems = check_tagged(out.getvalue()).problems
    assert any("drawn outside marked content" in p and "f ×1" in p for p in problems), problems
    assert any("not in the structure tree" in p and "(1, 999)" in p for p in problems), problems
    assert any("a level skipped" in p for p in problems), problems
    assert any(p.startswith("/Lang is ''") for p in problems), problems


def _elements(tree):
    stack = [tree.K] if not isinstance(tree.K, pikepdf.Array) else list(tree.K)
    while stack:
        element = stack.pop(0)
        yield element
        kids = element.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
        stack[:0] = [kid for kid in kids if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]


def test_pdfua_finds_nothing(real_build: Path):
    """The pdfua package (a subset of PDF/UA-1's machine-checkable rules, pikepdf-based) finds nothing. Its
    UA-14-001 (empty headings) fails on any tagged PDF with pikepdf 10 (it asks an array for an attribute) and is
    skipped: pdftags.py checks that no heading is empty."""
    from pdfua import validate

    for path in sorted((real_build / "pdf").glob("*.pdf")):
        report = validate(str(path))
        assert [(f.rule_id, f.message) for f in report.findings] == [], path.name
        assert {o.rule_id for o in report.skipped} <= {"UA-14-001"}, path.name
        assert len(report.outcomes) == 12
