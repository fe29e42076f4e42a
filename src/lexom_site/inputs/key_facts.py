"""The key facts of a course, as a sales person and an auditor read them:
its own facts with the site's defaults applied, written in French.

The course page, the PDF sheet and the structured data all print these, so
they always say the same thing. What neither the course nor the site gives
is None here (and reported by `lexom-site audit`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .config import SiteConfig
from .course import Course
from .french import NBSP, format_amount, format_date, format_number, plural
from .site_facts import DECLARATION_SENTENCE, SANCTION

DELIVERY_LABELS = {"présentiel": "Présentiel", "distanciel": "À distance", "mixte": "Mixte (présentiel et à distance)"}
FORMAT_LABELS = {"inter": "Inter-entreprises", "intra": "Intra-entreprise"}


@dataclass(frozen=True)
class Contact:
    name: str | None
    email: str | None
    phone: str | None


@dataclass(frozen=True)
class SessionFacts:
    dates: str  # « du 15 au 16 mars 2027 »
    place: str
    seats: str | None  # « 3 places disponibles », « complet »
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class KeyFacts:
    duration: str  # « 2 jours (14 heures) »
    hours: Decimal
    delivery: str | None
    formats: tuple[str, ...]
    prices: tuple[tuple[str, str], ...]  # (what, how much): (« Inter-entreprises », « 1 290 € HT par participant »)
    price_rule: str | None
    vat: str | None  # « TVA 20 % en sus » or the exemption mention
    access: str | None
    access_delay: str | None
    accessibility: str | None
    group_size: str | None  # « de 4 à 12 participants »
    contact: Contact | None
    disability_contact: Contact | None
    trainer_profile: str | None
    technical_means: str | None
    sanction: str
    sessions: tuple[SessionFacts, ...]
    updated: str  # « 3 décembre 2026 »
    results: str | None  # the satisfaction rate with its period and date, never undated
    declaration: str | None  # the declaration number sentence, with « Cet enregistrement ne vaut pas agrément de l'État »


def session_dates(start: dt.date, end: dt.date) -> str:
    if start == end:
        return f"le {format_date(start)}"
    if (start.year, start.month) == (end.year, end.month):
        return f"du {'1er' if start.day == 1 else start.day} au {format_date(end)}"
    if start.year == end.year:
        return f"du {format_date(start).rsplit(' ', 1)[0]} au {format_date(end)}"
    return f"du {format_date(start)} au {format_date(end)}"


def _contact(facts: dict[str, str], prefix: str) -> Contact | None:
    contact = Contact(facts.get(f"{prefix}.name"), facts.get(f"{prefix}.email"), facts.get(f"{prefix}.phone"))
    return contact if any((contact.name, contact.email, contact.phone)) else None


def declaration_sentence(config: SiteConfig) -> str | None:
    """« Déclaration d'activité enregistrée sous le numéro … auprès du préfet de région … » and the
    sentence that must go with it; None while the number is not declared."""
    facts = config.fact_values()
    if "declaration.number" not in facts:
        return None
    return (f"Déclaration d'activité enregistrée sous le numéro {facts['declaration.number']} auprès du préfet de "
            f"région {facts['declaration.region']}. {DECLARATION_SENTENCE}")


def vat_line(config: SiteConfig) -> str | None:
    defaults = config.defaults
    if defaults.vat_exemption is not None:
        return defaults.vat_exemption
    if defaults.vat_rate is not None:
        return f"TVA {format_number(defaults.vat_rate)}{NBSP}% en sus"
    return None


def _prices(prices: Any) -> tuple[tuple[str, str], ...]:
    if prices is None:
        return ()
    lines = []
    if prices.inter is not None:
        lines.append(("Inter-entreprises", f"{format_amount(prices.inter)} HT par participant"))
    if prices.intra_day is not None:
        lines.append(("Intra-entreprise", f"{format_amount(prices.intra_day)} HT par jour"))
    if prices.intra_session is not None:
        lines.append(("Intra-entreprise", f"{format_amount(prices.intra_session)} HT la session"))
    return tuple(lines)


def _results(results: Any) -> str | None:
    if results is None:
        return None
    return (f"{format_number(results.satisfaction_rate)}{NBSP}% de participants satisfaits "
            f"({plural(results.respondents, 'répondant')}, {results.period} ; mesuré le {format_date(results.date)})")


def _seats(left: int | None) -> str | None:
    if left is None:
        return None
    return "complet" if left == 0 else plural(left, "place disponible", "places disponibles")


def hours(course: Course, config: SiteConfig) -> Decimal:
    """The course's total hours: as it says, or its days times the hours per day."""
    if course.duration_hours is not None:
        return course.duration_hours
    return course.duration_days * (course.hours_per_day or config.hours_per_day)


def key_facts(course: Course, config: SiteConfig) -> KeyFacts:
    facts, defaults = config.fact_values(), config.defaults
    total = hours(course, config)
    size = course.group_size
    own = course.contact
    return KeyFacts(
        duration=f"{plural(course.duration_days, 'jour')} ({plural(total, 'heure')})",
        hours=total,
        delivery=DELIVERY_LABELS.get(course.delivery) if course.delivery else None,
        formats=tuple(FORMAT_LABELS[f] for f in course.formats or ()),
        prices=_prices(course.prices),
        price_rule=course.prices.rule if course.prices is not None else None,
        vat=vat_line(config),
        access=course.access or defaults.access,
        access_delay=course.access_delay or defaults.access_delay,
        accessibility=course.accessibility or defaults.accessibility,
        group_size=(f"de {size.min} à {plural(size.max, 'participant')}" if size.min != size.max
                    else plural(size.max, "participant")) if size is not None else None,
        contact=Contact(own.name, own.email, own.phone) if own is not None else _contact(facts, "contacts.sales"),
        disability_contact=_contact(facts, "contacts.handicap"),
        trainer_profile=course.trainer_profile,
        technical_means=course.technical_means,
        sanction=course.sanction or SANCTION,
        sessions=tuple(SessionFacts(session_dates(s.start, s.end), s.place, _seats(s.seats_left), s.start, s.end)
                       for s in course.sessions or ()),
        updated=format_date(course.updated),
        results=_results(course.results),
        declaration=declaration_sentence(config),
    )
