"""What the build adds around the pages: the internal link check, the search
index, the sitemap and canonical addresses. Tiny sites from inline text."""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import course_text, write_tree

from lexom_site.cli import main


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    return {p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


BODY_WITH_ANCHOR = ("## Jour 1 - Matin\n\n### 1. Cadrer le projet\n\n- Voir [les pré-requis](#prerequis)\n\n"
                    "## Jour 1 - Après-midi\n\n### 2. Suivre le projet\n\n- Tableau de bord\n")


def test_a_link_to_a_missing_heading_in_a_course_is_reported_at_its_line(site: Path):
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text(body=BODY_WITH_ANCHOR)}")
    run("build", "--root", str(site), "--no-pdf")
    before = snapshot(site / "public")
    result = run("build", "--root", str(site), "--no-pdf", "--out", str(site / "public"))
    assert result.exit_code == 0  # nothing changed
    path = site / "content/courses/ABC-DEF-1.md"
    path.write_text(path.read_text().replace("(#prerequis)", "(#pre-requis)"))
    result = run("build", "--root", str(site), "--no-pdf")
    assert result.exit_code == 1
    line, column = next((n, text.index("#pre-requis") + 1) for n, text in enumerate(path.read_text().splitlines(), 1)
                        if "#pre-requis" in text)
    assert result.stderr.splitlines()[:2] == [
        f"content/courses/ABC-DEF-1.md:{line}:{column}: error: broken link '#pre-requis' in "
        "public/formations/abc-def-1/index.html: the page has no element with id 'pre-requis'",
        "  hint: point the link to a page, file or heading the site has"]
    assert "nothing was written" in result.stderr
    assert snapshot(site / "public") == before


@pytest.mark.parametrize("written, shown", [
    ("[voir]( #pre-requis )", "#pre-requis"),  # spaces inside the brackets
    ('[voir](#pre-requis "Les prérequis")', "#pre-requis"),  # a title
    ("[voir](<#pre-requis>)", "#pre-requis"),  # angle brackets
    ("[voir](#pre\\-requis)", "#pre-requis"),  # a Markdown escape
    ("[voir](#prérequis-détaillés)", "#prérequis-détaillés"),  # accents, which the page percent-encodes
    ("[voir](  <#prérequis détaillés>  )", "#prérequis détaillés"),
])
def test_a_broken_link_is_reported_in_the_course_file_however_it_is_written(site: Path, written: str, shown: str):
    body = BODY_WITH_ANCHOR.replace("[les pré-requis](#prerequis)", written)
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text(body=body)}")
    result = run("build", "--root", str(site), "--no-pdf")
    assert result.exit_code == 1
    lines = (site / "content/courses/ABC-DEF-1.md").read_text().splitlines()
    line = next(n for n, text in enumerate(lines, 1) if written in text)
    target = written[written.index("(") + 1:].strip().lstrip("<")
    column = lines[line - 1].index(target) + 1  # where the address starts
    assert result.stderr.splitlines()[0].startswith(
        f"content/courses/ABC-DEF-1.md:{line}:{column}: error: broken link '{shown}' in "
        "public/formations/abc-def-1/index.html: the page has no element with id "), result.stderr
    assert not (site / "public").exists()


def test_a_link_definition_in_a_course_is_refused_at_its_line_not_lost(site: Path):
    # CommonMark takes « [p]: #prerequis » out of the text, to be used by [voir][p]: in a course file the line
    # vanished from the page and the sheet, and [voir][p] was printed as typed
    body = BODY_WITH_ANCHOR.replace("[les pré-requis](#prerequis)", "[les pré-requis][p]\n\n  [p]: #prerequis\n")
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text(body=body)}")
    result = run("check", "--root", str(site))
    assert result.exit_code == 1
    line = next(n for n, text in enumerate((site / "content/courses/ABC-DEF-1.md").read_text().splitlines(), 1)
                if "[p]: #prerequis" in text)
    assert result.stderr.splitlines()[:2] == [
        f"content/courses/ABC-DEF-1.md:{line}:3: error: « [p]: #prerequis » would not be shown: Markdown reads it "
        "as a link definition, which course files do not use",
        "  hint: write the address in the link itself: [text](#prerequis) or [text](https://…), and delete this "
        "line"], result.stderr


