"""Sales-ready, Qualiopi-complete sheets: every fact declared once, shown the
same on the page, the PDF and the structured data; reported when missing
(`audit`, `build --strict`); refused when wrong, at its line."""

from __future__ import annotations

import html
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import LEGACY, REPO, complete_site, course, write_tree

from lexom_site.cli import main
from lexom_site.legal.pdftext import page_texts

def run(*args: str):
    return CliRunner().invoke(main, list(args))


def flat(text: str) -> str:
    """Text with every kind of space as one plain space, and straight apostrophes (the outputs print ’)."""
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").replace("’", "'").split())


# The facts a sales person reads, as every output must print them.
FACTS = [
    "2 jours (14 heures)", "Présentiel", "Inter-entreprises, Intra-entreprise",
    "Inter-entreprises : 1 290 € HT par participant", "Intra-entreprise : 1 450,50 € HT par jour", "TVA 20 % en sus",
    "de 4 à 12 participants", "2 semaines avant le début de la session", "Camille Martin", "formation@lexom.fr",
    "04 75 00 00 00", "du 15 au 16 mars 2027, Aubenas (3 places disponibles)", "du 31 mai au 1er juin 2027, à distance",
    "Inscription par le formulaire de contact ; un entretien vérifie les prérequis.",
    "Accueil adapté sur demande auprès du référent handicap (supports, rythme, lieu).",
    "Référent handicap : Alex Durand — handicap@lexom.fr — 04 75 00 00 01",
    "Consultant en gestion de projet, dix ans d'expérience", "Salle équipée, vidéoprojecteur, un ordinateur par participant",
    "Attestation de fin de formation",
    "94,5 % de participants satisfaits (48 répondants, sessions de 2026 ; mesuré le 1er décembre 2026)",
    "Piloter un projet (RS5634), délivrée par Exemple Certification, enregistrée le 1er juin 2024",
    "Taux de réussite : 88 %", "Bloc 1 - Cadrer un projet", "Formation chef de projet confirmé", "Chef de projet",
]


def test_a_complete_course_shows_every_fact_the_same_on_its_page_its_pdf_and_its_structured_data(site: Path):
    complete_site(site)
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course()}")
    result = run("build", "--root", str(site), "--strict")
    assert result.exit_code == 0, result.stderr
    page = (site / "public/formations/abc-def-1/index.html").read_text(encoding="utf-8")
    page_text = flat(html.unescape(re.sub(r"<[^>]+>", " ", page)))
    pdf = page_texts((site / "public/pdf/ABC-DEF-1.pdf").read_bytes(), margin_band=0)
    course_pages = flat(" ".join(pdf[: next(i for i, p in enumerate(pdf) if "Conditions Générales de Vente" in p)]))
    def bare(text: str) -> str:  # the PDF's text may break a line, with or without a hyphen, anywhere
        return re.sub(r"[\s\-\u2010\u202f\u00a0]", "", text).replace("\u2019", "'")

    for fact in FACTS:
        assert flat(fact) in page_text, fact
        assert bare(fact) in bare(course_pages), fact
    assert "Mise à jour 23 novembre 2026" in page_text
    assert "Mis à jour le 23 novembre 2026" in course_pages  # the footer of every course page
    sentence = ("Déclaration d'activité enregistrée sous le numéro 84 07 01234 07 auprès du préfet de région "
                "Auvergne-Rhône-Alpes. Cet enregistrement ne vaut pas agrément de l'État.")
    assert sentence in course_pages and sentence in page_text
    # the structured data says the same, in numbers
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)[1])
    assert [(o["name"], Decimal(o["price"]), o["priceCurrency"]) for o in data["offers"]] == [
        ("Inter-entreprises, par participant", Decimal("1290"), "EUR"),
        ("Intra-entreprise, par jour", Decimal("1450.50"), "EUR")]
    assert [(i["courseMode"], i["startDate"], i["endDate"], i.get("location"), i["courseWorkload"])
            for i in data["hasCourseInstance"]] == [("Onsite", "2027-03-15", "2027-03-16", "Aubenas", "PT14H"),
                                                    ("Onsite", "2027-05-31", "2027-06-01", None, "PT14H")]
    assert data["dateModified"] == "2026-11-23"
    sitemap = (site / "public/sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://www.lexom.fr/formations/abc-def-1/</loc><lastmod>2026-11-23</lastmod>" in sitemap
    assert "Tarif 1" in page and 'data-pagefind-meta="Modalité"' in page  # shown in search results
    # and the audit finds nothing missing
    audit = run("audit", "--root", str(site), "--format", "json")
    assert audit.exit_code == 0 and json.loads(audit.stdout)["missing"] == 0


REAL_MISSING = ["delivery", "formats", "group_size", "access", "access_delay", "prices", "contact",
                "trainer_profile", "technical_means", "accessibility"]
SITE_MISSING = ["facts.company.legal_name", "facts.company.legal_form", "facts.company.siret", "facts.company.address",
                "facts.declaration.number", "facts.declaration.region", "facts.contacts.sales.name",
                "facts.contacts.sales.email", "facts.contacts.sales.phone", "facts.contacts.handicap.name",
                "facts.contacts.handicap.email", "facts.contacts.handicap.phone", "defaults.vat_rate"]


def real_copy(tmp_path: Path) -> Path:
    root = tmp_path / "real"
    root.mkdir()
    for name in ("site.yaml", "content", "templates", "assets"):
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, root / name)
    return root


