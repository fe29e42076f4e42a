"""The `lexom-site` command: parse options, call one library function, print.

Exit codes: 0 success, 1 problems in the sources (printed as
`path:line:col: error: message`), 2 wrong usage of the command,
3 internal error, 130 interrupted. Nothing is written unless it is 0.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys
from pathlib import Path

import click

from .console import detail, guarded, info, interrupted_by, report_problems, say, verbosity
from .diagnostics import BuildError, Refused
from .i18n import LANGUAGES, _, ngettext, number, set_language

# The stages are imported by the commands that use them: `lexom-site build`
# with nothing to do answers before the heavy libraries are even loaded.

ROOT_OPTION = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help=_("Project folder (the one holding site.yaml)."),
)


def _version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        from .environment import version_line

        click.echo(version_line())
        ctx.exit()


def _language(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        set_language(value)


@click.group(context_settings={"help_option_names": ["-h", "--help"]},
             help=_("Build the LEXOM training catalogue: course files and one canonical CGV become a validated "
                    "HTML site and printable PDF sheets."))
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_version,
              help=_("Show the version, and those of WeasyPrint, Pango and HarfBuzz in use (for a bug report)."))
@click.option("--lang", type=click.Choice(LANGUAGES), expose_value=False, is_eager=True, callback=_language,
              help=_("Language of the messages  [default: fr, or LEXOM_LANG]"))
@click.option("-q", "--quiet", is_flag=True, help=_("Print problems only, no summary."))
@click.option("-v", "--verbose", is_flag=True, help=_("Also print the time of each build stage."))
def main(quiet: bool, verbose: bool) -> None:
    verbosity["level"] = 0 if quiet else 2 if verbose else 1


def _waiting() -> None:
    info(_("Another build of this project is running: waiting for it to finish..."))


def _jobs(value: int | None) -> int | None:
    from .render.pdf_pool import MAX_JOBS

    if value is not None and value > MAX_JOBS:
        raise click.BadParameter(_("{value} worker processes is too many: at most {most} on this machine ({cores} "
                                   "cores); each takes about 150 MB and more than the cores only wait").format(
                                     value=value, most=MAX_JOBS, cores=os.cpu_count()))
    return value


@main.command(help=_("Validate every course file and the CGV; write nothing.\n\nPrints every problem as "
                     "path:line:col: error: message and exits 1 if there is any, 0 when the content is clean."))
@ROOT_OPTION
@click.option("--strict", is_flag=True, help=_("A course lacking an item Qualiopi requires is an error too (see "
              "`lexom-site audit`); also when site.yaml says `strict: true`."))
@click.option("--allow-empty", is_flag=True, help=_("Accept a catalogue of no course (else an error: were they all "
              "deleted by mistake?)."))
@guarded
def check(root: Path, strict: bool, allow_empty: bool) -> None:
    from .build.project import load_project

    try:
        project = load_project(root, strict=strict or None, allow_empty=allow_empty)
    except BuildError as exc:
        report_problems(exc.diagnostics)
        sys.exit(1)
    report_problems(list(project.warnings), summary=False)
    count = len(project.catalogue.courses)
    info(ngettext("OK: {count} course and the CGV are valid.", "OK: {count} courses and the CGV are valid.",
                  count).format(count=count))


def _shard(ctx, param, value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    try:
        k, n = (int(part) for part in value.split("/"))
        if 1 <= k <= n:
            return k, n
    except ValueError:
        pass
    raise click.BadParameter(_("expected K/N with 1 <= K <= N, e.g. 2/4"))


@main.command(help=_("Validate, then build the HTML site and the PDF sheets into public/.\n\nOnly what changed "
                     "since the last build is made again; nothing is written when nothing changed. Nothing is "
                     "published unless everything is valid: the previous output stays as it was when the build "
                     "fails."))
@ROOT_OPTION
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=_("Output folder  [default: ROOT/public]"))
@click.option("--no-pdf", is_flag=True, help=_("Build the HTML pages only (faster, for previews)."))
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, callback=lambda ctx, param, value: _jobs(value),
              help=_("Worker processes for the PDF sheets  [default: one per CPU core; at most twice as many]"))
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=_("Build cache  [default: .lexom-site-cache beside the output folder]"))
@click.option("--strict", is_flag=True, help=_("Refuse to build while a course lacks an item Qualiopi requires "
              "(see `lexom-site audit`); also when site.yaml says `strict: true`."))
@click.option("--shard", metavar="K/N", callback=_shard, default=None,
              help=_("Only make the PDF sheets of part K of N of the catalogue, into the cache; publish nothing "
                     "(to split a large build over CI jobs, see docs/performance.md)."))
@click.option("--allow-empty", is_flag=True, help=_("Publish a catalogue of no course (else an error: were they "
              "all deleted by mistake?)."))
@guarded
def build(root: Path, out: Path | None, no_pdf: bool, jobs: int | None, cache_dir: Path | None, strict: bool,
          shard: tuple[int, int] | None, allow_empty: bool) -> None:
    bar = None

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal bar
        if not sys.stderr.isatty():  # a progress bar is for people watching a terminal, not for CI logs
            return
        if bar is None:
            bar = click.progressbar(length=total, label=_("PDF sheets"), file=sys.stderr)
            bar.__enter__()
        bar.update(1)
        if done == total:
            bar.__exit__(None, None, None)

    from .build import build_site

    try:
        report = build_site(root, out, pdf=not no_pdf, jobs=jobs, cache_dir=cache_dir, shard=shard,
                            progress=progress, strict=strict, waiting=_waiting, allow_empty=allow_empty)
    except BuildError as exc:
        if bar is not None:
            bar.__exit__(None, None, None)
        report_problems(exc.diagnostics)
        sys.exit(1)
    seconds = number(report.seconds)
    if shard is not None:
        info(_("Made {pdfs} PDF sheet(s) of part {k}/{n} into the cache ({reused} already there) in {seconds} s.")
             .format(pdfs=report.pdfs, k=shard[0], n=shard[1], reused=report.reused, seconds=seconds))
    elif report.up_to_date:
        info(_("Nothing to do: {out} is up to date ({seconds} s).").format(out=report.out_dir, seconds=seconds))
    else:
        info(_("Built {pages} page(s) and {pdfs} PDF sheet(s) into {out} ({reused} file(s) unchanged) in {seconds} s.")
             .format(pages=report.pages, pdfs=report.pdfs, out=report.out_dir, reused=report.reused,
                     seconds=seconds))
    for stage, seconds in report.stages.items():
        detail(f"  {stage}: {seconds:.2f} s")


@main.command(help=_("List, for every course, the items Qualiopi asks it to publish (indicator 1, and 2 and 3 "
                     "where they apply) and the company facts of site.yaml: given by the course file, inherited "
                     "from site.yaml or a default, or missing. Exit status 1 when anything is missing."))
@ROOT_OPTION
@click.option("--format", "form", type=click.Choice(["text", "json", "github"]), default="text", show_default=True,
              help=_("text: a table per course; json: for dashboards; github: missing items as warning "
                     "annotations."))
@click.option("--exit-zero", is_flag=True, help=_("Exit 0 even when items are missing (to show them without "
                                                  "failing)."))
@guarded
def audit(root: Path, form: str, exit_zero: bool) -> None:
    from .build.audit import audit_project

    try:
        report = audit_project(root)
    except BuildError as exc:
        report_problems(exc.diagnostics)
        sys.exit(1)
    for line in report.lines(form):
        say(line)
    sys.exit(1 if report.missing and not exit_zero else 0)


@main.command("legal-diff", help=_(
    "Compare the CGV copy held in FILES with the canonical CGV.\n\nFILES may be text sheets, PDFs or saved HTML "
    "pages. Each difference is printed once, as the clause, the canonical words and the words found; layout "
    "(spacing, line breaks, hyphenation, running headers and footers, invisible characters, list bullets) is "
    "ignored. Exit status: 0 every copy matches, 1 a copy drifted, 2 no CGV copy found in a file (or invalid "
    "usage)."))
@ROOT_OPTION
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@guarded
def legal_diff(root: Path, files: tuple[Path, ...]) -> None:
    from .legal.diff import MATCHES, diff_files

    try:
        reports = diff_files(root, list(files))
    except BuildError as exc:
        report_problems(exc.diagnostics)
        sys.exit(1)
    for found in reports:
        for line in found.lines():
            say(line)
    sys.exit(max([MATCHES, *(found.status for found in reports)]))


@main.command("import", help=_(
    "Turn legacy course sheets (text exports of the old catalogue) into course files named after their "
    "reference.\n\nThe CGV pasted at the end of each sheet is not imported: it is compared with the canonical CGV "
    "and its differences are printed. A sheet that cannot be understood is reported at its line and gives no "
    "file; the other sheets are still imported. Exit status: 0 every sheet imported (or already up to date), 1 a "
    "sheet could not be imported."))
@ROOT_OPTION
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dest", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=_("Folder for the course files  [default: ROOT/content/courses]"))
@click.option("--force", is_flag=True, help=_("Replace a course file that already exists and differs."))
@click.option("--dry-run", is_flag=True, help=_("Show what would be written; write nothing."))
@click.option("--updated", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help=_("Date of last update written in the course files (YYYY-MM-DD)  [default: today]"))
@guarded
def import_(root: Path, files: tuple[Path, ...], dest: Path | None, force: bool, dry_run: bool,
            updated: dt.datetime | None) -> None:
    from .authoring.importer import import_sheets

    run = import_sheets(root, list(files), dest, force=force, dry_run=dry_run,
                        updated=updated.date() if updated else None)
    for outcome in run.outcomes:
        sheet = outcome.sheet
        report_problems(list(sheet.diagnostics), summary=False)
        if outcome.action == "failed" or outcome.action == "refused":
            say(_("{sheet}: not imported").format(sheet=sheet.path), err=True)
            continue
        if outcome.action == "would write":
            say(_("--- {dest} (would be written from {sheet})").format(dest=outcome.dest, sheet=sheet.path))
            say(sheet.text, nl=False)
            click.echo("---" + "-" * len(outcome.dest))
        elif outcome.action == "unchanged":
            say(_("{sheet} -> {dest}: already up to date").format(sheet=sheet.path, dest=outcome.dest), err=True)
        else:
            say(_("{sheet} -> {dest}: imported").format(sheet=sheet.path, dest=outcome.dest), err=True)
        if not sheet.cgv_lines:
            say(_("{sheet}: no CGV copy in this sheet").format(sheet=sheet.path))
        elif outcome.cgv is None:
            say(_("{sheet}: the CGV copy was not compared (no valid canonical CGV in {root})")
                .format(sheet=sheet.path, root=root))
        else:
            for line in outcome.cgv.lines():
                say(line)
    info(run.summary(dry_run))
    sys.exit(1 if run.failed else 0)


@main.group(help=_("Create new content files from templates."))
def new() -> None:
    pass


@new.command("course", help=_("Write content/courses/REF.md: a valid course file with every field present and "
                              "explained, to be completed. Refuses an existing reference."))
@ROOT_OPTION
@click.argument("ref")
@click.option("--title", required=True, help=_("Title of the course."))
@click.option("--category", default="À COMPLÉTER", show_default=True, help=_("Catalogue category."))
@click.option("--subcategory", default="À COMPLÉTER", show_default=True, help=_("Sub-category."))
@click.option("--days", type=click.IntRange(1, 30), default=1, show_default=True, help=_("Duration in days."))
@guarded
def new_course(root: Path, ref: str, title: str, category: str, subcategory: str, days: int) -> None:
    from .authoring.course_file import write_new_course

    try:
        shown = write_new_course(root, ref, title, category, subcategory, days)
    except Refused as exc:
        click.echo(f"lexom-site: {exc}", err=True)
        sys.exit(1)
    except BuildError as exc:
        report_problems(exc.diagnostics)
        sys.exit(1)
    info(_("Wrote {file}: complete every « À compléter », then run `lexom-site check`.").format(file=shown))


@main.command(help=_("Print the JSON Schema of the course front matter (for editors' YAML completion and inline "
                     "errors; see docs/editors.md)."))
@click.option("--proposal", is_flag=True, help=_("The schema of proposal files instead (docs/proposals.md)."))
def schema(proposal: bool) -> None:
    import json

    from .inputs.fields import course_schema
    from .inputs.proposal import proposal_schema

    click.echo(json.dumps(proposal_schema() if proposal else course_schema(), ensure_ascii=False, indent=2))


@main.command(help=_("Make the ready-to-sign PDF of a commercial proposal (CGV 2.1): the proposal, the course "
                     "programme and the CGV, from a proposal file (YAML, see docs/proposals.md). Nothing is "
                     "written if the file has a problem."))
@ROOT_OPTION
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=_("The PDF to write  [default: proposals/NUMBER.pdf]"))
@click.option("--contract", is_flag=True, help=_("Make the training contract of a private individual paying for "
              "their own training (Code du travail L6353-3) instead of a proposal."))
@guarded
def proposal(root: Path, file: Path, out: Path | None, contract: bool) -> None:
    from .documents.proposal import make_proposal

    try:
        made = make_proposal(root, file, out, contract=contract)
    except Refused as exc:
        click.echo(f"lexom-site: {exc}", err=True)
        sys.exit(1)
    except BuildError as exc:
        report_problems(exc.diagnostics)
        sys.exit(1)
    made_kind = (_("Contract {number}: wrote {file} ({pages} pages, total {total} € incl. VAT).") if contract else
                 _("Proposal {number}: wrote {file} ({pages} pages, total {total} € incl. VAT)."))
    info(made_kind.format(number=made.proposal.number, file=made.shown, pages=made.pages,
                          total=number(made.proposal.total_ttc, 2)))


@main.command(help=_("Check that this machine has everything needed to build the site.\n\nPython, the PDF "
                     "libraries (Pango, HarfBuzz-Subset, fontconfig), Pagefind, the fonts of the stylesheets, the "
                     "right to write the site and its cache; with --tests, what the tests need. For each thing "
                     "missing, the command that installs it. Exit status: 0 all is there, 1 otherwise."))
@ROOT_OPTION
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=_("Output folder  [default: ROOT/public]"))
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=_("Build cache  [default: .lexom-site-cache beside the output folder]"))
@click.option("--tests", is_flag=True, help=_("Also check what the tests need (Chromium, Java, Node.js)."))
@guarded
def doctor(root: Path, out: Path | None, cache_dir: Path | None, tests: bool) -> None:
    from .environment import doctor_checks
    from .paths import locations

    root, out_dir, cache = locations(root, out, cache_dir)
    checks = doctor_checks(root, out_dir, cache, tests=tests)
    for check in checks:
        say("\n".join(check.lines()))
    failed = sum(not check.ok for check in checks)
    if failed:
        say(ngettext("{count} problem: install what is missing, then run `lexom-site doctor` again.",
                     "{count} problems: install what is missing, then run `lexom-site doctor` again.",
                     failed).format(count=failed), err=True)
        sys.exit(1)
    say(_("All is ready."), err=True)


@main.command(help=_("Build, serve the site on http://127.0.0.1:PORT/, rebuild when a file of content/, "
                     "templates/, assets/ or site.yaml changes, and reload the open pages. Errors are shown in the "
                     "terminal and in the browser; the server keeps running. Ctrl-C stops it."))
@ROOT_OPTION
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help=_("Port on 127.0.0.1 (0: any free port)."))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=_("Output folder  [default: ROOT/public]"))
@click.option("--no-pdf", is_flag=True, help=_("Do not make the PDF sheets (faster previews)."))
def serve(root: Path, port: int, out: Path | None, no_pdf: bool) -> None:
    from .build.pipeline import build as build_site
    from .paths import locations
    from .serve import serve as run_server

    out_dir = locations(root, out, None)[1]
    try:
        # Ctrl-C stops the server even when it was started with SIGINT ignored (as a shell's background job is)
        with interrupted_by(signal.SIGINT, signal.SIGTERM):
            run_server(root.resolve(), out_dir, port,
                       lambda: build_site(root, out_dir, pdf=not no_pdf, waiting=_waiting),
                       echo=lambda text: click.echo(text, err=True), report=lambda d: report_problems(d),
                       pdf=not no_pdf)
    except BuildError as exc:  # an output folder the build refuses: nothing served
        report_problems(exc.diagnostics)
        sys.exit(1)
    except OSError as exc:
        click.echo(_("lexom-site: cannot serve on port {port}: {reason}").format(port=port, reason=exc.strerror),
                   err=True)
        sys.exit(1)