def test_a_broken_link_in_a_template_is_reported_once_at_its_line(site: Path):
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}"
                     f"-- content/courses/ABC-DEF-2.md --\n{course_text('ABC-DEF-2')}")
    base = site / "templates/base.html"
    lines = base.read_text().splitlines()
    number = next(n for n, text in enumerate(lines, 1) if "assets/css/site.css" in text)
    base.write_text(base.read_text().replace("assets/css/site.css", "assets/css/style.css"))
    result = run("build", "--root", str(site))
    assert result.exit_code == 1
    column = lines[number - 1].index("assets/css/site.css") + 1
    assert result.stderr.splitlines()[0] == (
        f"templates/base.html:{number}:{column}: error: broken link '../assets/css/style.css' in "
        "public/cgv/index.html and 4 other page(s): assets/css/style.css does not exist in the site")
    assert not (site / "public").exists()


def test_a_preview_without_pdf_links_no_pdf_and_a_link_to_one_is_broken(site: Path):
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}")
    result = run("build", "--root", str(site), "--no-pdf")
    assert result.exit_code == 0, result.stderr
    page = (site / "public/formations/abc-def-1/index.html").read_text()
    assert "pdf/ABC-DEF-1.pdf" not in page and "Télécharger la fiche PDF" not in page
    assert "pdf/catalogue" not in (site / "public/index.html").read_text()
    # a template that links a PDF all the same: the link check counts it (no PDF is made)
    template = site / "templates/course.html"
    template.write_text(template.read_text().replace("{% if pdf_url %}", "{% if true %}").replace(
        'href="{{ pdf_url }}"', 'href="{{ root }}pdf/{{ course.ref }}.pdf"'))
    result = run("build", "--root", str(site), "--no-pdf")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "templates/course.html: error: broken link '../../pdf/ABC-DEF-1.pdf' in public/formations/abc-def-1/index.html: "
        "pdf/ABC-DEF-1.pdf does not exist in the site")


def test_the_search_index_is_made_kept_and_repaired(site: Path):
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}")
    assert run("build", "--root", str(site), "--no-pdf").exit_code == 0
    out = site / "public"
    entry = out / "pagefind/pagefind-entry.json"
    assert '"fr"' in entry.read_text()  # the pages are indexed as French
    before = snapshot(out)
    entry.write_text("{}")  # damaged by hand
    result = run("build", "--root", str(site), "--no-pdf")
    assert result.exit_code == 0, result.stderr
    assert {p: h for p, (h, _) in snapshot(out).items()} == {p: h for p, (h, _) in before.items()}


def test_a_missing_pagefind_program_is_a_clear_error(site: Path, monkeypatch: pytest.MonkeyPatch):
    import pagefind_bin

    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}")
    monkeypatch.setattr(pagefind_bin, "get_executable", lambda: site / "no-such-program")
    result = run("build", "--root", str(site), "--no-pdf")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        "pagefind: error: the search index cannot be made: the Pagefind program is not installed",
        "  hint: install lexom-site with its dependencies (pip install -e .), which include pagefind[bin]"]
    assert "Traceback" not in result.stderr and not (site / "public").exists()


