"""The clause headings of the CGV in a copy, in the forms people write them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from .cgv import ROMAN, Clause
from .textnorm import Token, tokenize

_NUMBER = re.compile(r"\d+\.\d+|\d+|[IVXL]+")
TITLE_SIMILARITY = 75.0

@dataclass(frozen=True)
class Heading:
    clause: Clause | None  # None: a numbered heading that is not in the canonical CGV
    number: str  # as numbered in the document
    start: int  # token index of the heading
    title: int  # token index where its title starts (after « Article », the number and its punctuation)
    body: int  # token index where its body starts
    location: int


def canonical_tokens(clause: Clause) -> tuple[list[Token], list[Token]]:
    heading = tokenize(clause.heading, 0)
    body = tokenize("\n".join(clause.plain_text().split("\n")[1:]), 1)
    return heading, body


def title_tokens(heading: list[Token]) -> list[Token]:
    rest = heading[1:]
    return rest[1:] if rest and rest[0].text == "." else rest


_ARTICLE = {"article", "art", "chapitre", "section", "titre"}  # a word that may come before a clause's number
_AFTER_NUMBER = {".", ")", ":", "-", "°"}  # « 3.1. », « 3.1) », « ARTICLE 3 : », « Article 3.1 - »


def _same_number(written: str, number: str) -> bool:
    """« 3 » and « III » number the same section."""
    if written == number:
        return True
    return written.isdigit() and number in ROMAN and ROMAN.index(number) + 1 == int(written)


def find_headings(tokens: list[Token], clauses: tuple[Clause, ...]) -> list[Heading]:
    """The clause headings of the document, in the forms people write them: « 3.1. Titre », « 3.1 Titre »,
    « 3.1) Titre », « Article 3.1 - Titre », « ARTICLE 3 : TITRE » (a section by its roman or arabic number),
    in any case."""
    titles = {c.number: " ".join(t.text for t in title_tokens(tokenize(c.heading))).casefold() for c in clauses}
    by_number = {c.number: c for c in clauses}
    headings: list[Heading] = []
    for i, token in enumerate(tokens):
        line_start = i == 0 or tokens[i - 1].line != token.line
        if not line_start:
            continue
        k = i
        if token.text.casefold() in _ARTICLE and k + 1 < len(tokens) and tokens[k + 1].line == token.line:
            k += 1
            if tokens[k].text == "." and k + 1 < len(tokens):
                k += 1
        number_token = tokens[k]
        if not _NUMBER.fullmatch(number_token.text):
            continue
        j = k + 1
        separated = j < len(tokens) and tokens[j].text in _AFTER_NUMBER and tokens[j].line == token.line
        if separated:
            j += 1
        elif "." not in number_token.text and k == i:
            continue  # « IV » and « 3 » are numbers of a heading only with their punctuation or « Article »
        if j >= len(tokens) or tokens[j].line != token.line:
            continue

        def score(number: str) -> float:
            size = len(titles[number].split(" "))
            return fuzz.ratio(titles[number], " ".join(t.text for t in tokens[j : j + size]).casefold())

        written = number_token.text
        numbered = next((n for n in by_number if _same_number(written, n)), None)
        clause = by_number[numbered] if numbered is not None and score(numbered) >= TITLE_SIMILARITY else None
        if clause is None:
            best = max(titles, key=score)
            clause = by_number[best] if score(best) >= 90 else None
        if clause is None:
            line_length = sum(1 for t in tokens[i:] if t.line == token.line)
            if line_length > 20 or not headings or (written.isdigit() and k == i):
                continue  # a numbered sentence, or text before the CGV
            headings.append(Heading(None, written, i, j, i + line_length, token.line))
            continue
        size = len(titles[clause.number].split(" "))
        number = clause.number if _same_number(written, clause.number) else written
        headings.append(Heading(clause, number, i, j, j + size, token.line))
    return headings
