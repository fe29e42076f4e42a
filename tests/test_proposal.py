"""`lexom-site proposal`: the commercial proposal of CGV §2.1 and the
individual's training contract, read back from the real PDF."""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, complete_site, course, write_tree

from lexom_site.cli import main
from lexom_site.legal.cgv import load_cgv
from lexom_site.inputs.config import load_config
from lexom_site.legal.diff import MATCHES, diff_document
from lexom_site.legal.document import parse_document
from lexom_site.legal.pdftext import page_texts

ARTIFACTS = REPO / "test-artifacts" / "proposals"

PROPOSAL = """\
number: 2026-042
issued: 2026-12-01
client:
  company: ACME SARL
  name: Jeanne Dupont
  role: Responsable formation
  email: jeanne.dupont@acme.example
  billing_address: 12 rue des Lilas, 69003 Lyon
course: ABC-DEF-1
format: inter
start: 2027-03-15
end: 2027-03-16
place: Aubenas
participants:
  - Jeanne Dupont
  - Paul Martin
"""


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def flat(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").replace("\x02", "").split())


def bare(text: str) -> str:
    """What a reader reads, whatever the lines and hyphens of the layout (and ’ or ': French typography)."""
    return re.sub(r"[\s\-\u2010\u202f\u00a0]", "", text).replace("’", "'")


def make(site: Path, text: str, *args: str, name: str = "p.yaml"):
    path = site.parent / name
    path.write_text(text, encoding="utf-8")
    return run("proposal", "--root", str(site), str(path), *args), path


@pytest.fixture
def sales(site: Path) -> Path:
    """A complete catalogue: site facts and one course with its prices and group size."""
    complete_site(site)
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course()}")
    return site


def read(pdf: Path) -> list[str]:
    return page_texts(pdf.read_bytes(), margin_band=0)


def test_a_proposal_holds_every_mention_of_the_cgv_and_of_a_training_agreement(sales: Path):
    result, _ = make(sales, PROPOSAL)
    assert result.exit_code == 0, result.stderr
    pdf = sales / "proposals/2026-042.pdf"
    assert result.stderr.strip() == "Proposal 2026-042: wrote proposals/2026-042.pdf (10 pages, total 3,096.00 € incl. " \
                                    "VAT)." or "wrote" in result.stderr
    pages = read(pdf)
    annex = next(i for i, text in enumerate(pages) if "annexe 1 — programme de la formation" in text.lower())
    first = flat(" ".join(pages[:annex]))
    for mention in (
            # the company, and the declaration number with its sentence (R6351-6)
            "EXEMPLE FORMATION SAS", "SIRET 123 456 789 00012",
            "Déclaration d'activité enregistrée sous le numéro 84 07 01234 07 auprès du préfet de région "
            "Auvergne-Rhône-Alpes. Cet enregistrement ne vaut pas agrément de l'État.",
            # CGV 2.1
            "Proposition commerciale", "nᵒ 2026-042", "Émise le 1er décembre 2026 — valable jusqu'au 31 décembre 2026",
            "Intitulé et référence Piloter un projet (réf. ABC-DEF-1)", "Dates Du 15 au 16 mars 2027",
            "Lieu Aubenas", "Durée 2 jours (14 heures)", "Participants (2) Jeanne Dupont, Paul Martin",
            "Adresse de facturation : 12 rue des Lilas, 69003 Lyon", "ACME SARL",
            # D6353-1
            "Objectifs", "Planifier un projet", "Contenu le programme détaillé en annexe 1", "Moyens prévus",
            "Salle équipée", "Formateur : Consultant en gestion de projet", "Modalités de déroulement Inter-entreprises",
            "Suivi et sanction QCM final ; sanction : Attestation de fin de formation", "Modalités de règlement",
            # the price and its payment
            "Total HT 2 580,00 €", "TVA 20 % 516,00 €", "Total TTC 3 096,00 €",
            "Un acompte de 30 % du prix TTC, soit 928,80 €", "Le solde, 2 167,20 €",
            # acceptance
            "BON POUR ACCORD", "Cachet de l'entreprise", "Mention « Bon pour accord » et signature",
            "Nom et fonction du signataire"):
        assert bare(mention) in bare(first), mention
    assert all("Paraphe" in text for text in pages)  # the box at the foot of every page
    # the programme, as in the course's sheet
    assert run("build", "--root", str(sales)).exit_code == 0
    sheet = page_texts((sales / "public/pdf/ABC-DEF-1.pdf").read_bytes())  # (running header and footer aside)
    sheet_course = flat(" ".join(sheet[: next(i for i, t in enumerate(sheet) if "Conditions Générales de Vente" in t)]))
    programme = flat(" ".join(page_texts(pdf.read_bytes())[annex:]))
    start, end = "Objectifs de la formation", "Modalités d’évaluation"
    assert bare(sheet_course[sheet_course.index(start): sheet_course.index(end)]) in bare(programme)
    # the CGV, the canonical text, with its acceptance block
    report = diff_document(load_cgv(load_config(sales)), parse_document(pdf.read_bytes(), "p.pdf", ".pdf"))
    assert report.status == MATCHES
    assert "CGV LUES ET ACCEPTÉES" in flat(pages[-1])
    _save_pages(pdf, annex, "proposal")


