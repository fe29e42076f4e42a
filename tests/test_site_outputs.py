"""What the build adds around the pages: the internal link check, the search
index, the sitemap and canonical addresses. Tiny sites from inline text."""

from __future__ import annotations

import hashlib
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


def test_a_preview_without_pdf_does_not_count_the_pdf_links_as_broken(site: Path):
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}")
    result = run("build", "--root", str(site), "--no-pdf")
    assert result.exit_code == 0, result.stderr
    assert 'href="../../pdf/ABC-DEF-1.pdf"' in (site / "public/formations/abc-def-1/index.html").read_text()


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
