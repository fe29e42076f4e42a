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

# The stages are imported by the commands that use them: `lexom-site build`
# with nothing to do answers before the heavy libraries are even loaded.

ROOT_OPTION = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Project folder (the one holding site.yaml).",
)


def _version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        from .environment import version_line

        click.echo(version_line())
        ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_version,
              help="Show the version, and those of WeasyPrint, Pango and HarfBuzz in use (for a bug report).")
@click.option("-q", "--quiet", is_flag=True, help="Print problems only, no summary.")
@click.option("-v", "--verbose", is_flag=True, help="Also print the time of each build stage.")
def main(quiet: bool, verbose: bool) -> None:
    """Build the LEXOM training catalogue: course files and one canonical CGV
    become a validated HTML site and printable PDF sheets."""
    verbosity["level"] = 0 if quiet else 2 if verbose else 1


WAITING = "Another build of this project is running: waiting for it to finish..."


def _jobs(value: int | None) -> int | None:
    from .render.pdf_pool import MAX_JOBS

    if value is not None and value > MAX_JOBS:
        raise click.BadParameter(f"{value} worker processes is too many: at most {MAX_JOBS} on this machine "
                                 f"({os.cpu_count()} cores); each takes about 150 MB and more than the cores only wait")
    return value


@main.command()
@ROOT_OPTION
@click.option("--strict", is_flag=True, help="A course lacking an item Qualiopi requires is an error too "
              "(see `lexom-site audit`); also when site.yaml says `strict: true`.")
@click.option("--allow-empty", is_flag=True, help="Accept a catalogue of no course (else an error: were they all "
              "deleted by mistake?).")
@guarded
def check(root: Path, strict: bool, allow_empty: bool) -> None:
    """Validate every course file and the CGV; write nothing.

    Prints every problem as path:line:col: error: message and exits 1 if
    there is any, 0 when the content is clean.
    """
    from .build.project import load_project

    try:
        project = load_project(root, strict=strict or None, allow_empty=allow_empty)
    except BuildError as exc:
        report_problems(exc.diagnostics)
        sys.exit(1)
    report_problems(list(project.warnings), summary=False)
    info(f"OK: {len(project.catalogue.courses)} course(s) and the CGV are valid.")


