"""`lexom-site check`: every problem, at path:line:col, in one run, exit 1."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from conftest import REPO, course_text, write_tree

from lexom_site.cli import main


def check(root: Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["check", "--root", str(root)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr.splitlines()


def write_course(site: Path, name: str, text: str) -> None:
    write_tree(site, f"-- content/courses/{name} --\n{text}")


# The canonical CGV disagrees with the law of individuals' training contracts: `check` says so (warnings
# for its legal owner to decide, see tests/test_proposal.py), and passes.
CGV_WARNINGS = 4  # lines: two warnings and their hints


def test_real_content_is_valid():
    code, lines = check(REPO)
    assert code == 0
    assert lines[CGV_WARNINGS:] == ["OK: 2 courses and the CGV are valid."]
    assert all(": warning: " in line for line in lines[:CGV_WARNINGS:2])


def test_valid_course_passes(site):
    write_course(site, "ABC-DEF-1.md", course_text())
    code, lines = check(site)
    assert (code, lines[CGV_WARNINGS:]) == (0, ["OK: 1 course and the CGV are valid."])


def test_missing_required_field(site):
    write_course(site, "ABC-DEF-1.md", course_text(title=""))
    code, lines = check(site)
    assert code == 1
    assert lines[0] == "content/courses/ABC-DEF-1.md:2:1: error: required field 'title' (Intitulé) is missing"
    assert lines[1].startswith("  hint: add a line 'title: ...'")
    assert lines[-1] == "1 error found; nothing was written."


def test_wrong_type_points_at_the_value(site):
    write_course(site, "ABC-DEF-1.md", course_text(duration_days="duration_days: deux"))
    code, lines = check(site)
    assert code == 1
    assert lines[0] == "content/courses/ABC-DEF-1.md:6:16: error: 'duration_days' (Durée en jours) expected a whole number, found 'deux'"


def test_unknown_field_suggests_the_right_name(site):
    write_course(site, "ABC-DEF-1.md", course_text(title="titel: Piloter un projet"))
    code, lines = check(site)
    assert code == 1
    assert "content/courses/ABC-DEF-1.md:3:1: error: unknown field 'titel'" in lines
    assert "  hint: did you mean 'title'?" in lines


def test_colon_in_a_list_item_asks_for_quotes(site):
    write_course(site, "ABC-DEF-1.md",
                 course_text(teaching_methods="teaching_methods:\n  - Présentations : concepts et outils"))
    code, lines = check(site)
    assert code == 1
    assert lines[0] == ("content/courses/ABC-DEF-1.md:13:5: error: 'teaching_methods' (Méthodes pédagogiques) list item expected a text, "
                        "found a field and its value (because of the ': ' after 'Présentations')")
    assert lines[1] == '  hint: a text containing ": " must be in double quotes, e.g. - "Présentations : concepts et outils"'


def test_unquoted_colon_in_a_value_is_a_yaml_error_with_hint(site):
    write_course(site, "ABC-DEF-1.md", course_text(title="title: Module : intro"))
    code, lines = check(site)
    assert code == 1
    assert lines[0] == "content/courses/ABC-DEF-1.md:3:15: error: a ':' followed by a space inside a value confuses YAML"
    assert lines[1] == '  hint: put the whole value in double quotes, e.g. title: "Module : intro"'


def test_bad_reference_and_file_name(site):
    write_course(site, "ABC-DEF-1.md", course_text(ref="ABC-DEF-2"))
    write_course(site, "abc-x.md", course_text(ref="abc-x"))
    code, lines = check(site)
    assert code == 1
    assert lines[0] == "content/courses/ABC-DEF-1.md:2:1: error: ref 'ABC-DEF-2' does not match the file name 'ABC-DEF-1.md'"
    assert "content/courses/abc-x.md:2:6: error: 'ref' (Référence) 'abc-x' is not in the expected form" in lines


def test_module_numbering_and_day_order(site):
    body = ("## Jour 1 - Matin\n\n### 1. Un\n\n- a\n\n### 3. Trois\n\n- b\n\n"
            "## Jour 3 - Matin\n\n### 4. Quatre\n\n- c\n\n## Jour 3 - Après-midi\n")
    write_course(site, "ABC-DEF-1.md", course_text(body=body, duration_days="duration_days: 2"))
    code, lines = check(site)
    assert code == 1
    errors = [line for line in lines if ": error: " in line]
    # the front matter takes lines 1-17, the body starts on line 19
    assert errors == [
        "content/courses/ABC-DEF-1.md:25:1: error: module 3 comes where module 2 was expected",
        "content/courses/ABC-DEF-1.md:29:1: error: day 3 comes after day 1: expected day 2",
        "content/courses/ABC-DEF-1.md:35:1: error: 'Jour 3 - Après-midi' has no module",
    ]


def test_module_without_bullets_and_repeated_half_day(site):
    body = ("## Jour 1 - Matin\n\n### 1. Un\n\n### 2. Deux\n\n- a\n\n"
            "## Jour 1 - Matin\n\n### 3. Trois\n\n- b\n")
    write_course(site, "ABC-DEF-1.md", course_text(body=body))
    code, lines = check(site)
    assert code == 1
    assert [line for line in lines if ": error: " in line] == [
        "content/courses/ABC-DEF-1.md:21:1: error: module 1 has no bullet point",
        "content/courses/ABC-DEF-1.md:27:1: error: 'Jour 1 - Matin' comes after 'Jour 1 - Matin'",
    ]


def test_duration_must_match_the_programme(site):
    write_course(site, "ABC-DEF-1.md", course_text(duration_days="duration_days: 3"))
    code, lines = check(site)
    assert lines[0] == "content/courses/ABC-DEF-1.md:6:1: error: 'duration_days' (Durée en jours) is 3 but the programme has 1 day(s)"


def test_missing_closing_separator(site):
    write_course(site, "ABC-DEF-1.md", course_text().replace("\n---\n\n", "\n\n", 1))
    code, lines = check(site)
    assert (code, lines[0]) == (1, "content/courses/ABC-DEF-1.md:1:1: error: the front matter opened on line 1 is never closed")
    assert lines[1] == "  hint: did you forget the line '---' after the last field?"


def test_every_error_of_every_file_in_one_run(site):
    write_course(site, "ABC-DEF-1.md", course_text(title="", audience="audience:"))
    write_course(site, "ABC-DEF-2.md", course_text(ref="ABC-DEF-2", body="Du texte sans programme.\n"))
    code, lines = check(site)
    errors = [line for line in lines if ": error: " in line]
    assert code == 1
    assert errors == [
        "content/courses/ABC-DEF-1.md:2:1: error: required field 'title' (Intitulé) is missing",
        "content/courses/ABC-DEF-1.md:10:10: error: 'audience' (Public visé) is empty",
        "content/courses/ABC-DEF-2.md:18:1: error: the programme is empty: no half-day 'Jour 1 - Matin' found after the front matter",
    ]
    assert lines[-1] == "3 errors found; nothing was written."


def test_no_traceback_on_a_file_that_is_not_text(site):
    (site / "content/courses/ABC-DEF-1.md").write_bytes(b"---\nref: ABC\xe9\n")
    code, lines = check(site)
    assert code == 1
    assert lines[0] == ("content/courses/ABC-DEF-1.md:2:9: error: file is not UTF-8: byte 0xE9 cannot be read "
                        "(it reads as 'é' in Windows-1252)")
    assert not any("Traceback" in line for line in lines)


def test_not_a_project(tmp_path):
    code, lines = check(tmp_path)
    assert code == 1
    assert lines[0].endswith("site.yaml: error: no site.yaml here: this is not a lexom-site project")