def test_audit_of_the_real_catalogue_lists_exactly_what_is_missing(tmp_path: Path):
    root = real_copy(tmp_path)
    result = run("audit", "--root", str(root), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [i["name"] for i in report["site"]["items"] if i["status"] == "missing"] == SITE_MISSING
    for entry in report["courses"]:
        assert sorted(i["name"] for i in entry["items"] if i["status"] == "missing") == sorted(REAL_MISSING)
        statuses = {i["name"]: (i["status"], i["detail"]) for i in entry["items"]}
        assert statuses["duration_hours"] == ("default", "2 j × 7 h")  # inherited, not missing
        assert statuses["sanction"][0] == "default" and statuses["results"][0] == "n/a"
    assert report["missing"] == len(SITE_MISSING) + 2 * len(REAL_MISSING)
    text = run("audit", "--root", str(root))
    assert "  1 · tarifs                   Tarifs" in text.stdout and "MISSING" in text.stdout
    assert text.stdout.rstrip().endswith("33 item(s) missing; 2 course(s) out of 2 incomplete.")
    github = run("audit", "--root", str(root), "--format", "github", "--exit-zero")
    assert github.exit_code == 0
    assert ("::warning file=content/courses/RCL-RCL-14.md,line=1::Qualiopi (1 · tarifs): Tarifs missing (prices)"
            in github.stdout.splitlines())


def test_strict_build_refuses_an_incomplete_catalogue_with_one_error_per_missing_item(tmp_path: Path):
    root = real_copy(tmp_path)
    assert run("build", "--root", str(root), "--no-pdf").exit_code == 0  # published while incomplete
    before = {p: p.read_bytes() for p in (root / "public").rglob("*") if p.is_file()}
    for strict in (["--strict"], []):
        if not strict:  # the same, declared in site.yaml
            config = (root / "site.yaml").read_text(encoding="utf-8")
            (root / "site.yaml").write_text(config.replace("site:\n", "site:\n  strict: true\n", 1), encoding="utf-8")
        result = run("build", "--root", str(root), "--no-pdf", *strict)
        assert result.exit_code == 1
        errors = [line for line in result.stderr.splitlines() if ": error: " in line]
        assert len(errors) == len(SITE_MISSING) + 2 * len(REAL_MISSING)
        assert ("content/courses/RCL-RCL-14.md:1: error: missing for Qualiopi (1 · tarifs): Tarifs ('prices')"
                in errors)
        assert "site.yaml: error: missing for Qualiopi (1 · contacts): Contact commercial " \
               "('facts.contacts.sales.name')" in errors
        assert {p: p.read_bytes() for p in (root / "public").rglob("*") if p.is_file()} == before
    assert run("check", "--root", str(root)).exit_code == 1  # site.yaml's strict applies to check too


@pytest.mark.parametrize("extra, expected", [
    ("prices:\n  inter: 1290,5", ":18:10: error: 'prices.inter' (Tarif inter-entreprises par participant) expected a "
     "number such as 1290 or 1290.50, found '1290,5'\n  hint: write the cents with two digits, after a point: "
     "1290.50"),
    ("prices:\n  inter: -100", ":18:10: error: 'prices.inter' (Tarif inter-entreprises par participant) expected a "
     "number such as 1290 or 1290.50, found '-100'\n  hint: it cannot be negative"),
    ("prices:\n  currency: EUR", ":18:3: error: unknown field 'prices.currency'"),
    ("prices: 1290", ":17:9: error: 'prices' (Tarifs) expected a group of fields, found '1290'"),
    ("duration_hours: 15", ":17:1: error: 'duration_hours' (Durée en heures) is 15 but 2 days of 7 hours make 14\n"
     "  hint: correct the hours or the days, or give this course its own 'hours_per_day:' if its days are not of 7 "
     "hours (site.yaml)"),
    ("results:\n  satisfaction_rate: 94\n  respondents: 12\n  date: 2026-12-01",
     ":18:3: error: required field 'results.period' (Période) is missing"),
    ("certification:\n  title: Piloter\n  certifier: X\n  registration_date: 2024-06-01\n  pass_rate: 80\n"
     "  blocks:\n    - Bloc 1\n  equivalences: a\n  bridges: b\n  next_steps: c\n  careers: d",
     ":18:3: error: required field 'certification.code' (Code RNCP ou RS) is missing"),
    ("certification:\n  code: RNCP\n  title: T", ":18:9: error: 'certification.code' (Code RNCP ou RS) 'RNCP' is not in "
     "the expected form"),
    ("delivery: presentiel", ":17:11: error: 'delivery' (Modalité) 'presentiel' is not one of présentiel, distanciel, "
     "mixte\n  hint: write 'présentiel'"),
    ("group_size:\n  min: 12\n  max: 4", ":19:8: error: 'group_size.max' (Maximum) is 4, below the minimum 12"),
    ("sessions:\n  - start: 2027-03-16\n    end: 2027-03-15\n    place: Aubenas",
     ":19:10: error: 'sessions.1.end' (Fin) 2027-03-15 comes before the start 2027-03-16"),
    ("formats:\n  - inter\n  - inter", ":18:5: error: 'formats' (Formats) lists 'inter' twice"),
])
def test_wrong_facts_are_refused_at_their_line_with_their_french_label(site: Path, extra: str, expected: str):
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course(extra=extra)}")
    result = run("check", "--root", str(site))
    assert result.exit_code == 1
    assert f"content/courses/ABC-DEF-1.md{expected}" in result.stderr


