"""The printed catalogue, pdf/catalogue.pdf: read back from the real PDF."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pypdf
from click.testing import CliRunner
from conftest import REPO, complete_site, course, course_text, write_tree

from lexom_site.cli import main
from lexom_site.inputs.config import load_config
from lexom_site.legal.cgv import load_cgv
from lexom_site.legal.diff import MATCHES, diff_document
from lexom_site.legal.document import parse_document
from lexom_site.legal.pdftext import page_texts

ARTIFACTS = REPO / "test-artifacts" / "catalogue"
A4 = (595.28, 841.89)
LATO = {"Lato", "Lato-Bold", "Lato-Italic", "Lato-BoldItalic"}


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def flat(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def outline(reader: pypdf.PdfReader) -> list:
    def walk(items):
        out = []
        for item in items:
            if isinstance(item, list):
                out[-1] = (out[-1][0], out[-1][1], walk(item))
            else:
                out.append((item.title, reader.get_destination_page_number(item) + 1, []))
        return out
    return walk(reader.outline)


def contents(reader: pypdf.PdfReader, pages: list[str]) -> list[tuple[str, str]]:
    """(reference, page number) of each entry of the contents, in order. The numbers are written after the
    layout: read by their place on the page, on their entry's row."""
    toc = [reader.pages[n].extract_text(extraction_mode="layout") for n, page in enumerate(pages)
           if flat(page).startswith("Sommaire")]
    assert toc, "no contents page"
    return re.findall(r"Réf\. ([A-Z0-9-]+) · \d+ jours? +(\d+)\n", "\n".join(toc))


def test_the_real_catalogue_in_one_pdf(real_build: Path):
    path = real_build / "pdf/catalogue.pdf"
    data = path.read_bytes()
    pages = page_texts(data, margin_band=0)
    total = len(pages)
    # cover, introduction, contents
    assert flat(pages[0]).startswith("LEXOM Catalogue des formations 2026")
    assert "Bienvenue" in pages[1]
    reader = pypdf.PdfReader(path)
    entries = contents(reader, pages)
    assert [ref for ref, _ in entries] == ["PUB-ECOM-12", "RCL-RCL-14"]  # by category: COMMUNICATION, RELATION CLIENT
    titles = {"PUB-ECOM-12": "L’impact des influenceurs - Marketing d’influence",  # (’: French typography)
              "RCL-RCL-14": "Utiliser les réseaux sociaux dans sa relation client"}
    for ref, number in entries:  # each entry's page is the page where that course's title is
        page = flat(pages[int(number) - 1])
        assert titles[ref] in page and f"Réf : {ref}" in page, (ref, number)
        assert f"LEXOM — {'COMMUNICATION' if ref.startswith('PUB') else 'RELATION CLIENT'}" in page  # its header
    # the CGV exactly once, the canonical text
    assert sum("Conditions Générales de Vente : LEXOM" in page for page in pages) == 1
    assert diff_document(load_cgv(load_config(REPO)), parse_document(data, "catalogue.pdf", ".pdf")).status == MATCHES
    # the back page: contacts and declaration (none declared yet in the real site.yaml: the DPO address)
    assert "dpo@lexom.fr" in pages[-1] and "page" not in pages[-1]
    # « page X / Y » over the whole, but on the cover and the back
    for number, page in enumerate(pages, start=1):
        assert (f"page {number} / {total}" in flat(page)) == (1 < number < total), number
    # bookmarks: category -> course, the contents and the CGV; the same pages as the contents
    marks = outline(reader)
    first = dict((ref, int(number)) for ref, number in entries)
    assert [m[0] for m in marks] == ["Sommaire", "COMMUNICATION", "RELATION CLIENT", "Conditions générales de vente"]
    assert marks[1][2] == [(f"{titles['PUB-ECOM-12']} (PUB-ECOM-12)", first["PUB-ECOM-12"], [])]
    assert marks[2][2] == [(f"{titles['RCL-RCL-14']} (RCL-RCL-14)", first["RCL-RCL-14"], [])]
    assert "Conditions Générales de Vente : LEXOM" in pages[marks[3][1] - 1]
    # the CGV's sections below it, each on the page of its heading
    sections = [clause for clause in load_cgv(load_config(REPO)).clauses if clause.level == 1]
    assert [title for title, _, _ in marks[3][2]] == [clause.heading for clause in sections]
    for (title, page, _), clause in zip(marks[3][2], sections):
        assert flat(clause.heading) in flat(pages[page - 1]), title
    # the contents' entries are links to their pages
    targets = set()
    for page in reader.pages[:3]:
        for annotation in page.get("/Annots", []):
            destination = annotation.get_object().get("/Dest")
            if destination is not None:
                targets.add(reader.get_page_number(destination[0]) + 1)
    assert targets == set(first.values())
    # the fonts: the shipped Lato, embedded
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor and descriptor["/FontName"].split("+")[-1] in LATO, descriptor
    # A4, titled, in French
    assert all(tuple(round(float(v), 2) for v in page.mediabox[2:]) == A4 for page in reader.pages)
    assert reader.metadata.title == "LEXOM — Catalogue des formations 2026"
    assert reader.trailer["/Root"]["/Lang"] == "fr-FR"
    # linked from the home page with its page count and size
    home = (real_build / "index.html").read_text(encoding="utf-8")
    size = f"{round(len(data) / 1000)}\u00a0ko" if len(data) < 1_000_000 else ""
    assert f'href="pdf/catalogue.pdf" download>Télécharger le catalogue complet</a> <span class="file-info">PDF, ' \
           f"{total}\u00a0pages, {size}</span>" in home
    _save_images(data, {"cover": 0, "contents": 2, "category": first["PUB-ECOM-12"] - 1})


