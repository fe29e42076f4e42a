"""Course files: typed front matter + a Markdown programme -> `Course`.

`parse_course(source)` works on text only; `course_paths` lists the files of
content/courses/ and `read_course` reads and parses one (pipeline.load_project
runs them over the whole catalogue, collecting every problem of every file
before anything is rendered).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Mapping

from markdown_it.tree import SyntaxTreeNode

from ..diagnostics import Diagnostic, display_path
from .config import SiteConfig
from .markdown import block_tree, inline_text, link_problems
from .schema import Field, FreeMapping, Integer, Pattern, Text, TextList, parse_mapping
from .source import Reader, Source, compose_yaml, read_source, split_front_matter

REF_PATTERN = r"[A-Z]{2,10}(?:-[A-Z0-9]{1,10}){1,4}"

COURSE_FIELDS = (
    Field(
        "ref",
        Pattern(max_length=60, regex=REF_PATTERN, example="RCL-RCL-14"),
        "catalogue reference; the file is named after it (RCL-RCL-14.md)",
        example="RCL-RCL-14",
    ),
    Field("title", Text(max_length=200), "title of the course", example="Utiliser les réseaux sociaux dans sa relation client"),
    Field("category", Text(max_length=80), "catalogue category", example="RELATION CLIENT"),
    Field("subcategory", Text(max_length=80), "sub-category inside the category", example="RELATION CLIENTS"),
    Field("duration_days", Integer(minimum=1, maximum=30), "duration in days; the programme has this many days", example=2),
    Field("objectives", TextList(), "objectives of the course, one per item", example=("Connaître les réseaux sociaux",)),
    Field("prerequisites", Text(), "what participants must know beforehand", example="Aucune connaissance préalable n'est requise"),
    Field("audience", Text(), "who the course is for", example="Tout public"),
    Field("teaching_methods", TextList(), "teaching methods (« Méthodes pédagogiques »)", example=("Etude de cas pratiques",)),
    Field("evaluation_methods", TextList(), "evaluation methods (« Modalités d'évaluation »)", example=("Réalisation de cas pratiques",)),
    Field("extra", FreeMapping(), "free-form data for templates", required=False),
)

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


@dataclass(frozen=True)
class Course:
    path: str
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
    programme: Programme
    extra: Mapping[str, Any]
    field_lines: Mapping[str, int]  # field name -> line of its key in the file

    def __reduce__(self):  # pickled to and from worker processes; mapping proxies are not picklable
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        values["extra"], values["field_lines"] = dict(self.extra), dict(self.field_lines)
        return (_course_from_values, (values,))

    @property
    def slug(self) -> str:
        return self.ref.lower()

    @property
    def duration_label(self) -> str:
        return f"{self.duration_days} Jour" + ("s" if self.duration_days > 1 else "")


def course_to_json(course: Course) -> dict[str, Any]:
    """A course as JSON values (for the build cache); `course_from_json` is the inverse."""
    values = {name: getattr(course, name) for name in course.__dataclass_fields__}
    values["extra"], values["field_lines"] = dict(course.extra), dict(course.field_lines)
    values["programme"] = {
        "intro": list(course.programme.intro),
        "half_days": [{"day": h.day, "period": h.period, "line": h.line,
                       "modules": [{"number": m.number, "title": m.title, "bullets": list(m.bullets), "line": m.line}
                                   for m in h.modules]} for h in course.programme.half_days],
    }
    return values


def _tuples(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    return value


def course_from_json(values: dict[str, Any]) -> Course:
    values = dict(values)
    programme = values.pop("programme")
    half_days = tuple(HalfDay(h["day"], h["period"], tuple(Module(m["number"], m["title"], tuple(m["bullets"]),
                                                                   m["line"]) for m in h["modules"]), h["line"])
                      for h in programme["half_days"])
    for name in ("objectives", "teaching_methods", "evaluation_methods"):
        values[name] = tuple(values[name])
    values["extra"] = _tuples(values["extra"])
    return _course_from_values({**values, "programme": Programme(tuple(programme["intro"]), half_days)})


def _course_from_values(values: dict[str, Any]) -> Course:
    values["extra"] = MappingProxyType(values["extra"])
    values["field_lines"] = MappingProxyType(values["field_lines"])
    return Course(**values)


@dataclass(frozen=True)
class Catalogue:
    courses: tuple[Course, ...]  # sorted by category, sub-category, title

    def by_category(self) -> tuple[tuple[str, tuple[tuple[str, tuple[Course, ...]], ...]], ...]:
        tree: dict[str, dict[str, list[Course]]] = {}
        for course in self.courses:
            tree.setdefault(course.category, {}).setdefault(course.subcategory, []).append(course)
        return tuple(
            (category, tuple((sub, tuple(courses)) for sub, courses in subs.items())) for category, subs in tree.items()
        )


# --- one file ----------------------------------------------------------------


def parse_course(source: Source, expected_ref: str | None = None) -> tuple[Course | None, list[Diagnostic]]:
    """Parse and validate one course file; return every problem found."""
    front, diagnostics = split_front_matter(source)
    if front is None:
        return None, diagnostics
    node, diagnostics = compose_yaml(front.yaml_text, source.path, front.yaml_line)
    if node is None and diagnostics:
        return None, diagnostics
    parsed, found = parse_mapping(node, COURSE_FIELDS, source.path, front.yaml_line, "front matter")
    diagnostics += found
    values = parsed.values
    if expected_ref is not None and "ref" in values and values["ref"] != expected_ref:
        diagnostics.append(
            Diagnostic(
                source.path,
                parsed.lines["ref"],
                1,
                f"ref '{values['ref']}' does not match the file name '{expected_ref}.md'",
                hint=f"rename the file to {values['ref']}.md, or correct the reference",
            )
        )
    programme, found = parse_programme(front.body, source.path, front.body_line)
    diagnostics += found
    if programme is not None and "duration_days" in values:
        days = len(programme.days)
        if days and days != values["duration_days"]:
            diagnostics.append(
                Diagnostic(
                    source.path,
                    parsed.lines["duration_days"],
                    1,
                    f"'duration_days' is {values['duration_days']} but the programme has {days} day(s)",
                    hint="make the duration and the 'Jour N' headings of the programme agree",
                )
            )
    for number, line in enumerate(source.text.split("\n"), start=1):
        for problem in link_problems(line):
            diagnostics.append(Diagnostic(source.path, number, problem.col, problem.message, hint=problem.hint))
    if diagnostics or programme is None:
        return None, sorted(diagnostics, key=lambda d: (d.line, d.col))
    return (
        Course(
            path=source.path,
            programme=programme,
            extra=MappingProxyType(dict(values.get("extra", {}))),
            field_lines=MappingProxyType(dict(parsed.lines)),
            **{f.name: values[f.name] for f in COURSE_FIELDS if f.name != "extra"},
        ),
        [],
    )


# --- the programme -------------------------------------------------------------


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
                    self.path, m["line"], 1, f"module {m['number']} has no bullet point",
                    hint="list what the module covers under its title, one '- point' per line"))
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
                f"module {number} comes before any half-day",
                "start the programme with a line like '## Jour 1 - Matin'",
            )
        self._module = {"number": number, "title": title, "bullets": [], "line": self.line_of(node)}

    def add_bullets(self, node: SyntaxTreeNode) -> None:
        if self._module is None:
            where = "before the first half-day" if self._half is None else "outside a module"
            self.error(
                node,
                f"bullet list {where}",
                "bullets belong to a numbered module, e.g. '### 1. Module title' followed by '- point'",
            )
            return
        for item in node.children:
            texts = []
            for child in item.children:
                if child.type == "paragraph":
                    texts.append(inline_text(child))
                else:
                    self.error(child, "a bullet can only hold text (no nested list or block)",
                               "write each point as its own '- ' line, without indentation")
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
            self.error(node, f"'{text}' is not a half-day label", "write 'Jour 1 - Matin' or 'Jour 1 - Après-midi'")
        elif self._half is None and node.type == "paragraph":
            self.intro.append(text)
        elif node.type == "heading" and self._half is None and text.lower() in _IGNORED_HEADINGS:
            pass
        elif node.type == "heading":
            self.error(
                node,
                f"unexpected heading '{text}' in the programme",
                "the programme holds half-days ('## Jour 1 - Matin') and numbered modules ('### 1. Title')",
            )
        else:
            self.error(
                node,
                "text outside a bullet list inside the programme",
                "write it as a bullet ('- text') of the module above, or as a module title ('### 3. Title')",
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
                    self.error(child, "unexpected text inside a module title", "put the module's points in a '- ' list")

    def feed(self, node: SyntaxTreeNode) -> None:
        if node.type in ("heading", "paragraph"):
            self.text_block(node)
        elif node.type == "ordered_list":
            self.ordered_list(node)
        elif node.type == "bullet_list":
            self.add_bullets(node)
        else:
            kind = {"code_block": "indented text (code block)", "fence": "code block", "blockquote": "quotation",
                    "hr": "horizontal rule", "html_block": "raw HTML"}.get(node.type, node.type)
            self.error(node, f"a {kind} is not allowed in the programme",
                       "the programme holds half-days, numbered modules and '- ' bullets; "
                       "remove the indentation if the text is indented")


def parse_programme(body: str, path: str, first_line: int) -> tuple[Programme | None, list[Diagnostic]]:
    builder = _ProgrammeBuilder(path, first_line)
    for node in block_tree(body).children:
        builder.feed(node)
    builder.close_half()
    diagnostics = builder.diagnostics
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
                "the programme is empty: no half-day 'Jour 1 - Matin' found after the front matter",
                hint="write the programme below the closing '---' (see docs/content-format.md)",
            )
        )
        return out
    previous: HalfDay | None = None
    for half in programme.half_days:
        if previous is None:
            if half.day != 1:
                out.append(Diagnostic(path, half.line, 1, f"the programme starts with day {half.day}",
                                      hint="the first day is 'Jour 1'"))
        elif half.day == previous.day:
            if not (previous.period == MORNING and half.period == AFTERNOON):
                out.append(Diagnostic(path, half.line, 1,
                                      f"'{half.label}' comes after '{previous.label}'",
                                      hint="each day has at most a 'Matin' then an 'Après-midi'"))
        elif half.day != previous.day + 1:
            out.append(Diagnostic(path, half.line, 1,
                                  f"day {half.day} comes after day {previous.day}: expected day {previous.day + 1}",
                                  hint="number the days 1, 2, 3... in order"))
        if not half.modules:
            out.append(Diagnostic(path, half.line, 1, f"'{half.label}' has no module",
                                  hint="add at least one numbered module, e.g. '### 1. Title'"))
        previous = half
    expected = 1
    for module in programme.modules:
        if module.number != expected:
            out.append(Diagnostic(path, module.line, 1,
                                  f"module {module.number} comes where module {expected} was expected",
                                  hint="number the modules 1, 2, 3... in order, continuing across days"))
        if not module.title:
            out.append(Diagnostic(path, module.line, 1, f"module {module.number} has no title"))
        expected = module.number + 1
    return out


# --- the catalogue -------------------------------------------------------------


def course_paths(config: SiteConfig) -> tuple[list[Path], list[Diagnostic]]:
    """The course files of content/courses/, and what else lies there that should not."""
    courses_dir = config.courses_dir
    if not courses_dir.is_dir():
        return [], [Diagnostic(display_path(courses_dir, config.root), 0, 0, "folder content/courses/ is missing")]
    paths, diagnostics = [], []
    for path in sorted(courses_dir.iterdir()):
        shown = display_path(path, config.root)
        if path.is_dir() and not path.is_symlink():
            diagnostics.append(Diagnostic(shown, 0, 0, "sub-folders are not read in content/courses/",
                                          hint="keep every course file directly in content/courses/"))
        elif path.suffix != ".md":
            if not path.name.startswith("."):
                diagnostics.append(Diagnostic(shown, 0, 0, "not a course file (course files end with .md)",
                                              hint="rename it to REF.md or move it out of content/courses/"))
        else:
            paths.append(path)
    return paths, diagnostics


def read_course(path: Path, config: SiteConfig, reader: Reader = read_source
                ) -> tuple[Source | None, Course | None, list[Diagnostic]]:
    """Read and parse one course file."""
    source, diagnostics = reader(path, display_path(path, config.root))
    if source is None:
        return None, None, diagnostics
    course, found = parse_course(source, expected_ref=path.stem)
    return source, course, diagnostics + found


def make_catalogue(courses: Iterable[Course]) -> Catalogue:
    return Catalogue(tuple(sorted(courses, key=lambda c: (c.category.casefold(), c.subcategory.casefold(),
                                                          c.title.casefold(), c.ref))))
