"""Test helpers: tiny sites written from inline text, and one real build.

`write_tree(root, text)` writes a multi-file string in the txtar style used
by Hugo's integration tests:

    -- content/courses/ABC-DEF-1.md --
    ---
    ref: ABC-DEF-1
    ...
"""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest

from lexom_site.build.pipeline import build

REPO = Path(__file__).resolve().parent.parent
LEGACY = REPO.parent / "shared" / "legacy"


def write_tree(root: Path, text: str) -> None:
    text = textwrap.dedent(text)
    parts = re.split(r"^-- (.+?) --\n", text, flags=re.M)
    for name, body in zip(parts[1::2], parts[2::2]):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")


def course_text(ref: str = "ABC-DEF-1", **overrides: str) -> str:
    """A valid course file; `overrides` replace whole front-matter lines or the body."""
    fields = {
        "ref": f"ref: {ref}",
        "title": "title: Piloter un projet",
        "category": "category: GESTION",
        "subcategory": "subcategory: PROJETS",
        "duration_days": "duration_days: 1",
        "objectives": "objectives:\n  - Planifier un projet\n  - Suivre un budget",
        "prerequisites": "prerequisites: Aucun",
        "audience": "audience: Chefs de projet",
        "teaching_methods": "teaching_methods:\n  - Exercices pratiques",
        "evaluation_methods": "evaluation_methods:\n  - QCM final",
        "updated": "updated: 2026-11-23",
    }
    body = overrides.pop("body", "## Jour 1 - Matin\n\n### 1. Cadrer le projet\n\n- Objectifs\n- Périmètre\n\n"
                                 "## Jour 1 - Après-midi\n\n### 2. Suivre le projet\n\n- Tableau de bord\n")
    fields.update(overrides)
    front = "\n".join(line for line in fields.values() if line)
    return f"---\n{front}\n---\n\n{body}"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A project with the real configuration, CGV, templates and assets, and no course."""
    root = tmp_path / "site"
    root.mkdir()
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "assets", root / "assets")
    (root / "content" / "courses").mkdir(parents=True)
    shutil.copytree(REPO / "content" / "legal", root / "content" / "legal")
    return root


@pytest.fixture(scope="session")
def real_build(tmp_path_factory) -> Path:
    """The real content/ built once, PDFs included, into a temporary folder."""
    out = tmp_path_factory.mktemp("real") / "public"
    build(REPO, out)
    return out
