"""`lexom-site audit`: for every course, each item Qualiopi asks it to
publish, found in its file, inherited from site.yaml, or missing; and the
company facts of site.yaml (see inputs/completeness.py)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..i18n import N_, _
from ..inputs.completeness import COURSE, DEFAULT, MISSING, NOT_APPLICABLE, SITE, Item, audit_course, audit_site
from .project import load_project

_STATUS = {COURSE: N_("course file"), SITE: "site.yaml", DEFAULT: N_("default"), MISSING: N_("MISSING"),
           NOT_APPLICABLE: "—"}


def _status(status: str) -> str:
    """How a status is printed, in the language in use (« fiche », « MANQUANT »)."""
    word = _STATUS[status]
    return _(word) if word in (_STATUS[COURSE], _STATUS[DEFAULT], _STATUS[MISSING]) else word


@dataclass(frozen=True)
class CourseAudit:
    ref: str
    title: str
    path: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class AuditReport:
    config_path: str
    site: tuple[Item, ...]
    courses: tuple[CourseAudit, ...]

    @property
    def missing(self) -> int:
        return sum(item.status == MISSING for item in self.site) + sum(
            item.status == MISSING for course in self.courses for item in course.items)

    def lines(self, form: str = "text") -> list[str]:
        """The report as printed: "text" (a table per course), "json", or "github" (warning annotations)."""
        if form == "json":
            return [json.dumps(self.to_json(), ensure_ascii=False, indent=2)]
        if form == "github":
            return [f"::warning file={path}{',line=1' if line else ''}::" + _(
                        "Qualiopi ({indicator}): {label} missing ({name})").format(
                        indicator=item.indicator, label=item.label, name=item.name) for path, line, items in
                    [(self.config_path, False, self.site), *((c.path, True, c.items) for c in self.courses)]
                    for item in items if item.status == MISSING]
        width = max(len(item.label) for course in self.courses for item in course.items + self.site)
        out = []
        for course in self.courses:
            out.append(f"{course.ref} — {course.title} ({course.path})")
            out += [f"  {item.indicator:<28} {item.label:<{width}}  {_status(item.status)}"
                    + (f" ({item.detail})" if item.detail else "") for item in course.items]
            out.append("")
        out.append(f"Site ({self.config_path})")
        out += [f"  {item.indicator:<28} {item.label:<{width}}  {_status(item.status)}  {item.name}"
                for item in self.site]
        incomplete = sum(any(item.status == MISSING for item in course.items) for course in self.courses)
        out += ["", _("{missing} item(s) missing; {incomplete} course(s) out of {total} incomplete.").format(
            missing=self.missing, incomplete=incomplete, total=len(self.courses))]
        return out

    def to_json(self) -> dict[str, Any]:
        return {"missing": self.missing, "site": {"path": self.config_path, "items": [asdict(i) for i in self.site]},
                "courses": [{"ref": c.ref, "title": c.title, "path": c.path, "items": [asdict(i) for i in c.items]}
                            for c in self.courses]}


def audit_project(root: Path) -> AuditReport:
    """Audit a valid project (BuildError with every problem when it is not)."""
    project = load_project(root, strict=False)
    config = project.config
    return AuditReport(config.path, tuple(audit_site(config)),
                       tuple(CourseAudit(course.ref, course.title, course.path, tuple(audit_course(course, config)))
                             for course in project.catalogue.courses))