def _shard(ctx, param, value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    try:
        k, n = (int(part) for part in value.split("/"))
        if 1 <= k <= n:
            return k, n
    except ValueError:
        pass
    raise click.BadParameter("expected K/N with 1 <= K <= N, e.g. 2/4")


@main.command()
@ROOT_OPTION
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder  [default: ROOT/public]")
@click.option("--no-pdf", is_flag=True, help="Build the HTML pages only (faster, for previews).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, callback=lambda ctx, param, value: _jobs(value),
              help="Worker processes for the PDF sheets  [default: one per CPU core; at most twice as many]")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Build cache  [default: .lexom-site-cache beside the output folder]")
@click.option("--strict", is_flag=True, help="Refuse to build while a course lacks an item Qualiopi requires "
              "(see `lexom-site audit`); also when site.yaml says `strict: true`.")
@click.option("--shard", metavar="K/N", callback=_shard, default=None,
              help="Only make the PDF sheets of part K of N of the catalogue, into the cache; publish nothing "
                   "(to split a large build over CI jobs, see docs/performance.md).")
@click.option("--allow-empty", is_flag=True, help="Publish a catalogue of no course (else an error: were they "
              "all deleted by mistake?).")
@guarded
def build(root: Path, out: Path | None, no_pdf: bool, jobs: int | None, cache_dir: Path | None, strict: bool,
          shard: tuple[int, int] | None, allow_empty: bool) -> None:
    """Validate, then build the HTML site and the PDF sheets into public/.

    Only what changed since the last build is made again; nothing is
    written when nothing changed. Nothing is published unless everything is
    valid: the previous output stays as it was when the build fails.
    """
    bar = None

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal bar
        if not sys.stderr.isatty():  # a progress bar is for people watching a terminal, not for CI logs
            return
        if bar is None:
            bar = click.progressbar(length=total, label="PDF sheets", file=sys.stderr)
            bar.__enter__()
        bar.update(1)
        if done == total:
            bar.__exit__(None, None, None)

    from .build import build_site

    try:
        report = build_site(root, out, pdf=not no_pdf, jobs=jobs, cache_dir=cache_dir, shard=shard,
                            progress=progress, strict=strict, waiting=lambda: info(WAITING), allow_empty=allow_empty)
    except BuildError as exc:
        if bar is not None:
            bar.__exit__(None, None, None)
        report_problems(exc.diagnostics)
        sys.exit(1)
    if shard is not None:
        info(f"Made {report.pdfs} PDF sheet(s) of part {shard[0]}/{shard[1]} into the cache "
             f"({report.reused} already there) in {report.seconds:.1f} s.")
    elif report.up_to_date:
        info(f"Nothing to do: {report.out_dir} is up to date ({report.seconds:.1f} s).")
    else:
        info(f"Built {report.pages} page(s) and {report.pdfs} PDF sheet(s) into {report.out_dir} "
             f"({report.reused} file(s) unchanged) in {report.seconds:.1f} s.")
    for stage, seconds in report.stages.items():
        detail(f"  {stage}: {seconds:.2f} s")


@main.command()
@ROOT_OPTION
@click.option("--format", "form", type=click.Choice(["text", "json", "github"]), default="text", show_default=True,
              help="text: a table per course; json: for dashboards; github: missing items as warning annotations.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when items are missing (to show them without failing).")
@guarded
def audit(root: Path, form: str, exit_zero: bool) -> None:
    """List, for every course, the items Qualiopi asks it to publish
    (indicator 1, and 2 and 3 where they apply) and the company facts of
    site.yaml: given by the course file, inherited from site.yaml or a
    default, or missing. Exit status 1 when anything is missing.
    """
    from .build.audit import audit_project

    try:
        report = audit_project(root)
    except BuildError as exc:
        report_problems(exc.diagnostics)
        sys.exit(1)
    for line in report.lines(form):
        say(line)
    sys.exit(1 if report.missing and not exit_zero else 0)


@main.command("legal-diff")
@ROOT_OPTION
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@guarded
def legal_diff(root: Path, files: tuple[Path, ...]) -> None:
    """Compare the CGV copy held in FILES with the canonical CGV.

    FILES may be text sheets, PDFs or saved HTML pages. Each difference is
    printed once, as the clause, the canonical words and the words found;
    spacing, line wrapping, Unicode form and list bullets are ignored.
    Exit status: 0 every copy matches, 1 a copy drifted, 2 no CGV copy found
    in a file (or invalid usage).
    """
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


@main.command("import")
@ROOT_OPTION
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dest", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the course files  [default: ROOT/content/courses]")
@click.option("--force", is_flag=True, help="Replace a course file that already exists and differs.")
@click.option("--dry-run", is_flag=True, help="Show what would be written; write nothing.")
@click.option("--updated", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Date of last update written in the course files (YYYY-MM-DD)  [default: today]")
@guarded
def import_(root: Path, files: tuple[Path, ...], dest: Path | None, force: bool, dry_run: bool,
            updated: dt.datetime | None) -> None:
    """Turn legacy course sheets (text exports of the old catalogue) into
    course files named after their reference.

    The CGV pasted at the end of each sheet is not imported: it is compared
    with the canonical CGV and its differences are printed. A sheet that
    cannot be understood is reported at its line and gives no file; the
    other sheets are still imported. Exit status: 0 every sheet imported (or
    already up to date), 1 a sheet could not be imported.
    """
    from .authoring.importer import import_sheets

    run = import_sheets(root, list(files), dest, force=force, dry_run=dry_run,
                        updated=updated.date() if updated else None)
    for outcome in run.outcomes:
        sheet = outcome.sheet
        report_problems(list(sheet.diagnostics), summary=False)
        if outcome.action == "failed" or outcome.action == "refused":
            say(f"{sheet.path}: not imported", err=True)
            continue
        if outcome.action == "would write":
            say(f"--- {outcome.dest} (would be written from {sheet.path})")
            say(sheet.text, nl=False)
            click.echo("---" + "-" * len(outcome.dest))
        elif outcome.action == "unchanged":
            say(f"{sheet.path} -> {outcome.dest}: already up to date", err=True)
        else:
            say(f"{sheet.path} -> {outcome.dest}: imported", err=True)
        if not sheet.cgv_lines:
            say(f"{sheet.path}: no CGV copy in this sheet")
        elif outcome.cgv is None:
            say(f"{sheet.path}: the CGV copy was not compared (no valid canonical CGV in {root})")
        else:
            for line in outcome.cgv.lines():
                say(line)
    verb = "would be imported" if dry_run else "imported"
    info(f"{len(run.outcomes) - run.failed} sheet(s) {verb}, {run.failed} not imported.")
    sys.exit(1 if run.failed else 0)


@main.group()
def new() -> None:
    """Create new content files from templates."""


@new.command("course")
@ROOT_OPTION
@click.argument("ref")
@click.option("--title", required=True, help="Title of the course.")
@click.option("--category", default="À COMPLÉTER", show_default=True, help="Catalogue category.")
@click.option("--subcategory", default="À COMPLÉTER", show_default=True, help="Sub-category.")
@click.option("--days", type=click.IntRange(1, 30), default=1, show_default=True, help="Duration in days.")
@guarded
def new_course(root: Path, ref: str, title: str, category: str, subcategory: str, days: int) -> None:
    """Write content/courses/REF.md: a valid course file with every field
    present and explained, to be completed. Refuses an existing reference."""
    from .authoring.course_file import write_new_course

    try:
        shown = write_new_course(root, ref, title, category, subcategory, days)
    except Refused as exc:
        click.echo(f"lexom-site: {exc}", err=True)
        sys.exit(1)
    except BuildError as exc:
        report_problems(exc.diagnostics)
        sys.exit(1)
    info(f"Wrote {shown}: complete every « À compléter », then run `lexom-site check`.")


@main.command()
@click.option("--proposal", is_flag=True, help="The schema of proposal files instead (docs/proposals.md).")
def schema(proposal: bool) -> None:
    """Print the JSON Schema of the course front matter (for editors' YAML
    completion and inline errors; see docs/editors.md)."""
    import json

    from .inputs.fields import course_schema
    from .inputs.proposal import proposal_schema

    click.echo(json.dumps(proposal_schema() if proposal else course_schema(), ensure_ascii=False, indent=2))


@main.command()
@ROOT_OPTION
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The PDF to write  [default: proposals/NUMBER.pdf]")
@click.option("--contract", is_flag=True, help="Make the training contract of a private individual paying for "
              "their own training (Code du travail L6353-3) instead of a proposal.")
@guarded
def proposal(root: Path, file: Path, out: Path | None, contract: bool) -> None:
    """Make the ready-to-sign PDF of a commercial proposal (CGV 2.1): the
    proposal, the course programme and the CGV, from a proposal file (YAML,
    see docs/proposals.md). Nothing is written if the file has a problem.
    """
    from .documents.proposal import make_proposal

    try:
        made = make_proposal(root, file, out, contract=contract)
    except Refused as exc:
        click.echo(f"lexom-site: {exc}", err=True)
        sys.exit(1)
    except BuildError as exc:
        report_problems(exc.diagnostics)
        sys.exit(1)
    kind = "Contract" if contract else "Proposal"
    info(f"{kind} {made.proposal.number}: wrote {made.shown} ({made.pages} pages, total {made.proposal.total_ttc} € "
         "incl. VAT).")


@main.command()
@ROOT_OPTION
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Dossier du site  [par défaut : ROOT/public]")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Cache de construction  [par défaut : .lexom-site-cache à côté du dossier du site]")
@click.option("--tests", is_flag=True, help="Vérifier aussi ce que demandent les tests (Chromium, Java, Node.js).")
@guarded
def doctor(root: Path, out: Path | None, cache_dir: Path | None, tests: bool) -> None:
    """Vérifier que cette machine a tout ce qu'il faut pour construire le site.

    Python, les bibliothèques des PDF (Pango, HarfBuzz-Subset, fontconfig),
    Pagefind, les polices des feuilles de style, le droit d'écrire le site et
    son cache ; avec --tests, ce que demandent les tests. Pour chaque manque,
    la commande qui l'installe. Code de sortie : 0 tout est là, 1 sinon.
    """
    from .environment import doctor_checks
    from .paths import locations

    root, out_dir, cache = locations(root, out, cache_dir)
    checks = doctor_checks(root, out_dir, cache, tests=tests)
    for check in checks:
        say("\n".join(check.lines()))
    failed = sum(not check.ok for check in checks)
    if failed:
        say(f"{failed} problème(s) : installez ce qui manque, puis relancez `lexom-site doctor`.", err=True)
        sys.exit(1)
    say("Tout est prêt.", err=True)


