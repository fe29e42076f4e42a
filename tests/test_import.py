"""`lexom-site import`: legacy sheets become course files, nothing lost on the way."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import LEGACY, REPO

from lexom_site.cli import main
from lexom_site.legal.pdftext import page_texts
from lexom_site.build.project import load_project

LEGACY_SHEETS = sorted(LEGACY.glob("*.txt"))
CGV_TAIL = "Conditions Générales de Vente : LEXOM\n\nI. Application des présentes conditions générales de vente\n"


def run_import(site: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["import", "--root", str(site), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(autouse=True)
def in_site(site: Path, monkeypatch):
    monkeypatch.chdir(site)


def sheet(*, duration: str = "2\nJours", title: str = "Piloter un projet",
          header: str = "dans GESTION - PROJETS / Réf : GES-PRJ-1", programme: str | None = None,
          sections: str | None = None) -> str:
    programme = programme if programme is not None else (
        "Jour 1 - Matin\n\n1. Cadrer le projet\n\n- Objectifs\n- Périmètre\n\n"
        "Jour 1 - Après-midi\n\n2. Suivre le projet\n\n- Tableau de bord\n\n"
        "Jour 2 - Matin\n\n3. Clore le projet\n\n- Bilan\n\n"
        "Jour 2 - Après-midi\n\n4. Capitaliser\n\n- Retour d'expérience\n")
    sections = sections if sections is not None else (
        "Pré-requis\n\nAucun\n\nPublic cible\n\nChefs de projet\n\nPédagogie\n\nMéthodes pédagogiques\n\n"
        "- Exercices pratiques\n\nModalités d'évaluation\n\n- QCM final\n")
    return (f"\n\n{duration}\n\n{title}\n\n{header}\n\nObjectifs de la formation\n\n- Planifier un projet\n"
            f"- Suivre un budget\n\nProgramme de la formation\n\nA l'issue de la formation, les participants "
            f"seront capables de :\n\n{programme}\n\n{sections}\n{CGV_TAIL}")


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


# --- the real legacy sheets ------------------------------------------------------------------------------------


def test_importing_the_legacy_sheets_gives_the_committed_course_files(site: Path):
    code, out, err = run_import(site, "--updated", "2026-11-23", *map(str, LEGACY_SHEETS))
    assert code == 0, err
    assert err.splitlines()[-1] == "2 sheets imported, 0 already up to date, 0 not imported."
    for ref in ("RCL-RCL-14", "PUB-ECOM-12"):
        imported = (site / "content/courses" / f"{ref}.md").read_bytes()
        assert imported == (REPO / "content/courses" / f"{ref}.md").read_bytes()
    assert len(load_project(site).catalogue.courses) == 2  # what `check` validates


def test_the_drift_of_each_legacy_cgv_copy_is_reported_as_legal_diff_does(site: Path):
    code, out, _ = run_import(site, *map(str, LEGACY_SHEETS))
    assert code == 0
    diff = CliRunner().invoke(main, ["legal-diff", "--root", str(site), *map(str, LEGACY_SHEETS)])
    assert out == diff.stdout
    assert f"{LEGACY_SHEETS[1]}:291: clause 5.5: « dpo@lexom.fr » → « dp@lexom.fr »" in out.splitlines()
    assert f"{LEGACY_SHEETS[0]}: the CGV copy departs from the canonical text in 3 places" in out.splitlines()
    assert f"{LEGACY_SHEETS[1]}: the CGV copy departs from the canonical text in 6 places" in out.splitlines()


def _words(text: str) -> list[str]:
    # (the outputs print ’ for ', docs/content-format.md: the same word)
    text = unicodedata.normalize("NFC", text).casefold().replace("’", "'")
    return [w for w in (t.strip(".,;:!?()«»/•*-–—") for t in text.split()) if w]


def _unhyphenate(text: str, vocabulary: set[str]) -> str:
    """Join the words the PDF layout hyphenated at a line end (« partici-\\npant »)."""
    def join(match: re.Match) -> str:
        joined = match[1] + match[2]
        return joined if joined.casefold() in vocabulary else match[0].replace("\n", "")
    return re.sub(r"(\w+)-\n(\w+)", join, text)


@pytest.mark.parametrize("legacy", LEGACY_SHEETS, ids=lambda p: p.name)
def test_round_trip_the_pdf_course_part_has_the_sheet_words_in_order(site: Path, legacy: Path):
    code, _, err = run_import(site, str(legacy))
    assert code == 0, err
    result = CliRunner().invoke(main, ["build", "--root", str(site)])
    assert result.exit_code == 0, result.stderr
    text = legacy.read_text(encoding="utf-8")
    course_part = text[: text.index("Conditions Générales de Vente")]
    expected = _words(course_part)
    (pdf,) = (p for p in (site / "public/pdf").glob("*.pdf") if p.name != "catalogue.pdf")
    pages = page_texts(pdf.read_bytes())
    cgv_page = next(i for i, page in enumerate(pages) if page.startswith("Conditions Générales de Vente"))
    course_text = "\n".join(pages[:cgv_page])
    # the key facts box under the title (duration in hours, sanction...) is made from the course, not from the sheet
    key_facts = course_text.index("\nDurée ")
    course_text = course_text[:key_facts] + course_text[course_text.index("\nObjectifs de la formation"):]
    found = _words(_unhyphenate(course_text, set(expected)))
    assert found == expected
    assert len(expected) > 250


# --- sheets written for the purpose ---------------------------------------------------------------------------


def test_a_one_day_course(site: Path, tmp_path: Path):
    programme = ("Jour 1 - Matin\n\n1. Découvrir\n\n- Premier point\n\n"
                 "Jour 1 - Après-midi\n\n2. Pratiquer\n\n- Second point\n")
    sections = ("Pré-requis\n\nAucun\n\nPublic cible\n\nTous\n\nMéthodes pédagogiques\n\n- Exercices\n\n"
                "Modalités d'évaluation\n\n- QCM\n")  # « Méthodes pédagogiques » without « Pédagogie »
    path = write(tmp_path, "one.txt", sheet(duration="1\nJour", programme=programme, sections=sections))
    code, _, err = run_import(site, str(path))
    assert code == 0, err
    text = (site / "content/courses/GES-PRJ-1.md").read_text()
    assert "duration_days: 1\n" in text
    assert text.endswith("## Jour 1 - Après-midi\n\n### 2. Pratiquer\n\n- Second point\n")
    course = load_project(site).catalogue.courses[0]
    assert course.duration_label == "1 Jour" and course.teaching_methods == ("Exercices",)


def test_a_three_day_course_with_several_modules_in_a_half_day(site: Path, tmp_path: Path):
    programme = "\n".join(
        f"Jour {day} - {half}\n\n" + "\n".join(f"{n}. Module {n}\n\n- Point {n}.a\n- Point {n}.b\n"
                                                for n in numbers)
        for day, half, numbers in ((1, "Matin", (1, 2, 3)), (1, "Après-midi", (4,)), (2, "Matin", (5, 6)),
                                   (2, "Après-midi", (7,)), (3, "Matin", (8,)), (3, "Après-midi", (9, 10))))
    sections = ("Pré-requis\n\nAucun\n\nPublic cible\n\nTous\n\nPédagogie\n\n- Exercices\n- Jeux de rôle\n\n"
                "Modalités d'évaluation\n\n- QCM\n")  # « Pédagogie » without « Méthodes pédagogiques »
    path = write(tmp_path, "three.txt", sheet(duration="3\nJours", programme=programme, sections=sections))
    code, _, err = run_import(site, str(path))
    assert code == 0, err
    course = load_project(site).catalogue.courses[0]
    assert course.duration_days == 3
    assert [(h.day, h.period, [m.number for m in h.modules]) for h in course.programme.half_days] == [
        (1, "Matin", [1, 2, 3]), (1, "Après-midi", [4]), (2, "Matin", [5, 6]), (2, "Après-midi", [7]),
        (3, "Matin", [8]), (3, "Après-midi", [9, 10])]
    assert course.programme.modules[9].bullets == ("Point 10.a", "Point 10.b")
    assert course.teaching_methods == ("Exercices", "Jeux de rôle")


def test_a_broken_header_is_reported_and_the_other_sheets_still_imported(site: Path, tmp_path: Path):
    broken = write(tmp_path, "broken.txt", sheet(header="GESTION - PROJETS"))
    good = write(tmp_path, "good.txt", sheet(header="dans GESTION - PROJETS / Réf : GES-PRJ-2"))
    code, _, err = run_import(site, str(broken), str(good))
    assert code == 1
    assert err.splitlines() == [
        f"{broken}:8: error: expected the line « dans CATEGORY - SUB-CATEGORY / Réf : REF », found « GESTION - "
        "PROJETS »",
        "  hint: without it the course has no reference, category or sub-category",
        f"{broken}: not imported",
        f"{good} -> content/courses/GES-PRJ-2.md: imported",
        "1 sheet imported, 0 already up to date, 1 not imported.",
    ]
    assert sorted(p.name for p in (site / "content/courses").iterdir()) == ["GES-PRJ-2.md"]


@pytest.mark.parametrize("change, expected", [
    ({"sections": "Pré-requis\n\nAucun\n\nHoraires\n\n9 h - 17 h\n\nPublic cible\n\nTous\n\n"
                  "Méthodes pédagogiques\n\n- Exercices\n\nModalités d'évaluation\n\n- QCM\n"},
     ":49: error: unknown section « Horaires » in « Pré-requis »"),
    ({"programme": "Jour 1 - Soir\n\n1. Veiller\n\n- Tard\n"},
     ":19: error: unknown half-day « Soir » in « Jour 1 - Soir »"),
    ({"header": "dans GESTION - PROJETS / Réf : ges prj"},
     ":8: error: expected the line « dans CATEGORY - SUB-CATEGORY / Réf : REF », found « dans GESTION - PROJETS "
     "/ Réf : ges prj »"),
    ({"duration": "Deux jours"}, ":3: error: expected the duration (« 2 » then « Jours ») at the top of the sheet, "
                                 "found « Deux jours »"),
    ({"sections": "Pré-requis\n\nAucun\n\nMéthodes pédagogiques\n\n- Exercices\n\nModalités d'évaluation\n\n- QCM\n"},
     ":57: error: the section « Public cible » is missing"),
    ({"programme": "1. Cadrer\n\n- Objectifs\n"}, ":19: error: module « 1. Cadrer » comes before any half-day"),
])
def test_a_sheet_it_cannot_understand_names_the_line_and_what_it_expected(site: Path, tmp_path: Path, change,
                                                                          expected):
    path = write(tmp_path, "bad.txt", sheet(**change))
    code, _, err = run_import(site, str(path))
    assert code == 1
    assert err.splitlines()[0] == f"{path}{expected}"
    assert err.splitlines()[-1] == "0 sheets imported, 0 already up to date, 1 not imported."
    assert list((site / "content/courses").iterdir()) == []


def test_bullets_encodings_and_spacing_variants_are_normalised(site: Path, tmp_path: Path):
    text = sheet(programme="Jour 1 - Matin\n\n1. Cadrer le projet\n\n*Objectifs\n• Périmètre\n-Délais\n\n"
                           "Jour 1 - Après-midi\n\n2) Suivre le projet\n\n- Tableau\u00a0de bord\n",
                 duration="1\nJour")
    variants = {
        "crlf-bom.txt": b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"),
        "cp1252.txt": text.replace("•", "-").encode("cp1252"),  # (Windows-1252 has the no-break space: 0xA0)
        "nfd.txt": unicodedata.normalize("NFD", text).encode("utf-8"),
    }
    results = {}
    for name, data in variants.items():
        path = write(tmp_path, name, data)
        code, _, err = run_import(site, str(path), "--force")
        assert code == 0, err
        results[name] = (site / "content/courses/GES-PRJ-1.md").read_bytes()
    assert len(set(results.values())) == 1
    course = results["nfd.txt"].decode("utf-8")
    assert course == unicodedata.normalize("NFC", course) and "\r" not in course
    assert "### 1. Cadrer le projet\n\n- Objectifs\n- Périmètre\n- Délais\n" in course
    assert "### 2. Suivre le projet\n\n- Tableau\u00a0de bord\n" in course  # (the sheet's no-break space kept)


def test_markdown_and_yaml_characters_are_kept_as_written(site: Path, tmp_path: Path):
    programme = ("Jour 1 - Matin\n\n1. Cadrer : *le* projet [v2]\n\n- 1. Étape une\n- # pas un titre\n"
                 "- <b>gras</b> & co\n\nJour 1 - Après-midi\n\n2. Suivre\n\n- 50 % du budget\n")
    path = write(tmp_path, "chars.txt", sheet(duration="1\nJour", title="Excel : les « tableaux croisés »",
                                              programme=programme))
    code, _, err = run_import(site, str(path))
    assert code == 0, err
    CliRunner().invoke(main, ["build", "--root", str(site), "--no-pdf"])
    page = (site / "public/formations/ges-prj-1/index.html").read_text()
    for shown in ("Excel : les « tableaux croisés »", "Cadrer : *le* projet [v2]", "1. Étape une",
                  "# pas un titre",
                  "&lt;b&gt;gras&lt;/b&gt; &amp; co"):
        assert shown in page


def test_an_existing_course_file_is_never_overwritten_without_force(site: Path, tmp_path: Path):
    path = write(tmp_path, "s.txt", sheet())
    target = site / "content/courses/GES-PRJ-1.md"
    target.write_text("edited by hand\n")
    code, _, err = run_import(site, str(path))
    assert code == 1
    assert err.splitlines()[:2] == [
        "content/courses/GES-PRJ-1.md: error: already exists and differs from the imported course; not overwritten",
        "  hint: use --force to replace it (--dry-run shows what would be written)",
    ]
    assert target.read_text() == "edited by hand\n"
    code, _, err = run_import(site, str(path), "--force")
    assert code == 0, err
    assert target.read_text().startswith("---\nref: GES-PRJ-1\n")
    assert run_import(site, str(path))[2].splitlines()[0] == f"{path} -> content/courses/GES-PRJ-1.md: already up to date"


def test_dry_run_shows_the_file_and_writes_nothing(site: Path, tmp_path: Path):
    path = write(tmp_path, "s.txt", sheet())
    code, out, err = run_import(site, str(path), "--dry-run")
    assert code == 0, err
    assert out.startswith(f"--- content/courses/GES-PRJ-1.md (would be written from {path})\n---\nref: GES-PRJ-1\n")
    assert "### 4. Capitaliser\n\n- Retour d'expérience\n" in out
    assert list((site / "content/courses").iterdir()) == []
    assert err.splitlines()[-1] == "1 sheet would be imported, 0 already up to date, 0 not imported."


def test_two_sheets_with_one_reference_in_one_run(site: Path, tmp_path: Path):
    first, second = write(tmp_path, "a.txt", sheet()), write(tmp_path, "b.txt", sheet(title="Autre titre"))
    code, _, err = run_import(site, str(first), str(second))
    assert code == 1
    assert f"{second}: error: reference GES-PRJ-1 was already imported from {first} in this run" in err
    assert "title: Piloter un projet\n" in (site / "content/courses/GES-PRJ-1.md").read_text()


def test_a_sheet_whose_course_would_not_be_valid_is_reported_at_the_sheet_line(site: Path, tmp_path: Path):
    programme = ("Jour 1 - Matin\n\n1. Cadrer\n\n- Objectifs\n\nJour 1 - Après-midi\n\n3. Suivre\n\n- Bilan\n")
    path = write(tmp_path, "gap.txt", sheet(programme=programme))
    code, _, err = run_import(site, str(path))
    assert code == 1
    assert err.splitlines() == [
        f"{path}:27: error: module 3 comes where module 2 was expected (the course file would not be valid)",
        "  hint: number the modules 1, 2, 3... in order, continuing across days",
        f"{path}: not imported",
        "0 sheets imported, 0 already up to date, 1 not imported.",
    ]
    assert list((site / "content/courses").iterdir()) == []


def test_import_never_raises_on_arbitrary_sheets():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from lexom_site.authoring.importer import import_sheet

    line = st.text(max_size=30) | st.sampled_from(
        ["2", "Jours", "dans A - B / Réf : ABC-DEF-1", "Objectifs de la formation", "Programme de la formation",
         "Jour 1 - Matin", "Jour 1 - Soir", "1. Module", "- point", "Pré-requis", "Public cible", "Pédagogie",
         "Modalités d'évaluation", "Conditions Générales de Vente", ""])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(line, max_size=40), st.sampled_from(["utf-8", "cp1252", "utf-16"]))
    def run(lines: list[str], encoding: str) -> None:
        data = "\n".join(lines).encode(encoding, errors="replace")
        sheet = import_sheet(data, "s.txt")
        assert sheet.ok or any(d.is_error for d in sheet.diagnostics)
        assert all(d.path == "s.txt" for d in sheet.diagnostics)

    run()
