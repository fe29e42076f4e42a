"""`lexom-site import`: legacy text sheets -> course files.

    bytes -> legacy_sheet.read_sheet -> CourseDraft -> course_file_lines -> checked as `check` would

`import_sheet` works on bytes; `import_files` writes the course files (each
atomically, never over a different file unless forced); `import_sheets` is
the whole command: it reads the sheets, writes their course files and
compares each pasted CGV with the canonical one. A sheet with any error
gives no course file; the other sheets are still imported.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import BuildError, Diagnostic, display_path
from ..i18n import _, ngettext
from ..files import write_atomic
from ..inputs.catalogue import course_problems
from ..inputs.config import SiteConfig, load_config
from ..inputs.course import parse_course
from ..inputs.fields import COURSE_FIELDS
from ..inputs.markdown import plain_inline
from ..inputs.schema import PlainText, Text, TextList
from ..inputs.source import MAX_SOURCE_BYTES, Source, read_input
from ..legal.cgv import load_cgv
from ..legal.diff import DiffReport, diff_document
from ..legal.document import Document
from ..paths import COURSES_DIR
from .course_file import CourseDraft, course_file_lines
from .legacy_sheet import decode_legacy, read_sheet


@dataclass(frozen=True)
class ImportedSheet:
    """The outcome of reading one legacy sheet."""

    path: str
    draft: CourseDraft | None  # None when the sheet could not be understood
    text: str | None  # the course file, when draft is not None
    diagnostics: tuple[Diagnostic, ...]
    cgv_lines: tuple[tuple[int, str], ...]  # the pasted CGV copy, with its line numbers

    @property
    def ok(self) -> bool:
        return self.text is not None


def import_sheet(data: bytes, path: str, dest_dir_shown: str = "content/courses", *, updated: dt.date | None = None,
                 config: SiteConfig | None = None) -> ImportedSheet:
    """One legacy sheet -> the text of its course file, checked as `check`
    would (with the site's settings when `config` is given); `updated`: the
    date written as its last update (today's by default)."""
    draft, diagnostics, cgv_lines = read_sheet(decode_legacy(data), path, updated or dt.date.today())
    if draft is None:
        return ImportedSheet(path, None, None, tuple(diagnostics), cgv_lines)
    dest_shown = f"{dest_dir_shown.rstrip('/')}/{draft.ref}.md"
    lines = course_file_lines(draft)
    text = "".join(line for line, _origin in lines)
    course, problems = parse_course(Source(dest_shown, text), expected_ref=draft.ref)
    if course is not None and config is not None:
        problems = course_problems(course, config)
    for problem in problems:  # the sheet's own structure (numbering, days...) as `check` sees it
        origin = lines[problem.line - 1][1] if 0 < problem.line <= len(lines) else 0
        diagnostics.append(Diagnostic(path, origin, 0, _("{problem} (the course file would not be valid)").format(
            problem=problem.message), hint=problem.hint))
    if course is not None and not problems and _words_of(course) != _words_of_draft(draft):
        diagnostics.append(Diagnostic(path, 0, 0, _("the imported course would not read as the sheet does "
                                                    "(an importer bug: please report it with the sheet)")))
    if any(d.is_error for d in diagnostics):
        return ImportedSheet(path, draft, None, tuple(diagnostics), cgv_lines)
    return ImportedSheet(path, draft, text, tuple(diagnostics), cgv_lines)


def _texts(values, intro: tuple[str, ...], half_days) -> list[tuple[str, bool]]:
    """Every text of a course (texts of its fields, programme), in order, each with whether it is Markdown."""
    texts: list[tuple[str, bool]] = []
    for spec in COURSE_FIELDS:
        value = values(spec.name)
        if value is None:
            continue
        if type(spec.kind) in (Text, PlainText):  # (a Pattern is a code, not words)
            texts.append((value, type(spec.kind) is Text))
        elif isinstance(spec.kind, TextList):
            texts += [(item, True) for item in value]
    texts += [(text, True) for text in intro]
    for half in half_days:
        texts += [(f"Jour {half.day} - {half.period}", True)]
        texts += [(t, True) for m in half.modules for t in (m.title, *m.bullets)]
    return texts


def _words_of(course) -> list[str]:
    return [plain_inline(t) if markdown else t for t, markdown in _texts(
        lambda name: getattr(course, name), course.programme.intro, course.programme.half_days)]


def _words_of_draft(draft: CourseDraft) -> list[str]:
    return [t for t, _ in _texts(draft.values.get, draft.intro, draft.half_days)]


# --- files -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    sheet: ImportedSheet
    dest: str  # the course file, as shown
    action: str  # "written", "unchanged", "would write", "refused", "failed"
    cgv: DiffReport | None = None  # the pasted CGV compared with the canonical one (see import_sheets)


def import_files(sheets: list[tuple[str, bytes | Diagnostic]], dest_dir: Path, dest_dir_shown: str, *, force: bool,
                 dry_run: bool, updated: dt.date | None = None, config: SiteConfig | None = None) -> list[Outcome]:
    """Import every (shown path, bytes) sheet; write each good one to
    dest_dir/REF.md, never over a different file unless `force`. A sheet
    that could not be read is (shown path, why)."""
    outcomes: list[Outcome] = []
    taken: dict[str, str] = {}
    for path, data in sheets:
        if isinstance(data, Diagnostic):
            outcomes.append(Outcome(ImportedSheet(path, None, None, (data,), ()), "", "failed"))
            continue
        sheet = import_sheet(data, path, dest_dir_shown, updated=updated, config=config)
        if not sheet.ok:
            outcomes.append(Outcome(sheet, "", "failed"))
            continue
        target = dest_dir / f"{sheet.draft.ref}.md"
        dest = f"{dest_dir_shown.rstrip('/')}/{target.name}"
        if sheet.draft.ref in taken:
            problem = Diagnostic(path, 0, 0, _("reference {ref} was already imported from {other} in this run").format(
                ref=sheet.draft.ref, other=taken[sheet.draft.ref]),
                hint=_("two sheets hold the same course: import one of them"))
            outcomes.append(Outcome(_with(sheet, problem), dest, "failed"))
            continue
        taken[sheet.draft.ref] = path
        existing = target.read_bytes() if target.is_file() else None
        if existing == sheet.text.encode("utf-8"):
            outcomes.append(Outcome(sheet, dest, "unchanged"))
        elif (existing is not None or target.exists()) and not force:
            problem = Diagnostic(dest, 0, 0, _("already exists and differs from the imported course; not overwritten"),
                                 hint=_("use --force to replace it (--dry-run shows what would be written)"))
            outcomes.append(Outcome(_with(sheet, problem), dest, "refused"))
        elif dry_run:
            outcomes.append(Outcome(sheet, dest, "would write"))
        else:
            dest_dir.mkdir(parents=True, exist_ok=True)
            write_atomic(target, sheet.text.encode("utf-8"))
            outcomes.append(Outcome(sheet, dest, "written"))
    return outcomes


def _with(sheet: ImportedSheet, problem: Diagnostic) -> ImportedSheet:
    return ImportedSheet(sheet.path, sheet.draft, None, sheet.diagnostics + (problem,), sheet.cgv_lines)


@dataclass(frozen=True)
class ImportRun:
    """What `lexom-site import` did."""

    outcomes: tuple[Outcome, ...]

    @property
    def failed(self) -> int:
        return sum(outcome.action in ("failed", "refused") for outcome in self.outcomes)

    def summary(self, dry_run: bool) -> str:
        """« 1 sheet imported, 1 already up to date, 0 not imported. »: each sheet counted once, by what
        happened to it (or, with --dry-run, what would)."""
        made = sum(o.action == ("would write" if dry_run else "written") for o in self.outcomes)
        unchanged = sum(o.action == "unchanged" for o in self.outcomes)
        parts = [(ngettext("{count} sheet would be imported", "{count} sheets would be imported", made) if dry_run
                  else ngettext("{count} sheet imported", "{count} sheets imported", made)).format(count=made),
                 ngettext("{count} already up to date", "{count} already up to date", unchanged).format(
                     count=unchanged),
                 ngettext("{count} not imported", "{count} not imported", self.failed).format(count=self.failed)]
        return ", ".join(parts) + "."


def _read_sheets(files: list[Path]) -> list[tuple[str, bytes | Diagnostic]]:
    """Each file's bytes, or why it cannot be imported: not a regular file, too large, named twice."""
    sheets: list[tuple[str, bytes | Diagnostic]] = []
    seen: dict[Path, str] = {}
    for path in files:
        shown = str(path)
        same = seen.get(path.resolve())
        if same is not None:
            sheets.append((shown, Diagnostic(shown, 0, 0, _("is given twice on the command line (as {path})").format(
                path=same) if same != shown else _("is given twice on the command line"),
                hint=_("name each sheet once"))))
            continue
        seen[path.resolve()] = shown
        data, problems = read_input(path, shown, MAX_SOURCE_BYTES)
        sheets.append((shown, data if data is not None else problems[0]))
    return sheets


def import_sheets(root: Path, files: list[Path], dest_dir: Path | None = None, *, force: bool = False,
                  dry_run: bool = False, updated: dt.date | None = None) -> ImportRun:
    """Import legacy sheets into course files (in content/courses/ unless
    `dest_dir`), and compare the CGV pasted in each with the canonical CGV.
    `updated`: the date of last update the course files say (today's by default)."""
    dest_dir = dest_dir if dest_dir is not None else root / COURSES_DIR
    try:
        config = load_config(root)
    except BuildError:
        config = None
    outcomes = import_files(_read_sheets(files), dest_dir, display_path(dest_dir, root), force=force,
                            dry_run=dry_run, updated=updated, config=config)
    try:
        cgv = load_cgv(config) if config is not None else None
    except BuildError:
        cgv = None
    compared = []
    for outcome in outcomes:
        sheet = outcome.sheet
        if cgv is not None and sheet.cgv_lines and outcome.action not in ("failed", "refused"):
            outcome = Outcome(sheet, outcome.dest, outcome.action,
                              diff_document(cgv, Document(sheet.path, sheet.cgv_lines, "line")))
        compared.append(outcome)
    return ImportRun(tuple(compared))
