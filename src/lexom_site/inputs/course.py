"""Course files: typed front matter + a Markdown programme -> `Course`.

`Course` is a frozen dataclass made from the field declarations of
fields.py: one attribute per front-matter field, typed by its kind, plus
where the course comes from (`path`, `field_lines`) and its `programme`.
`parse_course(source)` works on text only and collects every problem of the
file; `course_to_json` / `course_from_json` are the build cache's round trip,
also derived from the declarations.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping

from ..diagnostics import Diagnostic
from ..i18n import _, ngettext
from .fields import COURSE_FIELDS, PLACEHOLDER
from .markdown import link_problems
from .programme import Programme, parse_programme, programme_from_json, programme_to_json
from .schema import parse_mapping
from .source import Source, compose_yaml, split_front_matter


@dataclass(frozen=True, kw_only=True)
class CourseBase:
    """What every course has besides its front-matter fields."""

    path: str  # as shown in diagnostics
    programme: Programme
    field_lines: Mapping[str, int]  # field name -> line of its key in the file

    def __reduce__(self):  # pickled to and from worker processes; mapping proxies are not picklable
        values = {name: dict(value) if isinstance(value, MappingProxyType) else value
                  for name, value in ((name, getattr(self, name)) for name in _NAMES)}
        return (_course_from_values, (values,))

    @property
    def slug(self) -> str:
        return self.ref.lower()  # type: ignore[attr-defined]

    @property
    def duration_label(self) -> str:
        days = self.duration_days  # type: ignore[attr-defined]
        return f"{days} Jour" + ("s" if days > 1 else "")


Course = dataclasses.make_dataclass(
    "Course", [(spec.name, spec.kind.python_type) for spec in COURSE_FIELDS], bases=(CourseBase,), frozen=True,
    kw_only=True)
Course.__module__ = __name__
Course.__doc__ = "A course: one attribute per field of fields.COURSE_FIELDS, and its programme."
_NAMES = tuple(field.name for field in dataclasses.fields(Course))


def _course_from_values(values: dict[str, Any]) -> Course:
    return Course(**{name: MappingProxyType(value) if isinstance(value, dict) else value
                     for name, value in values.items()})


def course_to_json(course: Course) -> dict[str, Any]:
    """A course as JSON values (for the build cache); `course_from_json` is the inverse."""
    values = {spec.name: spec.kind.to_json(getattr(course, spec.name)) for spec in COURSE_FIELDS
              if getattr(course, spec.name) is not None}
    return {**values, "path": course.path, "field_lines": dict(course.field_lines),
            "programme": programme_to_json(course.programme)}


def course_from_json(values: dict[str, Any]) -> Course:
    return Course(path=values["path"], programme=programme_from_json(values["programme"]),
                  field_lines=MappingProxyType(dict(values["field_lines"])),
                  **{spec.name: spec.kind.from_json(values[spec.name]) if spec.name in values else spec.kind.absent()
                     for spec in COURSE_FIELDS})


def parse_course(source: Source, expected_ref: str | None = None, *, placeholders: bool = False
                 ) -> tuple[Course | None, list[Diagnostic]]:
    """Parse and validate one course file; return every problem found.
    `placeholders`: the « À compléter » that `new course` writes are allowed
    (they are refused everywhere else)."""
    front, diagnostics = split_front_matter(source)
    if front is None:
        return None, diagnostics
    node, diagnostics = compose_yaml(front.yaml_text, source.path, front.yaml_line)
    if node is None and diagnostics:
        return None, diagnostics
    parsed, found = parse_mapping(node, COURSE_FIELDS, source.path, front.yaml_line, _("front matter"))
    diagnostics += found
    values = parsed.values
    if expected_ref is not None and "ref" in values and values["ref"] != expected_ref:
        diagnostics.append(Diagnostic(source.path, parsed.lines["ref"], 1,
                                      _("ref '{ref}' does not match the file name '{name}.md'").format(
                                          ref=values['ref'], name=expected_ref),
                                      hint=_("rename the file to {ref}.md, or correct the reference").format(
                                          ref=values['ref'])))
    programme, found = parse_programme(front.body, source.path, front.body_line)
    diagnostics += found
    if programme is not None and "duration_days" in values:
        days = len(programme.days)
        if days and days != values["duration_days"]:
            diagnostics.append(Diagnostic(
                source.path, parsed.lines["duration_days"], 1,
                ngettext("'duration_days' (Durée en jours) is {duration} but the programme has {count} day",
                         "'duration_days' (Durée en jours) is {duration} but the programme has {count} days", days)
                .format(duration=values['duration_days'], count=days),
                hint=_("make the duration and the 'Jour N' headings of the programme agree")))
    for number, line in enumerate(source.text.split("\n"), start=1):
        for problem in link_problems(line):
            diagnostics.append(Diagnostic(source.path, number, problem.col, problem.message, hint=problem.hint))
        comment = number < front.body_line - 1 and line.lstrip().startswith("#")  # (the header `new course` writes)
        at = line.casefold().find(PLACEHOLDER.casefold()) if not (placeholders or comment) else -1
        if at >= 0:
            diagnostics.append(Diagnostic(source.path, number, at + 1,
                                          _("« {placeholder} » is still here: `new course` left it for you to "
                                            "write").format(placeholder=PLACEHOLDER),
                                          hint=_("replace it by the real text (or remove the line, if the field "
                                                 "is optional)")))
    if diagnostics or programme is None:
        return None, sorted(diagnostics, key=lambda d: (d.line, d.col))
    return Course(path=source.path, programme=programme, field_lines=MappingProxyType(dict(parsed.lines)),
                  **{spec.name: values[spec.name] if spec.name in values else spec.kind.absent()
                     for spec in COURSE_FIELDS}), []
