"""Output kinds: what each kind of output file of the site is made from, and how.

An output kind (`OutputKind`) is one entry of the pipeline's `OUTPUTS` list:
it *plans* its files (each with the key of everything it is made from) and
*makes* those that could not be reused from the previous build, at its
`stage` of the build:

    HTML   made at once, before the checks (pages, assets)
    INDEX  made in the background from the pages (the search index), finished before publishing
    PDF    made after the checks, by the worker pool (PDF sheets)

`Keys` holds what the keys are made of, hashed once per build for all kinds.
Adding a kind of output is writing one OutputKind and adding it to
pipeline.OUTPUTS (see docs/architecture.md).
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from ..diagnostics import BuildError, Diagnostic
from ..files import file_digest, sha256
from ..paths import CONFIG_FILE, visible_files
from .keys import code_key, combine, template_keys

if TYPE_CHECKING:
    from ..render.pdf_join import Part
    from ..render.pdf_pool import Layout
    from .context import Planned, Run
    from .project import Project

HTML, INDEX, PDF = "html", "index", "pdf"


class OutputKind:
    """A kind of output file. Subclasses set `stage` and write `plan` and `make`."""

    stage: str = HTML

    def plan(self, run: Run, keys: Keys) -> list[Planned]:
        """Every file of this kind the site will hold, with its key. Kinds are
        planned in the order of OUTPUTS: `run.planned` holds those before."""
        raise NotImplementedError

    def make(self, run: Run, todo: list[Planned]) -> None:
        """Make the files of this kind that were not reused from the previous
        build (`todo`, maybe none) and publish each through `run`. Raise
        BuildError with every problem found."""
        raise NotImplementedError

    def check(self, run: Run) -> list[Diagnostic]:
        """Problems of the files made, found before anything is published (after the HTML stage)."""
        return []

    def finish(self, run: Run) -> None:
        """Wait for what `make` started in the background, and publish it."""

    def cache_keys(self, run: Run) -> list[str]:
        """Keys of the cache's PDF files this kind still needs (the others are removed)."""
        return []


def files_under(folder: Path) -> list[Path]:
    """The files of `folder` the build reads (not what editors and systems leave there: paths.ignored)."""
    return [p for p in visible_files(folder) if p.is_file()] if folder.is_dir() else []


@dataclass(frozen=True)
class Keys:
    """What the outputs of one build are made from, hashed once."""

    common: str  # the program and site.yaml: part of every key
    templates: dict[str, str]  # template name -> key of it and of every template it uses
    assets: tuple[tuple[Path, str], ...]  # every file of assets/ with its SHA-256
    pdf_assets: str  # what the PDFs may use of the assets (WeasyPrint runs no script: not the .js files)
    sources: dict[str, str]  # course reference, or "cgv" -> SHA-256 of its file
    catalogue: str  # every course file: what a page listing the courses is made from

    def template(self, name: str) -> str:
        return self.templates.get(name, "")


def compute_keys(project: Project) -> Keys:
    config = project.config
    templates = {p.relative_to(config.templates_dir).as_posix(): sha256(p.read_bytes())
                 for p in files_under(config.templates_dir)}
    assets = tuple((p, sha256(p.read_bytes())) for p in files_under(config.assets_dir))
    pdf_assets = combine(*(f"{p.relative_to(config.assets_dir).as_posix()}:{d}" for p, d in assets
                           if p.suffix != ".js"))
    sources = project.digests
    return Keys(common=combine(code_key(), file_digest(config.root / CONFIG_FILE)),
                templates=template_keys(config.templates_dir, templates), assets=assets, pdf_assets=pdf_assets,
                sources=sources,
                catalogue=combine(*(f"{c.ref}:{sources.get(c.ref, '')}" for c in project.catalogue.courses)))


def lay_out(run: Run, layouts: list[Layout]) -> dict[str, Part]:
    """Lay out PDFs with the build's worker pool (for a PDF output kind's
    `make`): each layout's PDF by its name, or BuildError with every problem."""
    return Layouts(run, layouts).wait()


class Layouts:
    """PDFs being laid out by the build's worker pool while the caller works:
    `arrivals()` gives each PDF as soon as it is made, `wait()` each layout's
    PDF by its name, or raises BuildError with every problem; `seconds`,
    then, is how long they took."""

    def __init__(self, run: Run, layouts: list[Layout]):
        self.started, self.seconds = time.perf_counter(), 0.0
        self.parts: dict[str, Part] = {}
        self.problems: list[Diagnostic] = []
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = None
        self.arrived: queue.SimpleQueue[tuple[str, Part] | None] = queue.SimpleQueue()  # (None: all of them)
        if layouts:
            assert run.pool is not None, "PDFs are made only when the build makes PDFs (run.pdf)"
            run.pool.ensure(len(layouts))
            self.thread = threading.Thread(target=self._collect, args=(run.pool.layouts(layouts),), daemon=True)
            self.thread.start()

    def _collect(self, results: Iterator[tuple[str, Part | BuildError]]) -> None:
        try:
            for name, result in results:
                if isinstance(result, BuildError):
                    self.problems += result.diagnostics
                else:
                    self.parts[name] = result
                    self.arrived.put((name, result))
        except BaseException as exc:  # (a worker gone: raised by wait(), in the build's thread)
            self.error = exc
        self.seconds = time.perf_counter() - self.started
        self.arrived.put(None)

    def arrivals(self) -> Iterator[tuple[str, Part]]:
        """(name, PDF) of each layout made, as it is made (once; those that failed are raised by `wait`)."""
        if self.thread is None:
            return
        while (arrival := self.arrived.get()) is not None:
            yield arrival

    def wait(self) -> dict[str, Part]:
        if self.thread is not None:
            self.thread.join()
        if self.error is not None:
            raise self.error
        if self.problems:
            raise BuildError(self.problems)
        return self.parts
