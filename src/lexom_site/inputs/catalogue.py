"""The catalogue: the course files of content/courses/, read one by one, and
the `Catalogue` of valid courses in the order readers see them.

`build.project.load_project` runs `read_course` over every file (in parallel
for a large catalogue), collecting every problem before anything is rendered.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from ..diagnostics import Diagnostic, display_path
from ..paths import ignored
from ..i18n import _, ngettext
from .config import SiteConfig
from .course import Course, parse_course
from .french import format_number
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
        return [], [Diagnostic(display_path(courses_dir, config.root), 0, 0, _("folder content/courses/ is missing"))]
    paths, diagnostics = [], []
    for path in sorted(courses_dir.iterdir()):
        shown = display_path(path, config.root)
        if ignored(path.name):  # what editors and systems leave (backups, locks, swap files): not a course
            continue
        if path.is_dir() and not path.is_symlink():
            diagnostics.append(Diagnostic(shown, 0, 0, _("sub-folders are not read in content/courses/"),
                                          hint=_("keep every course file directly in content/courses/")))
        elif path.suffix != ".md":
            diagnostics.append(Diagnostic(shown, 0, 0, _("not a course file (course files end with .md)"),
                                          hint=_("rename it to REF.md or move it out of content/courses/")))
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
    if course is not None:
        found = course_problems(course, config)
        course = None if found else course
    return source, course, diagnostics + found


def course_problems(course: Course, config: SiteConfig) -> list[Diagnostic]:
    """What is wrong with a course given the site's settings: its hours and its days disagree."""
    if course.duration_hours is None:
        return []
    per_day = course.hours_per_day or config.hours_per_day
    expected = course.duration_days * per_day
    if course.duration_hours == expected:
        return []
    own = course.hours_per_day is not None
    hint = (_("correct the hours or the days") if own else
            _("correct the hours or the days, or give this course its own 'hours_per_day:' if its days are not of "
              "{per_day} hours (site.yaml)").format(per_day=format_number(per_day)))
    return [Diagnostic(course.path, course.field_lines["duration_hours"], 1,
                       ngettext("'duration_hours' (Durée en heures) is {hours} but {days} day of {per_day} hours "
                                "make {expected}",
                                "'duration_hours' (Durée en heures) is {hours} but {days} days of {per_day} hours "
                                "make {expected}", course.duration_days).format(
                           hours=format_number(course.duration_hours), days=course.duration_days,
                           per_day=format_number(per_day), expected=format_number(expected)),
                       hint=hint)]


def _section_key(name: str) -> str:
    """What a category's section is known by on the home page (its anchor): no case, no accents, words only."""
    letters = "".join(c for c in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", letters).strip("-")


def catalogue_problems(courses: Iterable[Course]) -> list[Diagnostic]:
    """What is wrong between course files: a category (or a sub-category of one) spelt two ways that make one
    section of the home page (`Communication`, `COMMUNICATION`), reported at each file that does not use the
    spelling most files use; two courses with the same title (a copied file), reported at the second."""
    courses = sorted(courses, key=lambda course: course.path)
    found: list[Diagnostic] = []
    for field, label, key in (("category", "Catégorie", lambda c: _section_key(c.category)),
                              ("subcategory", "Sous-catégorie",
                               lambda c: (_section_key(c.category), _section_key(c.subcategory)))):
        groups: dict[Any, list[Course]] = {}
        for course in courses:
            groups.setdefault(key(course), []).append(course)
        for group in groups.values():
            spellings = [getattr(course, field) for course in group]
            if len(set(spellings)) < 2:
                continue
            used = max(dict.fromkeys(spellings), key=spellings.count)  # (the most used; the first file's if tied)
            first = next(course for course in group if getattr(course, field) == used)
            others = spellings.count(used) - 1
            for course in group:
                spelt = getattr(course, field)
                if spelt == used:
                    continue
                message = _("'{field}' ({label}) '{spelt}' is written '{used}' in {other}: the two would be one "
                            "section of the catalogue, with two names").format(
                    field=field, label=label, spelt=spelt, used=used, other=first.path)
                hint = ngettext("write '{field}: {used}', as {other} does (and {count} other file)",
                                "write '{field}: {used}', as {other} does (and {count} other files)", others).format(
                    field=field, used=used, other=first.path, count=others) if others else \
                    _("write '{field}: {used}', as {other} does").format(field=field, used=used, other=first.path)
                found.append(Diagnostic(course.path, course.field_lines.get(field, 1), 1, message, hint=hint))
    titles: dict[str, Course] = {}
    for course in courses:
        same = titles.setdefault(" ".join(course.title.casefold().split()), course)
        if same is not course:
            found.append(Diagnostic(course.path, course.field_lines.get("title", 1), 1,
                                    _("'title' (Intitulé) '{title}' is also the title of {other}: two courses of the "
                                      "catalogue would have the same title").format(title=course.title,
                                                                                     other=same.path),
                                    hint=_("give this course its own title (was the file copied from {other}?), or "
                                           "delete one of the two files").format(other=same.path)))
    return sorted(found)


def make_catalogue(courses: Iterable[Course]) -> Catalogue:
    return Catalogue(tuple(sorted(courses, key=lambda c: (c.category.casefold(), c.subcategory.casefold(),
                                                          c.title.casefold(), c.ref))))
