"""The practical sections an old sheet may hold (Tarif, Durée, Modalités et
délais d'accès, Accessibilité, Contact, Sanction), turned into the fields of
a course file. What cannot be read for sure is kept as text (a price that
is not one amount per participant, per day or per session becomes the
course's price rule) and said in a warning, never dropped."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Callable

from ..i18n import _
from ..inputs.fields import COURSE_FIELDS, EMAIL_PATTERN, PHONE_PATTERN

TARIF, DUREE, ACCES, ACCESSIBILITE, CONTACT, SANCTION = (
    "Tarif", "Durée", "Modalités et délais d'accès", "Accessibilité", "Contact", "Sanction")
SECTION_KEYS = {
    "tarif": TARIF, "tarifs": TARIF, "prix": TARIF, "cout": TARIF,
    "duree": DUREE,
    "modalites et delais d acces": ACCES, "modalites d acces": ACCES, "delais d acces": ACCES,
    "delai d acces": ACCES, "modalites et delai d acces": ACCES,
    "accessibilite": ACCESSIBILITE, "accessibilite aux personnes handicapees": ACCESSIBILITE, "handicap": ACCESSIBILITE,
    "contact": CONTACT, "contacts": CONTACT,
    "sanction": SANCTION, "sanction de la formation": SANCTION,
}
# the field each section gives
FIELD_SECTIONS = {"prices": TARIF, "duration_hours": DUREE, "access": ACCES, "accessibility": ACCESSIBILITE,
                  "contact": CONTACT, "sanction": SANCTION}
_KINDS = {spec.name: spec.kind for spec in COURSE_FIELDS}

_AMOUNT = r"(?P<amount>[0-9]{1,3}(?:[ \u00a0\u202f.]?[0-9]{3})*(?:,[0-9]{2})?)\s*(?:€|euros?)\s*(?:HT|hors taxes?)?"
_PRICES = (
    ("inter", re.compile(_AMOUNT + r"\s*(?:par|/)\s*(?:participant|personne|stagiaire)", re.IGNORECASE)),
    ("intra_day", re.compile(_AMOUNT + r"\s*(?:par|/)\s*jour(?:née)?", re.IGNORECASE)),
    ("intra_session", re.compile(_AMOUNT + r"\s*(?:par|/|la)\s*session", re.IGNORECASE)),
)
_HOURS = re.compile(r"(?P<hours>[0-9]{1,3}(?:[.,][0-9]{1,2})?)\s*(?:h\b|heures?)", re.IGNORECASE)


def _amount(text: str) -> Decimal:
    return Decimal(re.sub(r"[ \u00a0\u202f.]", "", text).replace(",", "."))


def read_facts(sections: dict[str, str], warn: Callable[[str, str], None]) -> dict[str, Any]:
    """Field values from the text of each practical section found (`warn(section, message)`)."""
    values: dict[str, Any] = {}
    if TARIF in sections:
        text = sections[TARIF]
        prices = {name: _amount(match["amount"]) for name, pattern in _PRICES if (match := pattern.search(text))}
        rest = text
        for _name, pattern in _PRICES:
            rest = pattern.sub("", rest)
        if not prices or re.search(r"\w", rest):
            prices = {"rule": text}
            warn(TARIF, _("the price was kept as text (the course's price rule): write the amounts as 'prices:' "
                          "fields if they are per participant, per day or per session"))
        values["prices"] = _KINDS["prices"].make(prices)
    if DUREE in sections:
        match = _HOURS.search(sections[DUREE])
        if match:
            values["duration_hours"] = Decimal(match["hours"].replace(",", "."))
        else:
            warn(DUREE, _("no number of hours found: the duration is the sheet's number of days"))
    for section, name in ((ACCES, "access"), (ACCESSIBILITE, "accessibility"), (SANCTION, "sanction")):
        if section in sections:
            values[name] = sections[section]
    if CONTACT in sections:
        text = sections[CONTACT]
        email = re.search(EMAIL_PATTERN, text)
        phone = re.search(PHONE_PATTERN, text)
        name = text
        for found in (email, phone):
            if found:
                name = name.replace(found.group(), " ")
        name = " ".join(re.sub(r"\b(?:t[ée]l(?:[ée]phone)?|e-?mail|courriel|contact)\s*:?", " ", name,
                               flags=re.IGNORECASE).split(" ")).strip(" -–—,;:/")
        values["contact"] = _KINDS["contact"].make({"name": " ".join(name.split()) or None,
                                                   "email": email.group() if email else None,
                                                   "phone": phone.group() if phone else None})
    return values