def test_site_facts_are_checked_and_the_declaration_never_goes_without_its_sentence(site: Path):
    complete_site(site)
    config = site / "site.yaml"
    good = config.read_text(encoding="utf-8")
    config.write_text(good.replace("    region: Auvergne-Rhône-Alpes\n", "").replace("123 456 789 00012", "123"),
                      encoding="utf-8")
    result = run("check", "--root", str(site))
    assert result.exit_code == 1
    assert "site.yaml:17:12: error: fact 'company.siret' (SIRET) '123' is not in the expected form" in result.stderr
    assert ("site.yaml:20:1: error: fact 'declaration.number' is declared without 'declaration.region'\n"
            "  hint: they are printed together: declare 'declaration.region' too") in result.stderr
    config.write_text(good, encoding="utf-8")
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course(prerequisites='prerequisites: Organisme n° 84 07 01234 07')}")
    result = run("check", "--root", str(site))
    assert ("content/courses/ABC-DEF-1.md:10:29: error: the declaration number is printed without « Cet enregistrement "
            "ne vaut pas agrément de l'État. »") in result.stderr
    write_tree(site, "-- content/courses/ABC-DEF-1.md --\n" + course(
        prerequisites="prerequisites: Organisme n° 84 07 01234 07. Cet enregistrement ne vaut pas agrément de l'État."))
    assert run("check", "--root", str(site)).exit_code == 0


