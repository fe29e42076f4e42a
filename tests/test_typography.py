"""French typography at render time: what a reader sees is set the French way, the sources stay as written.

U+00A0 (no-break space) before « : » and between a number and its unit, U+202F (narrow no-break space)
before ; ! ? and inside « », ’ for ', nᵒ for n° before a number, thousands grouped by U+202F in amounts;
never in code, addresses, attributes, the <head>, the JSON-LD, the sitemap or Pagefind's metadata.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from conftest import REPO, course_text, write_tree
from lexom_site.build.project import load_project
from lexom_site.cli import main
from lexom_site.legal.pdftext import page_texts
from lexom_site.render.metadata import course_jsonld
from lexom_site.render.typography import typeset, typeset_html

NBSP, NNBSP = "\u00a0", "\u202f"


def show(text: str) -> str:
    """The invisible spaces made visible in failure messages."""
    return text.replace(NBSP, "⍽").replace(NNBSP, "⎵")


# --- the rules, on plain text: written without the spaces, with plain spaces, with the right ones ----------

CASES = [
    # a colon: U+00A0
    ("Réf: RCL-14", f"Réf{NBSP}: RCL-14"),
    ("Réf : RCL-14", f"Réf{NBSP}: RCL-14"),
    (f"Réf{NBSP}: RCL-14", f"Réf{NBSP}: RCL-14"),
    (f"Réf{NNBSP}: RCL-14", f"Réf{NBSP}: RCL-14"),
    ("comme suit :", f"comme suit{NBSP}:"),
    ("comme suit  \n:", f"comme suit{NBSP}:"),
    # ; ! ?: U+202F
    ("Vraiment? Oui! Bien; merci", f"Vraiment{NNBSP}? Oui{NNBSP}! Bien{NNBSP}; merci"),
    ("Vraiment ?! Oui", f"Vraiment{NNBSP}?! Oui"),
    (f"Vraiment{NBSP}? (pourquoi ?)", f"Vraiment{NNBSP}? (pourquoi{NNBSP}?)"),
    # guillemets: U+202F inside
    ("« BON POUR ACCORD »", f"«{NNBSP}BON POUR ACCORD{NNBSP}»"),
    ("«BON POUR ACCORD»", f"«{NNBSP}BON POUR ACCORD{NNBSP}»"),
    (f"«{NBSP}BON{NBSP}»", f"«{NNBSP}BON{NNBSP}»"),
    (f"«{NNBSP}BON{NNBSP}»", f"«{NNBSP}BON{NNBSP}»"),
    # the apostrophe, between two letters only
    ("l'issue, aujourd'hui, l'OPCO", "l\u2019issue, aujourd\u2019hui, l\u2019OPCO"),
    ("l\u2019issue", "l\u2019issue"),
    ("dit 'oui' en 2000'", "dit 'oui' en 2000'"),
    # n° before a number: nᵒ and U+00A0; anything else untouched
    ("loi n°78-17 et n° 2018-493", f"loi n\u1d52{NBSP}78-17 et n\u1d52{NBSP}2018-493"),
    (f"N\u1d52{NBSP}12", f"N\u1d52{NBSP}12"),
    ("N° SIRET, un°1", "N° SIRET, un°1"),
    # a number and its unit: U+00A0
    ("30% du prix", f"30{NBSP}% du prix"),
    ("30 % du prix", f"30{NBSP}% du prix"),
    (f"30{NBSP}% et 30{NNBSP}%", f"30{NBSP}% et 30{NBSP}%"),
    ("délai de 14 jours, 2 jours (14 heures), 3 heures, 40 €", f"délai de 14{NBSP}jours, 2{NBSP}jours (14{NBSP}heures), "
                                                               f"3{NBSP}heures, 40{NBSP}€"),
    ("de 9 h à 17 h 30", f"de 9{NBSP}h à 17{NBSP}h 30"),
    ("14jours, 10h30, RCL-14 jours, page 2/3 jours", "14jours, 10h30, RCL-14 jours, page 2/3 jours"),
    # thousands grouped by U+202F in an amount (a number before €, euros, EUR)
    ("1200 €", f"1{NNBSP}200{NBSP}€"),
    ("1 200 €", f"1{NNBSP}200{NBSP}€"),
    (f"1{NNBSP}200{NBSP}€", f"1{NNBSP}200{NBSP}€"),
    ("12345,50 euros HT", f"12{NNBSP}345,50{NBSP}euros HT"),
    ("en 2026, 1200 heures et le 1234567", f"en 2026, 1200{NBSP}heures et le 1234567"),
    # never: times, addresses, references, image syntax, a ? or : inside a word
    ("à 10:30, https://exemple.fr/a?b=1:2 ou dpo@lexom.fr", "à 10:30, https://exemple.fr/a?b=1:2 ou dpo@lexom.fr"),
    ("écrire à dpo@lexom.fr : merci", f"écrire à dpo@lexom.fr{NBSP}: merci"),
    ("voir ![logo](logo.png) et x?y, a;b, a:b", "voir ![logo](logo.png) et x?y, a;b, a:b"),
]


@pytest.mark.parametrize("source, expected", CASES, ids=[show(source) for source, _ in CASES])
def test_each_rule_gives_exactly_one_space_of_the_right_kind(source: str, expected: str):
    assert show(typeset(source)) == show(expected)
    assert typeset(expected) == expected  # what is already set stays so


_SPACES = re.compile("[ \n\u00a0\u202f]{2}")


@given(st.text(alphabet="ab1 :;!?«»'%€°n\u00a0\u202f\n", max_size=40).filter(lambda text: not _SPACES.search(text)))
def test_setting_twice_is_setting_once_and_never_doubles_a_space(text: str):
    once = typeset(text)
    assert typeset(once) == once
    assert not _SPACES.search(once), show(once)


# --- the rules in an HTML document: text only ---------------------------------------------------------------

DOCUMENT = """<!DOCTYPE html>
<html lang="fr"><head><title>Réf : x</title><meta name="description" content="Réf : 30% à l'issue">
<script type="application/ld+json">{"name": "Réf : 30% à l'issue", "n": "n°3"}</script></head>
<body data-x="a : b">
<p title="Réf : 30%">Réf : <strong>ABC-1</strong> ; <a href="https://exemple.fr/?a=1&amp;b=2">https://exemple.fr/?a=1&amp;b=2</a>
et l&#39;issue : <code>x : 30% l'a</code> ! <em>Attention</em>: 30<em>%</em> « <em>BON</em> »</p>
<pre><code>n° 3 : 30%
</code></pre>
<ul><li>14</li>
<li>jours : <a href="mailto:dpo@lexom.fr">dpo@lexom.fr</a></li></ul>
<span hidden data-pagefind-meta="Tarif 1">Inter : 1200 €</span>
<article data-pagefind-body data-pagefind-meta="Réf.:ABC-1">Réf : ABC-1</article>
<script>if (a ? b : c) { x = "l'a : 30%"; }</script>
</body></html>
"""


def test_html_text_is_set_and_markup_code_addresses_head_and_search_metadata_are_not():
    out = typeset_html(DOCUMENT)
    head, body = out.split("<body", 1)
    assert head == DOCUMENT.split("<body", 1)[0]  # title, description, JSON-LD as written
    assert re.findall(r'\w+="[^"]*"', out) == re.findall(r'\w+="[^"]*"', DOCUMENT)  # every attribute
    assert show(f"Réf{NBSP}: <strong>ABC-1</strong>{NNBSP}; ") in show(body)
    assert ">https://exemple.fr/?a=1&amp;b=2</a>" in body
    assert show(f"l\u2019issue{NBSP}: <code>x : 30% l'a</code>{NNBSP}! ") in show(body)
    assert show(f"<em>Attention</em>{NBSP}: 30<em>{NBSP}%</em> «{NNBSP}<em>BON</em>{NNBSP}»") in show(body)
    assert "<pre><code>n° 3 : 30%\n</code></pre>" in body
    assert "<li>14</li>\n<li>" in body  # a block boundary is not a space between a number and its unit
    assert show(f"jours{NBSP}: <a href=\"mailto:dpo@lexom.fr\">dpo@lexom.fr</a>") in show(body)
    assert '<span hidden data-pagefind-meta="Tarif 1">Inter : 1200 €</span>' in body  # Pagefind's metadata
    assert f">Réf{NBSP}: ABC-1</article>" in body  # (the page's text: its metadata is in the attribute)
    assert '<script>if (a ? b : c) { x = "l\'a : 30%"; }</script>' in body
    assert typeset_html(out) == out


FRAGMENTS = st.sampled_from(["<p>", "</p>", "<em>", "</em>", '<a href="https://x.fr/?a=1&amp;b=2 : 30%">', "</a>",
                             "<code>", "</code>", "<br>", "<li>", "</li>", '<span title="l\'a : 30%">', "</span>",
                             "<!-- a : b -->", "l&#39;", "a", "1200", " ", "\u00a0", "\u202f", ":", ";", "?", "%",
                             "€", "jours", "«", "»", "n°", "dpo@lexom.fr", "&amp;", "&lt;b&gt;", "\n"])


@given(st.lists(FRAGMENTS, max_size=30))
def test_markup_comes_out_as_it_went_in_and_setting_is_idempotent(fragments: list[str]):
    document = "<html><head><title>a : b</title></head><body>" + "".join(fragments) + "</body></html>"
    out = typeset_html(document)
    assert re.findall(r"<[^>]*>", out) == re.findall(r"<[^>]*>", document)
    assert typeset_html(out) == out


# --- a built site: the HTML page, the PDF sheet, the CGV -----------------------------------------------------

RAW = {  # written without the spaces, or with plain ones
    "prerequisites": "prerequisites: \"Module 1: bases ; acompte de 30% à l'issue de l'inscription, délai de "
                     "14 jours ! Frais: 1200 € (n°3). Voir `code : 30% l'a` et https://exemple.fr/a?b=1:2 ou "
                     "dpo@lexom.fr à 10:30.\"",
    "audience": "audience: \"Public : « tous » ; 2 jours (14 heures)\"",
}
SET = {  # the same, already set by the editor
    "prerequisites": f"prerequisites: \"Module 1{NBSP}: bases{NNBSP}; acompte de 30{NBSP}% à l\u2019issue de "
                     f"l\u2019inscription, délai de 14{NBSP}jours{NNBSP}! Frais{NBSP}: 1{NNBSP}200{NBSP}€ "
                     f"(n\u1d52{NBSP}3). Voir `code : 30% l'a` et https://exemple.fr/a?b=1:2 ou dpo@lexom.fr à "
                     f"10:30.\"",
    "audience": f"audience: \"Public{NBSP}: «{NNBSP}tous{NNBSP}»{NNBSP}; 2{NBSP}jours (14{NBSP}heures)\"",
}
PREREQUISITES = (f"Module 1{NBSP}: bases{NNBSP}; acompte de 30{NBSP}% à l\u2019issue de l\u2019inscription, délai de "
                 f"14{NBSP}jours{NNBSP}! Frais{NBSP}: 1{NNBSP}200{NBSP}€ (n\u1d52{NBSP}3). Voir <code>code : 30% "
                 f"l'a</code> et ")
AUDIENCE = f"Public{NBSP}: «{NNBSP}tous{NNBSP}»{NNBSP}; 2{NBSP}jours (14{NBSP}heures)"


def _build(site: Path, fields: dict[str, str]) -> Path:
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text(**fields)}")
    result = CliRunner().invoke(main, ["build", "--root", str(site)], catch_exceptions=False)
    assert result.exit_code == 0, result.output  # (the build verified the CGV in the page and the PDF)
    return site / "public"


def _article(page: str) -> str:
    return re.search(r"<article class=\"sheet\".*?</article>", page, re.S)[0]


@pytest.mark.parametrize("fields", [RAW, SET], ids=["as typed", "already set"])
def test_the_course_page_and_its_pdf_are_set_in_french_and_nothing_is_doubled(site: Path, fields: dict[str, str]):
    out = _build(site, fields)
    page = (out / "formations/abc-def-1/index.html").read_text(encoding="utf-8")
    article = _article(page)
    assert f"Réf{NBSP}: ABC-DEF-1</span>" in article  # the template's own text too
    assert show(PREREQUISITES) in show(article)
    assert ('<span class="url">https://exemple.fr/a?b=1:2</span> ou <span class="url">dpo@lexom.fr</span> à '
            "10:30.") in article
    assert show(AUDIENCE) in show(article)
    text = re.sub(r"<[^>]+>", "", article)
    for doubled in (" " + NBSP, NBSP + " ", NBSP + NBSP, NNBSP + NNBSP, " " + NNBSP, NNBSP + " ", NBSP + NNBSP,
                    NNBSP + NBSP):
        assert doubled not in text, show(doubled)
    # nothing machines read: the head (JSON-LD, description), the attributes, the sitemap
    head = page.split("<body", 1)[0]
    if fields is RAW:
        assert NBSP not in head and NNBSP not in head and "\u2019" not in head
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)[1])
    project = load_project(site)
    assert data == course_jsonld(project.config, project.catalogue.courses[0])  # the fields as written
    if fields is RAW:
        assert "Module 1: bases ; acompte de 30% à l'issue" in data["coursePrerequisites"]
    for name in ("sitemap.xml", "robots.txt"):
        assert NBSP not in (out / name).read_text(encoding="utf-8")
    # the PDF sheet, read back (Lato draws U+00A0 with its space glyph: the text reads a space there)
    pdf = "\n".join(page_texts((out / "pdf/ABC-DEF-1.pdf").read_bytes()))
    assert "Réf : ABC-DEF-1" in pdf
    assert "acompte de 30 % à l\u2019issue de l\u2019inscription" in pdf
    assert f"délai de 14 jours{NNBSP}! Frais : 1{NNBSP}200 €" in pdf
    assert "n\u1d52 3" in pdf and f"«{NNBSP}tous{NNBSP}»{NNBSP};" in pdf
    assert "code : 30% l'a" in pdf  # code as written


def test_a_no_break_space_never_lets_a_line_of_the_pdf_start_with_the_mark_or_the_unit(site: Path):
    clause = "durée : 14 jours ; acompte : 30 % ! délai : 3 heures ? "
    out = _build(site, {"prerequisites": f"prerequisites: \"{clause * 24}\""})
    lines = [line.strip() for page in page_texts((out / "pdf/ABC-DEF-1.pdf").read_bytes()) for line in page.split("\n")]
    prerequisites = [line for line in lines if "durée" in line or "acompte" in line]
    assert len(prerequisites) >= 8  # the paragraph wraps over many lines
    for line in prerequisites:
        assert not re.match(r"(:|;|!|\?|%|jours|heures)(\s|$)", line), line
        assert not re.search(r"\s(14|30|3)$", line), line  # a number stays with its unit


def test_the_cgv_page_and_pdf_are_set_and_still_verified_word_for_word(site: Path):
    out = _build(site, {})
    cgv_page = (out / "cgv/index.html").read_text(encoding="utf-8")
    assert f"acompte de 30{NBSP}% du prix TTC définitif" in cgv_page  # canonical: « 30 % », plain space
    assert f"acompte de 30{NBSP}% du prix total TTC" in cgv_page  # canonical: « 30% », no space
    assert f"«{NNBSP}BON POUR ACCORD{NNBSP}»" in cgv_page and f"délai de rétractation de 14{NBSP}jours" in cgv_page
    assert f"la loi n\u1d52{NBSP}2018-493" in cgv_page and f"montant de 40{NBSP}€" in cgv_page
    assert "l\u2019établissement d\u2019une proposition commerciale" in cgv_page
    assert f"Conditions Générales de Vente{NBSP}: LEXOM</h1>" in cgv_page
    # the canonical source is as its editors wrote it
    source = (REPO / "content/legal/cgv.md").read_text(encoding="utf-8")
    assert NBSP not in source and NNBSP not in source and "acompte de 30% du prix total TTC" in source
    # the build verified both copies; legal-diff agrees, clause by clause
    result = CliRunner().invoke(main, ["legal-diff", "--root", str(site), str(out / "pdf/ABC-DEF-1.pdf"),
                                       str(out / "cgv/index.html"), str(out / "pdf/catalogue.pdf")])
    assert result.exit_code == 0, result.output
    assert result.output.count("the CGV copy matches the canonical text") == 3


def test_the_search_index_finds_a_word_after_a_typographic_apostrophe(site: Path):
    """Pagefind cuts words at ' but not at ’: the pages print ’, the index is given '."""
    import gzip

    write_tree(site, "-- content/courses/ABC-DEF-1.md --\n" + course_text(
        prerequisites="prerequisites: Connaître l'ordonnancement à l'issue du module"))
    result = CliRunner().invoke(main, ["build", "--root", str(site), "--no-pdf"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    out = site / "public"
    assert "Connaître l\u2019ordonnancement à l\u2019issue" in (out / "formations/abc-def-1/index.html").read_text()
    words = b"".join(gzip.decompress(index.read_bytes()) for index in (out / "pagefind/index").glob("*.pf_index"))
    assert b"ordonnanc" in words and b"issu" in words  # (stems) words of their own
    assert "\u2019".encode() not in words and b"l'ordonnanc" not in words
