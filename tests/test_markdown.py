"""The fast reader of plain Markdown gives exactly what markdown-it gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO
from hypothesis import given, settings
from hypothesis import strategies as st

from lexom_site.inputs import markdown
from lexom_site.inputs.programme import parse_programme
from lexom_site.legal.cgv import parse_cgv
from lexom_site.inputs.source import Source


def both_ways(body: str, monkeypatch) -> tuple[object, object]:
    fast = parse_programme(body, "c.md", 18)
    with monkeypatch.context() as patch:
        patch.setattr(markdown, "simple_block_tree", lambda text: None)
        slow = parse_programme(body, "c.md", 18)
    return fast, slow


@pytest.mark.parametrize("path", sorted((REPO / "content/courses").glob("*.md")), ids=lambda p: p.name)
def test_real_courses_are_read_by_the_fast_reader_and_identically(path: Path, monkeypatch):
    body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    assert markdown.simple_block_tree(body) is not None
    fast, slow = both_ways(body, monkeypatch)
    assert fast == slow and fast[0] is not None


LINES = st.sampled_from([
    "## Jour 1 - Matin", "## Jour 1 - Après-midi", "## Jour 2 - Matin", "### 1. Cadrer", "### 2. Suivre",
    "# Titre", "#### Détail", "- point", "- autre point : détail", "- **gras** et *italique*", "-collé",
    "- - imbriqué", "- 1. numéro", "- [lien](https://lexom.fr)", "A l'issue de la formation :", "Texte libre",
    "1. Module numéroté", "2) Autre", "   - indenté", "    code", "> citation", "---", "***", "===", "```",
    "<b>html</b>", "[ref]: https://x", "Jour 1 : matin", "ligne  ", "fin\\", "\u00a0", "\tTab", "", "", "",
    "## Jour 1 - Matin ##", "##", "####### sept", "- ", "-", "*", "+ plus", "texte # dièse", "- texte",
])


PLAIN_LINES = st.sampled_from([
    "## Jour 1 - Matin", "## Jour 1 - Après-midi", "## Jour 2 - Matin", "### 1. Cadrer", "### 2. Suivre",
    "### 3. Clore", "# Titre", "- point", "- **gras** et *italique*", "- [lien](https://lexom.fr)",
    "A l'issue de la formation :", "Texte libre", "Jour 1 : matin", "Jour 2 - Après-midi", "", "", "",
    "texte # dièse", "é́", "- a & b <c>",
])


@settings(max_examples=600, deadline=None)
@given(st.lists(LINES, max_size=25) | st.lists(PLAIN_LINES, max_size=30))
def test_fast_and_markdown_it_readers_agree(lines: list[str]):
    body = "\n".join(lines)
    fast_tree = markdown.simple_block_tree(body)
    if fast_tree is None:
        return
    original = markdown.simple_block_tree
    markdown.simple_block_tree = lambda text: None
    try:
        slow = parse_programme(body, "c.md", 18)
    finally:
        markdown.simple_block_tree = original
    assert parse_programme(body, "c.md", 18) == slow


def test_the_cgv_is_read_identically_by_both_readers(monkeypatch):
    text = (REPO / "content/legal/cgv.md").read_text(encoding="utf-8")
    from lexom_site.inputs.config import load_config
    facts = load_config(REPO).fact_values()
    fast = parse_cgv(Source("cgv.md", text), facts)
    with monkeypatch.context() as patch:
        patch.setattr(markdown, "simple_block_tree", lambda text: None)
        slow = parse_cgv(Source("cgv.md", text), facts)
    assert fast == slow and fast[0] is not None


@settings(max_examples=500, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60) | st.sampled_from(
    ["A l'issue : x", "50 % du prix", "« guillemets »", "a & b", "<b>", "**gras**", "x  ", " y", "é\u0301",
     "http://lexom.fr", "a\\b", "1. un", "# dièse", "- tiret", "Tom's \"quote\""]))
def test_the_fast_inline_rendering_is_markdown_it(text: str):
    assert markdown.render_inline(text) == markdown.markdown().renderInline(text)
