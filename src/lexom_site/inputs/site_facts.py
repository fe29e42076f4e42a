"""What site.yaml declares for the whole catalogue, besides its settings:
the company facts that French law and Qualiopi ask every sheet and proposal
to state, and the defaults a course file inherits when it does not say.

Facts are free-form (`facts:` may hold any name the CGV or templates use),
but those below have a set form, checked when site.yaml is read, and
`lexom-site audit` reports the ones not declared. None is ever invented: a
fact LEXOM has not given stays undeclared, and is reported missing.
"""

from __future__ import annotations

from ..i18n import N_, _
from .fields import EMAIL_PATTERN, PHONE_PATTERN
from .numbers import Boolean, Number
from .schema import Choice, Field, Group, Pattern, Text

QUALIOPI_CATEGORIES = ("actions de formation", "bilans de compétences", "actions de VAE",
                       "actions de formation par apprentissage")

# The facts with a set form, by their dotted name in `facts:`.
KNOWN_FACTS = tuple(
    Field(name, kind, description, required=False, label=label, indicator=indicator) for name, kind, description,
    label, indicator in (
        ("company.legal_name", Text(max_length=200), N_("legal name of the company"), "Raison sociale", "mentions légales"),
        ("company.legal_form", Text(max_length=80), N_("legal form and capital (« SAS au capital de … € »)"),
         "Forme juridique", "mentions légales"),
        ("company.siret", Pattern(regex=r"[0-9]{3} ?[0-9]{3} ?[0-9]{3} ?[0-9]{5}", example="123 456 789 00012"),
         N_("SIRET number: 14 digits"), "SIRET", "mentions légales"),
        ("company.address", Text(max_length=300), N_("postal address of the registered office"), "Adresse",
         "mentions légales"),
        ("declaration.number", Pattern(regex=r"[0-9]{2} ?[0-9]{2} ?[0-9]{5} ?[0-9]{2}", example="84 07 01234 07"),
         N_("training provider declaration number (numéro de déclaration d'activité): 11 digits"),
         "Numéro de déclaration d'activité", "mentions légales"),
        ("declaration.region", Text(max_length=80), N_("region of the préfet it was declared to"),
         "Région de la déclaration", "mentions légales"),
        ("contacts.sales.name", Text(max_length=120), N_("the sales contact's name"), "Contact commercial",
         "1 · contacts"),
        ("contacts.sales.email", Pattern(regex=EMAIL_PATTERN, example="formation@example.fr"),
         N_("the sales contact's e-mail address"), "E-mail du contact commercial", "1 · contacts"),
        ("contacts.sales.phone", Pattern(regex=PHONE_PATTERN, example="04 75 00 00 00"),
         N_("the sales contact's telephone"), "Téléphone du contact commercial", "1 · contacts"),
        ("contacts.handicap.name", Text(max_length=120), N_("the disability contact (référent handicap)"),
         "Référent handicap", "1 · accessibilité"),
        ("contacts.handicap.email", Pattern(regex=EMAIL_PATTERN, example="handicap@example.fr"),
         N_("the disability contact's e-mail address"), "E-mail du référent handicap", "1 · accessibilité"),
        ("contacts.handicap.phone", Pattern(regex=PHONE_PATTERN, example="04 75 00 00 00"),
         N_("the disability contact's telephone"), "Téléphone du référent handicap", "1 · accessibilité"),
        ("qualiopi.certificate_url", Pattern(regex=r"https://\S+", example="https://…/certificat.pdf"),
         N_("where the Qualiopi certificate can be read"), "Certificat Qualiopi", "certification Qualiopi"),
        ("qualiopi.category", Choice(values=QUALIOPI_CATEGORIES), N_("the category of actions certified"),
         "Catégorie d'actions certifiée", "certification Qualiopi"),
    ))

# Facts that are printed together or not at all.
PAIRS = (("declaration.number", "declaration.region"),)

DECLARATION_SENTENCE = "Cet enregistrement ne vaut pas agrément de l'État."

HOURS_PER_DAY = 7  # when site.yaml does not say (defaults.hours_per_day)
SANCTION = "Attestation de fin de formation"  # when a course does not say (its `sanction`)

# `defaults:` of site.yaml: what a course file inherits when it does not say it.
DEFAULT_FIELDS = (
    Field("hours_per_day", Number(minimum=1, maximum=12, places=2, unit="hours"),
          N_("hours per day of the courses, 7 when not given"), required=False, example=7,
          label="Heures par jour"),
    Field("access", Text(), N_("how to enrol in a course (modalités d'accès)"), required=False, label="Modalités d'accès",
          indicator="1 · modalités d'accès"),
    Field("access_delay", Text(max_length=300), N_("how long between the request and the start (délai d'accès)"),
          required=False, label="Délai d'accès", indicator="1 · délais d'accès"),
    Field("accessibility", Text(), N_("how disabled people are received and how courses are adapted: who to contact, "
          "what can be arranged (a bare « oui » is not enough)"), required=False,
          label="Accessibilité aux personnes handicapées", indicator="1 · accessibilité"),
    Field("vat_rate", Number(maximum=100, places=1, unit="%"), N_("VAT rate added to the prices, in %"), required=False,
          example=20, label="Taux de TVA", indicator="1 · tarifs"),
    Field("vat_exemption", Text(max_length=200), N_("the VAT exemption mention, when the courses are exempt"),
          required=False, example="Exonération de TVA, article 261-4-4° a du CGI", label="Exonération de TVA",
          indicator="1 · tarifs"),
)


def _one_vat(defaults: object) -> list[tuple[str, str, str | None]]:
    if getattr(defaults, "vat_rate") is not None and getattr(defaults, "vat_exemption") is not None:
        return [("vat_exemption", _("is given with a VAT rate"), _("keep the rate or the exemption, not both"))]
    return []


DEFAULTS = Group("SiteDefaults", DEFAULT_FIELDS, check=_one_vat)
STRICT = Field("strict", Boolean(), N_("refuse to build while a course lacks a fact Qualiopi requires "
               "(as `build --strict`)"), required=False, label="Mode strict")
