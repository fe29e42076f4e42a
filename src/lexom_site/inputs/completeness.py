"""Is every course sales-ready and auditable? The items Qualiopi asks every
course to publish (indicator 1 of the Référentiel national qualité, and 2
and 3 where they apply), and the company facts every sheet and proposal
must state, each found in the course file, inherited from site.yaml (or a
built-in default), or missing.

`lexom-site audit` prints them; `build --strict` (or `strict: true` in
site.yaml) refuses to publish while one is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..diagnostics import Diagnostic
from ..i18n import _
from .config import SiteConfig
from .course import Course
from .fields import COURSE_FIELDS
from .french import format_number
from .site_facts import DEFAULT_FIELDS, HOURS_PER_DAY, KNOWN_FACTS

COURSE, SITE, DEFAULT, MISSING, NOT_APPLICABLE = "course", "site", "default", "missing", "n/a"

# The order of the items of indicator 1 in the Référentiel national qualité, then 2 and 3.
ORDER = ("1 · prérequis", "1 · objectifs", "1 · durée", "1 · modalités", "1 · modalités d'accès", "1 · délais d'accès",
         "1 · tarifs", "1 · contacts", "1 · méthodes mobilisées", "1 · modalités d'évaluation", "1 · accessibilité",
         "1 · mise à jour", "2 · résultats", "3 · certification")

# Items that are published only where they apply: absent, they are not missing.
OPTIONAL = {"results", "certification"}
# Facts that only a certified organisation declares.
OPTIONAL_FACTS = {"qualiopi.certificate_url", "qualiopi.category"}


@dataclass(frozen=True)
class Item:
    indicator: str  # "1 · tarifs", "mentions légales"
    label: str  # French: "Tarifs"
    name: str  # the field of the course file, or the fact or default of site.yaml
    status: str  # COURSE, SITE, DEFAULT, MISSING or NOT_APPLICABLE
    detail: str = ""  # where an inherited value comes from


def _inherited(course: Course, name: str, config: SiteConfig) -> tuple[str, str]:
    defaults, facts = config.defaults, config.fact_values()
    if name == "duration_hours":
        if defaults.hours_per_day is not None:
            return SITE, f"{course.duration_days} j × {format_number(defaults.hours_per_day)} h (defaults.hours_per_day)"
        return DEFAULT, f"{course.duration_days} j × {HOURS_PER_DAY} h"
    if name in ("access", "access_delay", "accessibility"):
        return (SITE, f"defaults.{name}") if getattr(defaults, name) is not None else (MISSING, "")
    if name == "contact":
        given = [f"contacts.sales.{part}" for part in ("email", "phone") if f"contacts.sales.{part}" in facts]
        return (SITE, ", ".join(given)) if given else (MISSING, "")
    if name == "sanction":
        return DEFAULT, "Attestation de fin de formation"
    if name in OPTIONAL:
        return NOT_APPLICABLE, ""
    return MISSING, ""


def audit_course(course: Course, config: SiteConfig) -> list[Item]:
    """Each Qualiopi item of one course: given by its file, inherited, or missing."""
    items = []
    for spec in COURSE_FIELDS:
        if not spec.indicator:
            continue
        value = getattr(course, spec.name)
        if value is not None and value != ():
            items.append(Item(spec.indicator, spec.label, spec.name, COURSE))
        else:
            status, detail = _inherited(course, spec.name, config)
            items.append(Item(spec.indicator, spec.label, spec.name, status, detail))
    return sorted(items, key=lambda item: ORDER.index(item.indicator))


def audit_site(config: SiteConfig) -> list[Item]:
    """The company facts and defaults of site.yaml that every sheet and proposal needs."""
    facts, defaults = config.fact_values(), config.defaults
    items = [Item(spec.indicator, spec.label, f"facts.{spec.name}",
                  SITE if spec.name in facts else NOT_APPLICABLE if spec.name in OPTIONAL_FACTS else MISSING)
             for spec in KNOWN_FACTS]
    vat = next(spec for spec in DEFAULT_FIELDS if spec.name == "vat_rate")
    given = defaults.vat_rate is not None or defaults.vat_exemption is not None
    items.append(Item(vat.indicator, "TVA (taux ou exonération)", "defaults.vat_rate",
                      SITE if given else MISSING))
    return items


def completeness_problems(courses: tuple[Course, ...], config: SiteConfig) -> list[Diagnostic]:
    """One error per missing item, at the file that should hold it (for `build --strict`)."""
    problems = [Diagnostic(config.path, 0, 0, _("missing for Qualiopi ({indicator}): {label} ('{name}')").format(
        indicator=item.indicator, label=item.label, name=item.name),
        hint=_("declare it in site.yaml (see docs/content-format.md)"))
                for item in audit_site(config) if item.status == MISSING]
    for course in courses:
        problems += [Diagnostic(course.path, 1, 0, _("missing for Qualiopi ({indicator}): {label} ('{name}')").format(
            indicator=item.indicator, label=item.label, name=item.name),
            hint=_("add '{name}:' to the front matter, or a default in site.yaml where there is one (see "
                   "docs/content-format.md)").format(name=item.name))
                     for item in audit_course(course, config) if item.status == MISSING]
    return problems
