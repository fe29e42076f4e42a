"""Incremental and parallel builds: only what changed is made again, and the
result is byte for byte what a cold build gives."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import course_text, write_tree

from lexom_site.cli import main
from lexom_site.legal.pdftext import page_texts
from lexom_site.build.pipeline import build
from lexom_site.build.project import PARALLEL_CHECK_FROM

THREE_DAYS = "\n".join(
    f"## Jour {d} - {h}\n\n### {n}. Module {n}\n\n" + "\n".join(f"- Point {n}.{i} " + "détaillé " * 12
                                                              for i in range(1, 9)) + "\n"
    for n, (d, h) in enumerate(((d, h) for d in (1, 2, 3) for h in ("Matin", "Après-midi")), start=1))


@pytest.fixture
def project(site: Path) -> Path:
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text('ABC-DEF-1')}"
                     f"-- content/courses/ABC-DEF-2.md --\n{course_text('ABC-DEF-2', title='title: Deuxième')}"
                     f"-- content/courses/ABC-DEF-3.md --\n"
                     f"{course_text('ABC-DEF-3', duration_days='duration_days: 3', body=THREE_DAYS)}")
    return site


def state(folder: Path) -> dict[str, tuple[str, int]]:
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def changed(before: dict, after: dict, *, search: bool = False) -> list[str]:
    """The files rewritten, added or removed (those of the search index only when `search`)."""
    paths = sorted(p for p in after if before.get(p) != after[p]) + sorted(p for p in before if p not in after)
    return [p for p in paths if search or not p.startswith("pagefind/")]


def run_build(root: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["build", "--root", str(root), *args])
    assert result.exit_code == 0, result.stderr
    return result.stderr.strip().splitlines()[-1]


def test_a_rebuild_with_nothing_changed_does_nothing(project: Path):
    run_build(project)
    before = state(project / "public")
    assert run_build(project).startswith(f"Nothing to do: {project / 'public'} is up to date")
    assert state(project / "public") == before  # not one file rewritten: same bytes, same modification times


def test_editing_one_course_remakes_its_page_the_listing_and_its_pdf_only(project: Path):
    run_build(project)
    before = state(project / "public")
    course = project / "content/courses/ABC-DEF-2.md"
    course.write_text(course.read_text().replace("- Objectifs", "- Objectifs révisés"))
    # the home page and the sitemap are made again, with the same bytes: they are not rewritten
    assert run_build(project).startswith("Built 1 page(s) and 1 PDF sheet(s)")
    after = state(project / "public")
    # the printed catalogue holds the course too; the home page changes only if the catalogue's size label does
    assert without_home(changed(before, after)) == ["formations/abc-def-2/index.html", "pdf/ABC-DEF-2.pdf",
                                                    "pdf/catalogue.pdf"]
    assert catalogue_label(project) in (project / "public/index.html").read_text()
    assert changed(before, after, search=True) != changed(before, after)  # the search index knows the new words
    assert "Objectifs révisés" in (project / "public/formations/abc-def-2/index.html").read_text()
    assert any("Objectifs révisés" in page for page in page_texts((project / "public/pdf/ABC-DEF-2.pdf").read_bytes()))
    course.write_text(course.read_text().replace("title: Deuxième", "title: Deuxième formation"))
    assert run_build(project).startswith("Built 2 page(s) and 1 PDF sheet(s)")
    assert changed(after, state(project / "public")) == [
        "formations/abc-def-2/index.html", "index.html", "pdf/ABC-DEF-2.pdf", "pdf/catalogue.pdf"]


def without_home(paths: list[str]) -> list[str]:
    return [path for path in paths if path != "index.html"]


def catalogue_label(project: Path) -> str:
    """What the home page says of the printed catalogue: its page count and size, as they are."""
    import pikepdf

    path = project / "public/pdf/catalogue.pdf"
    size = path.stat().st_size
    label = f"{round(size / 1000)}\u00a0ko" if size < 1_000_000 else f"{size / 1e6:.1f}".replace(".", ",") + "\u00a0Mo"
    return f"PDF, {len(pikepdf.open(path).pages)} pages, {label}"


@pytest.mark.parametrize("edit, remade", [
    (("content/legal/cgv.md", "clients personnes physiques", "clients, personnes physiques"),
     ["cgv/index.html", "pdf/ABC-DEF-1.pdf", "pdf/ABC-DEF-2.pdf", "pdf/ABC-DEF-3.pdf", "pdf/catalogue.pdf"]),
    (("templates/course.html", "Télécharger la fiche PDF", "Télécharger la fiche (PDF)"),
     ["formations/abc-def-1/index.html", "formations/abc-def-2/index.html", "formations/abc-def-3/index.html"]),
    (("templates/partials/course_sheet.html", "Objectifs de la formation", "Objectifs"),
     ["formations/abc-def-1/index.html", "formations/abc-def-2/index.html", "formations/abc-def-3/index.html",
      "pdf/ABC-DEF-1.pdf", "pdf/ABC-DEF-2.pdf", "pdf/ABC-DEF-3.pdf", "pdf/catalogue.pdf"]),
    (("assets/css/pdf.css", "--brand: #14456e;", "--brand: #14456f;"),
     ["assets/css/pdf.css", "pdf/ABC-DEF-1.pdf", "pdf/ABC-DEF-2.pdf", "pdf/ABC-DEF-3.pdf", "pdf/catalogue.pdf"]),
], ids=["cgv", "html-template", "shared-partial", "pdf-stylesheet"])
def test_a_shared_input_remakes_everything_that_uses_it_and_nothing_else(project: Path, edit, remade):
    run_build(project)
    before = state(project / "public")
    path, old, new = edit
    text = (project / path).read_text()
    assert old in text
    (project / path).write_text(text.replace(old, new))
    run_build(project)
    assert without_home(changed(before, state(project / "public"))) == remade


def test_the_configuration_remakes_everything(project: Path):
    run_build(project)
    before = state(project / "public")
    config = project / "site.yaml"
    config.write_text(config.read_text().replace("title:", "title: Nouveau —", 1))
    run_build(project)
    assert set(changed(before, state(project / "public"))) >= {
        "index.html", "cgv/index.html", "formations/abc-def-1/index.html", "pdf/ABC-DEF-1.pdf", "pdf/ABC-DEF-3.pdf"}


def test_incremental_parallel_and_serial_builds_give_the_same_bytes(project: Path, tmp_path: Path):
    build(project, tmp_path / "serial", jobs=1, cache_dir=tmp_path / "cache-serial")
    build(project, tmp_path / "parallel", jobs=2, cache_dir=tmp_path / "cache-parallel")
    course = project / "content/courses/ABC-DEF-1.md"
    course.write_text(course.read_text().replace("Suivre le projet", "Suivre et clore le projet"))
    build(project, tmp_path / "parallel", jobs=2, cache_dir=tmp_path / "cache-parallel")  # incremental
    build(project, tmp_path / "cold", jobs=2, cache_dir=tmp_path / "cache-cold")  # cold
    hashes = {name: {p: h for p, (h, _) in state(tmp_path / name).items()} for name in ("parallel", "cold")}
    assert hashes["parallel"] == hashes["cold"]
    serial = {p: h for p, (h, _) in state(tmp_path / "serial").items()}
    assert serial["pdf/ABC-DEF-2.pdf"] == hashes["cold"]["pdf/ABC-DEF-2.pdf"]


def test_page_numbers_count_the_whole_sheet_whatever_the_course_length(project: Path):
    run_build(project)
    for ref, shortest in (("ABC-DEF-1", 1), ("ABC-DEF-3", 2)):
        pages = page_texts((project / f"public/pdf/{ref}.pdf").read_bytes(), margin_band=0)
        total = len(pages)
        course_pages = next(i for i, text in enumerate(pages) if "Conditions Générales de Vente : LEXOM" in text)
        assert course_pages >= shortest  # a one-page and a longer course part
        for number, text in enumerate(pages, start=1):
            footer = f"LEXOM · Réf. {ref} · Mis à jour le 23 novembre 2026" if number <= course_pages else \
                "LEXOM · Conditions générales de vente, version 1.0"
            assert " ".join(text.split()).endswith(f"{footer} page {number} / {total}"), (ref, number, text[-80:])
        assert pages[course_pages].lstrip().startswith("Conditions Générales de Vente : LEXOM")


def test_a_corrupted_or_foreign_cache_is_never_trusted(project: Path, tmp_path: Path):
    run_build(project)
    good = {p: h for p, (h, _) in state(project / "public").items()}
    cache = project / ".lexom-site-cache"
    for blob in (cache / "pdf").glob("*.pdf"):  # the published PDFs are the same files (hard links): all damaged
        with blob.open("r+b") as file:
            file.seek(-100, 2)
            file.write(b"corrupted" * 10)  # same name, other bytes
    (project / "public/index.html").unlink()
    assert run_build(project).startswith("Built 1 page(s) and 3 PDF sheet(s)")
    assert {p: h for p, (h, _) in state(project / "public").items()} == good
    (cache / "state-public.json").write_text("{not json")
    (cache / "courses-public.json").write_text("[1, 2]")  # valid JSON, not a cache file
    shutil.rmtree(project / "public")
    # the state is ignored; the PDF entries, which carry their own hash, are checked and reused
    assert run_build(project).startswith("Built 8 page(s) and 0 PDF sheet(s)")
    assert {p: h for p, (h, _) in state(project / "public").items()} == good


def test_shards_built_apart_merge_into_the_full_build(project: Path, tmp_path: Path):
    for k in (1, 2):
        result = CliRunner().invoke(main, ["build", "--root", str(project), "--shard", f"{k}/2",
                                           "--cache-dir", str(tmp_path / f"shard-{k}")])
        assert result.exit_code == 0, result.stderr
        assert result.stderr.startswith(f"Made {2 if k == 1 else 1} PDF sheet(s) of part {k}/2 into the cache")
    assert not (project / "public").exists()  # a shard publishes nothing
    merged = tmp_path / "merged"
    for k in (1, 2):
        shutil.copytree(tmp_path / f"shard-{k}", merged, dirs_exist_ok=True)  # what the CI's download step does
    assert run_build(project, "--cache-dir", str(merged)).startswith("Built 8 page(s) and 0 PDF sheet(s)")
    run_build(project, "--out", str(tmp_path / "reference"), "--cache-dir", str(tmp_path / "alone"))
    assert {p: h for p, (h, _) in state(project / "public").items()} == \
        {p: h for p, (h, _) in state(tmp_path / "reference").items()}


def test_bad_shard_option():
    result = CliRunner().invoke(main, ["build", "--shard", "3/2"])
    assert result.exit_code == 2
    assert "expected K/N with 1 <= K <= N, e.g. 2/4" in result.stderr


def test_a_large_catalogue_is_checked_in_parallel_with_the_same_messages(site: Path):
    for n in range(1, PARALLEL_CHECK_FROM + 5):
        write_tree(site, f"-- content/courses/ABC-DEF-{n}.md --\n{course_text(f'ABC-DEF-{n}')}")
    bad = site / "content/courses/ABC-DEF-7.md"
    bad.write_text(course_text("ABC-DEF-7", duration_days="duration_days: deux"))
    result = CliRunner().invoke(main, ["check", "--root", str(site)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].endswith(
        "content/courses/ABC-DEF-7.md:6:16: error: 'duration_days' (Durée en jours) expected a whole number, found 'deux'")


def test_a_rebuild_knows_beforehand_how_few_sheets_it_may_make(project: Path):
    """So that the command starts only as many PDF workers as needed (each one loads WeasyPrint)."""
    from lexom_site.build.freshness import check_freshness

    def freshness(root: Path) -> tuple[bool, int]:
        found = check_freshness(root)
        return found.done, found.sheets

    run_build(project)
    assert freshness(project) == (True, 0)
    course = project / "content/courses/ABC-DEF-2.md"
    course.write_text(course.read_text().replace("- Objectifs", "- Objectifs révisés"))
    assert freshness(project) == (False, 1)  # one course file changed: at most one sheet
    write_tree(project, f"-- content/courses/ABC-DEF-4.md --\n{course_text('ABC-DEF-4')}")
    assert freshness(project) == (False, 2)
    # more sheets to make than course files changed (a published PDF and the cache's copies deleted):
    # the command starts 2 workers, then all of them (-j 3) when the build finds 3 sheets to make
    (project / "public/pdf/ABC-DEF-1.pdf").unlink()
    for blob in (project / ".lexom-site-cache/pdf").iterdir():
        blob.unlink()
    assert run_build(project, "-j", "3").startswith("Built 4 page(s) and 3 PDF sheet(s)")
    assert freshness(project) == (True, 0)
    cgv = project / "content/legal/cgv.md"
    cgv.write_text(cgv.read_text().replace("clients personnes physiques", "clients, personnes physiques"))
    # a shared input changed: every course part may be laid out again, and the CGV and the catalogue's front and back
    assert freshness(project) == (False, 4 + 3)
    run_build(project)  # the early single worker gives way to the full pool when there is more to make
    assert {p.name for p in (project / "public/pdf").iterdir()} == {f"ABC-DEF-{n}.pdf" for n in (1, 2, 3, 4)} | {
        "catalogue.pdf"}


def test_each_sheet_is_counted_and_reported_once_however_it_was_joined(project: Path, tmp_path: Path):
    # the printed catalogue lays out the course parts of a build; their sheets are joined as the parts arrive
    # (a cold build: while the others are laid out), then published by the sheets' own step: each counted and
    # reported once, and the same bytes as a sheet made with no catalogue around it
    progress: list[tuple[str, int, int]] = []
    report = build(project, tmp_path / "cold", progress=lambda *step: progress.append(step),
                   cache_dir=tmp_path / "cache")
    assert (report.pdfs, report.reused) == (3, 0)
    assert [step for step in progress if step[0] == "pdf"] == [("pdf", 1, 3), ("pdf", 2, 3), ("pdf", 3, 3)]
    course = project / "content/courses/ABC-DEF-2.md"
    course.write_text(course.read_text().replace("Suivre le projet", "Suivre et clore le projet"))
    progress.clear()
    report = build(project, tmp_path / "cold", progress=lambda *step: progress.append(step),
                   cache_dir=tmp_path / "cache")
    assert report.pdfs == 1 and [step for step in progress if step[0] == "pdf"] == [("pdf", 1, 1)]
    alone = tmp_path / "alone"  # the sheet made with no catalogue around it: the same bytes
    (project / "content/courses/ABC-DEF-1.md").unlink()
    (project / "content/courses/ABC-DEF-3.md").unlink()
    build(project, alone, cache_dir=tmp_path / "cache-alone")
    assert (alone / "pdf/ABC-DEF-2.pdf").read_bytes() == (tmp_path / "cold/pdf/ABC-DEF-2.pdf").read_bytes()
