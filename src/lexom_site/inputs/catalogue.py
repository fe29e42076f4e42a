"""The catalogue: the course files of content/courses/, read one by one, and
the `Catalogue` of valid courses in the order readers see them.

`build.project.load_project` runs `read_course` over every file (in parallel
for a large catalogue), collecting every problem before anything is rendered.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..diagnostics import Diagnostic, display_path
from .config import SiteConfig
from .course import Course, parse_course
from .source import Reader, Source, read_source

@dataclass(frozen=True)
class Catalogue:
    courses: tuple[Course, ...]  # sorted by category, sub-category, title

    def by_category(self) -> tuple[tuple[str, tuple[tuple[str, tuple[Course, ...]], ...]], ...]:
        tree: dict[str, dict[str, list[Course]]] = {}
        for course in self.courses:
            tree.setdefault(course.category, {}).setdefault(course.subcategory, []).append(course)
        return tuple(
            (category, tuple((sub, tuple(courses)) for sub, courses in subs.items())) for category, subs in tree.items()
        )


def course_paths(config: SiteConfig) -> tuple[list[Path], list[Diagnostic]]:
    """The course files of content/courses/, and what else lies there that should not."""
    courses_dir = config.courses_dir
    if not courses_dir.is_dir():
        return [], [Diagnostic(display_path(courses_dir, config.root), 0, 0, "folder content/courses/ is missing")]
    paths, diagnostics = [], []
    for path in sorted(courses_dir.iterdir()):
        shown = display_path(path, config.root)
        if path.is_dir() and not path.is_symlink():
            diagnostics.append(Diagnostic(shown, 0, 0, "sub-folders are not read in content/courses/",
                                          hint="keep every course file directly in content/courses/"))
        elif path.suffix != ".md":
            if not path.name.startswith("."):
                diagnostics.append(Diagnostic(shown, 0, 0, "not a course file (course files end with .md)",
                                              hint="rename it to REF.md or move it out of content/courses/"))
        else:
            paths.append(path)
    return paths, diagnostics


def read_course(path: Path, config: SiteConfig, reader: Reader = read_source
                ) -> tuple[Source | None, Course | None, list[Diagnostic]]:
    """Read and parse one course file."""
    source, diagnostics = reader(path, display_path(path, config.root))
    if source is None:
        return None, None, diagnostics
    course, found = parse_course(source, expected_ref=path.stem)
    return source, course, diagnostics + found


def make_catalogue(courses: Iterable[Course]) -> Catalogue:
    return Catalogue(tuple(sorted(courses, key=lambda c: (c.category.casefold(), c.subcategory.casefold(),
                                                          c.title.casefold(), c.ref))))