@main.command()
@ROOT_OPTION
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (0: any free port).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder  [default: ROOT/public]")
@click.option("--no-pdf", is_flag=True, help="Do not make the PDF sheets (faster previews).")
def serve(root: Path, port: int, out: Path | None, no_pdf: bool) -> None:
    """Build, serve the site on http://127.0.0.1:PORT/, rebuild when a file of
    content/, templates/, assets/ or site.yaml changes, and reload the open
    pages. Errors are shown in the terminal and in the browser; the server
    keeps running. Ctrl-C stops it.
    """
    from .build.pipeline import build as build_site
    from .paths import locations
    from .serve import serve as run_server

    out_dir = locations(root, out, None)[1]
    try:
        # Ctrl-C stops the server even when it was started with SIGINT ignored (as a shell's background job is)
        with interrupted_by(signal.SIGINT, signal.SIGTERM):
            run_server(root.resolve(), out_dir, port,
                       lambda: build_site(root, out_dir, pdf=not no_pdf, waiting=lambda: info(WAITING)),
                       echo=lambda text: click.echo(text, err=True), report=lambda d: report_problems(d))
    except BuildError as exc:  # an output folder the build refuses: nothing served
        report_problems(exc.diagnostics)
        sys.exit(1)
    except OSError as exc:
        click.echo(f"lexom-site: cannot serve on port {port}: {exc.strerror}", err=True)
        sys.exit(1)
