"""The "how to add" recipes of docs/architecture.md, carried out as written.

Each recipe's steps (the code blocks after a `<!-- step: ... -->` comment)
are applied to a copy of the package and of a project; the real commands
then run on that copy (a new process, with the copy first on PYTHONPATH) and
must do what the recipe promises.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, course_text

from lexom_site.legal.pdftext import page_texts

DOC = REPO / "docs" / "architecture.md"
_STEP = re.compile(r"<!-- step: (?P<action>create|edit) (?P<path>\S+?)(?:, insert before: (?P<anchor>.+?))? -->\n"
                   r"```\w*\n(?P<code>.*?)```", re.S)


def recipe(title: str) -> list[re.Match]:
    """The steps of the recipe whose heading ends with `title`."""
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"### …{title}")
    end = text.find("\n### ", start + 1)
    return list(_STEP.finditer(text[start: end if end > 0 else len(text)]))


@pytest.fixture
def copy(site: Path, tmp_path: Path) -> dict[str, Path]:
    """A copy of the package (in src/) beside the project `site`."""
    src = tmp_path / "src"
    shutil.copytree(REPO / "src" / "lexom_site", src / "lexom_site", ignore=shutil.ignore_patterns("__pycache__"))
    return {"src": src.parent, "site": site}


def write_course_file(site: Path, text: str) -> None:
    ref = re.search(r"^ref: (\S+)", text, re.M)[1]
    (site / "content/courses" / f"{ref}.md").write_text(text, encoding="utf-8")


def apply(steps: list[re.Match], copy: dict[str, Path]) -> None:
    for step in steps:
        base = copy["src"] if step["path"].startswith("src/") else copy["site"]
        target = base / step["path"]
        if step["action"] == "create":
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(step["code"], encoding="utf-8")
            continue
        text = target.read_text(encoding="utf-8")
        lines = text.split("\n")
        at = [i for i, line in enumerate(lines) if step["anchor"] in line]
        assert len(at) == 1, f"the anchor {step['anchor']!r} of a step is not one line of {step['path']}"
        target.write_text("\n".join(lines[: at[0]] + step["code"].rstrip("\n").split("\n") + lines[at[0]:]),
                          encoding="utf-8")


def command(copy: dict[str, Path], *args: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(copy["src"] / "src")}
    return subprocess.run([sys.executable, "-m", "lexom_site", *args], capture_output=True, text=True,
                          env=environment, cwd=copy["site"])


def test_the_copy_runs_the_copied_package(copy: dict[str, Path]):
    with (copy["src"] / "src/lexom_site/cli.py").open("a", encoding="utf-8") as file:
        file.write("\nprint('the copy')\n")
    assert command(copy, "--version").stdout.startswith("the copy")


def test_recipe_a_front_matter_field(copy: dict[str, Path]):
    steps = recipe("a front-matter field")
    assert len(steps) == 2
    apply(steps, copy)
    site = copy["site"]
    write_course_file(site, course_text("ABC-DEF-1"))

    # validated: every course file now needs it
    checked = command(copy, "check")
    assert checked.returncode == 1
    assert "content/courses/ABC-DEF-1.md:2:1: error: required field 'level' (Niveau) is missing" in checked.stderr
    write_course_file(site, course_text("ABC-DEF-1", level="level:"))
    assert "content/courses/ABC-DEF-1.md:17:7: error: 'level' (Niveau) is empty" in command(copy, "check").stderr
    write_course_file(site, course_text("ABC-DEF-1", level="level: Intermédiaire"))
    assert command(copy, "check").returncode == 0

    # written by new course, with its description and placeholder, and valid
    assert command(copy, "new", "course", "ABC-NEW-2", "--title", "Nouveau").returncode == 0
    written = (site / "content/courses/ABC-NEW-2.md").read_text(encoding="utf-8")
    assert ("# level of the course: débutant, intermédiaire or avancé\n"
            "level: À compléter (débutant, intermédiaire ou avancé)\n") in written
    problems = [line for line in command(copy, "check").stderr.splitlines() if ": error: " in line]
    assert problems and all("« À compléter » is still here" in line for line in problems)  # only what to write
    assert any(line.startswith(f"content/courses/ABC-NEW-2.md:{written.splitlines().index('level: À compléter (débutant, intermédiaire ou avancé)') + 1}:8:") for line in problems)
    (site / "content/courses/ABC-NEW-2.md").unlink()

    # in the JSON Schema, with its French label
    schema = json.loads(command(copy, "schema").stdout)
    assert schema["properties"]["level"]["title"] == "Niveau" and "level" in schema["required"]

    # shown by the template; round-tripped by the build cache: a course taken
    # from the cache (its file unchanged) still has it when its page is made again
    assert command(copy, "build", "--no-pdf").returncode == 0
    page = site / "public/formations/abc-def-1/index.html"
    assert "<dt>Niveau</dt><dd>Intermédiaire</dd>" in page.read_text(encoding="utf-8")
    courses = site / ".lexom-site-cache/courses-public.json"
    entries = json.loads(courses.read_text(encoding="utf-8"))
    assert entries["courses"]["ABC-DEF-1.md"]["course"]["level"] == "Intermédiaire"
    entries["courses"]["ABC-DEF-1.md"]["course"]["level"] = "Intermédiaire (lu dans le cache)"
    courses.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    template = site / "templates/course.html"
    template.write_text(template.read_text(encoding="utf-8").replace("<dt>Niveau</dt>", "<dt>Niveau requis</dt>"),
                        encoding="utf-8")
    assert command(copy, "build", "--no-pdf").returncode == 0
    assert "<dt>Niveau requis</dt><dd>Intermédiaire (lu dans le cache)</dd>" in page.read_text(encoding="utf-8")


def test_recipe_an_output_a_new_pdf(copy: dict[str, Path]):
    steps = recipe("an output (a new PDF)")
    assert len(steps) == 4
    apply(steps, copy)
    site = copy["site"]
    write_course_file(site, course_text("ABC-DEF-1"))
    write_course_file(site, course_text("ABC-DEF-2", title="title: Conduire une réunion"))
    built = command(copy, "build")
    assert built.returncode == 0, built.stderr
    assert "and 4 PDF sheet(s)" in built.stderr  # two sheets, two attendance sheets
    sheet = site / "public/pdf/emargement/ABC-DEF-2.pdf"
    text = "".join(page_texts(sheet.read_bytes(), margin_band=0))
    assert "Feuille d’émargement" in text and "Conduire une réunion (réf. ABC-DEF-2)" in text
    assert "Jour 1 - Après-midi" in text
    # made again only when what it is made from changed
    made = {path.name: path.stat().st_mtime_ns for path in sheet.parent.iterdir()}
    write_course_file(site, course_text("ABC-DEF-2", title="title: Animer une réunion"))
    assert command(copy, "build").returncode == 0
    assert {path.name: path.stat().st_mtime_ns for path in sheet.parent.iterdir()}["ABC-DEF-1.pdf"] == made["ABC-DEF-1.pdf"]
    assert "Animer une réunion" in "".join(page_texts(sheet.read_bytes(), margin_band=0))
    # not made without PDFs
    assert command(copy, "build", "--no-pdf", "--out", "apercu").returncode == 0
    assert not (site / "apercu/pdf").exists()
    # a template error is reported at its line, and nothing is published
    template = site / "templates/pdf/emargement.html"
    template.write_text(template.read_text(encoding="utf-8").replace("{{ course.title }}", "{{ course.titel }}"),
                        encoding="utf-8")
    write_course_file(site, course_text("ABC-DEF-2", title="title: Préparer une réunion"))
    failed = command(copy, "build")
    assert failed.returncode == 1
    assert "templates/pdf/emargement.html:10: error: template error:" in failed.stderr
    assert "Animer une réunion" in "".join(page_texts(sheet.read_bytes(), margin_band=0))


def test_recipe_a_lint_rule(copy: dict[str, Path]):
    steps = recipe("a lint rule")
    assert len(steps) == 3
    apply(steps, copy)
    site = copy["site"]
    write_course_file(site, course_text("ABC-DEF-1"))
    assert command(copy, "check").returncode == 0
    body = ("## Jour 1 - Matin\n\n### 1. Cadrer le projet\n\n- Objectifs TODO\n- Périmètre\n\n"
            "## Jour 1 - Après-midi\n\n### 2. Suivre le projet\n\n- Tableau de bord\n")
    write_course_file(site, course_text("ABC-DEF-1", body=body))
    checked = command(copy, "check")
    assert checked.returncode == 1
    assert checked.stderr.splitlines()[:2] == [
        "content/courses/ABC-DEF-1.md:23:13: error: 'TODO' left in the text",
        "  hint: finish the sentence, then remove 'TODO'",
    ]
    # the parallel check of a large catalogue runs it too (rules go to the worker processes)
    for n in range(2, 201):
        write_course_file(site, course_text(f"ABC-DEF-{n}"))
    checked = command(copy, "check")
    assert "content/courses/ABC-DEF-1.md:23:13: error: 'TODO' left in the text" in checked.stderr
    assert "1 error found" in checked.stderr
    # not in the templates: the rule reads course files only
    (site / "templates/robots.txt").write_text("# TODO\nUser-agent: *\nAllow: /\n", encoding="utf-8")
    assert "templates/robots.txt" not in command(copy, "check").stderr
