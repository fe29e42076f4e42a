"""Verify every output that carries the CGV before it is published or sent.

The CGV text of each PDF (extracted from the PDF itself) and of the HTML CGV
page is compared with the canonical CGV by the same alignment as
`lexom-site legal-diff`. A template or stylesheet change that drops or
mangles a clause fails the build (or the proposal), naming the file and the
clause. In a PDF only the text a reader sees counts (pdftext.py: at least
6 pt, a contrast of 3:1 on white, not transparent, not in an invisible
rendering mode): a clause printed in white or in 0.5 pt is a missing clause.
The HTML page's text is checked here; how a browser shows it (a stylesheet
that hides a clause) is checked by the browser tests, not by the build.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from ..diagnostics import CLAUSE_EXCERPT, Diagnostic, quote
from ..i18n import N_, _
from .cgv import Cgv
from .diff import diff_document
from .document import parse_document

HINT = N_("a template or stylesheet changed how the CGV is printed; the canonical text must come out word for "
          "word, and be seen: in a PDF, no smaller than 6 pt, dark enough on white, not hidden")


def verify_cgv_copies(cgv: Cgv, files: list[tuple[str, bytes]], out_name: str) -> list[Diagnostic]:
    """Diagnostics for every one of these output files (path, bytes; PDF or HTML) that does not carry the CGV
    intact; `out_name` is shown before each path."""
    diagnostics: list[Diagnostic] = []
    for file_path, data in files:
        path = PurePosixPath(file_path)
        shown = f"{out_name}/{file_path}" if out_name else file_path
        report = diff_document(cgv, parse_document(data, shown, path.suffix, visible_only=True))
        if not report.found:
            diagnostics.append(Diagnostic(shown, 0, 0, _("the CGV is missing from this output"), hint=_(HINT)))
            continue
        for change in report.changes:
            altered = (_("{place} of the CGV is altered: {canonical} came out as {found} (page {location})")
                       if report.document.unit == "page" else
                       _("{place} of the CGV is altered: {canonical} came out as {found} (line {location})"))
            diagnostics.append(Diagnostic(shown, 0, 0, altered.format(
                place=change.place, canonical=quote(change.canonical, CLAUSE_EXCERPT),
                found=quote(change.found, CLAUSE_EXCERPT), location=change.location), hint=_(HINT)))
        for event in report.events:
            diagnostics.append(Diagnostic(shown, 0, 0, event.message, hint=_(HINT)))
    return diagnostics
