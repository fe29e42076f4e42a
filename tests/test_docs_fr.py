"""The French documentation quotes what the tool really prints: every message of the « `check` dit » and
« La commande dit » columns of docs/fr/erreurs.md is made here by the same mistake, in tiny projects checked or
built with `lexom-site` in French (the default), and must be found, word for word, in what the command prints
(« … » in a quoted message stands for a part that depends on the file or the machine). The one message no test
can provoke, a full disk, is compared with the compiled French catalog, as the tool would print it.

`python tests/test_docs_fr.py` prints that output (to paste from when a message changes)."""

from __future__ import annotations

import errno
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
TESTED_COLUMNS = ("`check` dit", "La commande dit")
DISK_FULL = "impossible d'écrire"

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
    # Mistakes YAML would report elsewhere, or not at all
    "YAML-DASH-1": _course("YAML-DASH-1", objectives="objectives:\n  - Planifier un projet\n  Suivre un budget"),
    "YAML-SPACE-1": _course("YAML-SPACE-1", teaching_methods="teaching_methods:\n  - Exercices pratiques\n"
                                                            "  -Jeux de rôle"),
    "YAML-QUOTE-1": _course("YAML-QUOTE-1", title='title: "Piloter un projet'),
    "YAML-DQ-1": _course("YAML-DQ-1", title='title: "Le "bon" projet"'),
    "YAML-APOS-1": _course("YAML-APOS-1", title="title: 'L'essentiel'"),
    "YAML-INDENT-1": _course("YAML-INDENT-1", category=" category: GESTION"),
    "YAML-COMMENT-1": _course("YAML-COMMENT-1", title="title: Excel #2 avancé"),
    "YAML-DEEP-1": _course("YAML-DEEP-1", objectives="objectives:\n  - Planifier un projet\n    - Organiser le travail"),
    # The reference and the file name
    "QUALITÉ-03": _course("QUALITÉ-03"),
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
    "PRG-DEF-1": _course("PRG-DEF-1", body="## Jour 1 - Matin\n\n### 1. Cadrer\n\n- Voir [le détail][d]\n\n"
                                           "[d]: #prerequis\n\n## Jour 1 - Après-midi\n\n### 2. Suivre\n\n- Budget\n"),
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
    """A project whose CGV has mistakes: an impossible date, a picture, a `file:` link, a link definition."""
    make_small_project(root)
    cgv = root / "content" / "legal" / "cgv.md"
    text = cgv.read_text(encoding="utf-8").replace("effective_date: 2026-11-22", "effective_date: 2026-02-30")
    text = text.replace("\n## I. ", "\n![logo](logo.png) [conditions](file:///etc/passwd)\n\n## I. ", 1)
    text = text.replace("\n## II. ", "\n[m]: https://www.cm2c.net\n\n## II. ", 1)
    cgv.write_text(text, encoding="utf-8")
    return root


def make_between_project(root: Path) -> Path:
    """Three course files: a category spelt two ways, a title twice."""
    make_small_project(root)
    courses = root / "content" / "courses"
    (courses / "RCL-RCL-14.md").unlink()
    for ref, category, title in (("ABC-DEF-1", "COMMUNICATION", "Piloter un projet"),
                                 ("ABC-DEF-2", "Communication", "Piloter un projet"),
                                 ("ABC-DEF-3", "COMMUNICATION", "Communiquer")):
        (courses / f"{ref}.md").write_text(_course(ref, category=f"category: {category}", title=f"title: {title}"),
                                           encoding="utf-8")
    return root


def make_empty_project(root: Path) -> Path:
    make_small_project(root)
    (root / "content" / "courses" / "RCL-RCL-14.md").unlink()
    return root


def lexom_site(cwd: Path, *args: str) -> str:
    """What `lexom-site ARGS` prints, in French (the default language)."""
    env = {k: v for k, v in os.environ.items() if k not in ("LEXOM_LANG", "LANGUAGE", "GITHUB_ACTIONS")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), env.get("PYTHONPATH", "")])
    result = subprocess.run([sys.executable, "-m", "lexom_site", *map(str, args)],
                            capture_output=True, text=True, env=env, cwd=cwd, timeout=600)
    return result.stdout + result.stderr