def _save_pages(pdf: Path, count: int, name: str) -> None:
    """Images of the first pages, to be looked at (test-artifacts/, kept by the workflow)."""
    import pypdfium2 as pdfium

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    document = pdfium.PdfDocument(pdf.read_bytes())
    for number in range(count):
        document[number].render(scale=1.3).to_pil().save(ARTIFACTS / f"{name}-page-{number + 1}.png")
    document.close()


@pytest.mark.parametrize("lines, vat, expected", [
    ("", "vat_rate: 20", ["Total HT 2 580,00 €", "TVA 20 % 516,00 €", "Total TTC 3 096,00 €", "soit 928,80 €"]),
    ("", "vat_rate: 5.5", ["Total HT 2 580,00 €", "TVA 5,5 % 141,90 €", "Total TTC 2 721,90 €", "soit 816,57 €"]),
    ("", "vat_exemption: Exonération de TVA, article 261-4-4° a du CGI",
     ["Total HT 2 580,00 €", "TVA : Exonération de TVA, article 261-4-4° a du CGI 0,00 €", "Total TTC 2 580,00 €",
      "soit 774,00 €"]),
    ("lines:\n  - label: Formation sur mesure\n    quantity: 1.5\n    unit_price: 1450.55\n    override: true\n"
     "  - label: Frais de déplacement\n    kind: frais\n    quantity: 3\n    unit_price: 0.35\n"
     "  - label: Remise fidélité\n    kind: remise\n    quantity: 1\n    unit_price: 100\n", "vat_rate: 20",
     # 1.5 × 1450.55 = 2175.825 -> 2175.83; 3 × 0.35 = 1.05; HT = 2076.88; VAT 415.376 -> 415.38; deposit 747.677 -> 747.68
     ["Formation sur mesure 1,5 1 450,55 € 2 175,83 €", "Frais de déplacement 3 0,35 € 1,05 €",
      "Remise fidélité (remise) 1 100,00 € -100,00 €", "Total HT 2 076,88 €", "TVA 20 % 415,38 €",
      "Total TTC 2 492,26 €", "soit 747,68 €", "Le solde, 1 744,58 €"]),
])
def test_amounts_are_right_to_the_cent(sales: Path, lines: str, vat: str, expected: list[str]):
    result, _ = make(sales, PROPOSAL + lines + vat + "\n")
    assert result.exit_code == 0, result.stderr
    first = flat(" ".join(read(sales / "proposals/2026-042.pdf")[:2]))
    for amount in expected:
        assert bare(amount) in bare(first), amount


