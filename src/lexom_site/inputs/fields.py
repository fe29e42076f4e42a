"""The front matter of a course file, declared once.

Each `Field` says everything about one field: its name, its kind (which
decides how it is read, checked, typed, cached and written back), whether it
is required, its French label, its description, an example, what
`lexom-site new course` writes for it, and the Qualiopi item it answers.
Validation (`course.parse_course`), the `Course` object, the build cache,
the course-file writer of `import`, `new course`, `lexom-site schema` and
`lexom-site audit` all derive from this list: adding a field is adding its
declaration here (and using it in templates). See docs/architecture.md.

The facts French law and Qualiopi require (indicator 1 of the Référentiel
national qualité: prerequisites, objectives, duration, access and lead time,
prices, contacts, methods, evaluation, accessibility; indicators 2 and 3
where they apply) are optional here: a catalogue without prices yet still
builds, and `lexom-site audit` (or `build --strict`) says what is missing.
"""

from __future__ import annotations

from typing import Any

from ..i18n import N_, _
from .schema import (Choice, ChoiceList, Date, Field, FreeMapping, Group, GroupList, Integer, Money, Number, Pattern,
                     PlainText, Text, TextList, json_schema)

REF_PATTERN = r"[A-Z]{2,10}(?:-[A-Z0-9]{1,10}){1,4}"
EMAIL_PATTERN = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
PHONE_PATTERN = r"\+?[0-9][0-9 .]{7,18}[0-9]"
DELIVERY = ("présentiel", "distanciel", "mixte")
FORMATS = ("inter", "intra")
PLACEHOLDER = "À compléter"  # what `new course` leaves for the editor to write; `check` refuses it


def _one_price(prices: Any) -> list[tuple[str, str, str | None]]:
    if all(getattr(prices, name) is None for name in ("inter", "intra_day", "intra_session", "rule")):
        return [("inter", _("gives no price"), _("write 'inter:', 'intra_day:', 'intra_session:' or 'rule:' under "
                                                 "'prices:'"))]
    return []


def _min_max(size: Any) -> list[tuple[str, str, str | None]]:
    if size.min > size.max:
        return [("max", _("is {maximum}, below the minimum {minimum}").format(maximum=size.max, minimum=size.min),
                 _("the maximum is at least the minimum"))]
    return []


def _in_order(session: Any) -> list[tuple[str, str, str | None]]:
    if session.end < session.start:
        return [("end", _("{end} comes before the start {start}").format(end=session.end.isoformat(),
                                                                          start=session.start.isoformat()),
                 _("a session ends on or after the day it starts"))]
    return []


CONTACT = Group("Contact", (
    Field("name", Text(max_length=120), N_("who to contact"), required=False, label="Nom"),
    Field("email", Pattern(max_length=120, regex=EMAIL_PATTERN, example="formation@example.fr"), N_("e-mail address"),
          required=False, label="E-mail"),
    Field("phone", Pattern(max_length=30, regex=PHONE_PATTERN, example="04 75 00 00 00"), N_("telephone number"),
          required=False, label="Téléphone"),
))

