"""The search index output kind: Pagefind run over the course pages
(render/search.py), in the background while the links are checked and the
PDFs made; published in pagefind/.

The index is made again whenever a page it indexes changed, and only its
files whose bytes changed are written. When only course files changed, the
build starts it before anything is even loaded, from a guess of the pages
(`start_early`); the guess is compared with the pages the build makes, and
a wrong guess is never published.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import BuildError
from ..files import sha256
from ..inputs.catalogue import read_course
from ..inputs.config import load_config
from ..inputs.course import course_from_json
from ..inputs.source import source_reader
from ..render.html import Page, course_page, render_page
from ..render.search import BUNDLE_FILES, SEARCH_DIR, Indexing
from ..render.templates import make_environment
from ..render.urls import course_page_path
from .cache import BuildCache, output_intact
from .context import Planned, Run
from .keys import combine
from .outputs import INDEX, Keys, OutputKind


class SearchIndex(OutputKind):
    """The files of the search index, made from every searchable page (planned before it)."""

    stage = INDEX

    def _key(self, run: Run) -> str:
        return combine(*(item.key for item in run.planned if isinstance(item.subject, Page)
                         and item.subject.searchable))

    def plan(self, run: Run, keys: Keys) -> list[Planned]:
        """The files of the previous index, when it was made from the same pages."""
        key, outputs = self._key(run), run.cache.outputs
        previous = [path for path in outputs if path.startswith(SEARCH_DIR + "/")]
        if not previous or any(outputs[path]["key"] != key for path in previous):
            return []
        return [Planned(path, key, self) for path in sorted(previous)]

    def make(self, run: Run, todo: list[Planned]) -> None:
        """Index again when the previous index cannot be reused as it is (or a file of it is missing)."""
        early = run.early
        if todo or not any(item.kind is self for item in run.planned):
            run.planned = [item for item in run.planned if item.kind is not self]
            # files of the previous index linked into staging are hard links to the published ones: never written through
            run.staging.remove(SEARCH_DIR)
            pages = [item.path for item in run.planned if isinstance(item.subject, Page) and item.subject.searchable]
            if early is not None and {path: run.published[path] for path in pages} == early.pages:
                indexing = early.indexing  # the guess was right: the index started early is the one to publish
            else:  # made now, while the links are checked and the PDFs made
                indexing = Indexing([(path, run.staging.folder / path) for path in pages])
                run.stack.callback(indexing.stop)  # if the build stops before the end
            run.background[self] = indexing
            run.promised.update(BUNDLE_FILES)
        if early is not None and run.background.get(self) is not early.indexing:
            early.indexing.stop()

    def finish(self, run: Run) -> None:
        indexing = run.background.pop(self, None)
        if indexing is None:
            return
        key = self._key(run)
        for path, data in indexing.wait().items():
            run.planned.append(Planned(path, key, self))
            run.publish(path, data)  # only the files that changed are written


@dataclass(frozen=True)
class EarlyIndexing:
    """The search index started before the pages were made, and the SHA-256 of each page it was given."""

    indexing: Indexing
    pages: dict[str, str]


def start_early(root: Path, out_dir: Path, cache: BuildCache, changed: tuple[str, ...], *,
                pdf: bool = True) -> EarlyIndexing | None:
    """When only course files changed: the search index, the longest task of
    such a build, started now from the pages it will most likely have
    (checked against the pages made before it is used)."""
    guessed = guess_search_pages(root, out_dir, cache, changed, pdf)
    if guessed is None:
        return None
    return EarlyIndexing(Indexing([(path, source) for path, (source, _) in guessed.items()]),
                         {path: digest for path, (_, digest) in guessed.items()})


def guess_search_pages(root: Path, out_dir: Path, cache: BuildCache,
                       changed: tuple[str, ...], pdf: bool = True) -> dict[str, tuple[Path | bytes, str]] | None:
    """The course pages of a build where only course files changed, before
    anything is validated: the published page of each course whose file did
    not change, and the page of each changed or new file, rendered now. Each
    with its SHA-256. None when there is no good guess (the build then indexes
    the pages it makes)."""
    try:
        config = load_config(root)
        pages: dict[str, tuple[Path | bytes, str]] = {}
        for name, entry in cache.courses.items():
            if name in changed or not (config.courses_dir / name).is_file():  # changed, or removed
                continue
            path = course_page_path(course_from_json(entry["course"]))
            previous = cache.outputs.get(path)
            if previous is None or not output_intact(out_dir / path, previous):
                return None
            pages[path] = (out_dir / path, previous["sha256"])
        env = make_environment(config, cache.templates)
        reader = source_reader()
        for name in changed:
            _, course, problems = read_course(config.courses_dir / name, config, reader)
            if course is None or any(problem.is_error for problem in problems):
                return None  # the build reports it
            file = render_page(env, config, course_page(course, pdf=pdf))
            pages[file.path] = (file.data, sha256(file.data))
        return pages
    except (BuildError, KeyError, TypeError, ValueError, OSError):
        return None