def check(root: Path, *options: str) -> str:
    return lexom_site(root, "check", "--root", root, *options)


def build_and_files_output(tmp: Path) -> list[str]:
    """The build refusing its folders, and the files given to legal-diff and import."""
    root = make_small_project(tmp / "build")
    (tmp / "mine").mkdir()
    (tmp / "mine" / "garder.txt").write_text("x", encoding="utf-8")
    (tmp / "photos").mkdir()
    (tmp / "photos" / "vacances.jpg").write_bytes(b"x")
    config = root / "site.yaml"
    base_url = re.search(r"base_url: \S+", config.read_text(encoding="utf-8"))[0]
    wrong = make_small_project(tmp / "base_url") / "site.yaml"
    wrong.write_text(config.read_text(encoding="utf-8").replace(base_url, "base_url: https://www.lexom.fr/a&b/"),
                     encoding="utf-8")
    os.mkfifo(tmp / "tube.txt")
    (tmp / "gros.txt").write_bytes(b"a" * 6_000_000)
    (tmp / "abime.pdf").write_bytes(b"%PDF-1.4\n%%EOF")
    (tmp / "fiche.txt").write_text("2\nJours\n", encoding="utf-8")
    return [
        lexom_site(tmp, "build", "--root", root, "--no-pdf", "--out", "mine"),
        lexom_site(tmp, "build", "--root", root, "--no-pdf", "--out", root),
        lexom_site(tmp, "build", "--root", root, "--no-pdf", "--cache-dir", "photos"),
        lexom_site(tmp, "build", "--root", root, "--no-pdf", "--cache-dir", root / "assets" / "cache"),
        lexom_site(tmp, "build", "--root", root, "--no-pdf", "-j", "4000"),
        check(wrong.parent),
        lexom_site(tmp, "legal-diff", "--root", root, "tube.txt", "gros.txt", "abime.pdf"),
        lexom_site(tmp, "import", "--root", root, "--dry-run", "fiche.txt", "fiche.txt"),
    ]


def all_output(tmp: Path) -> str:
    return "\n".join([
        check(make_project(tmp / "site")),
        check(make_small_project(tmp / "strict"), "--strict"),
        check(make_cgv_project(tmp / "cgv")),
        check(make_empty_project(tmp / "empty")),
        check(make_between_project(tmp / "between")),
        *build_and_files_output(tmp),
    ])


def disk_full_messages() -> list[str]:
    """The messages of a full disk, as the tool prints them in French (os.strerror is not translated)."""
    from lexom_site.i18n import compiled_catalog

    reason = os.strerror(errno.ENOSPC)
    return [message.string.format(file="…", reason=reason) for message in compiled_catalog("fr")
            if isinstance(message.string, str) and DISK_FULL in message.string]


def quoted_messages() -> list[tuple[int, str]]:
    """(line, message) for every `code span` of the tested columns of the tables of erreurs.md."""
    found = []
    column = None
    for number, line in enumerate(ERREURS.read_text(encoding="utf-8").splitlines(), 1):
        if not line.startswith("|"):
            column = None
            continue
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if column is None:
            column = next((cells.index(name) for name in TESTED_COLUMNS if name in cells), -1)
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


def found(message: str, printed: str) -> bool:
    """`message` is in one line of `printed`, « … » standing for anything."""
    pattern = ".*?".join(re.escape(piece) for piece in message.split("…"))
    return re.search(pattern, printed) is not None


@pytest.mark.parametrize("line, message", quoted_messages(), ids=lambda value: str(value)[:40])
def test_a_quoted_message_is_what_the_tool_prints(printed, line, message):
    if DISK_FULL in message:
        printed = "\n".join(disk_full_messages())
    assert found(message, printed), f"docs/fr/erreurs.md:{line}: the tool does not print this:\n{message}"


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        print(all_output(Path(folder)))
