"""Reading a legacy text sheet of the old catalogue into a `CourseDraft`.

    bytes -> lines (NFC, LF, plain spaces) -> sections -> CourseDraft -> course file text

A legacy sheet is the text export of the old catalogue:

    2                                   duration, then its unit on the next line
    Jours
    Utiliser les réseaux sociaux ...    title
    dans RELATION CLIENT - RELATION CLIENTS / Réf : RCL-RCL-14
    Objectifs de la formation           sections, each a heading line...
    - ...                               ...then bullets or a paragraph
    Programme de la formation           lead-in, then « Jour N - Matin / Après-midi »,
                                        « N. Module », bullets
    Pré-requis / Public cible / Pédagogie / Méthodes pédagogiques / Modalités d'évaluation
    Conditions Générales de Vente ...   the pasted CGV: not imported, compared

`read_sheet` works on text: each problem is a Diagnostic at the sheet's
line, and a sheet with any error gives no course. importer.py turns what it
reads into course files.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from ..diagnostics import Diagnostic, Severity, quote
from ..i18n import _
from ..inputs.fields import REF_PATTERN
from ..inputs.programme import AFTERNOON, MORNING
from ..files import decode_lenient
from .course_file import CourseDraft, HalfDayDraft, ModuleDraft
from .legacy_facts import FIELD_SECTIONS as FACT_FIELDS
from .legacy_facts import SECTION_KEYS as FACT_SECTIONS
from .legacy_facts import read_facts

# --- reading ---------------------------------------------------------------------------------------------------

# (the no-break spaces of French typography, U+00A0 and U+202F, are the editor's: kept)
_SPACES = str.maketrans({"\u2007": " ", "\u2009": " ", "\t": " ", "\u200b": "", "\ufeff": "", "\u00ad": ""})
_RUN_OF_SPACES = re.compile(r"\s+")


def decode_legacy(data: bytes) -> str:
    """UTF-8, UTF-16 or UTF-32 (with a byte order mark) or Windows-1252, as NFC text with LF, plain spaces
    and the no-break spaces of the sheet."""
    return unicodedata.normalize("NFC", decode_lenient(data)).translate(_SPACES)


@dataclass(frozen=True)
class Line:
    number: int  # 1-based line of the sheet
    text: str  # stripped, inner runs of spaces collapsed


def _lines(text: str) -> list[Line]:
    return [Line(number, _RUN_OF_SPACES.sub(_one_space, raw.strip())) for number, raw in
            enumerate(text.split("\n"), start=1)]


def _one_space(run: re.Match) -> str:
    """A run of spaces as one: a no-break space where the sheet has one alone (« 30\u00a0% »), else a space."""
    return run[0] if run[0] in ("\u00a0", "\u202f") else " "


def key(text: str) -> str:
    """A heading reduced to what matters: no accents, case, punctuation or spacing."""
    text = unicodedata.normalize("NFD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


# --- the sections of a sheet ------------------------------------------------------------------------------------

OBJECTIVES, PROGRAMME, PREREQUISITES, AUDIENCE, PEDAGOGY, METHODS, EVALUATION = (
    "Objectifs de la formation", "Programme de la formation", "Pré-requis", "Public cible", "Pédagogie",
    "Méthodes pédagogiques", "Modalités d'évaluation",
)
SECTION_KEYS = {
    "objectifs de la formation": OBJECTIVES, "objectifs": OBJECTIVES, "objectifs pedagogiques": OBJECTIVES,
    "programme de la formation": PROGRAMME, "programme": PROGRAMME,
    "pre requis": PREREQUISITES, "prerequis": PREREQUISITES,
    "public cible": AUDIENCE, "public": AUDIENCE, "public concerne": AUDIENCE,
    "pedagogie": PEDAGOGY,
    "methodes pedagogiques": METHODS, "methodes et moyens pedagogiques": METHODS,
    "modalites d evaluation": EVALUATION, "modalites devaluation": EVALUATION, "evaluation": EVALUATION,
}
CGV_KEY = "conditions generales de vente"
EXPECTED_SECTIONS = (f"{OBJECTIVES}, {PROGRAMME}, {PREREQUISITES}, {AUDIENCE}, {PEDAGOGY} / {METHODS}, "
                     f"{EVALUATION}, Conditions Générales de Vente")

_BULLET = re.compile(r"^[-*•◦▪‣·]\s*(?P<text>\S.*)$")
_MODULE = re.compile(r"^(?P<number>\d{1,3})\s*[.)]\s*(?P<title>\S.*)$")
_DAY = re.compile(r"^jour\s+(?P<day>\d{1,2})\b\s*[-–—:,]?\s*(?P<label>.*?)\s*:?$", re.IGNORECASE)
_DURATION = re.compile(r"^(?P<days>\d{1,2})(?:\s+(?P<unit>\S+))?$")
_HEADER = re.compile(r"^dans\s+(?P<category>.+?)\s+[-–—]\s+(?P<subcategory>.+?)\s*/\s*R[ée]f(?:érence)?\s*[:.]?\s*"
                     r"(?P<ref>\S+)$", re.IGNORECASE)
_HALF_DAYS = {"matin": MORNING, "apres midi": AFTERNOON, "apresmidi": AFTERNOON}


@dataclass
class _Reader:
    path: str
    lines: list[Line]
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def error(self, line: Line | int, message: str, hint: str | None = None) -> None:
        number = line.number if isinstance(line, Line) else line
        self.diagnostics.append(Diagnostic(self.path, number, 0, message, hint=hint))

    def warning(self, line: Line, message: str, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(self.path, line.number, 0, message, Severity.WARNING, hint))


def _is_heading_like(block: list[Line]) -> bool:
    """One short line standing alone, without final punctuation: the look of a section heading."""
    if len(block) != 1:
        return False
    text = block[0].text
    return len(text) <= 60 and not text.endswith((".", ";", ",", ":", "!", "?")) and not _BULLET.match(text)


def _blocks(lines: list[Line]) -> list[list[Line]]:
    """Runs of non-blank lines."""
    blocks: list[list[Line]] = []
    current: list[Line] = []
    for line in lines:
        if line.text:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _unknown_section(reader: _Reader, line: Line, where: str) -> None:
    reader.error(line, _("unknown section {name} in {where}").format(name=quote(line.text), where=where),
                 _("expected one of: {sections}; rename the heading or move the text into one of these").format(
                     sections=EXPECTED_SECTIONS))


def _bullets(reader: _Reader, name: str, lines: list[Line]) -> tuple[str, ...]:
    items: list[str] = []
    blocks = _blocks(lines)
    for block in blocks:
        if _is_heading_like(block) and not _BULLET.match(block[0].text):
            _unknown_section(reader, block[0], f"{quote(name)}")
            continue
        for line in block:
            bullet = _BULLET.match(line.text)
            if bullet:
                items.append(bullet["text"])
            elif items and line is not block[0]:
                items[-1] += " " + line.text  # a bullet wrapped over two lines
            else:
                reader.error(line, _("expected a bullet point ('- text') under {name}, found {text}").format(
                    name=quote(name), text=quote(line.text)))
    if not items and not blocks:
        reader.error(lines[0] if lines else 1, _("{name} is empty").format(name=quote(name)),
                     _("add its items as '- text' lines"))
    return tuple(items)


def _paragraph(reader: _Reader, name: str, heading: Line, lines: list[Line]) -> str:
    parts: list[str] = []
    bullets = False
    for block in _blocks(lines):
        if parts and _is_heading_like(block):
            _unknown_section(reader, block[0], f"{quote(name)}")
            continue
        for line in block:
            bullet = _BULLET.match(line.text)
            bullets = bullets or bool(bullet)
            parts.append(bullet["text"] if bullet else line.text)
    if not parts:
        reader.error(heading, _("{name} is empty").format(name=quote(name)),
                     _("write its text on the line below the heading"))
        return ""
    if bullets and len(parts) > 1:
        reader.warning(heading, _("the list under {name} was joined into one text (the course format has one "
                                  "text here)").format(name=quote(name)), _("check the imported wording"))
        return " ; ".join(parts)
    return " ".join(parts)


def _programme(reader: _Reader, lines: list[Line]) -> tuple[tuple[str, ...], tuple[HalfDayDraft, ...]]:
    intro: list[str] = []
    halves: list[HalfDayDraft] = []
    half: tuple[int, str, int] | None = None  # day, period, line
    modules: list[ModuleDraft] = []
    module: list | None = None  # [number, title, bullets, line]
    previous: Line | None = None  # the non-blank line just above, if no blank line in between

    def close_module() -> None:
        nonlocal module
        if module is not None:
            modules.append(ModuleDraft(module[0], module[1], tuple(module[2]), module[3]))
            module = None

    def close_half() -> None:
        nonlocal modules
        close_module()
        if half is not None:
            halves.append(HalfDayDraft(half[0], half[1], tuple(modules), half[2]))
        modules = []

    blocks = _blocks(lines)
    for block in blocks:
        previous = None
        for line in block:
            day, mod, bullet = _DAY.match(line.text), _MODULE.match(line.text), _BULLET.match(line.text)
            if day:
                period = _HALF_DAYS.get(key(day["label"]))
                if period is None:
                    label = day["label"] or "(nothing)"
                    reader.error(line, _("unknown half-day {label} in {text}").format(label=quote(label),
                                                                                       text=quote(line.text)),
                                 _("expected « Jour {day} - Matin » or « Jour {day} - Après-midi »").format(
                                     day=day['day']))
                    period = "?"
                close_half()
                half = (int(day["day"]), period, line.number)
            elif mod:
                close_module()
                if half is None:
                    reader.error(line, _("module {text} comes before any half-day").format(text=quote(line.text)),
                                 _("the programme starts with a line « Jour 1 - Matin »"))
                module = [int(mod["number"]), mod["title"], [], line.number]
            elif bullet:
                if module is None:
                    reader.error(line, _("bullet {text} is not under a numbered module").format(
                        text=quote(bullet['text'])), _("a module line « 1. Title » comes before its bullets"))
                else:
                    module[2].append(bullet["text"])
            elif half is None:  # the lead-in, before the first half-day
                if previous is not None and intro:
                    intro[-1] += " " + line.text
                else:
                    intro.append(line.text)
            elif previous is not None and module is not None:  # a wrapped module title or bullet
                if module[2]:
                    module[2][-1] += " " + line.text
                else:
                    module[1] += " " + line.text
            elif _is_heading_like(block):
                _unknown_section(reader, line, f"{quote(PROGRAMME)}")
            else:
                reader.error(line, _("unexpected text in the programme: {text}").format(text=quote(line.text)),
                             _("expected « Jour N - Matin », « Jour N - Après-midi », a module « 1. Title » or a "
                               "bullet « - point »"))
            previous = line
    close_half()
    if not halves and not reader.diagnostics:
        reader.error(lines[0] if lines else 1, _("the programme has no half-day"),
                     _("the programme lists « Jour 1 - Matin », its modules and their bullets"))
    return tuple(intro), tuple(halves)


def read_sheet(text: str, path: str, updated: dt.date
               ) -> tuple[CourseDraft | None, list[Diagnostic], tuple[tuple[int, str], ...]]:
    """Understand one legacy sheet: (the course, problems, the pasted CGV lines);
    `updated`: the date the course file says it was last updated."""
    lines = _lines(text)
    reader = _Reader(path, lines)
    cgv_at = next((i for i, line in enumerate(lines) if key(line.text).startswith(CGV_KEY)), len(lines))
    cgv_lines = tuple((line.number, raw) for line, raw in zip(lines[cgv_at:], text.split("\n")[cgv_at:]))
    course = lines[:cgv_at]
    nonblank = [line for line in course if line.text]

    # The header: duration (number, then unit), title, « dans CATEGORY - SUB-CATEGORY / Réf : REF ».
    position = 0

    def take() -> Line | None:
        nonlocal position
        if position < len(nonblank):
            position += 1
            return nonblank[position - 1]
        return None

    first = take()
    duration = _DURATION.match(first.text) if first else None
    days = 0
    if duration is None:
        reader.error(first or 1, _("expected the duration (« 2 » then « Jours ») at the top of the sheet, found "
                                   "{text}").format(text=quote(first.text) if first else _("(an empty file)")))
        return None, reader.diagnostics, cgv_lines
    days = int(duration["days"])
    unit = duration["unit"]
    if unit is None:
        unit_line = take()
        unit = unit_line.text if unit_line else ""
    if key(unit) not in ("jour", "jours"):
        reader.error(first, _("expected « Jour » or « Jours » after the duration {days}, found {unit}").format(
            days=quote(days), unit=quote(unit)))
    title_line = take()
    header_line = take()
    if title_line is None or header_line is None:
        reader.error(first, _("the sheet ends before its title and its line « dans CATEGORY - SUB-CATEGORY / Réf : "
                              "REF »"))
        return None, reader.diagnostics, cgv_lines
    header = _HEADER.match(header_line.text)
    if _HEADER.match(title_line.text):
        reader.error(title_line, _("the title is missing: expected the title above the line « dans … / Réf : … »"))
        return None, reader.diagnostics, cgv_lines
    if header is None:
        reader.error(header_line, _("expected the line « dans CATEGORY - SUB-CATEGORY / Réf : REF », found {text}")
                     .format(text=quote(header_line.text)),
                     _("without it the course has no reference, category or sub-category"))
        return None, reader.diagnostics, cgv_lines
    ref = header["ref"]
    if not re.fullmatch(REF_PATTERN, ref):
        reader.error(header_line, _("the reference {ref} is not in the expected form").format(ref=quote(ref)),
                     _("a reference is written like RCL-RCL-14 (capital letters, digits and dashes)"))

    # The sections, each from its heading to the next one.
    rest = course[course.index(header_line) + 1:]
    sections: dict[str, tuple[Line, list[Line]]] = {}
    current: str | None = None
    pending: list[Line] = []
    for line in rest:
        is_item = bool(_BULLET.match(line.text) or _MODULE.match(line.text))
        name = (SECTION_KEYS.get(key(line.text)) or FACT_SECTIONS.get(key(line.text))
                if line.text and not is_item else None)
        if name == METHODS and current == PEDAGOGY and not any(l.text for l in sections[PEDAGOGY][1]):
            sections[METHODS] = sections.pop(PEDAGOGY)  # « Pédagogie » then « Méthodes pédagogiques »: one section
            current = METHODS
            continue
        if name is not None:
            if name in sections or (name == PEDAGOGY and METHODS in sections) or (
                    name == METHODS and PEDAGOGY in sections):
                reader.error(line, _("{text} appears twice in the sheet").format(text=quote(line.text)))
                current = None
                continue
            sections[name] = (line, [])
            current = name
        elif current is None:
            if line.text:
                pending.append(line)
        else:
            sections[current][1].append(line)
    for block in _blocks(pending):
        if _is_heading_like(block):
            _unknown_section(reader, block[0], _("the sheet"))
        else:
            reader.error(block[0], _("text outside any section: {text}").format(text=quote(block[0].text)),
                         _("expected a section heading: {sections}").format(sections=EXPECTED_SECTIONS))
    if PEDAGOGY in sections:
        sections[METHODS] = sections.pop(PEDAGOGY)
    end_line = lines[cgv_at].number if cgv_at < len(lines) else len(lines)
    for name in (OBJECTIVES, PROGRAMME, PREREQUISITES, AUDIENCE, METHODS, EVALUATION):
        if name not in sections:
            reader.error(end_line, _("the section {name} is missing").format(name=quote(name)),
                         _("a sheet has the sections {sections}").format(sections=EXPECTED_SECTIONS))
    if any(d.is_error for d in reader.diagnostics):
        return None, reader.diagnostics, cgv_lines

    objectives = _bullets(reader, OBJECTIVES, sections[OBJECTIVES][1])
    intro, half_days = _programme(reader, sections[PROGRAMME][1])
    prerequisites = _paragraph(reader, PREREQUISITES, *sections[PREREQUISITES])
    audience = _paragraph(reader, AUDIENCE, *sections[AUDIENCE])
    methods = _bullets(reader, METHODS, sections[METHODS][1])
    evaluation = _bullets(reader, EVALUATION, sections[EVALUATION][1])
    practical = {name: _paragraph(reader, name, *sections[name]) for name in FACT_SECTIONS.values()
                 if name in sections}
    facts = read_facts(practical, lambda name, message: reader.warning(sections[name][0], message))
    if any(d.is_error for d in reader.diagnostics):
        return None, reader.diagnostics, cgv_lines
    draft = CourseDraft(
        values={"ref": ref, "title": title_line.text, "category": header["category"],
                "subcategory": header["subcategory"], "duration_days": days, "objectives": objectives,
                "prerequisites": prerequisites, "audience": audience, "teaching_methods": methods,
                "evaluation_methods": evaluation, "updated": updated, **facts},
        intro=intro, half_days=half_days,
        origins=(("ref", header_line.number), ("title", title_line.number), ("category", header_line.number),
                 ("subcategory", header_line.number), ("duration_days", first.number),
                 *((field_name, sections[section][0].number) for field_name, section in (
                     ("objectives", OBJECTIVES), ("intro", PROGRAMME), ("prerequisites", PREREQUISITES),
                     ("audience", AUDIENCE), ("teaching_methods", METHODS), ("evaluation_methods", EVALUATION))),
                 *((name, sections[FACT_FIELDS[name]][0].number) for name in facts)),
    )
    return draft, reader.diagnostics, cgv_lines
