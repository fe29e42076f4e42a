"""Commercial proposals (CGV §2.1): a small YAML file written by sales -> `Proposal`.

The file names the client, the course (by its reference in the catalogue),
the session and the participants; prices come from the course's catalogue
price unless the file gives its own lines. Everything is checked against
the catalogue and site.yaml, every problem at `FILE.yaml:line:col`.

Amounts are exact decimals. Each amount printed is rounded to the cent
once, half up: each line's total (quantity × unit price), the VAT (on the
total HT) and the deposit (on the total TTC); the total HT is the sum of the
lines as printed and the TTC the HT plus the VAT, so the table always adds
up. The validity and the deposit come from the CGV's declared amounts
(site.yaml `amounts:` offer_validity, deposit), so they never disagree with it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable

import yaml

from ..diagnostics import Diagnostic
from ..i18n import N_, _
from .config import AMOUNT_RE, SiteConfig
from .course import Course
from .fields import EMAIL_PATTERN, FORMATS, PHONE_PATTERN, REF_PATTERN
from .numbers import Boolean, Date, Money, Number
from .schema import Choice, Field, Group, GroupList, Pattern, Text, TextList, json_schema, read_fields
from .source import Source, compose_yaml

CENT = Decimal("0.01")
KINDS = ("formation", "frais", "remise")  # a course, costs (travel...), a discount (subtracted)

PROPOSAL_FIELDS = (
    Field("number", Pattern(max_length=40, regex=r"[A-Za-z0-9][A-Za-z0-9._/-]{0,39}", example="2026-042"),
          N_("number of the proposal"), example="2026-042", label="Numéro"),
    Field("issued", Date(), N_("date of issue"), example="2026-12-01", label="Date d'émission"),
    Field("client", Group("ProposalClient", (
        Field("company", Text(max_length=200), N_("the client's company (absent for a private individual)"),
              required=False, label="Société"),
        Field("name", Text(max_length=120), N_("the person who signs: the client's contact, or the individual"),
              label="Nom du signataire"),
        Field("role", Text(max_length=120), N_("their role in the company"), required=False, label="Fonction"),
        Field("email", Pattern(max_length=120, regex=EMAIL_PATTERN, example="jeanne.dupont@example.fr"),
              N_("e-mail address"), required=False, label="E-mail"),
        Field("phone", Pattern(max_length=30, regex=PHONE_PATTERN, example="04 75 00 00 00"), N_("telephone"),
              required=False, label="Téléphone"),
        Field("billing_address", Text(max_length=300), N_("billing address"), label="Adresse de facturation"),
    )), N_("the client"), label="Client"),
    Field("course", Pattern(max_length=60, regex=REF_PATTERN, example="RCL-RCL-14"),
          N_("reference of the course in the catalogue"), example="RCL-RCL-14", label="Formation"),
    Field("format", Choice(max_length=10, values=FORMATS), N_("inter (a participant in a session) or intra (in the "
          "client's company)"), example="inter", label="Format"),
    Field("start", Date(), N_("first day of the session"), example="2027-03-15", label="Début"),
    Field("end", Date(), N_("last day of the session"), example="2027-03-16", label="Fin"),
    Field("place", Text(max_length=200), N_("town and address, or « à distance »"), example="Aubenas", label="Lieu"),
    Field("participants", TextList(item=Text(max_length=120)), N_("names of the participants, one per item"),
          example=("Jeanne Dupont",), label="Participants"),
    Field("lines", GroupList(item=Group("PriceLine", (
        Field("label", Text(max_length=200), N_("what is sold"), label="Désignation"),
        Field("kind", Choice(max_length=10, values=KINDS), N_("formation (default), frais (costs) or remise "
              "(a discount, subtracted)"), required=False, label="Nature"),
        Field("quantity", Number(minimum=Decimal("0.01"), maximum=Decimal(10_000), places=2), N_("quantity"),
              example=2, label="Quantité"),
        Field("unit_price", Money(), N_("unit price in euros excluding VAT"), example="1290", label="Prix unitaire HT"),
        Field("override", Boolean(), N_("true when a course's price differs from the catalogue on purpose"),
              required=False, label="Prix dérogatoire"),
    ))), N_("the price lines; by default the course at its catalogue price"), required=False, label="Lignes de prix"),
    Field("vat_rate", Number(maximum=100, places=1, unit="%"), N_("VAT rate, when not the site's"), required=False,
          label="Taux de TVA"),
    Field("vat_exemption", Text(max_length=200), N_("VAT exemption mention, when not the site's"), required=False,
          label="Exonération de TVA"),
)


def proposal_schema() -> dict[str, Any]:
    return json_schema(PROPOSAL_FIELDS, N_("LEXOM commercial proposal"))


@dataclass(frozen=True)
class PriceLine:
    label: str
    kind: str
    quantity: Decimal
    unit_price: Decimal
    total: Decimal  # rounded to the cent; negative for a discount


@dataclass(frozen=True)
class Proposal:
    path: str
    number: str
    issued: dt.date
    valid_until: dt.date
    client: Any  # ProposalClient
    course: Course
    format: str
    start: dt.date
    end: dt.date
    place: str
    participants: tuple[str, ...]
    lines: tuple[PriceLine, ...]
    total_ht: Decimal
    vat_rate: Decimal | None  # None: exempt
    vat_exemption: str | None
    vat: Decimal
    total_ttc: Decimal
    deposit_rate: Decimal  # in %
    deposit: Decimal
    balance: Decimal


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _declared(config: SiteConfig, name: str, unit: str) -> Decimal | None:
    amount = next((a for a in config.amounts if a.name == name), None)
    match = AMOUNT_RE.fullmatch(amount.value) if amount else None
    return Decimal(match["number"].replace(",", ".")) if match and amount.key[1] == unit else None


def _catalogue_line(course: Course, form: str, participants: int) -> PriceLine | None:
    prices = course.prices
    name = f"Formation « {course.title} » (réf. {course.ref})"
    if prices is None:
        return None
    if form == "inter" and prices.inter is not None:
        return PriceLine(f"{name}, inter-entreprises, par participant", "formation", Decimal(participants),
                         prices.inter, cents(prices.inter * participants))
    if form == "intra" and prices.intra_session is not None:
        return PriceLine(f"{name}, intra-entreprise, la session", "formation", Decimal(1), prices.intra_session,
                         cents(prices.intra_session))
    if form == "intra" and prices.intra_day is not None:
        days = Decimal(course.duration_days)
        return PriceLine(f"{name}, intra-entreprise, par jour", "formation", days, prices.intra_day,
                         cents(prices.intra_day * days))
    return None


def _node(root: yaml.Node, *path: str | int) -> yaml.Node:
    """The node of a value in the file (the mapping itself when it is not there)."""
    node = root
    for step in path:
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            found = next((value for key, value in node.value if key.value == step), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            found = node.value[step]
        else:
            found = None
        if found is None:
            return node
        node = found
    return node


def parse_proposal(source: Source, config: SiteConfig, find_course: Callable[[str], Course | None], *,
                   individual: bool = False) -> tuple[Proposal | None, list[Diagnostic]]:
    """Read and check a proposal file against the catalogue (`find_course(ref)`) and site.yaml;
    `individual`: it is the training contract of a private individual (no company)."""
    node, problems = compose_yaml(source.text, source.path, 1)
    if node is None:
        return None, problems or [Diagnostic(source.path, 1, 1, _("the proposal is empty"))]
    values, _keys, found = read_fields(node, PROPOSAL_FIELDS, _("proposal"))
    diagnostics = [Diagnostic(source.path, *_position(p.node or node), p.message if p.form == "plain" else p.text(),
                              hint=p.hint) for p in found]

    def error(where: yaml.Node, message: str, hint: str | None = None) -> None:
        diagnostics.append(Diagnostic(source.path, *_position(where), message, hint=hint))

    course = find_course(values["course"]) if "course" in values else None
    if "course" in values and course is None:
        error(_node(node, "course"), _("'course' (Formation) {ref} is not a course of the catalogue").format(
            ref=values['course']), hint=_("write the reference of a file of content/courses/"))
    if {"issued", "start"} <= values.keys() and values["start"] < values["issued"]:
        error(_node(node, "start"), _("'start' (Début) {start} comes before the issue date {issued}").format(
            start=values['start'].isoformat(), issued=values['issued'].isoformat()))
    if {"start", "end"} <= values.keys() and values["end"] < values["start"]:
        error(_node(node, "end"), _("'end' (Fin) {end} comes before the start {start}").format(
            end=values['end'].isoformat(), start=values['start'].isoformat()))
    if individual and "client" in values and values["client"].company is not None:
        error(_node(node, "client", "company"), _("'client.company' (Société): a training contract is for a private "
              "individual paying for their own training"), hint=_("remove it, or make a proposal for the company "
              "(without --contract)"))
    participants = values.get("participants", ())
    if course is not None and course.group_size is not None and len(participants) > course.group_size.max:
        error(_node(node, "participants"), _("'participants' (Participants): {count} names, more than the course's "
              "maximum of {most}").format(count=len(participants), most=course.group_size.max),
              hint=_("split them over two sessions"))
    deposit = _declared(config, "deposit", "%")
    validity = _declared(config, "offer_validity", "jours")
    if deposit is None or validity is None:
        error(node, _("site.yaml declares no amount 'deposit' (a %) or 'offer_validity' (in jours): the CGV's "
              "deposit and validity of a proposal"), hint=_("declare them under 'amounts:' in site.yaml"))
    lines: list[PriceLine] = []
    if course is not None and "format" in values:
        lines = _lines(values, course, node, error)
    if diagnostics or course is None:
        return None, diagnostics
    rate = values.get("vat_rate", config.defaults.vat_rate)
    exemption = values.get("vat_exemption", config.defaults.vat_exemption if "vat_rate" not in values else None)
    if exemption is not None:
        rate = None
    elif rate is None:
        error(node, _("no VAT: neither the proposal nor site.yaml gives a rate or an exemption"),
              hint=_("write 'vat_rate:' or 'vat_exemption:' (or declare the site's in site.yaml, 'defaults:')"))
        return None, diagnostics
    total_ht = sum((line.total for line in lines), Decimal(0))
    vat = cents(total_ht * rate / 100) if rate is not None else Decimal("0.00")
    total_ttc = total_ht + vat
    deposit_amount = cents(total_ttc * deposit / 100)
    return Proposal(source.path, values["number"], values["issued"], values["issued"] + dt.timedelta(days=int(validity)),
                    values["client"], course, values["format"], values["start"], values["end"], values["place"],
                    tuple(participants), tuple(lines), total_ht, rate, exemption, vat, total_ttc, deposit,
                    deposit_amount, total_ttc - deposit_amount), []


def _lines(values: dict[str, Any], course: Course, node: yaml.Node, error) -> list[PriceLine]:
    form, count = values["format"], len(values.get("participants", ()))
    catalogue = _catalogue_line(course, form, count)
    if "lines" not in values:
        if catalogue is None:
            error(_node(node, "format"), _("the course {ref} has no catalogue price for '{format}'").format(
                ref=course.ref, format=form),
                  hint=_("give the price lines of this proposal ('lines:'), or the price in the course file"))
            return []
        return [catalogue]
    lines = []
    for index, line in enumerate(values["lines"]):
        kind = line.kind or "formation"
        if (kind == "formation" and not line.override and
                (catalogue is None or line.unit_price != catalogue.unit_price)):
            listed = (_("the catalogue's {price}").format(price=catalogue.unit_price) if catalogue else
                      _("no catalogue price"))
            error(_node(node, "lines", index, "unit_price"), _("'lines.{number}.unit_price' (Prix unitaire HT) {price} "
                  "differs from the course's catalogue price ({listed} for '{format}')").format(
                      number=index + 1, price=line.unit_price, listed=listed, format=form),
                  hint=_("write the catalogue price, or 'override: true' on this line if it is a special price"))
        total = cents(line.quantity * line.unit_price)
        lines.append(PriceLine(line.label, kind, line.quantity, line.unit_price, -total if kind == "remise" else total))
    return lines


def _position(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1
