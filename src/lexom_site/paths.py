"""Where things are: the layout of a lexom-site project, in one place.

    site.yaml              site settings and company facts
    content/courses/       one course file per course (REF.md)
    content/legal/cgv.md   the canonical CGV
    content/catalogue.md   the introduction of the printed catalogue
    templates/             Jinja templates
    assets/                published as they are
    public/                the built site (default output folder)
    .lexom-site-cache/     the build cache, beside the output folder
"""

from __future__ import annotations

import os
from pathlib import Path

CONFIG_FILE = "site.yaml"
CONTENT_DIR = "content"
COURSES_DIR = "content/courses"
LEGAL_DIR = "content/legal"
CGV_FILE = "content/legal/cgv.md"
CATALOGUE_INTRO = "content/catalogue.md"  # the introduction page of the printed catalogue (Markdown)
TEMPLATES_DIR = "templates"
ASSETS_DIR = "assets"
OUTPUT_DIR = "public"
OUTPUT_MARKER = ".lexom-site-build"  # in an output folder: made by lexom-site, replaced by every build
CACHE_DIR = ".lexom-site-cache"

INPUT_DIRS = (CONTENT_DIR, TEMPLATES_DIR, ASSETS_DIR)  # with CONFIG_FILE: every file a build reads
# folders of a project that an output folder must never replace
SOURCE_DIRS = (CONTENT_DIR, TEMPLATES_DIR, ASSETS_DIR, "src", "tests", "docs", ".git")


def locations(root: Path, out_dir: Path | None = None, cache_dir: Path | None = None) -> tuple[Path, Path, Path]:
    """The project root, the output folder and the cache folder a build uses (absolute)."""
    root = root.resolve()
    out_dir = (out_dir or root / OUTPUT_DIR).resolve()
    return root, out_dir, (cache_dir or out_dir.parent / CACHE_DIR).resolve()


_LEFT_BY_TOOLS = {"4913", "Thumbs.db", "desktop.ini", "Icon\r"}  # vim's write probe; Windows' and macOS's own files


def ignored(name: str) -> bool:
    """A file name no command reads, publishes or watches: what editors and systems leave beside the sources —
    hidden files (`.name`, Emacs's `.#name` lock, `.DS_Store`, vim's `.name.swp`), Emacs's `#name#` and backups
    `name~`, vim's `4913` probe, `Thumbs.db`, `desktop.ini` (docs/content-format.md, « Files and folders »)."""
    return name.startswith((".", "#")) or name.endswith("~") or name in _LEFT_BY_TOOLS


def visible_files(folder: Path) -> list[Path]:
    """The files below `folder` that the build reads (none below an ignored folder), in a set order."""
    found = []
    for base, folders, names in os.walk(folder):
        folders[:] = sorted(f for f in folders if not ignored(f))
        found += [Path(base, name) for name in sorted(names) if not ignored(name)]
    return found


def bundled(folder: str) -> Path:
    """The templates/ or assets/ that come with lexom-site (in its wheel), for a project that has none of its own."""
    return Path(__file__).resolve().parent / "bundled" / folder


def project_or_bundled(root: Path, folder: str) -> Path:
    """The project's templates/ or assets/, or lexom-site's own when the project has none."""
    own = root / folder
    return own if own.is_dir() or not bundled(folder).is_dir() else bundled(folder)
