"""`lexom-site build` on tiny sites written from inline text."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pypdf
from click.testing import CliRunner
from conftest import REPO, course_text, write_tree

from lexom_site.cli import main
from lexom_site.legal.pdftext import page_texts


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_build_writes_pages_and_pdf(site: Path):
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}")
    result = run("build", "--root", str(site))
    assert result.exit_code == 0, result.output
    out = site / "public"
    assert (out / "index.html").is_file()
    assert (out / "cgv/index.html").is_file()
    page = (out / "formations/abc-def-1/index.html").read_text(encoding="utf-8")
    assert "Piloter un projet" in page and "Tableau de bord" in page
    pdf = (out / "pdf/ABC-DEF-1.pdf").read_bytes()
    text = "\n".join(page_texts(pdf))
    assert "Piloter un projet" in text
    assert "Conditions Générales de Vente : LEXOM" in text
    assert "Built 6 page(s) and 1 PDF sheet(s)" in result.output  # home, CGV, search, sitemap, robots.txt, course


def test_no_pdf_builds_html_only(site: Path):
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}")
    result = run("build", "--root", str(site), "--no-pdf", "--out", str(site / "preview"))
    assert result.exit_code == 0, result.output
    assert (site / "preview/formations/abc-def-1/index.html").is_file()
    assert not (site / "preview/pdf").exists()


def test_a_title_with_html_is_shown_as_text(site: Path):
    write_tree(site, "-- content/courses/ABC-DEF-1.md --\n"
               + course_text(title='title: "Les balises <script> et A & B"'))
    assert run("build", "--root", str(site), "--no-pdf").exit_code == 0
    page = (site / "public/formations/abc-def-1/index.html").read_text(encoding="utf-8")
    assert "Les balises &lt;script&gt; et A &amp; B" in page
    assert "<script>" not in page


def test_facts_of_the_configuration_reach_the_cgv(site: Path):
    config = (site / "site.yaml").read_text(encoding="utf-8")
    (site / "site.yaml").write_text(config.replace("dpo_email: dpo@lexom.fr", "dpo_email: rgpd@lexom.fr"),
                                    encoding="utf-8")
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}")
    assert run("build", "--root", str(site)).exit_code == 0
    cgv_page = (site / "public/cgv/index.html").read_text(encoding="utf-8")
    pdf_text = " ".join(page_texts((site / "public/pdf/ABC-DEF-1.pdf").read_bytes()))
    for text in (cgv_page, pdf_text):
        assert "rgpd@lexom.fr" in text
        assert "dpo@lexom.fr" not in text


def test_unknown_fact_in_the_cgv_is_an_error(site: Path):
    cgv = site / "content/legal/cgv.md"
    text = cgv.read_text(encoding="utf-8")
    lines = text.split("\n")
    number = next(i for i, line in enumerate(lines, 1) if "l'adresse {{ dpo_email }}" in line)
    column = lines[number - 1].index("{{ dpo_email }}") + 1
    cgv.write_text(text.replace("{{ dpo_email }}", "{{ dpo_mail }}"), encoding="utf-8")
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}")
    result = run("check", "--root", str(site))
    assert result.exit_code == 1
    assert f"content/legal/cgv.md:{number}:{column}: error: unknown fact '{{{{ dpo_mail }}}}'" in result.output


def test_a_course_file_cannot_declare_facts(site: Path):
    write_tree(site, "-- content/courses/ABC-DEF-2.md --\n"
               + course_text("ABC-DEF-2", extra="dpo_email: dp@lexom.fr", title="title: Autre"))
    result = run("build", "--root", str(site))
    assert result.exit_code == 1  # an unknown field is refused, not silently used
    assert "unknown field 'dpo_email'" in result.output


def test_cgv_pages_are_the_same_in_every_sheet(site: Path):
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}"
               f"-- content/courses/ABC-DEF-2.md --\n{course_text('ABC-DEF-2', title='title: Autre chose')}")
    assert run("build", "--root", str(site)).exit_code == 0

    def cgv_part(ref: str) -> list[str]:
        pages = page_texts((site / f"public/pdf/{ref}.pdf").read_bytes())
        first = next(i for i, p in enumerate(pages) if p.lstrip().startswith("Conditions Générales"))
        return pages[first:]

    assert cgv_part("ABC-DEF-1") == cgv_part("ABC-DEF-2")


def test_failed_build_leaves_previous_output_untouched(site: Path):
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}")
    assert run("build", "--root", str(site), "--no-pdf").exit_code == 0
    before = snapshot(site / "public")
    write_tree(site, f"-- content/courses/ABC-DEF-2.md --\n{course_text('ABC-DEF-2', duration_days='duration_days: deux')}")
    result = run("build", "--root", str(site), "--no-pdf")
    assert result.exit_code == 1
    assert "nothing was written" in result.output
    assert snapshot(site / "public") == before
    assert sorted(p.name for p in site.iterdir()) == [".lexom-site-cache", "assets", "content", "public", "site.yaml",
                                                     "templates"]


def test_build_refuses_to_replace_a_folder_it_did_not_make(site: Path):
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}-- notes/todo.txt --\nprecious\n")
    result = run("build", "--root", str(site), "--out", str(site / "notes"))
    assert result.exit_code == 1
    assert "refusing to replace this folder: it was not made by lexom-site" in result.output
    assert (site / "notes/todo.txt").read_text() == "precious\n"
    result = run("build", "--root", str(site), "--out", str(site / "content"))
    assert result.exit_code == 1
    assert "refusing to write the site there" in result.output
    assert (site / "content/courses/ABC-DEF-1.md").is_file()


def test_the_cache_folder_is_never_someone_elses(site: Path, tmp_path: Path):
    """A build deletes files in its cache (old PDF parts, the previous site): it refuses a folder holding files it did
    not write, a folder it would publish (assets/) or mix with the sources or the site, and deletes only what it
    wrote in its own."""
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}")
    photos = tmp_path / "photos"
    write_tree(photos, "-- vacances.jpg --\nJPEG\n-- pdf/facture.pdf --\n%PDF\n-- trash/brouillon.txt --\nà garder\n")
    before = snapshot(photos)
    result = run("build", "--root", str(site), "--no-pdf", "--cache-dir", str(photos))
    assert result.exit_code == 1
    assert f"{photos}: error: refusing to use this folder as the build cache: it holds files lexom-site did not " \
           "write (vacances.jpg)" in result.stderr
    assert "hint: choose another --cache-dir: a new or empty folder" in result.stderr
    assert snapshot(photos) == before and not (site / "public").exists()
    for inside in ("assets", "content/cache", "templates", "public/cache", "."):
        result = run("build", "--root", str(site), "--no-pdf", "--cache-dir", str(site / inside))
        assert result.exit_code == 1, inside
        assert "refusing to keep the build cache there: it would be published, or mixed with the project's " \
               "sources or the site" in result.stderr, inside
    assert sorted(p.name for p in (site / "assets").iterdir()) == sorted(p.name for p in (REPO / "assets").iterdir())

    # its own cache, tagged as a cache: files others put there are not deleted by the build's clean-ups
    assert run("build", "--root", str(site)).exit_code == 0
    cache = site / ".lexom-site-cache"
    assert (cache / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55\n")
    write_tree(cache, "-- pdf/notes.pdf --\n%PDF\n-- trash/mine.txt --\nà garder\n")
    path = site / "content/courses/ABC-DEF-1.md"
    path.write_text(path.read_text().replace("Tableau de bord", "Tableau de bord du projet"))
    assert run("build", "--root", str(site)).exit_code == 0  # old parts pruned, the previous site trashed
    assert run("build", "--root", str(site), "--no-pdf").exit_code == 0  # the trash emptied
    assert (cache / "pdf/notes.pdf").read_text() == "%PDF\n" and (cache / "trash/mine.txt").is_file()
    trash = sorted(p.name for p in (cache / "trash").iterdir())  # the site the last build replaced, and mine.txt
    assert len(trash) == 2 and trash[0].startswith(".public.old-") and trash[1] == "mine.txt"


def test_a_cache_of_an_earlier_version_is_kept(site: Path):
    """A cache folder made before caches were tagged holds only names lexom-site writes: used, and tagged."""
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}")
    assert run("build", "--root", str(site), "--no-pdf").exit_code == 0
    cache = site / ".lexom-site-cache"
    (cache / "CACHEDIR.TAG").unlink()
    (site / "content/courses/ABC-DEF-1.md").write_text(course_text(title="title: Piloter un grand projet"))
    assert run("build", "--root", str(site), "--no-pdf").exit_code == 0
    assert (cache / "CACHEDIR.TAG").is_file()


def test_build_py_does_what_lexom_site_build_does(site: Path, tmp_path: Path):
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}")
    by_script = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(site), "--out",
                                str(tmp_path / "a")], capture_output=True, text=True)
    assert by_script.returncode == 0, by_script.stderr
    by_cli = run("build", "--root", str(site), "--out", str(tmp_path / "b"))
    assert by_cli.exit_code == 0
    a, b = snapshot(tmp_path / "a"), snapshot(tmp_path / "b")
    assert sorted(a) == sorted(b)
    assert {k: v for k, v in a.items() if not k.endswith(".pdf")} == {k: v for k, v in b.items() if not k.endswith(".pdf")}
    for name in (k for k in a if k.endswith(".pdf")):
        pages_a = [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(a[name])).pages]
        pages_b = [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(b[name])).pages]
        assert pages_a == pages_b
    help_text = subprocess.run([sys.executable, str(REPO / "build.py"), "--help"], capture_output=True, text=True)
    assert "Usage: build.py [OPTIONS]" in help_text.stdout
    assert "--no-pdf" in help_text.stdout


def test_the_command_works_without_the_test_dependencies():
    """pypdf, pytest and hypothesis are test extras: the tool must not need them."""
    blocked = "import sys; sys.modules.update(pypdf=None, pytest=None, hypothesis=None); "
    result = subprocess.run([sys.executable, "-c", blocked + "from lexom_site.cli import main; main(['--help'])"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "import" in result.stdout and "legal-diff" in result.stdout
