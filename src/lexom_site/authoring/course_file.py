"""Writing course files: the inverse of `content.parse_course`.

`course_file_text` turns plain values into the text of a course file in the
project's own format (front matter in the order of COURSE_FIELDS, then the
programme with `##` half-days, `###` modules and `-` bullets), exactly as an
editor would write it by hand. Values are plain text: what Markdown or YAML
would read differently is escaped or quoted, so the file says what the values
say, no more.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import yaml

from ..inputs.markdown import plain_inline


@dataclass(frozen=True)
class ModuleDraft:
    number: int
    title: str
    bullets: tuple[str, ...]
    origin: int = 0  # the line it comes from in another document (an imported sheet), if any


@dataclass(frozen=True)
class HalfDayDraft:
    day: int
    period: str  # "Matin" or "Après-midi"
    modules: tuple[ModuleDraft, ...]
    origin: int = 0


@dataclass(frozen=True)
class CourseDraft:
    """A course as plain text values, before it is a file."""

    ref: str
    title: str
    category: str
    subcategory: str
    duration_days: int
    objectives: tuple[str, ...]
    prerequisites: str
    audience: str
    teaching_methods: tuple[str, ...]
    evaluation_methods: tuple[str, ...]
    intro: tuple[str, ...]
    half_days: tuple[HalfDayDraft, ...]
    origins: tuple[tuple[str, int], ...] = ()  # field name -> line in another document, if any


# Markdown: characters that may start markup inside a line, and line starts
# that would make a block (heading, quote, list, thematic break).
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>&!~|])")
_BLOCK_START = re.compile(r"^(#{1,6}(?:\s|$)|>|[-+*=](?:\s|$)|\d{1,9}[.)](?:\s|$))")


def markdown_text(text: str) -> str:
    """`text` as inline Markdown that renders as exactly `text`."""
    escaped = text if plain_inline(text) == text else _INLINE_SPECIAL.sub(r"\\\1", text)
    block = _BLOCK_START.match(escaped)
    if block:
        mark = block.group(1)
        cut = len(mark.rstrip()) - 1  # escape the last character of the marker: '1\.', '\#', '\-'
        escaped = escaped[:cut] + "\\" + escaped[cut:]
    return escaped


def yaml_text(text: str) -> str:
    """`text` as a YAML scalar: plain when YAML reads it back unchanged, else double-quoted."""
    plain_ok = (
        text == text.strip()
        and "\n" not in text
        and ": " not in text
        and " #" not in text
        and not text.endswith(":")
        and not re.match(r"[-?:,\[\]{}#&*!|>'\"%@`]", text)
    )
    if plain_ok:
        try:
            plain_ok = yaml.safe_load(f"k: {text}") == {"k": text}
        except yaml.YAMLError:
            plain_ok = False
    return text if plain_ok else json.dumps(text, ensure_ascii=False)


def course_file_text(course: CourseDraft) -> str:
    return "".join(line for line, _ in course_file_lines(course))


def course_file_lines(course: CourseDraft) -> list[tuple[str, int]]:
    """The lines of the course file (with their newline), each with the origin
    line of what it holds (0 when none): to report a problem of the file at
    the line of the document it was made from."""
    origins = dict(course.origins)

    def text(value: str) -> str:
        return yaml_text(markdown_text(value))

    def items(name: str, values: tuple[str, ...]) -> list[str]:
        return [f"{name}:"] + [f"  - {text(v)}" for v in values]

    front = [
        "---",
        f"ref: {yaml_text(course.ref)}",
        f"title: {text(course.title)}",
        f"category: {text(course.category)}",
        f"subcategory: {text(course.subcategory)}",
        f"duration_days: {course.duration_days}",
        *items("objectives", course.objectives),
        f"prerequisites: {text(course.prerequisites)}",
        f"audience: {text(course.audience)}",
        *items("teaching_methods", course.teaching_methods),
        *items("evaluation_methods", course.evaluation_methods),
        "---",
    ]
    lines: list[tuple[str, int]] = []
    field = ""
    for line in front:
        if line[:1].isalpha():
            field = line.split(":", 1)[0]
        lines.append((line + "\n", origins.get(field, 0)))
    blocks: list[list[tuple[str, int]]] = [[(markdown_text(p), origins.get("intro", 0))] for p in course.intro]
    for half in course.half_days:
        blocks.append([(f"## Jour {half.day} - {half.period}", half.origin)])
        for module in half.modules:
            blocks.append([(f"### {module.number}. {markdown_text(module.title)}", module.origin)])
            blocks.append([(f"- {markdown_text(b)}", module.origin) for b in module.bullets])
    for block in blocks:
        lines.append(("\n", 0))
        lines += [(text + "\n", origin) for text, origin in block]
    return lines


# --- a new course file, every field present and explained ----------------------------------------------------

NEW_COURSE = """\
---
# Course sheet {ref}: every field is explained in docs/content-format.md.
# Replace each « À compléter » by the real text, then run `lexom-site check`.

# {ref_doc}
ref: {ref}
# {title_doc}
title: {title}
# {category_doc}
category: {category}
# {subcategory_doc}
subcategory: {subcategory}
# {duration_doc}
duration_days: {days}
# {objectives_doc}
objectives:
  - À compléter (premier objectif)
  - À compléter (deuxième objectif)
# {prerequisites_doc}
prerequisites: À compléter (ou « Aucun »)
# {audience_doc}
audience: À compléter (ou « Tout public »)
# {methods_doc}
teaching_methods:
  - À compléter (une méthode par ligne)
# {evaluation_doc}
evaluation_methods:
  - À compléter (une modalité par ligne)
---

A l'issue de la formation, les participants seront capables de :

{programme}"""


def new_course_text(ref: str, title: str, category: str, subcategory: str, days: int) -> str:
    """A valid course file with every field present and commented, to be completed by an editor."""
    from ..inputs.course import COURSE_FIELDS  # the field descriptions: one source of truth with validation

    docs = {f.name: f.description for f in COURSE_FIELDS}
    halves = []
    number = 0
    for day in range(1, days + 1):
        for period in ("Matin", "Après-midi"):
            number += 1
            halves.append(f"## Jour {day} - {period}\n\n### {number}. À compléter : titre du module\n\n"
                          "- À compléter : un point par ligne\n")
    return NEW_COURSE.format(
        ref=ref, title=yaml_text(markdown_text(title)), category=yaml_text(markdown_text(category)),
        subcategory=yaml_text(markdown_text(subcategory)), days=days, programme="\n".join(halves),
        ref_doc=docs["ref"], title_doc=docs["title"], category_doc=docs["category"],
        subcategory_doc=docs["subcategory"], duration_doc=docs["duration_days"], objectives_doc=docs["objectives"],
        prerequisites_doc=docs["prerequisites"], audience_doc=docs["audience"],
        methods_doc=docs["teaching_methods"], evaluation_doc=docs["evaluation_methods"])