def test_the_base_url_decides_every_public_address(site: Path):
    config = site / "site.yaml"
    config.write_text(config.read_text().replace("base_url: https://www.lexom.fr/",
                                                 "base_url: https://formations.example.fr/catalogue/"))
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}")
    assert run("build", "--root", str(site), "--no-pdf").exit_code == 0
    out = site / "public"
    page = (out / "formations/abc-def-1/index.html").read_text()
    assert '<link rel="canonical" href="https://formations.example.fr/catalogue/formations/abc-def-1/">' in page
    assert '"url": "https://formations.example.fr/catalogue/formations/abc-def-1/"' in page
    assert "<loc>https://formations.example.fr/catalogue/</loc>" in (out / "sitemap.xml").read_text()
    assert (out / "robots.txt").read_text().endswith("Sitemap: https://formations.example.fr/catalogue/sitemap.xml\n")


def test_the_site_own_public_addresses_are_checked_too(site: Path):
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}")
    base = site / "templates/base.html"
    lines = base.read_text().splitlines()
    number = next(n for n, text in enumerate(lines, 1) if 'property="og:image"' in text)
    base.write_text(base.read_text().replace("'assets/img/partage.png'", "'assets/img/partage.jpg'"))
    result = run("build", "--root", str(site), "--no-pdf")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith(
        f"templates/base.html:{number}:")  # the Open Graph picture, an absolute address of the site itself
    assert ("broken link 'https://www.lexom.fr/assets/img/partage.jpg' in public/cgv/index.html and 3 other page(s): "
            "assets/img/partage.jpg does not exist in the site") in result.stderr.splitlines()[0]


def test_an_unchanged_file_linking_to_a_removed_one_is_reported(site: Path):
    """The links of a file whose bytes did not change are not read again, but still checked against the new site."""
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}")
    assert run("build", "--root", str(site), "--no-pdf").exit_code == 0
    assert (site / ".lexom-site-cache/links-public.json").is_file()
    (site / "assets/css/fonts.css").unlink()  # site.css, unchanged, imports it
    result = run("build", "--root", str(site), "--no-pdf")
    assert result.exit_code == 1
    for sheet in ("pdf.css", "site.css"):
        assert (f"assets/css/{sheet}: error: broken link 'fonts.css' in public/assets/css/{sheet}: "
                "assets/css/fonts.css does not exist in the site") in result.stderr.splitlines()
    (site / ".lexom-site-cache/links-public.json").write_text("{damaged")  # an unreadable record is ignored
    result = run("build", "--root", str(site), "--no-pdf")
    assert result.exit_code == 1 and "assets/css/fonts.css does not exist" in result.stderr


# --- the search index: the same bytes from the same pages ------------------------------------------------------

CATEGORIES = {"ABC-DEF-1": "GESTION", "ABC-DEF-2": "BUREAUTIQUE", "ABC-DEF-3": "RELATION CLIENT",
              "ABC-DEF-4": "COMMUNICATION", "ABC-DEF-5": "INFORMATIQUE"}


def write_catalogue(site: Path, refs=CATEGORIES) -> None:
    write_tree(site, "\n".join(f"-- content/courses/{ref}.md --\n"
                               + course_text(ref, category=f"category: {refs[ref]}", title=f"title: Cours {n}")
                               for n, ref in enumerate(refs, 1)))


def index_files(folder: Path) -> dict[str, str]:
    return {p: h for p, (h, _) in snapshot(folder).items() if p.startswith("pagefind/")}


def test_the_search_index_has_the_same_bytes_build_after_build(site: Path, tmp_path: Path):
    """Pagefind numbers pages in the order it reads them and, given a page filter
    with several values, writes them in a random order: the index would change
    from one build to the next. Several categories, two builds from scratch."""
    write_catalogue(site)
    for name in ("one", "two"):
        result = run("build", "--root", str(site), "--no-pdf", "--out", str(tmp_path / name),
                     "--cache-dir", str(tmp_path / f"cache-{name}"))
        assert result.exit_code == 0, result.stderr
    one = index_files(tmp_path / "one")
    assert len(one) > 10 and one == index_files(tmp_path / "two")


