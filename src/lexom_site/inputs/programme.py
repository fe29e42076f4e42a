"""The programme of a course: the Markdown body of a course file -> `Programme`.

    ## Jour 1 - Matin          a half-day
    ### 1. Module title        a numbered module (numbers continue across days)
    - point                    its bullets

Paragraphs before the first half-day are the programme's lead-in. Every
problem is reported at its line; `parse_programme` works on text only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from markdown_it.tree import SyntaxTreeNode

from ..diagnostics import Diagnostic
from ..i18n import N_, _
from .markdown import block_tree, inline_text, unshown_lines

MORNING, AFTERNOON = "Matin", "Après-midi"

_DAY_RE = re.compile(
    r"jour\s+(?P<day>\d+)\s*(?:[-–—:,]\s*)?(?P<half>matin|apr[èe]s[- ]?midi)\s*:?",
    re.IGNORECASE,
)
_MODULE_RE = re.compile(r"(?P<num>\d+)[.)]\s+(?P<title>\S.*)")
_IGNORED_HEADINGS = {"programme", "programme de la formation"}


@dataclass(frozen=True)
class Module:
    number: int
    title: str  # inline Markdown
    bullets: tuple[str, ...]  # inline Markdown
    line: int


@dataclass(frozen=True)
class HalfDay:
    day: int
    period: str  # MORNING or AFTERNOON
    modules: tuple[Module, ...]
    line: int

    @property
    def label(self) -> str:
        return f"Jour {self.day} - {self.period}"


@dataclass(frozen=True)
class Programme:
    intro: tuple[str, ...]  # paragraphs before the first half-day
    half_days: tuple[HalfDay, ...]

    @property
    def days(self) -> tuple[tuple[int, tuple[HalfDay, ...]], ...]:
        grouped: dict[int, list[HalfDay]] = {}
        for half in self.half_days:
            grouped.setdefault(half.day, []).append(half)
        return tuple((day, tuple(halves)) for day, halves in grouped.items())

    @property
    def modules(self) -> tuple[Module, ...]:
        return tuple(m for half in self.half_days for m in half.modules)


class _ProgrammeBuilder:
    """Reads the body block by block: half-day labels, modules, bullets."""

    def __init__(self, path: str, first_line: int):
        self.path, self.first_line = path, first_line
        self.intro: list[str] = []
        self.half_days: list[HalfDay] = []
        self.diagnostics: list[Diagnostic] = []
        self._half: tuple[int, str, int] | None = None  # day, period, line
        self._modules: list[Module] = []
        self._module: dict | None = None

    def line_of(self, node: SyntaxTreeNode) -> int:
        return (node.map[0] if node.map else 0) + self.first_line

    def error(self, node: SyntaxTreeNode, message: str, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(self.path, self.line_of(node), 1, message, hint=hint))

    # module and half-day bookkeeping
    def close_module(self) -> None:
        if self._module is not None:
            m = self._module
            if not m["bullets"]:
                self.diagnostics.append(Diagnostic(
                    self.path, m["line"], 1, _("module {number} has no bullet point").format(number=m['number']),
                    hint=_("list what the module covers under its title, one '- point' per line")))
            self._modules.append(Module(m["number"], m["title"], tuple(m["bullets"]), m["line"]))
            self._module = None

    def close_half(self) -> None:
        self.close_module()
        if self._half is not None:
            day, period, line = self._half
            self.half_days.append(HalfDay(day, period, tuple(self._modules), line))
        self._half, self._modules = None, []

    def open_module(self, node: SyntaxTreeNode, number: int, title: str) -> None:
        self.close_module()
        if self._half is None:
            self.error(
                node,
                _("module {number} comes before any half-day").format(number=number),
                _("start the programme with a line like '## Jour 1 - Matin'"),
            )
        self._module = {"number": number, "title": title, "bullets": [], "line": self.line_of(node)}

    def add_bullets(self, node: SyntaxTreeNode) -> None:
        if self._module is None:
            self.error(
                node,
                _("bullet list before the first half-day") if self._half is None else _("bullet list outside a module"),
                _("bullets belong to a numbered module, e.g. '### 1. Module title' followed by '- point'"),
            )
            return
        for item in node.children:
            texts = []
            for child in item.children:
                if child.type == "paragraph":
                    texts.append(inline_text(child))
                else:
                    self.error(child, _("a bullet can only hold text (no nested list or block)"),
                               _("write each point as its own '- ' line, without indentation"))
            self._module["bullets"].append(" ".join(texts))

    # block dispatch
    def text_block(self, node: SyntaxTreeNode) -> None:
        text = inline_text(node)
        day = _DAY_RE.fullmatch(text)
        module = _MODULE_RE.fullmatch(text)
        if day:
            self.close_half()
            period = MORNING if day["half"].lower().startswith("m") else AFTERNOON
            self._half = (int(day["day"]), period, self.line_of(node))
        elif module and (node.type == "heading" or self._half is not None):
            self.open_module(node, int(module["num"]), module["title"].strip())
        elif text.lower().startswith("jour"):
            self.error(node, _("'{text}' is not a half-day label").format(text=text),
                       _("write 'Jour 1 - Matin' or 'Jour 1 - Après-midi'"))
        elif self._half is None and node.type == "paragraph":
            self.intro.append(text)
        elif node.type == "heading" and self._half is None and text.lower() in _IGNORED_HEADINGS:
            pass
        elif node.type == "heading":
            self.error(
                node,
                _("unexpected heading '{text}' in the programme").format(text=text),
                _("the programme holds half-days ('## Jour 1 - Matin') and numbered modules ('### 1. Title')"),
            )
        else:
            self.error(
                node,
                _("text outside a bullet list inside the programme"),
                _("write it as a bullet ('- text') of the module above, or as a module title ('### 3. Title')"),
            )

    def ordered_list(self, node: SyntaxTreeNode) -> None:
        for item in node.children:
            number = int(item.info or 1)
            paragraphs = [c for c in item.children if c.type == "paragraph"]
            title = inline_text(paragraphs[0]) if paragraphs else ""
            self.open_module(item, number, title)
            for child in item.children[1:]:
                if child.type == "bullet_list":
                    self.add_bullets(child)
                else:
                    self.error(child, _("unexpected text inside a module title"),
                               _("put the module's points in a '- ' list"))

    def feed(self, node: SyntaxTreeNode) -> None:
        if node.type in ("heading", "paragraph"):
            self.text_block(node)
        elif node.type == "ordered_list":
            self.ordered_list(node)
        elif node.type == "bullet_list":
            self.add_bullets(node)
        else:
            kind = {"code_block": N_("indented text (code block)"), "fence": N_("code block"),
                    "blockquote": N_("quotation"), "hr": N_("horizontal rule"),
                    "html_block": N_("raw HTML")}.get(node.type, node.type)
            self.error(node, _("a {kind} is not allowed in the programme").format(kind=_(kind)),
                       _("the programme holds half-days, numbered modules and '- ' bullets; "
                         "remove the indentation if the text is indented"))


def parse_programme(body: str, path: str, first_line: int) -> tuple[Programme | None, list[Diagnostic]]:
    builder = _ProgrammeBuilder(path, first_line)
    tree = block_tree(body)
    for node in tree.children:
        builder.feed(node)
    builder.close_half()
    diagnostics = builder.diagnostics
    for number, column, line in unshown_lines(body, tree):  # (never a line lost without a word)
        diagnostics.append(Diagnostic(path, first_line + number, column,
                                      _("« {line} » would not be shown: Markdown reads it as a link definition, "
                                        "which course files do not use").format(line=line),
                                      hint=_("write the address in the link itself: [text](#prerequis) or "
                                             "[text](https://…), and delete this line")))
    programme = Programme(tuple(builder.intro), tuple(builder.half_days))
    diagnostics += _check_programme(programme, path, first_line)
    return (None if diagnostics else programme), diagnostics


def _check_programme(programme: Programme, path: str, first_line: int) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    if not programme.half_days:
        out.append(
            Diagnostic(
                path,
                first_line,
                1,
                _("the programme is empty: no half-day 'Jour 1 - Matin' found after the front matter"),
                hint=_("write the programme below the closing '---' (see docs/content-format.md)"),
            )
        )
        return out
    previous: HalfDay | None = None
    for half in programme.half_days:
        if previous is None:
            if half.day != 1:
                out.append(Diagnostic(path, half.line, 1, _("the programme starts with day {day}").format(day=half.day),
                                      hint=_("the first day is 'Jour 1'")))
        elif half.day == previous.day:
            if not (previous.period == MORNING and half.period == AFTERNOON):
                out.append(Diagnostic(path, half.line, 1,
                                      _("'{label}' comes after '{previous}'").format(label=half.label,
                                                                                     previous=previous.label),
                                      hint=_("each day has at most a 'Matin' then an 'Après-midi'")))
        elif half.day != previous.day + 1:
            out.append(Diagnostic(path, half.line, 1,
                                  _("day {day} comes after day {previous}: expected day {expected}").format(
                                      day=half.day, previous=previous.day, expected=previous.day + 1),
                                  hint=_("number the days 1, 2, 3... in order")))
        if not half.modules:
            out.append(Diagnostic(path, half.line, 1, _("'{label}' has no module").format(label=half.label),
                                  hint=_("add at least one numbered module, e.g. '### 1. Title'")))
        previous = half
    expected = 1
    for module in programme.modules:
        if module.number != expected:
            out.append(Diagnostic(path, module.line, 1,
                                  _("module {number} comes where module {expected} was expected").format(
                                      number=module.number, expected=expected),
                                  hint=_("number the modules 1, 2, 3... in order, continuing across days")))
        if not module.title:
            out.append(Diagnostic(path, module.line, 1, _("module {number} has no title").format(number=module.number)))
        expected = module.number + 1
    return out


def programme_to_json(programme: Programme) -> dict[str, Any]:
    """The programme as JSON values (for the build cache); `programme_from_json` is the inverse."""
    return {
        "intro": list(programme.intro),
        "half_days": [{"day": h.day, "period": h.period, "line": h.line,
                       "modules": [{"number": m.number, "title": m.title, "bullets": list(m.bullets), "line": m.line}
                                   for m in h.modules]} for h in programme.half_days],
    }


def programme_from_json(value: dict[str, Any]) -> Programme:
    half_days = tuple(HalfDay(h["day"], h["period"], tuple(Module(m["number"], m["title"], tuple(m["bullets"]),
                                                                   m["line"]) for m in h["modules"]), h["line"])
                      for h in value["half_days"])
    return Programme(tuple(value["intro"]), half_days)