def _save_images(data: bytes, pages: dict[str, int]) -> None:
    import pypdfium2 as pdfium

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    document = pdfium.PdfDocument(data)
    for name, index in pages.items():
        document[index].render(scale=1.3).to_pil().save(ARTIFACTS / f"{name}.png")
    document.close()


def test_a_one_course_edit_remakes_the_catalogue_with_only_that_course_laid_out_again(site: Path):
    write_tree(site, "".join(f"-- content/courses/ABC-DEF-{n}.md --\n{course_text(f'ABC-DEF-{n}', title=f'title: Cours {n}')}"
                             for n in range(1, 4)))
    assert run("build", "--root", str(site)).exit_code == 0
    parts = {p.name: p.stat().st_mtime_ns for p in (site / ".lexom-site-cache/pdf").iterdir()}
    before = page_texts((site / "public/pdf/catalogue.pdf").read_bytes())
    path = site / "content/courses/ABC-DEF-2.md"
    path.write_text(path.read_text().replace("- Tableau de bord", "- Tableau de bord du comité"))
    assert run("build", "--root", str(site)).exit_code == 0
    after = page_texts((site / "public/pdf/catalogue.pdf").read_bytes())
    assert "Tableau de bord du comité" in "".join(after) and "Tableau de bord du comité" not in "".join(before)
    new = {p.name: p.stat().st_mtime_ns for p in (site / ".lexom-site-cache/pdf").iterdir()}
    # laid out again: the course part of ABC-DEF-2 only (its sheet joined from it); the front is the same, since
    # no page number moved; the other courses' parts and sheets, the CGV part and the back were not touched
    assert len(set(new) - set(parts)) == 2 and len(set(parts) - set(new)) == 2
    assert all(new[name] == parts[name] for name in set(new) & set(parts))


def test_no_catalogue_without_pdfs(site: Path):
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}")
    assert run("build", "--root", str(site), "--no-pdf").exit_code == 0
    assert not (site / "public/pdf").exists()
    assert "catalogue.pdf" not in (site / "public/index.html").read_text(encoding="utf-8")


