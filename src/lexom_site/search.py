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


def index_site(folder: Path, *, timeout: float = 600) -> list[str]:
    """Index the HTML pages under `folder` into `folder/pagefind/`; return the
    files written, relative to `folder` (POSIX)."""
    program = pagefind_program()
    command = [str(program), "--site", str(folder), "--output-subdir", SEARCH_DIR, "--keep-index-url", "--silent"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BuildError([Diagnostic("pagefind", 0, 0, f"the search index could not be made: {exc}")]) from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise BuildError([Diagnostic("pagefind", 0, 0, "the search index could not be made: Pagefind failed"
                                     + (f": {detail[-1]}" if detail else f" (exit code {done.returncode})"))])
    out = folder / SEARCH_DIR
    return sorted(p.relative_to(folder).as_posix() for p in out.rglob("*") if p.is_file())