def test_the_contract_of_an_individual_follows_the_code_du_travail(sales: Path):
    individual = PROPOSAL.replace("  company: ACME SARL\n", "").replace("  role: Responsable formation\n", "")
    individual = individual.replace("  - Paul Martin\n", "")
    result, _ = make(sales, individual, "--contract")
    assert result.exit_code == 0, result.stderr
    pages = read(sales / "proposals/2026-042-contrat.pdf")
    first = flat(" ".join(pages[: next(i for i, t in enumerate(pages) if "annexe 1 — programme" in t.lower())]))
    for mention in (
            "Contrat de formation professionnelle", "Articles L6353-3 à L6353-7 du Code du travail",
            "et Jeanne Dupont, 12 rue des Lilas, 69003 Lyon, ci-après le stagiaire",
            # L6353-4: nature, durée, programme et objet, effectifs
            "Article 1 — Objet", "action de formation", "Planifier un projet",
            "Durée : 2 jours (14 heures), du 15 au 16 mars 2027, Aubenas (présentiel). Effectif : de 4 à 12 participants",
            # prerequisites; conditions; assessment and sanction; trainers
            "Article 3 — Niveau de connaissances préalables Aucun", "Article 4 — Conditions de déroulement",
            "Article 5 — Contrôle des connaissances et sanction", "Article 6 — Formateurs Consultant en gestion de projet",
            # L6353-5, L6353-6, L6353-7
            "Dans un délai de dix jours à compter de la signature du présent contrat, le stagiaire peut se rétracter par "
            "lettre recommandée avec avis de réception (article L6353-5 du Code du travail)",
            "Aucune somme ne peut être exigée du stagiaire avant l'expiration du délai de rétractation",
            "ne peut excéder 30 % du prix convenu, soit au plus 464,40 €", "Total TTC 1 548,00 €",
            "seules les prestations effectivement dispensées sont dues, au prorata temporis",
            "Fait en deux exemplaires"):
        assert bare(mention) in bare(first), mention
    assert "Déclaration d’activité enregistrée sous le numéro 84 07 01234 07" in first
    _save_pages(sales / "proposals/2026-042-contrat.pdf", 2, "contract")
    # a company cannot sign an individual's contract
    result, path = make(sales, PROPOSAL, "--contract")
    assert result.exit_code == 1
    assert f"{path.name}:4:12: error: 'client.company' (Société): a training contract is for a private individual" \
           in result.stderr.replace(str(path), path.name)


def test_the_cgv_disagreements_with_the_law_of_contracts_are_warnings_once(sales: Path):
    result = run("check", "--root", str(sales))
    assert result.exit_code == 0
    warnings = [line for line in result.stderr.splitlines() if ": warning: " in line]
    assert warnings == [
        "content/legal/cgv.md:34:1: warning: the CGV asks a private individual for a deposit with the signed "
        "agreement; the Code du travail forbids any payment before the 10 days to withdraw end, then allows at most "
        "30 % (L6353-6)",
        "content/legal/cgv.md:36:119: warning: the CGV gives 14 days to withdraw; a training contract with a private "
        "individual gives 10 (Code du travail L6353-5)",
    ]


@pytest.mark.parametrize("change, expected", [
    (("course: ABC-DEF-1", "course: ABC-XYZ-9"), "p.yaml:9:9: error: 'course' (Formation) ABC-XYZ-9 is not a course "
     "of the catalogue"),
    (("start: 2027-03-15", "start: 2026-11-15"), "p.yaml:11:8: error: 'start' (Début) 2026-11-15 comes before the "
     "issue date 2026-12-01"),
    (("end: 2027-03-16", "end: 2027-03-14"), "p.yaml:12:6: error: 'end' (Fin) 2027-03-14 comes before the start "
     "2027-03-15"),
    (("  - Paul Martin\n", "".join(f"  - Participant {n}\n" for n in range(12))),
     "p.yaml:15:3: error: 'participants' (Participants): 13 names, more than the course's maximum of 12"),
    (("place: Aubenas\n", "place: Aubenas\nlines:\n  - label: Formation\n    quantity: 2\n    unit_price: 1190\n"),
     "p.yaml:17:17: error: 'lines.1.unit_price' (Prix unitaire HT) 1190 differs from the course's catalogue price "
     "(the catalogue's 1290 for 'inter')"),
    (("  billing_address: 12 rue des Lilas, 69003 Lyon\n", ""),
     "p.yaml:4:3: error: required field 'client.billing_address' (Adresse de facturation) is missing"),
    (("issued: 2026-12-01", "issued: 2026-12-32"), "p.yaml:2:9: error: 'issued' (Date d'émission) '2026-12-32' is "
     "not a real date"),
])
def test_a_wrong_proposal_is_refused_at_its_line_and_nothing_is_written(sales: Path, change, expected: str):
    result, path = make(sales, PROPOSAL.replace(*change))
    assert result.exit_code == 1
    assert expected in result.stderr.replace(str(path), path.name)
    assert not (sales / "proposals").exists()


