"""Writing course files: the inverse of `inputs.course.parse_course`.

`course_file_lines` turns plain values into the lines of a course file in the
project's own format (the front-matter fields in the order of
`COURSE_FIELDS`, each written by its kind, then the programme with `##`
half-days, `###` modules and `-` bullets), exactly as an editor would write
it by hand. Values are plain text: what Markdown or YAML would read
differently is escaped or quoted, so the file says what the values say, no
more. `new_course_text` is the commented file of `lexom-site new course`,
and `write_new_course` writes it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from ..diagnostics import BuildError, Refused, display_path
from ..files import write_atomic
from ..i18n import N_, _
from ..inputs.config import load_config
from ..inputs.course import parse_course
from ..inputs.fields import COURSE_FIELDS, REF_PATTERN
from ..inputs.markdown import escape_markdown
from ..inputs.programme import AFTERNOON, MORNING
from ..inputs.source import Source


@dataclass(frozen=True)
class ModuleDraft:
    number: int
    title: str
    bullets: tuple[str, ...]
    origin: int = 0  # the line it comes from in another document (an imported sheet), if any


@dataclass(frozen=True)
class HalfDayDraft:
    day: int
    period: str  # "Matin" or "Après-midi"
    modules: tuple[ModuleDraft, ...]
    origin: int = 0


@dataclass(frozen=True)
class CourseDraft:
    """A course as plain text values, before it is a file."""

    values: Mapping[str, Any]  # field name -> plain value, for the fields of COURSE_FIELDS it gives
    intro: tuple[str, ...]
    half_days: tuple[HalfDayDraft, ...]
    origins: tuple[tuple[str, int], ...] = ()  # field name (or "intro") -> line in another document, if any

    @property
    def ref(self) -> str:
        return self.values["ref"]


def _front_matter(values: Mapping[str, Any], comments: bool = False) -> list[tuple[str, str]]:
    """(line, field name) of the fields given, in the order of their declarations."""
    lines = []
    for spec in COURSE_FIELDS:
        if spec.name in values:
            if comments:
                lines.append((f"# {_(spec.description)}", spec.name))
            lines += [(line, spec.name) for line in spec.kind.lines(spec.name, values[spec.name])]
    return lines


def course_file_lines(course: CourseDraft) -> list[tuple[str, int]]:
    """The lines of the course file (with their newline), each with the origin
    line of what it holds (0 when none): to report a problem of the file at
    the line of the document it was made from."""
    origins = dict(course.origins)
    lines: list[tuple[str, int]] = [("---\n", 0)]
    lines += [(line + "\n", origins.get(name, 0)) for line, name in _front_matter(course.values)]
    lines.append(("---\n", 0))
    blocks: list[list[tuple[str, int]]] = [[(escape_markdown(p), origins.get("intro", 0))] for p in course.intro]
    for half in course.half_days:
        blocks.append([(f"## Jour {half.day} - {half.period}", half.origin)])
        for module in half.modules:
            blocks.append([(f"### {module.number}. {escape_markdown(module.title)}", module.origin)])
            blocks.append([(f"- {escape_markdown(b)}", module.origin) for b in module.bullets])
    for block in blocks:
        lines.append(("\n", 0))
        lines += [(text + "\n", origin) for text, origin in block]
    return lines


# --- a new course file, every field present and explained ----------------------------------------------------

NEW_COURSE_HEADER = N_("""\
# Course sheet {ref}: every field is explained in docs/content-format.md.
# Replace each « À compléter » by the real text, then run `lexom-site check`.
""")
NEW_COURSE_INTRO = "A l'issue de la formation, les participants seront capables de :"


def new_course_text(ref: str, title: str, category: str, subcategory: str, days: int, updated: dt.date) -> str:
    """A valid course file with every field present and commented, to be
    completed by an editor: the values given, and for the other fields what
    their declaration says to write (`placeholder`)."""
    given = {"ref": ref, "title": title, "category": category, "subcategory": subcategory, "duration_days": days,
             "updated": updated}
    values = {spec.name: given.get(spec.name, spec.placeholder) for spec in COURSE_FIELDS
              if spec.name in given or spec.placeholder is not None}
    front = [line for line, _name in _front_matter(values, comments=True)]
    optional = [spec.name for spec in COURSE_FIELDS if spec.indicator and spec.name not in values]
    front += _("# Optional facts that sales and Qualiopi ask for (docs/content-format.md; `lexom-site audit`\n"
               "# lists those still missing): {names}").format(names=", ".join(optional)).split("\n")
    halves = []
    number = 0
    for day in range(1, days + 1):
        for period in (MORNING, AFTERNOON):
            number += 1
            halves.append(f"## Jour {day} - {period}\n\n### {number}. À compléter : titre du module\n\n"
                          "- À compléter : un point par ligne\n")
    return ("---\n" + _(NEW_COURSE_HEADER).format(ref=ref) + "\n" + "\n".join(front) + "\n---\n\n"
            + NEW_COURSE_INTRO + "\n\n" + "\n".join(halves))


def write_new_course(root: Path, ref: str, title: str, category: str, subcategory: str, days: int,
                     updated: dt.date | None = None) -> str:
    """Write content/courses/REF.md for `lexom-site new course`; the path as
    shown. Writes nothing and raises Refused for a reference that is malformed
    or taken, BuildError for values a course file cannot carry (or an invalid
    site.yaml)."""
    config = load_config(root)
    if not re.fullmatch(REF_PATTERN, ref):
        raise Refused(_("'{ref}' is not a course reference: write it like RCL-RCL-14 (capital letters, digits and "
                        "dashes)").format(ref=ref))
    target = config.courses_dir / f"{ref}.md"
    shown = display_path(target, config.root)
    existing = [p for p in (config.courses_dir.iterdir() if config.courses_dir.is_dir() else [])
                if p.stem.casefold() == ref.casefold()]
    if existing:
        raise Refused(_("{path} already exists: the reference {ref} is taken; nothing was written").format(
            path=display_path(existing[0], config.root), ref=ref))
    text = new_course_text(ref, title, category, subcategory, days, updated or dt.date.today())
    _course, problems = parse_course(Source(shown, text), expected_ref=ref, placeholders=True)
    if problems:  # a title YAML or Markdown cannot carry, say
        raise BuildError(problems)
    config.courses_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(target, text.encode("utf-8"), replace=False)  # never over a file that appeared meanwhile
    return shown