def test_the_cover_names_the_qualiopi_certification_when_declared(site: Path):
    complete_site(site)
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  declaration:\n", "  qualiopi:\n    category: actions de formation\n    certificate_url: "
        "https://example.org/certificat.pdf\n  declaration:\n"), encoding="utf-8")
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course()}")
    result = run("build", "--root", str(site))
    assert result.exit_code == 0, result.stderr
    pages = page_texts((site / "public/pdf/catalogue.pdf").read_bytes(), margin_band=0)
    assert ("La certification qualité a été délivrée au titre de la catégorie d’actions suivante : actions de "
            "formation.") in flat(pages[0])
    back = flat(pages[-1])
    assert "Camille Martin — formation@lexom.fr — 04 75 00 00 00" in back
    assert "Cet enregistrement ne vaut pas agrément de l’État." in back
    with pikepdf.open(site / "public/pdf/catalogue.pdf") as document:
        assert len(document.pages) == len(pages)


def test_the_contents_follow_the_pages_without_being_laid_out_again(site: Path):
    """A course made longer moves the courses after it: the contents' numbers, links and bookmarks follow, and the
    front (cover, introduction, contents) is not laid out again; a new title is."""
    write_tree(site, "".join(f"-- content/courses/ABC-DEF-{n}.md --\n{course_text(f'ABC-DEF-{n}', title=f'title: Cours {n}')}"
                             for n in range(1, 4)))
    assert run("build", "--root", str(site)).exit_code == 0
    catalogue = site / "public/pdf/catalogue.pdf"
    pages = page_texts(catalogue.read_bytes(), margin_band=0)
    before = dict(contents(pypdf.PdfReader(catalogue), pages))
    assert list(before) == ["ABC-DEF-1", "ABC-DEF-2", "ABC-DEF-3"]
    cache = {p.name: p.stat().st_mtime_ns for p in (site / ".lexom-site-cache/pdf").iterdir()}

    path = site / "content/courses/ABC-DEF-1.md"
    modules = "".join(f"\n### {n}. Module {n}\n\n" + "".join(f"- Point {n}.{k} à travailler\n" for k in range(12))
                      for n in range(3, 15))
    path.write_text(path.read_text(encoding="utf-8") + modules, encoding="utf-8")
    assert run("build", "--root", str(site)).exit_code == 0
    pages = page_texts(catalogue.read_bytes(), margin_band=0)
    reader = pypdf.PdfReader(catalogue)
    after = dict(contents(reader, pages))
    assert int(after["ABC-DEF-2"]) > int(before["ABC-DEF-2"]) and int(after["ABC-DEF-3"]) > int(before["ABC-DEF-3"])
    for n in (1, 2, 3):
        assert f"Cours {n}" in flat(pages[int(after[f'ABC-DEF-{n}']) - 1]), n
    assert [entry for mark in outline(reader)[:-1] for entry in mark[2]] == [
        (f"Cours {n} (ABC-DEF-{n})", int(after[f"ABC-DEF-{n}"]), []) for n in (1, 2, 3)]
    assert "Module 14" in " ".join(pages)
    new = {p.name: p.stat().st_mtime_ns for p in (site / ".lexom-site-cache/pdf").iterdir()}
    assert len(set(new) - set(cache)) == 2  # ABC-DEF-1's part and sheet; not the front
    assert all(new[name] == cache[name] for name in set(new) & set(cache))

    path.write_text(path.read_text(encoding="utf-8").replace("title: Cours 1", "title: Cours premier"),
                    encoding="utf-8")
    assert run("build", "--root", str(site)).exit_code == 0
    pages = page_texts(catalogue.read_bytes(), margin_band=0)
    assert "Cours premier" in next(flat(page) for page in pages if flat(page).startswith("Sommaire"))
    newer = {p.name for p in (site / ".lexom-site-cache/pdf").iterdir()}
    assert len(newer - set(new)) == 3  # the course part and sheet, and the front: its contents name the course


def test_the_introduction_is_linted_like_every_content_file(site: Path):
    """The CGV is printed once, at the end: a clause pasted into the introduction is a copy that would drift."""
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}")
    (site / "content/catalogue.md").write_text(
        "# Bienvenue\n\nLa proposition commerciale a une durée de validité de 30 jours à compter de son émission.\n",
        encoding="utf-8")
    result = run("build", "--root", str(site))
    assert result.exit_code == 1
    assert "content/catalogue.md:3:1: error:" in result.stderr
    assert not (site / "public").exists()
