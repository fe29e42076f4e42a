"""End to end: the real content/ built once, HTML and PDFs read back."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pypdf
import pytest

from lexom_site.inputs.markdown import plain_inline
from lexom_site.legal.pdftext import page_texts
from lexom_site.render.typography import typeset
from pdfwords import find_words, words
from lexom_site.build.project import load_project

from conftest import LEGACY, REPO

PROJECT = load_project(REPO)
COURSES = {course.ref: course for course in PROJECT.catalogue.courses}
A4_PT = (595.28, 841.89)


def test_real_catalogue_holds_both_legacy_courses():
    assert sorted(COURSES) == ["PUB-ECOM-12", "RCL-RCL-14"]


def test_site_pages_exist(real_build: Path):
    expected = ["index.html", "cgv/index.html", "formations/rcl-rcl-14/index.html",
                "formations/pub-ecom-12/index.html", "pdf/RCL-RCL-14.pdf", "pdf/PUB-ECOM-12.pdf",
                "assets/css/site.css", "assets/fonts/Lato-Regular.ttf"]
    for name in expected:
        assert (real_build / name).is_file(), name


def _pdf(real_build: Path, ref: str) -> bytes:
    return (real_build / "pdf" / f"{ref}.pdf").read_bytes()


def _sheet_texts(course) -> list[str]:
    """Every piece of text of the course sheet, in reading order."""
    texts = [course.title, f"dans {course.category} - {course.subcategory} / Réf : {course.ref}",
             "Objectifs de la formation", *course.objectives, "Programme de la formation",
             *course.programme.intro]
    for half in course.programme.half_days:
        texts.append(half.label)
        for module in half.modules:
            texts.append(f"{module.number}. {module.title}")
            texts += module.bullets
    texts += ["Pré-requis", course.prerequisites, "Public cible", course.audience,
              *course.teaching_methods, "Modalités d'évaluation", *course.evaluation_methods]
    return [plain_inline(text) for text in texts]


@pytest.mark.parametrize("ref", sorted(COURSES))
def test_pdf_holds_every_part_of_the_sheet_in_order(real_build: Path, ref: str):
    text = "\n".join(page_texts(_pdf(real_build, ref)))
    sheet = "\n".join(_sheet_texts(COURSES[ref]))
    # each part on its own first, for a precise failure message
    for part in _sheet_texts(COURSES[ref]):
        match = find_words(part, text)
        assert match.complete, f"{ref}: « {part} » {match.describe()}"
    assert words(sheet), "the sheet has words"
    positions = [text.find(words(part)[0]) for part in _sheet_texts(COURSES[ref])[:3]]
    assert positions == sorted(positions)


@pytest.mark.parametrize("ref", sorted(COURSES))
def test_pdf_holds_the_whole_canonical_cgv_verbatim(real_build: Path, ref: str):
    cgv = PROJECT.cgv
    text = "\n".join(page_texts(_pdf(real_build, ref)))
    version = f"Version {cgv.version} — en vigueur au {cgv.effective_date_fr}"
    assert version == "Version 1.0 — en vigueur au 22 novembre 2026"
    # (as the outputs set it in French: « 30 % », « nᵒ 2018-493 », « BON POUR ACCORD » in U+202F...)
    expected = typeset("\n".join([cgv.title, version, cgv.plain_text()]))
    match = find_words(expected, text)
    assert len(words(expected)) > 3000
    assert match.complete, match.describe()


@pytest.mark.parametrize("ref", sorted(COURSES))
def test_pdf_has_the_real_dpo_address_and_never_the_drifted_one(real_build: Path, ref: str):
    text = " ".join(page_texts(_pdf(real_build, ref), margin_band=0))
    assert "dpo@lexom.fr" in text
    assert "dp@lexom.fr" not in text


@pytest.mark.parametrize("ref", sorted(COURSES))
def test_pdf_pages_are_a4_with_running_footer(real_build: Path, ref: str):
    """« page X / Y » counts the whole sheet, the CGV pages (laid out once per build) included."""
    reader = pypdf.PdfReader(io.BytesIO(_pdf(real_build, ref)))
    total = len(reader.pages)
    assert total >= 6  # a sheet then about six pages of CGV
    cgv_started = False
    for number, page in enumerate(reader.pages, start=1):
        size = (float(page.mediabox.width), float(page.mediabox.height))
        assert size == pytest.approx(A4_PT, abs=0.1)
        text = " ".join(page.extract_text().split())
        cgv_started = cgv_started or "Conditions Générales de Vente : LEXOM" in text
        footer = ("LEXOM · Conditions générales de vente, version 1.0" if cgv_started
                  else f"LEXOM · Réf. {ref} · Mis à jour le 23 novembre 2026")
        assert f"{footer} page {number} / {total}" in text


@pytest.mark.parametrize("ref", sorted(COURSES))
def test_cgv_starts_on_a_new_page(real_build: Path, ref: str):
    pages = page_texts(_pdf(real_build, ref))
    starts = [index for index, text in enumerate(pages) if "Conditions Générales de Vente" in text]
    assert starts, "CGV title not found"
    first = starts[0]
    assert pages[first].lstrip().startswith("Conditions Générales de Vente : LEXOM")
    assert "Modalités d’évaluation" in "\n".join(pages[:first])
    assert "Modalités d’évaluation" not in pages[first]


@pytest.mark.parametrize("ref", sorted(COURSES))
def test_pdf_fonts_are_the_shipped_lato_and_embedded(real_build: Path, ref: str):
    reader = pypdf.PdfReader(io.BytesIO(_pdf(real_build, ref)))
    seen = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None:
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            descriptor = descriptor.get_object()
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
            seen.add(font["/BaseFont"].split("+")[-1])
    assert seen <= {"Lato", "Lato-Bold", "Lato-Italic", "Lato-BoldItalic"}, seen
    assert "Lato" in seen


@pytest.mark.parametrize("ref", sorted(COURSES))
def test_pdf_metadata_names_the_course(real_build: Path, ref: str):
    meta = pypdf.PdfReader(io.BytesIO(_pdf(real_build, ref))).metadata
    assert meta.title == f"{ref} — {COURSES[ref].title}"
    assert meta.author == "LEXOM"


class _Resources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.lang = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        for name in ("href", "src"):
            if attrs.get(name):
                self.urls.append(attrs[name])


def _html_pages(real_build: Path) -> list[Path]:
    return sorted(real_build.rglob("*.html"))


def test_html_pages_are_french_and_self_contained(real_build: Path):
    pages = _html_pages(real_build)
    assert len(pages) == 5  # home, CGV, search, two courses
    for page in pages:
        parser = _Resources()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.lang == "fr", page
        for url in parser.urls:
            if url.startswith(("http://", "https://", "mailto:")):
                # outbound links are fine (mediator, site); resources are not
                continue
            assert not url.startswith("//"), url
            target = (page.parent / url.split("#")[0]).resolve()
            if url.startswith("#"):
                continue
            if target.is_dir():
                target = target / "index.html"
            assert target.is_file(), f"{page.relative_to(real_build)}: broken link {url}"
        html = page.read_text(encoding="utf-8")
        for tag in re.findall(r"<(?:link|script|img)\b[^>]*>", html):
            if 'rel="canonical"' not in tag:  # the page's public address, not a resource
                assert "http" not in tag, f"{page}: external resource {tag}"
    css = (real_build / "assets/css/site.css").read_text() + (real_build / "assets/css/fonts.css").read_text()
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", css), "CSS loads a resource from another host"
    assert not re.search(r"@import\s+(?:url\()?\s*['\"]?(?:https?:)?//", css)


def test_course_page_shows_every_section_and_links_its_pdf(real_build: Path):
    html = (real_build / "formations/rcl-rcl-14/index.html").read_text(encoding="utf-8")
    assert 'href="../../pdf/RCL-RCL-14.pdf"' in html
    text = re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'")
    for part in _sheet_texts(COURSES["RCL-RCL-14"]):
        assert find_words(part, text).complete, part


def test_home_page_groups_courses_by_category(real_build: Path):
    html = (real_build / "index.html").read_text(encoding="utf-8")
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    for course in COURSES.values():
        assert course.category in text and course.subcategory in text
        assert f'href="formations/{course.ref.lower()}/index.html"' in html
    assert 'href="cgv/index.html"' in html


def test_cgv_page_has_every_clause_with_an_anchor(real_build: Path):
    html = (real_build / "cgv/index.html").read_text(encoding="utf-8")
    for clause in PROJECT.cgv.clauses:
        assert f'id="{clause.anchor}"' in html
    text = re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'")
    assert find_words(typeset(PROJECT.cgv.plain_text()), text).complete


# The readings decided in the foundation issue, per legacy copy: canonical
# minus these edits is exactly what each old sheet said.
LEGACY_LIST_MARKER = re.compile(r"^[ \t]*[-*•][ \t]*", re.M)
DECIDED = {
    "000_1aac767bf390a806.txt": [("consignés", "consignées"), ("majeure,.", "majeure ;"), ("déchargement", "déchargeant")],
    "003_2e14f2fc2025789b.txt": [("prestation est due", "prestation est dû"), ("s'approprieront", "s'opposeront"), ("seraient", "feraient"),
                                 ("majeure, .", "majeure ;"), ("des dites", "desdites"),
                                 ("dp@lexom.fr", "dpo@lexom.fr")],
}


@pytest.mark.parametrize("name", sorted(DECIDED))
def test_canonical_cgv_is_each_legacy_copy_with_only_the_decided_readings(name: str):
    text = (LEGACY / name).read_text(encoding="utf-8")
    legacy_cgv = text[text.index("Conditions Générales de Vente"):]
    legacy = " ".join(words(LEGACY_LIST_MARKER.sub("", legacy_cgv)))
    legacy = re.sub(r"<(https?://[^>]+)>", r"\1", legacy)
    for old, new in DECIDED[name]:
        assert old in legacy.split(" ") or old in legacy, f"{name} no longer says « {old} »"
        legacy = re.sub(rf"(?<!\S){re.escape(old)}(?!\S)", new, legacy)
    canonical = " ".join(words(PROJECT.cgv.title + "\n" + PROJECT.cgv.plain_text()))
    assert legacy == canonical