def test_pagefind_folder_and_service_modes_make_the_same_index(site: Path):
    """The pages laid out in a scratch folder for the command, or handed one by
    one to Pagefind's service mode (the fallback when no folder lists them in
    order): byte for byte the same index."""
    from lexom_site.render.search import Indexing

    write_catalogue(site)
    assert run("build", "--root", str(site), "--no-pdf").exit_code == 0
    out = site / "public"
    pages = [(p.relative_to(out).as_posix(), p) for p in sorted(out.glob("formations/*/index.html"))]
    folder, service = Indexing(pages), Indexing(list(reversed(pages)), use_service=True)
    whole = Indexing(pages, whole_pages=True)  # what Pagefind is given: only what it reads of each page
    made = folder.wait(), service.wait(), whole.wait()
    assert (folder.how, service.how) == ("folder", "service")
    assert made[0] == made[1] == made[2]
    assert {path: hashlib.sha256(data).hexdigest() for path, data in made[0].items()} == index_files(out)
    assert not folder.scratch.exists() or folder.stop() is None and not folder.scratch.exists()


def test_after_a_course_edit_the_index_is_the_one_a_cold_build_makes(site: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch):
    """An edit to course files starts the index from a guess of the pages (the
    published ones and the edited pages rendered at once): it must come out as
    a build from scratch would make it; and a wrong guess must not be published."""
    from lexom_site.build import search_index

    def cold_index() -> dict[str, str]:
        cold = tmp_path / "cold"
        assert run("build", "--root", str(site), "--no-pdf", "--out", str(cold), "--cache-dir",
                   str(tmp_path / "cold-cache")).exit_code == 0
        return index_files(cold)

    guesses = []
    guess = search_index.guess_search_pages
    monkeypatch.setattr(search_index, "guess_search_pages", lambda *args: guesses.append(guess(*args)) or guesses[-1])
    write_catalogue(site)
    assert run("build", "--root", str(site), "--no-pdf").exit_code == 0
    assert guesses == []  # a first build: nothing to guess from
    course = site / "content/courses/ABC-DEF-3.md"
    course.write_text(course.read_text().replace("Tableau de bord", "Tableau de bord des ventes"))
    write_tree(site, "-- content/courses/ABC-DEF-6.md --\n" + course_text("ABC-DEF-6", title="title: Nouveau"))
    (site / "content/courses/ABC-DEF-1.md").unlink()
    assert run("build", "--root", str(site), "--no-pdf").exit_code == 0
    assert sorted(guesses[-1]) == [f"formations/abc-def-{n}/index.html" for n in (2, 3, 4, 5, 6)]
    assert index_files(site / "public") == cold_index()

    def wrong(*args):  # the guessed page of ABC-DEF-2 is not the one the build makes
        pages = guess(*args)
        data = pages["formations/abc-def-2/index.html"][0].read_bytes().replace(b"Cours 2", b"Cours deux")
        pages["formations/abc-def-2/index.html"] = (data, hashlib.sha256(data).hexdigest())
        return pages

    monkeypatch.setattr(search_index, "guess_search_pages", wrong)
    course.write_text(course.read_text().replace("des ventes", "des achats"))
    assert run("build", "--root", str(site), "--no-pdf").exit_code == 0
    assert index_files(site / "public") == cold_index()
    fragments = b"".join(gzip.decompress(p.read_bytes()) for p in (site / "public/pagefind/fragment").iterdir())
    assert b"Cours deux" not in fragments and b"des achats" in fragments


def test_a_category_name_finds_its_courses(site: Path):
    """The category is indexed as words of the page (no Pagefind filter: its
    filter index comes out in a random order, see docs/site.md)."""
    write_catalogue(site)
    assert run("build", "--root", str(site), "--no-pdf").exit_code == 0
    page = (site / "public/formations/abc-def-2/index.html").read_text()
    assert "data-pagefind-filter" not in page
    head, _, rest = page.partition("data-pagefind-body")
    assert "dans BUREAUTIQUE - PROJETS" in rest.split("</article>")[0]
    assert "data-pagefind-ignore" not in rest.split("</article>")[0]


