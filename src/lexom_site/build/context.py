"""One build in progress (`Run`), its timer, and what it reports.

A `Run` is handed to every stage of the pipeline and to every output kind:
where the build reads and writes, the project once loaded, the outputs
planned, and the new site as it is filled (which files it holds, with their
SHA-256). Files are only ever added to the new site through its methods.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from ..files import sha256
from .cache import BuildCache, output_intact
from .freshness import Freshness
from .staging import Staging

if TYPE_CHECKING:  # (types only: the output kinds import this module)
    from ..render.pdf_pool import PdfPool
    from .outputs import Keys, OutputKind
    from .project import Project

Progress = Callable[[str, int, int], None]  # stage, done, total


class Timer:
    """Wall seconds per stage of a build."""

    def __init__(self) -> None:
        self.started = self._last = time.perf_counter()
        self.stages: dict[str, float] = {}

    def lap(self, stage: str) -> None:
        """The time since the last lap was spent on `stage`."""
        now = time.perf_counter()
        self.stages[stage] = self.stages.get(stage, 0.0) + now - self._last
        self._last = now

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started


@dataclass(frozen=True)
class BuildReport:
    out_dir: Path
    pages: int  # HTML pages made (not reused)
    pdfs: int  # PDF sheets made (not reused)
    reused: int  # outputs reused from the previous build or the cache
    seconds: float
    up_to_date: bool = False
    stages: dict[str, float] = dataclasses.field(default_factory=dict)  # seconds per stage


@dataclass(frozen=True)
class Planned:
    """An output file to publish, the key of everything it is made from, its
    kind (which makes it) and what it is made from (a Page, a Course...)."""

    path: str
    key: str
    kind: OutputKind
    subject: Any = None


@dataclass
class Run:
    """A build in progress."""

    root: Path
    out_dir: Path
    freshness: Freshness
    staging: Staging
    stack: contextlib.ExitStack  # what to stop or remove if the build stops before the end
    timer: Timer
    pdf: bool = True
    strict: bool = False  # refuse courses lacking an item Qualiopi requires (besides site.yaml's `strict`)
    allow_empty: bool = False  # publish a catalogue of no course (else refused: deleted by mistake?)
    jobs: int | None = None
    progress: Progress | None = None
    pool: PdfPool | None = None
    early: Any = None  # the search index started before anything was loaded (see search_index.py)
    project: Project | None = None
    env: Any = None  # the Jinja environment, made for the first page rendered
    keys: Keys | None = None  # what the outputs are made from, once the project is loaded
    planned: list[Planned] = field(default_factory=list)
    published: dict[str, str] = field(default_factory=dict)  # path -> SHA-256 of each file of the new site
    made: set[str] = field(default_factory=set)  # files made anew by this build (not reused, not kept)
    kept: set[str] = field(default_factory=set)  # previous files published again as they were (same inode)
    promised: set[str] = field(default_factory=set)  # files of the new site made later (the search index)
    links: dict[str, dict] = field(default_factory=dict)  # what the link check found in each file (for the cache)
    details: dict[str, dict] = field(default_factory=dict)  # file -> what the cache keeps of it besides its key
    background: dict[Any, Any] = field(default_factory=dict)  # output kind -> what its `make` left running
    counts: dict[str, int] = field(default_factory=lambda: {"pages": 0, "pdfs": 0, "reused": 0})
    sheets_ahead: set[str] = field(default_factory=set)  # keys of the sheets joined while the catalogue was made

    @property
    def cache(self) -> BuildCache:
        return self.freshness.cache

    @property
    def site(self) -> set[str]:
        """Every file of the new site, made yet or not (for the link check)."""
        return {item.path for item in self.planned} | self.promised

    def reuse(self, item: Planned) -> bool:
        """Publish the previous output again when it was made from the same inputs and is intact."""
        previous = self.cache.outputs.get(item.path)
        if not previous or previous["key"] != item.key or not output_intact(self.out_dir / item.path, previous):
            return False
        if item.path in self.project.prerendered:  # rendered while checking (its course was re-read): unneeded
            (self.staging.folder / item.path).unlink()
        self.staging.link(item.path, self.out_dir / item.path)
        self.kept.add(item.path)
        self.published[item.path] = previous["sha256"]
        self.counts["reused"] += 1
        return True

    def keep_previous(self, path: str, digest: str, *, staged: bool = False) -> bool:
        """Publish the previous file again when the new one has the same bytes: its
        modification time stays, and browsers, rsync and CDNs see nothing new.
        `staged`: the new file is in the staging folder already (a check worker's)."""
        previous = self.cache.outputs.get(path)
        if not previous or previous["sha256"] != digest or not output_intact(self.out_dir / path, previous):
            return False
        if staged:
            (self.staging.folder / path).unlink()
        self.staging.link(path, self.out_dir / path)
        self.kept.add(path)
        return True

    def publish(self, path: str, data: bytes) -> bool:
        """Add a file to the new site (the previous one when it has the same
        bytes); True when it is a new file."""
        self.published[path] = sha256(data)
        if self.keep_previous(path, self.published[path]):
            return False
        self.staging.write(path, data)
        self.made.add(path)
        return True

    def republish(self, path: str, data: bytes) -> bool:
        """Replace a file already in the new site (a page that can say more once the PDFs are made)."""
        if path in self.kept or path in self.made:
            (self.staging.folder / path).unlink()
            self.kept.discard(path)
            self.made.discard(path)
        return self.publish(path, data)

    def publish_staged(self, path: str, digest: str) -> bool:
        """A file a worker already wrote into the new site; True when it is new."""
        self.published[path] = digest
        if self.keep_previous(path, digest, staged=True):
            return False
        self.made.add(path)
        return True

    def publish_file(self, path: str, existing: Path, digest: str) -> None:
        """Add an existing file (of the cache) to the new site, linked, not copied."""
        self.staging.link(path, existing)
        self.published[path] = digest