def test_the_qualiopi_mark_may_appear_on_the_home_page_never_where_a_course_page_or_sheet_uses_it(site: Path):
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course(extra='')}")
    mark = '<img src="{{ root }}assets/img/qualiopi.png" alt="Marque Qualiopi">'
    home = site / "templates/index.html"
    home.write_text(home.read_text(encoding="utf-8").replace("{% block main %}", "{% block main %}" + mark),
                    encoding="utf-8")
    assert run("check", "--root", str(site)).exit_code == 0  # the home page: allowed
    for template in ("templates/base.html", "templates/partials/course_sheet.html"):
        path = site / template
        original = path.read_text(encoding="utf-8")
        path.write_text(mark + "\n" + original, encoding="utf-8")
        result = run("check", "--root", str(site))
        assert (f"{template}:1:1: error: the Qualiopi mark may not appear on a course page or sheet (rule of the "
                "mark's charter): this template is used by course.html and pdf/sheet.html") in result.stderr
        path.write_text(original, encoding="utf-8")


def test_import_reads_the_practical_sections_of_an_old_sheet(site: Path, tmp_path: Path):
    complete_site(site)  # the contact's address is a declared fact (or `check` says it is a near-miss of one)
    legacy = (LEGACY / "000_1aac767bf390a806.txt").read_text(encoding="utf-8")
    at = legacy.index("Conditions Générales de Vente")
    sections = ("Tarif\n\n1 290 € HT par participant\n\nDurée\n\n2 jours (14 heures)\n\nModalités et délais "
                "d'accès\n\nInscription jusqu'à 15 jours avant la session.\n\nAccessibilité\n\nNous contacter pour "
                "étudier les adaptations.\n\nContact\n\nCamille Martin - formation@lexom.fr - 04 75 00 00 00\n\n"
                "Sanction\n\nCertificat de réalisation\n\n")
    sheet = tmp_path / "sheet.txt"
    sheet.write_text(legacy[:at] + sections + legacy[at:], encoding="utf-8")
    result = run("import", "--root", str(site), "--updated", "2026-12-01", str(sheet))
    assert result.exit_code == 0, result.stderr
    text = (site / "content/courses/RCL-RCL-14.md").read_text(encoding="utf-8")
    assert ("updated: 2026-12-01\nduration_hours: 14\nprices:\n  inter: 1290\naccess: Inscription jusqu'à 15 jours "
            "avant la session.\naccessibility: Nous contacter pour étudier les adaptations.\ncontact:\n  name: Camille "
            "Martin\n  email: formation@lexom.fr\n  phone: 04 75 00 00 00\nsanction: Certificat de réalisation\n---"
            ) in text
    assert run("check", "--root", str(site)).exit_code == 0
    # a price that is not one amount per participant, day or session is kept as text, with a warning
    sheet.write_text(legacy[:at] + "Tarif\n\nNous consulter\n\n" + legacy[at:], encoding="utf-8")
    result = run("import", "--root", str(site), "--force", str(sheet))
    assert "prices:\n  rule: Nous consulter\n" in (site / "content/courses/RCL-RCL-14.md").read_text(encoding="utf-8")
    assert "warning: the price was kept as text (the course's price rule)" in result.stderr


def test_every_field_is_documented_with_its_qualiopi_item():
    from lexom_site.inputs.fields import COURSE_FIELDS

    doc = (REPO / "docs/content-format.md").read_text(encoding="utf-8")
    for spec in COURSE_FIELDS:
        row = next((line for line in doc.splitlines() if line.startswith(f"| `{spec.name}` |")), None)
        assert row is not None, f"{spec.name} is not in the tables of docs/content-format.md"
        item = spec.indicator.split(" · ")[-1] if spec.indicator else ""
        assert item in row, (spec.name, item)


def test_declared_contact_addresses_are_facts_never_near_misses_of_each_other(site: Path):
    complete_site(site)
    both = "prerequisites: Écrire à formation@lexom.fr ou à handicap@lexom.fr"
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course(prerequisites=both)}")
    assert run("check", "--root", str(site)).exit_code == 0
    write_tree(site, "-- content/courses/ABC-DEF-1.md --\n"
               + course(prerequisites="prerequisites: Écrire à formaton@lexom.fr"))
    result = run("check", "--root", str(site))
    assert ("content/courses/ABC-DEF-1.md:10:25: error: 'formaton@lexom.fr' is not a declared address: did you mean "
            "formation@lexom.fr?") in result.stderr