def test_pagefind_is_given_only_what_it_reads_of_a_page():
    from lexom_site.render.search import search_document

    page = (b'<!DOCTYPE html>\n<html lang="fr">\n<head><title>T</title><link rel="x"></head><body><nav>menu</nav>'
            b'<article class="a" data-pagefind-body><h1>Titre</h1><article>inner</article><p>x</p></article>'
            b'<footer>pied</footer></body></html>')
    assert search_document(page) == (b'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>T</title>'
                                     b'</head><body><article class="a" data-pagefind-body><h1>Titre</h1>'
                                     b'<article>inner</article><p>x</p></article></body></html>')
    # Pagefind also reads data-pagefind-* attributes outside the indexed element: the whole page is given then
    outside = page.replace(b"<nav>", b'<nav data-pagefind-meta="Rubrique:Menu">')
    assert search_document(outside) == outside
    twice = page.replace(b"<footer>", b"<footer data-pagefind-body>")
    assert search_document(twice) == twice
    assert search_document(b"<p>no html tag</p>") == b"<p>no html tag</p>"


def test_the_user_s_pagefind_settings_do_not_change_the_index(site: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch):
    """Pagefind reads a pagefind.yml of the folder it runs in and PAGEFIND_* variables:
    neither may change what the build publishes."""
    write_catalogue(site)
    assert run("build", "--root", str(site), "--no-pdf", "--out", str(tmp_path / "plain"),
               "--cache-dir", str(tmp_path / "plain-cache")).exit_code == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "pagefind.yml").write_text("force_language: en\nkeep_index_url: false\n")
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("PAGEFIND_FORCE_LANGUAGE", "de")
    assert run("build", "--root", str(site), "--no-pdf").exit_code == 0
    assert index_files(site / "public") == index_files(tmp_path / "plain")
    assert '"fr"' in (site / "public/pagefind/pagefind-entry.json").read_text()


def test_a_scratch_folder_left_by_a_killed_build_is_removed(site: Path):
    """The scratch folder is in memory (/dev/shm) when the machine has one: a build
    killed outright (SIGKILL, no chance to clean) would hold that memory until a restart."""
    from lexom_site.render.search import SCRATCH_PREFIX

    shm = Path("/dev/shm")
    if not shm.is_dir():
        pytest.fail("this test needs /dev/shm (Linux)")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # a process id no process has now
    abandoned = shm / f"{SCRATCH_PREFIX}{dead.pid}-test"
    alive = shm / f"{SCRATCH_PREFIX}{os.getpid()}-test"  # a build running now: left alone
    for folder in (abandoned, alive):
        (folder / "site").mkdir(parents=True)
    try:
        write_catalogue(site)
        assert run("build", "--root", str(site), "--no-pdf").exit_code == 0
        assert not abandoned.exists() and alive.exists()
    finally:
        shutil.rmtree(abandoned, ignore_errors=True)
        shutil.rmtree(alive, ignore_errors=True)


def test_pagefind_service_mode_never_hands_back_a_file_half_written(site: Path):
    """The service answered « written » before it had written every file: one run in thirty read an empty
    pagefind-entry.json or wasm file. The files now come back in the answer itself; forty runs, all whole."""
    from lexom_site.render.search import Indexing

    write_catalogue(site)
    assert run("build", "--root", str(site), "--no-pdf").exit_code == 0
    out = site / "public"
    pages = [(p.relative_to(out).as_posix(), p) for p in sorted(out.glob("formations/*/index.html"))]
    published = index_files(out)
    for _ in range(40):
        made = Indexing(pages, use_service=True).wait()
        assert {path: hashlib.sha256(data).hexdigest() for path, data in made.items()} == published
