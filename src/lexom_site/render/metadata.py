"""What pages say about themselves to search engines and sharing sites:
descriptions and schema.org JSON-LD, made from the content."""

from __future__ import annotations

import html
import re
from typing import Any

from ..inputs.catalogue import Catalogue
from ..inputs.config import SiteConfig
from ..inputs.course import Course
from ..inputs.key_facts import hours
from ..inputs.markdown import render_inline
from .urls import absolute_url, course_page_path

_TAG = re.compile(r"<[^>]*>")


def catalogue_jsonld(config: SiteConfig, catalogue: Catalogue) -> dict[str, Any]:
    """The home page as a summary page of course listings: an ItemList of the course pages."""
    return {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": config.title,
        "itemListElement": [{"@type": "ListItem", "position": i, "url": absolute_url(config, course_page_path(c))}
                            for i, c in enumerate(catalogue.courses, 1)],
    }


def plain_text(markdown_text: str) -> str:
    """Inline Markdown as plain text (for meta descriptions and structured data)."""
    return html.unescape(_TAG.sub("", render_inline(markdown_text)))


def course_description(course: Course) -> str:
    """One or two sentences about a course: its meta description, Open Graph
    description and structured-data description."""
    text = (f"Formation de {course.duration_label.lower()} en {course.subcategory.lower()} "
            f"(réf. {course.ref}). Objectifs : " + " ; ".join(plain_text(o) for o in course.objectives) + ".")
    return text if len(text) <= 300 else text[:297].rsplit(" ", 1)[0] + "…"


def course_jsonld(config: SiteConfig, course: Course) -> dict[str, Any]:
    """schema.org `Course` of a course page, with the properties search engines
    document for course listings (see docs/site.md)."""
    facts = config.nested_facts()
    url = absolute_url(config, course_page_path(course))
    return {
        "@context": "https://schema.org",
        "@type": "Course",
        "@id": url + "#formation",
        "url": url,
        "name": course.title,
        "description": course_description(course),
        "courseCode": course.ref,
        "inLanguage": "fr",
        "provider": {"@type": "Organization", "name": facts["company"]["name"], "url": config.base_url},
        "coursePrerequisites": plain_text(course.prerequisites),
        "timeRequired": f"P{course.duration_days}D",
        "teaches": [plain_text(o) for o in course.objectives],
        "audience": {"@type": "EducationalAudience", "audienceType": plain_text(course.audience)},
        "about": [course.category, course.subcategory],
        "isAccessibleForFree": False,
        "dateModified": course.updated.isoformat(),
        **_offers(course),
        **_instances(config, course),
    }


_COURSE_MODES = {"présentiel": "Onsite", "distanciel": "Online", "mixte": "Blended"}
_OFFERS = (("inter", "Inter-entreprises, par participant"), ("intra_day", "Intra-entreprise, par jour"),
           ("intra_session", "Intra-entreprise, la session"))


def _offers(course: Course) -> dict[str, Any]:
    """`offers`: each price of the course (excluding VAT), where the course gives one."""
    if course.prices is None:
        return {}
    offers = [{"@type": "Offer", "category": "Paid", "name": name, "price": f"{getattr(course.prices, field):.2f}",
               "priceCurrency": "EUR", "priceSpecification": {"@type": "PriceSpecification", "valueAddedTaxIncluded": False,
                                                             "price": f"{getattr(course.prices, field):.2f}",
                                                             "priceCurrency": "EUR"}}
              for field, name in _OFFERS if getattr(course.prices, field) is not None]
    return {"offers": offers} if offers else {}


def _instances(config: SiteConfig, course: Course) -> dict[str, Any]:
    """`hasCourseInstance`: each session, or the way the course is given when no session is scheduled."""
    mode = {"courseMode": _COURSE_MODES[course.delivery]} if course.delivery else {}
    workload = {"courseWorkload": f"PT{format(hours(course, config).normalize(), 'f')}H"}
    sessions = [{"@type": "CourseInstance", **mode, **workload, "startDate": s.start.isoformat(),
                 "endDate": s.end.isoformat(),
                 **({"location": s.place} if s.place.casefold() not in ("à distance", "a distance") else {})}
                for s in course.sessions or ()]
    if sessions:
        return {"hasCourseInstance": sessions}
    return {"hasCourseInstance": [{"@type": "CourseInstance", **mode, **workload}]} if mode else {}
