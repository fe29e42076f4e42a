"""The French documentation quotes what the tool really prints: every message of the « `check` dit » column
of docs/fr/erreurs.md is made here by the same mistake, in a tiny project checked with `lexom-site check` in
French (the default), and must be found, word for word, in what the command prints.

`python tests/test_docs_fr.py` prints that output (to paste from when a message changes)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
from conftest import course_text  # noqa: E402

ERREURS = REPO / "docs" / "fr" / "erreurs.md"
TESTED_COLUMN = "`check` dit"

TWO_DAYS = ("## Jour 1 - Matin\n\n### 1. Cadrer\n\n- Objectifs\n\n## Jour 1 - Après-midi\n\n### 2. Suivre\n\n- Budget\n\n"
            "## Jour 2 - Matin\n\n### 3. Livrer\n\n- Recette\n\n## Jour 2 - Après-midi\n\n### 4. Clore\n\n- Bilan\n")


def _course(ref: str, **overrides: str) -> str:
    return course_text(ref, **overrides)


# One course file per mistake of the tables (named after its reference, so that each is about one thing).
COURSES: dict[str, str] = {
    # The front matter
    "FM-COLON-1": _course("FM-COLON-1", title="title: Module : intro"),
    "FM-TAB-1": _course("FM-TAB-1", objectives="objectives:\n\t- Planifier un projet\n  - Suivre un budget"),
    "FM-TWICE-1": _course("FM-TWICE-1", audience="audience: Chefs de projet\naudience: Tout public"),
    "FM-NUMBER-1": _course("FM-NUMBER-1", duration_days="duration_days: 010"),
    "FM-MISSING-1": _course("FM-MISSING-1", audience=""),
    "FM-TODO-1": _course("FM-TODO-1", prerequisites="prerequisites: À compléter"),
    "FM-PRICE-1": _course("FM-PRICE-1", updated="updated: 2026-11-23\nprices:\n  inter: 1290,5"),
    "FM-HOURS-1": _course("FM-HOURS-1", duration_days="duration_days: 2", body=TWO_DAYS,
                          updated="updated: 2026-11-23\nduration_hours: 15"),
    "FM-RESULTS-1": _course("FM-RESULTS-1", updated="updated: 2026-11-23\nresults:\n  satisfaction_rate: 95\n"
                                                    "  respondents: 40\n  date: 2026-11-01"),
    "FM-DELIVERY-1": _course("FM-DELIVERY-1", updated="updated: 2026-11-23\ndelivery: presentiel"),
    "FM-UNKNOWN-1": _course("FM-UNKNOWN-1", title="titre: Piloter un projet"),
    "FM-OPEN-1": "---\nref: FM-OPEN-1\ntitle: Piloter un projet\n\n## Jour 1 - Matin\n",
    "FM-LIST-1": "---\n- ref: FM-LIST-1\n- title: Piloter un projet\n---\n\n## Jour 1 - Matin\n",
    "FM-ALIAS-1": _course("FM-ALIAS-1", audience="audience: &public Chefs de projet",
                          prerequisites="prerequisites: *public"),
    "FM-KEY-1": "---\n? [a, b]\n: x\n---\n\n## Jour 1 - Matin\n",
    # The reference and the file name
    "REF-NAME-2": _course("REF-NAME-1"),
    "REF-CASE-1": _course("abc-def-1"),
    "REF-LONG-1": _course("A" + "-B" * 150),
    # The programme
    "PRG-GAP-1": _course("PRG-GAP-1", body="## Jour 1 - Matin\n\n### 1. Cadrer\n\n- Objectifs\n\n"
                                           "## Jour 1 - Après-midi\n\n### 3. Suivre\n\n- Budget\n"),
    "PRG-EMPTY-1": _course("PRG-EMPTY-1", body="## Jour 1 - Matin\n\n### 1. Cadrer\n\n- Objectifs\n\n"
                                               "## Jour 1 - Après-midi\n\n### 2. Suivre\n"),
    "PRG-DAYS-1": _course("PRG-DAYS-1", duration_days="duration_days: 2"),
    "PRG-JS-1": _course("PRG-JS-1", body="## Jour 1 - Matin\n\n### 1. Cadrer\n\n- Voir [ici](javascript:alert(1))\n\n"
                                         "## Jour 1 - Après-midi\n\n### 2. Suivre\n\n- Budget\n"),
    "PRG-PATH-1": _course("PRG-PATH-1", body="## Jour 1 - Matin\n\n### 1. Cadrer\n\n- Voir [doc](../../etc/passwd)\n\n"
                                             "## Jour 1 - Après-midi\n\n### 2. Suivre\n\n- [doc](programme.pdf)\n"),
    "PRG-IMAGE-1": _course("PRG-IMAGE-1", body="## Jour 1 - Matin\n\n### 1. Cadrer\n\n- ![image](photo.png)\n\n"
                                               "## Jour 1 - Après-midi\n\n### 2. Suivre\n\n- Budget\n"),
    # The file itself (written as text here; the bytes below)
    "FILE-CONTROL-1": _course("FILE-CONTROL-1", title='title: "Piloter\\0un projet"'),
    "FILE-CONTROL-2": _course("FILE-CONTROL-2", title="title: Piloter\x07un projet"),
    "FILE-SEPARATOR-1": _course("FILE-SEPARATOR-1", audience="audience: Chefs\u2028de projet"),
    "FILE-GLYPH-1": _course("FILE-GLYPH-1", subcategory="subcategory: PROJETS \u2713"),
}


def make_project(root: Path) -> Path:
    """A project with the real site.yaml, CGV, templates and assets, and a course file per mistake."""
    root.mkdir(parents=True)
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "assets", root / "assets")
    courses = root / "content" / "courses"
    courses.mkdir(parents=True)
    shutil.copytree(REPO / "content" / "legal", root / "content" / "legal")
    for name, text in COURSES.items():
        (courses / f"{name}.md").write_text(text, encoding="utf-8")
    # The file itself
    (courses / "FILE-LATIN1-1.md").write_bytes(_course("FILE-LATIN1-1", title="title: Développer").encode("cp1252"))
    (courses / "FILE-LARGE-1.md").write_text(_course("FILE-LARGE-1") + "- x\n" * 1_000_000, encoding="utf-8")
    (courses / "FILE-LINK-1.md").symlink_to(courses / "RCL-RCL-14.md")
    (courses / "notes.txt").write_text("à faire\n", encoding="utf-8")
    (courses / "archives").mkdir()
    (courses / "FILE-FOLDER-1.md").mkdir()
    os.mkfifo(courses / "FILE-PIPE-1.md")
    return root


def make_small_project(root: Path) -> Path:
    """A project with one valid course file, RCL-RCL-14, which has no price."""
    make_project(root)
    courses = root / "content" / "courses"
    for path in courses.iterdir():
        shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
    (courses / "RCL-RCL-14.md").write_text(_course("RCL-RCL-14"), encoding="utf-8")
    return root


def make_cgv_project(root: Path) -> Path:
    """A project whose CGV has mistakes: an impossible date, a picture, a `file:` link."""
    make_small_project(root)
    cgv = root / "content" / "legal" / "cgv.md"
    text = cgv.read_text(encoding="utf-8").replace("effective_date: 2026-11-22", "effective_date: 2026-02-30")
    text = text.replace("\n## I. ", "\n![logo](logo.png) [conditions](file:///etc/passwd)\n\n## I. ", 1)
    cgv.write_text(text, encoding="utf-8")
    return root


def make_empty_project(root: Path) -> Path:
    make_small_project(root)
    (root / "content" / "courses" / "RCL-RCL-14.md").unlink()
    return root


def check(root: Path, *options: str) -> str:
    """What `lexom-site check` prints, in French (the default language)."""
    env = {k: v for k, v in os.environ.items() if k not in ("LEXOM_LANG", "LANGUAGE", "GITHUB_ACTIONS")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), env.get("PYTHONPATH", "")])
    result = subprocess.run([sys.executable, "-m", "lexom_site", "check", "--root", str(root), *options],
                            capture_output=True, text=True, env=env, cwd=root)
    return result.stdout + result.stderr


def all_output(tmp: Path) -> str:
    return "\n".join([
        check(make_project(tmp / "site")),
        check(make_small_project(tmp / "strict"), "--strict"),
        check(make_cgv_project(tmp / "cgv")),
        check(make_empty_project(tmp / "empty")),
    ])


def quoted_messages() -> list[tuple[int, str]]:
    """(line, message) for every `code span` of the « `check` dit » column of the tables of erreurs.md."""
    found = []
    column = None
    for number, line in enumerate(ERREURS.read_text(encoding="utf-8").splitlines(), 1):
        if not line.startswith("|"):
            column = None
            continue
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if column is None:
            column = cells.index(TESTED_COLUMN) if TESTED_COLUMN in cells else -1
            continue
        if column < 0 or set(line) <= set("|-: "):
            continue
        for double, single in re.findall(r"``\s?(.+?)\s?``|`([^`]+)`", cells[column]):
            found.append((number, (double or single).replace("\\|", "|")))
    return found


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> str:
    return all_output(tmp_path_factory.mktemp("docs-fr"))


def test_the_error_tables_quote_messages():
    assert len(quoted_messages()) >= 30


@pytest.mark.parametrize("line, message", quoted_messages(), ids=lambda value: str(value)[:40])
def test_a_quoted_message_is_what_check_prints(printed, line, message):
    assert message in printed, f"docs/fr/erreurs.md:{line}: `check` does not print this:\n{message}"


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        print(all_output(Path(folder)))
