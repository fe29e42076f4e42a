"""The programme is read into one structure whatever its written form."""

from __future__ import annotations

from conftest import course_text

from lexom_site.inputs.course import parse_course
from lexom_site.inputs.source import decode_source

HEADINGS = """A l'issue de la formation, les participants seront préparés à :

## Jour 1 - Matin

### 1. Cadrer le projet

- Objectifs
- Périmètre

### 2. Planifier

- Jalons

## Jour 1 - Après-midi

### 3. Suivre le projet

- Tableau de bord
"""

LEGACY_STYLE = """A l'issue de la formation, les participants seront préparés à :

Jour 1 : matin

1) Cadrer le projet

   - Objectifs
   - Périmètre

2) Planifier

   * Jalons

JOUR 1 – Apres midi

3. Suivre le projet

   - Tableau de bord
"""


def parse(text: str):
    source, diagnostics = decode_source(text.encode("utf-8"), "content/courses/ABC-DEF-1.md")
    assert not diagnostics
    course, diagnostics = parse_course(source, "ABC-DEF-1")
    assert not diagnostics, [d.format() for d in diagnostics]
    return course


def outline(course):
    return [(h.label, [(m.number, m.title, m.bullets) for m in h.modules]) for h in course.programme.half_days]


def test_heading_and_legacy_forms_give_the_same_programme():
    a = parse(course_text(body=HEADINGS))
    b = parse(course_text(body=LEGACY_STYLE))
    assert outline(a) == outline(b) == [
        ("Jour 1 - Matin", [(1, "Cadrer le projet", ("Objectifs", "Périmètre")), (2, "Planifier", ("Jalons",))]),
        ("Jour 1 - Après-midi", [(3, "Suivre le projet", ("Tableau de bord",))]),
    ]
    assert a.programme.intro == b.programme.intro == ("A l'issue de la formation, les participants seront préparés à :",)


def test_crlf_bom_and_nfd_are_read_as_plain_text():
    text = course_text(title="title: Re\u0301seaux sociaux").replace("\n", "\r\n")
    source, diagnostics = decode_source(b"\xef\xbb\xbf" + text.encode("utf-8"), "content/courses/ABC-DEF-1.md")
    course, diagnostics = parse_course(source, "ABC-DEF-1")
    assert not diagnostics
    assert course.title == "Réseaux sociaux"
