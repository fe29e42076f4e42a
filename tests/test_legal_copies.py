"""legal-diff and the copy detector on copies made the way customers and partners make them: other layout
engines, margins, hyphenation, columns, word processors, Notepad. A copy that differs only in layout or
invisible characters matches; a drift in such a copy is still found, at the right clause and words."""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, course_text, write_tree

from lexom_site.cli import main
from lexom_site.inputs.config import load_config
from lexom_site.legal.cgv import load_cgv
from lexom_site.legal.textnorm import INVISIBLE, fold

CGV = load_cgv(load_config(REPO))
PLAIN = CGV.title + "\n\n" + CGV.plain_text()  # the canonical CGV as a plain text copy would hold it


def legal_diff(*files: Path):
    result = CliRunner().invoke(main, ["legal-diff", "--root", str(REPO), *map(str, files)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def places(result) -> list[str]:
    """The report's lines without the file name."""
    return [line.split(": ", 1)[1] for line in result.stdout.splitlines()]


def test_every_invisible_character_of_unicode_is_folded_away():
    format_characters = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
    assert [hex(ord(c)) for c in format_characters if not INVISIBLE.fullmatch(c)] == []
    assert fold("obs\u00adtacle for\u200bma\u2060tion \u200eCLIENT\u202e\ufeff") == "obstacle formation CLIENT"
    assert fold("“BON” « BON » l’issue … – ﬁn") == '"BON" " BON " l\'issue ... - fin'


# --- text copies -----------------------------------------------------------------------------------------


def _headings_as_word_writes_them(text: str) -> str:
    text = re.sub(r"(?m)^(\d+\.\d+)\.? (.*)$", r"Article \1 - \2", text)
    romans = ["I", "II", "III", "IV", "V"]
    return re.sub(r"(?m)^(I|II|III|IV|V)\. (.*)$",
                  lambda m: f"ARTICLE {romans.index(m[1]) + 1} : {m[2].upper()}", text)


LAYOUT_ONLY = {
    "soft hyphens, zero-width and bidi marks": lambda t: (
        t.replace("obstacle", "obs\u00adta\u00adcle").replace("formation", "for\u200bma\u2060tion")
        .replace("CLIENT", "\u200eCLIENT\u200f").replace("prestation", "pres\u00ad\ntation")),
    "typographic variants of a word processor": lambda t: (
        t.replace("« BON POUR ACCORD »", "“BON POUR ACCORD”").replace("'", "\u2019").replace("etc...", "etc…")
        .replace(" - ", " – ").replace("Refi", "Reﬁ")),
    "symbol-font bullets": lambda t: (t.replace("Intitulé et référence", "\uf0b7\tIntitulé et référence")
                                      .replace("Définition :", "\uf0a7 Définition :")),
    "Word headings « Article 3.1 - Titre », « ARTICLE 3 : TITRE »": _headings_as_word_writes_them,
    "numbering « 3.1) »": lambda t: re.sub(r"(?m)^(\d+\.\d+)\.? ", r"\1) ", t),
    "headings in capitals": lambda t: re.sub(r"(?m)^(\d+\.\d+\.? )(.*)$", lambda m: m[1] + m[2].upper(), t),
    "lines broken after a slash, an @, before a dash": lambda t: (
        t.replace("passager/participant peut", "passager/\nparticipant peut").replace("dpo@lexom.fr", "dpo@\nlexom.fr")
        .replace("CONSOMMATION - 27 avenue", "CONSOMMATION\n- 27 avenue")
        .replace("libération - 42400", "libération\n- 42400")),
}


@pytest.mark.parametrize("variant", LAYOUT_ONLY)
def test_a_copy_that_differs_only_in_layout_matches(tmp_path: Path, variant: str):
    copy = tmp_path / "copie.txt"
    text = LAYOUT_ONLY[variant](PLAIN)
    assert text != PLAIN
    copy.write_text(text, encoding="utf-8")
    result = legal_diff(copy)
    assert (result.exit_code, places(result)) == (0, ["the CGV copy matches the canonical text"])


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_a_copy_saved_by_notepad_in_unicode_is_read(tmp_path: Path, encoding: str):
    copy = tmp_path / "copie.txt"
    copy.write_bytes(PLAIN.replace("\n", "\r\n").replace("30 %", "20 %", 1).encode(encoding))
    result = legal_diff(copy)
    assert result.exit_code == 1
    assert places(result) == ["clause 2.1: « 30 » → « 20 »",
                              "the CGV copy departs from the canonical text in 1 place"]


def test_a_drift_in_a_copy_laid_out_otherwise_is_found_at_its_clause(tmp_path: Path):
    text = PLAIN.replace("15 jours avant", "1\u00ad5 jo\u200burs avant")  # invisible: no drift
    text = text.replace("dpo@lexom.fr", "dp@lexom.fr").replace("ne peut valoir", "peut valoir")
    copy = tmp_path / "copie.txt"
    copy.write_text(_headings_as_word_writes_them(text), encoding="utf-16")
    result = legal_diff(copy)
    assert result.exit_code == 1
    assert places(result) == ["clause 5.1: « présentes ne » → « présentes »",
                              "clause 5.5: « dpo@lexom.fr » → « dp@lexom.fr »",
                              "the CGV copy departs from the canonical text in 2 places"]


def test_a_swap_and_a_removed_ne_pas_are_one_place_each(tmp_path: Path):
    copy = tmp_path / "copie.txt"
    copy.write_text(PLAIN.replace("sans réserve les présentes", "sans les réserve présentes")
                    .replace("ne font pas obstacle", "font obstacle"), encoding="utf-8")
    result = legal_diff(copy)
    assert places(result) == ["clause I: « réserve les » → « les réserve »",
                              "clause I: « ne font pas » → « font »",
                              "the CGV copy departs from the canonical text in 2 places"]


def test_a_changed_title_is_a_drift(tmp_path: Path):
    copy = tmp_path / "copie.txt"
    copy.write_text(PLAIN.replace("Vente : LEXOM", "Vente : LEXOM SAS", 1), encoding="utf-8")
    result = legal_diff(copy)
    assert result.stdout.splitlines() == [f"{copy}:1: title: « LEXOM » → « LEXOM SAS »",
                                          f"{copy}: the CGV copy departs from the canonical text in 1 place"]


def test_a_duplicated_clause_names_where_it_first_was(tmp_path: Path):
    start, end = PLAIN.index("3.6. Cas de report"), PLAIN.index("3.7. Absence")
    text = PLAIN.replace("4.2. Obligation", PLAIN[start:end] + "4.2. Obligation")
    copy = tmp_path / "copie.txt"
    copy.write_text(text, encoding="utf-8")
    lines = text.split("\n")
    first, second = [n for n, line in enumerate(lines, start=1) if line == "3.6. Cas de report"]
    result = legal_diff(copy)
    assert result.stdout.splitlines()[0] == f"{copy}:{second}: clause 3.6 appears a second time (first at {copy}:{first})"


def test_the_headings_of_the_cgv_without_its_text_are_not_a_copy(tmp_path: Path):
    headings = [line for line in PLAIN.split("\n") if re.match(r"(\d+\.\d+\.?|[IVX]+\.) ", line)]
    copy = tmp_path / "sommaire.txt"
    copy.write_text("\n\n".join(f"{h}\nNotre propre texte, rédigé pour nos clients et sans rapport." for h in headings),
                    encoding="utf-8")
    result = legal_diff(copy)
    assert (result.exit_code, result.stdout) == (2, f"{copy}: no copy of the CGV found\n")


def test_an_html_copy_with_soft_hyphen_entities_matches(tmp_path: Path):
    body = "".join(f"<p>{line}</p>" for line in PLAIN.split("\n") if line.strip())
    body = body.replace("obstacle", "obs&shy;tacle").replace("formation", "for&#8203;mation")
    copy = tmp_path / "cgv.html"
    copy.write_text(f"<!doctype html><html lang=fr><body>{body}</body></html>", encoding="utf-8")
    assert places(legal_diff(copy)) == ["the CGV copy matches the canonical text"]


# --- check: a pasted CGV sentence cannot hide behind invisible characters ------------------------------

CANCELLATION = ("Si le Client renonce à la prestation, dans un délai maximum de 15 jours avant la date prévue de "
                "ladite prestation, l'acompte versé restera acquis définitivement à LEXOM à titre d'indemnité pour "
                "non-exécution par le Client de ses obligations.")


def _course_with(site: Path, text: str) -> None:
    write_tree(site, "-- content/courses/ABC-DEF-1.md --\n" + course_text(body=(
        "## Jour 1 - Matin\n\n### 1. Cadrer le projet\n\n- " + text +
        "\n\n## Jour 1 - Après-midi\n\n### 2. Suivre le projet\n\n- Tableau de bord\n")))


@pytest.mark.parametrize("hide", ["\u00ad", "\u206a", "\u180e", "\U000e0041"])
def test_check_finds_a_pasted_sentence_whatever_invisible_characters_it_carries(site: Path, hide: str):
    _course_with(site, "".join(c + hide if c.isalpha() else c for c in CANCELLATION))  # one after every letter
    result = CliRunner().invoke(main, ["check", "--root", str(site)])
    assert result.exit_code == 1
    assert ("content/courses/ABC-DEF-1.md:23:3: error: line 23 copies the CGV (clause 3.5 « Cas d'annulation »)"
            in result.stderr)


@pytest.mark.parametrize("hide", ["\u200b", "\u2060", "\u202e", "\ufeff"])
def test_the_other_invisible_characters_stop_the_file_before_any_copy_can_pass(site: Path, hide: str):
    _course_with(site, CANCELLATION.replace("renonce", "renon" + hide + "ce"))
    result = CliRunner().invoke(main, ["check", "--root", str(site)])
    assert result.exit_code == 1
    assert "content/courses/ABC-DEF-1.md:23:21: error: contains " in result.stderr
    assert f"(U+{ord(hide):04X})" in result.stderr


# --- PDF copies from other layouts ---------------------------------------------------------------------

PDF_LAYOUTS = {
    "15 mm margins, running header, « Page 3 sur 7 »": (
        "@page { size: A4; margin: 15mm; @top-center { content: 'LEXOM - Conditions générales' } "
        "@bottom-right { content: 'Page ' counter(page) ' sur ' counter(pages) } } body { font-size: 12pt }"),
    "A5, justified, hyphenated": (
        "@page { size: A5; margin: 10mm; @bottom-center { content: counter(page) } } "
        "html { hyphens: auto } body { font-size: 11pt; text-align: justify }"),
    "two columns": ("@page { size: A4 landscape; margin: 12mm } main { columns: 2 } "
                    "body { font-size: 9pt; hyphens: auto }"),
    "headings in capitals by CSS": "@page { margin: 20mm } h1, h2, h3 { text-transform: uppercase }",
}


@pytest.fixture(scope="module")
def cgv_page(real_build: Path) -> str:
    return (real_build / "cgv/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("layout", PDF_LAYOUTS)
def test_a_pdf_printed_otherwise_matches(tmp_path: Path, real_build: Path, cgv_page: str, layout: str):
    from weasyprint import CSS, HTML
    pdf = tmp_path / "cgv.pdf"
    HTML(string=cgv_page, base_url=str(real_build / "cgv/")).write_pdf(pdf, stylesheets=[CSS(string=PDF_LAYOUTS[layout])])
    assert places(legal_diff(pdf)) == ["the CGV copy matches the canonical text"]
    # and the same layout with a drift: found at its clause and page
    drifted = re.sub(r"30(\W{1,8}jours à compter)", r"60\1", cgv_page, count=1)  # (a no-break space there)
    assert drifted != cgv_page
    HTML(string=drifted, base_url=str(real_build / "cgv/")).write_pdf(pdf, stylesheets=[CSS(string=PDF_LAYOUTS[layout])])
    result = legal_diff(pdf)
    assert result.exit_code == 1
    assert [line.split(": ", 1)[1] for line in result.stdout.splitlines()] == [
        "clause 2.1: « 30 » → « 60 »", "the CGV copy departs from the canonical text in 1 place"]


def test_the_build_verification_holds_wherever_the_lines_break(real_build: Path, cgv_page: str):
    """The build verifies the CGV in its own PDFs: a template change that moves the line breaks (after a
    slash, inside an address, after a dash) cannot make it fail. Shown over a range of widths, among which
    the lines do break in those places."""
    from weasyprint import CSS, HTML

    from lexom_site.legal.pdftext import page_texts
    from lexom_site.legal.verify import verify_cgv_copies
    broke_at = set()
    for width in range(110, 200, 6):
        css = CSS(string=f"@page {{ size: {width}mm 297mm; margin: 22mm 12mm 20mm }} body {{ font-size: 10pt }}")
        pdf = HTML(string=cgv_page, base_url=str(real_build / "cgv/")).write_pdf(stylesheets=[css])
        assert verify_cgv_copies(CGV, [("cgv.pdf", pdf)], "") == [], width
        for line in "\n".join(page_texts(pdf)).split("\n"):
            if line.endswith(("/", "@", "-")) or line.startswith(("- ", "participant", "lexom.fr")):
                broke_at.add(line[-1] if line.endswith(("/", "@", "-")) else line.split(" ")[0])
    assert "/" in broke_at, broke_at