COURSE_FIELDS = (
    Field("ref", Pattern(max_length=60, regex=REF_PATTERN, example="RCL-RCL-14"),
          N_("catalogue reference; the file is named after it (RCL-RCL-14.md)"), example="RCL-RCL-14",
          label="Référence"),
    Field("title", PlainText(max_length=200), N_("title of the course (plain text, printed as typed)"),
          example="Utiliser les réseaux sociaux dans sa relation client", label="Intitulé"),
    Field("category", PlainText(max_length=80), N_("catalogue category"), example="RELATION CLIENT", label="Catégorie"),
    Field("subcategory", PlainText(max_length=80), N_("sub-category inside the category"), example="RELATION CLIENTS",
          label="Sous-catégorie"),
    Field("duration_days", Integer(minimum=1, maximum=30), N_("duration in days; the programme has this many days"),
          example=2, label="Durée en jours", indicator="1 · durée"),
    Field("objectives", TextList(), N_("objectives of the course, one per item"), example=("Connaître les réseaux sociaux",),
          label="Objectifs", placeholder=(f"{PLACEHOLDER} (premier objectif)", f"{PLACEHOLDER} (deuxième objectif)"),
          indicator="1 · objectifs"),
    Field("prerequisites", Text(), N_("what participants must know beforehand"),
          example="Aucune connaissance préalable n'est requise", label="Prérequis",
          placeholder=f"{PLACEHOLDER} (ou « Aucun »)", indicator="1 · prérequis"),
    Field("audience", Text(), N_("who the course is for"), example="Tout public", label="Public visé",
          placeholder=f"{PLACEHOLDER} (ou « Tout public »)"),
    Field("teaching_methods", TextList(), N_("teaching methods (« Méthodes pédagogiques »)"),
          example=("Etude de cas pratiques",), label="Méthodes pédagogiques",
          placeholder=(f"{PLACEHOLDER} (une méthode par ligne)",), indicator="1 · méthodes mobilisées"),
    Field("evaluation_methods", TextList(), N_("evaluation methods (« Modalités d'évaluation »)"),
          example=("Réalisation de cas pratiques",), label="Modalités d'évaluation",
          placeholder=(f"{PLACEHOLDER} (une modalité par ligne)",), indicator="1 · modalités d'évaluation"),
    Field("updated", Date(), N_("date of the last update of this sheet, printed « Mis à jour le 3 décembre 2026 »; "
          "`new course` and `import` write the day's date"), example="2026-12-03", label="Date de mise à jour",
          indicator="1 · mise à jour"),
    Field("duration_hours", Number(minimum=1, maximum=1_000, places=2, unit="hours"),
          N_("total duration in hours: the days times the hours per day (the site's hours_per_day, or this course's)"),
          required=False, example=14, label="Durée en heures", indicator="1 · durée"),
    Field("hours_per_day", Number(minimum=1, maximum=12, places=2, unit="hours"),
          N_("hours per day of this course when they are not the site's (defaults.hours_per_day of site.yaml)"),
          required=False, example=6, label="Heures par jour"),
    Field("delivery", Choice(max_length=20, values=DELIVERY), N_("how the course is given: présentiel, distanciel, mixte"),
          required=False, example="présentiel", label="Modalité", indicator="1 · modalités"),
    Field("formats", ChoiceList(item=Choice(max_length=10, values=FORMATS)),
          N_("inter: inter-company sessions; intra: in one company's premises, for its staff"), required=False,
          example=("inter", "intra"), label="Formats", indicator="1 · modalités"),
    Field("prices", Group("Prices", (
        Field("inter", Money(), N_("price per participant of an inter-company session, in euros excluding VAT"),
              required=False, example="1290", label="Tarif inter-entreprises par participant"),
        Field("intra_day", Money(), N_("price per day of an intra-company session, in euros excluding VAT"),
              required=False, example="1450", label="Tarif intra-entreprise par jour"),
        Field("intra_session", Money(), N_("price of a whole intra-company session, in euros excluding VAT"),
              required=False, example="2900", label="Tarif intra-entreprise par session"),
        Field("rule", Text(max_length=300), N_("how the price is set for a made-to-measure course"),
              required=False, example="Sur devis, selon le nombre de participants", label="Tarif sur mesure"),
    ), check=_one_price), N_("prices, in euros excluding VAT (the VAT line comes from site.yaml)"), required=False,
          label="Tarifs", indicator="1 · tarifs"),
    Field("access", Text(), N_("how to enrol (modalités d'accès); the site's default when absent"), required=False,
          label="Modalités d'accès", indicator="1 · modalités d'accès"),
    Field("access_delay", Text(max_length=300), N_("how long between the request and the start; the site's default "
          "when absent"), required=False, example="2 semaines avant le début de la session", label="Délai d'accès",
          indicator="1 · délais d'accès"),
    Field("accessibility", Text(), N_("how disabled people are received and the course adapted; the site's default "
          "when absent"), required=False, label="Accessibilité aux personnes handicapées",
          indicator="1 · accessibilité"),
    Field("contact", CONTACT, N_("the contact for this course, when not the site's sales contact"), required=False,
          label="Contact", indicator="1 · contacts"),
    Field("group_size", Group("GroupSize", (
        Field("min", Integer(minimum=1, maximum=1_000), N_("fewest participants"), example=4, label="Minimum"),
        Field("max", Integer(minimum=1, maximum=1_000), N_("most participants"), example=12, label="Maximum"),
    ), check=_min_max), N_("number of participants of a session"), required=False, label="Effectif",
          indicator="1 · modalités"),
    Field("trainer_profile", Text(), N_("who trains: qualifications and experience"), required=False,
          label="Profil du formateur", indicator="1 · méthodes mobilisées"),
    Field("technical_means", Text(), N_("rooms, equipment, remote tools"), required=False, label="Moyens techniques",
          indicator="1 · méthodes mobilisées"),
    Field("sanction", Text(max_length=300), N_("what participants receive at the end; « Attestation de fin de "
          "formation » when absent"), required=False, label="Sanction de la formation",
          indicator="1 · modalités d'évaluation"),
    Field("sessions", GroupList(item=Group("Session", (
        Field("start", Date(), N_("first day"), example="2027-03-15", label="Début"),
        Field("end", Date(), N_("last day"), example="2027-03-16", label="Fin"),
        Field("place", Text(max_length=200), N_("town and address, or « à distance »"), example="Aubenas",
              label="Lieu"),
        Field("seats_left", Integer(minimum=0, maximum=1_000), N_("seats still free"), required=False, label="Places"),
    ), check=_in_order)), N_("scheduled sessions"), required=False, label="Sessions"),
    Field("results", Group("Results", (
        Field("satisfaction_rate", Number(maximum=100, places=1, unit="%"), N_("participants satisfied, in %"),
              example=94, label="Taux de satisfaction"),
        Field("respondents", Integer(minimum=1, maximum=1_000_000), N_("how many answered"), example=48,
              label="Répondants"),
        Field("period", Text(max_length=120), N_("the sessions it covers"), example="sessions de 2026",
              label="Période"),
        Field("date", Date(), N_("when it was measured"), example="2026-12-01", label="Date de la mesure"),
    )), N_("results of the course (Qualiopi indicator 2): printed with their period and date"), required=False,
          label="Résultats", indicator="2 · résultats"),
    Field("certification", Group("Certification", (
        Field("code", Pattern(max_length=12, regex=r"(?:RNCP|RS)[0-9]{2,6}", example="RS5634"),
              N_("code of the certification in the RNCP or the Répertoire spécifique"), example="RS5634",
              label="Code RNCP ou RS"),
        Field("title", Text(max_length=300), N_("exact title of the certification"), label="Intitulé de la certification"),
        Field("certifier", Text(max_length=200), N_("who awards it"), label="Certificateur"),
        Field("registration_date", Date(), N_("date of its registration in the répertoire"), label="Date d'enregistrement"),
        Field("pass_rate", Number(maximum=100, places=1, unit="%"), N_("candidates who passed, in %"),
              label="Taux de réussite"),
        Field("blocks", TextList(), N_("blocks of skills (blocs de compétences)"), label="Blocs de compétences"),
        Field("equivalences", Text(), N_("equivalences"), label="Équivalences"),
        Field("bridges", Text(), N_("bridges to other certifications (passerelles)"), label="Passerelles"),
        Field("next_steps", Text(), N_("what may follow (suites de parcours)"), label="Suites de parcours"),
        Field("careers", Text(), N_("jobs it leads to (débouchés)"), label="Débouchés"),
    )), N_("the certification the course prepares for (Qualiopi indicator 3): every item is required"), required=False,
          label="Certification", indicator="3 · certification"),
    Field("extra", FreeMapping(), N_("free-form data for templates"), required=False, label="Données libres"),
)


def course_schema() -> dict[str, Any]:
    """The JSON Schema of the front matter (`lexom-site schema`)."""
    return json_schema(COURSE_FIELDS, N_("LEXOM course file (front matter)"))