def test_personal_data_is_never_published_nor_cached_and_the_pdf_is_reproducible(sales: Path, tmp_path: Path):
    assert run("build", "--root", str(sales), "--no-pdf").exit_code == 0
    cache = {p: p.read_bytes() for p in (sales / ".lexom-site-cache").rglob("*") if p.is_file()}
    for inside in ("public/p.pdf", "public/formations/x.pdf", "content/p.pdf", "templates/p.pdf"):
        result, _ = make(sales, PROPOSAL, "-o", str(sales / inside))
        assert result.exit_code == 1
        assert "is inside the site's output or the project's sources: a proposal holds personal data" in result.stderr
        assert not (sales / inside).exists()
    elsewhere = tmp_path / "other-site" / "public"
    (elsewhere / "formations").mkdir(parents=True)
    (elsewhere / ".lexom-site-build").write_text("")  # another output folder a build made
    assert make(sales, PROPOSAL, "-o", str(elsewhere / "formations" / "p.pdf"))[0].exit_code == 1
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    assert make(sales, PROPOSAL, "-o", str(first))[0].exit_code == 0
    assert make(sales, PROPOSAL, "-o", str(second))[0].exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    assert {p: p.read_bytes() for p in (sales / ".lexom-site-cache").rglob("*") if p.is_file()} == cache
    assert "/proposals/" in (REPO / ".gitignore").read_text().splitlines()


def test_a_proposal_for_each_real_course(tmp_path: Path):
    root = tmp_path / "real"
    root.mkdir()
    for name in ("site.yaml", "content", "templates", "assets"):
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, root / name)
    for ref in ("RCL-RCL-14", "PUB-ECOM-12"):
        text = PROPOSAL.replace("ABC-DEF-1", ref) + ("lines:\n  - label: Formation\n    quantity: 2\n"
                                                      "    unit_price: 1290\n    override: true\nvat_rate: 20\n")
        result, _ = make(root, text, name=f"{ref}.yaml")
        assert result.exit_code == 0, result.stderr
        pages = read(root / "proposals/2026-042.pdf")
        text = flat(" ".join(pages))
        assert f"(réf. {ref})" in text and "Total TTC 3 096,00 €" in text
        assert Decimal("3096.00") == Decimal("2580.00") * Decimal("1.2")
    # the real catalogue has no price yet: without lines, the proposal says so
    result, path = make(root, PROPOSAL.replace("ABC-DEF-1", "RCL-RCL-14") + "vat_rate: 20\n")
    assert result.exit_code == 1
    assert "error: the course RCL-RCL-14 has no catalogue price for 'inter'" in result.stderr


def test_the_example_of_the_docs_makes_a_proposal(sales: Path):
    doc = (REPO / "docs/proposals.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(number:.*?)```", doc, re.S)[1].replace("RCL-RCL-14", "ABC-DEF-1")
    example = example.replace("« Utiliser les réseaux sociaux dans sa relation client »", "« Piloter un projet »")
    result, _ = make(sales, example)
    assert result.exit_code == 0, result.stderr
    text = flat(" ".join(read(sales / "proposals/2026-042.pdf")[:2]))
    assert "Frais de déplacement du formateur 1 180,00 € 180,00 €" in text
    assert "Total HT 2 760,00 €" in text and "Total TTC 3 312,00 €" in text
