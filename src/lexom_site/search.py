"""The full-text search index: Pagefind run over the pages of a build.

Pagefind (its program comes from PyPI with the `pagefind[bin]` package) reads
the built HTML, indexes what each course page marks with
`data-pagefind-body`, and writes a static index into `pagefind/`: the search
page asks it for results in the browser, with no server-side code.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .diagnostics import BuildError, Diagnostic

SEARCH_DIR = "pagefind"


def pagefind_program() -> Path:
    """The Pagefind program, or a BuildError saying how to install it."""
    try:
        from pagefind_bin import get_executable  # the binary wheel of `pagefind[bin]`

        program = Path(get_executable())
    except ImportError:
        program = None
    if program is None or not os.access(program, os.X_OK):
        raise BuildError([Diagnostic("pagefind", 0, 0, "the search index cannot be made: the Pagefind program is "
                                     "not installed", hint="install lexom-site with its dependencies "
                                     "(pip install -e .), which include pagefind[bin]")])
    return program


# The files of Pagefind's bundle that the search page loads: there whatever was indexed.
BUNDLE_FILES = tuple(f"{SEARCH_DIR}/{name}" for name in ("pagefind-ui.js", "pagefind-ui.css", "pagefind.js",
                                                         "pagefind-entry.json"))


class Indexing:
    """Pagefind indexing the HTML pages under `folder` into `folder/pagefind/`,
    in the background: it runs on its own core while the PDFs are made."""

    def __init__(self, folder: Path, *, timeout: float = 600):
        self.folder, self.timeout = folder, timeout
        program = pagefind_program()
        command = [str(program), "--site", str(folder), "--output-subdir", SEARCH_DIR, "--keep-index-url", "--silent"]
        try:
            self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        except OSError as exc:
            raise BuildError([Diagnostic("pagefind", 0, 0, f"the search index could not be made: {exc}")]) from None

    def wait(self) -> list[str]:
        """The files written, relative to the folder (POSIX); a BuildError if Pagefind failed."""
        try:
            out, err = self.process.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise BuildError([Diagnostic("pagefind", 0, 0, f"the search index was not made in {self.timeout:.0f} s")]) \
                from None
        if self.process.returncode != 0:
            detail = (err or out).strip().splitlines()
            raise BuildError([Diagnostic("pagefind", 0, 0, "the search index could not be made: Pagefind failed"
                                         + (f": {detail[-1]}" if detail else f" (exit code {self.process.returncode})"))])
        written = sorted(p.relative_to(self.folder).as_posix() for p in (self.folder / SEARCH_DIR).rglob("*")
                         if p.is_file())
        missing = [name for name in BUNDLE_FILES if name not in written]
        if missing:
            raise BuildError([Diagnostic("pagefind", 0, 0, f"the search index lacks {', '.join(missing)}")])
        return written

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()
