"""The live preview of `lexom-site serve`: what the server shows (`LiveState`)
and what changes it (`Live`).

A change to course files only takes the quick step (build/preview.py): the
pages that show them are checked and rendered in the watcher's thread and
shown at once, from memory (`LiveState.overlay`, whole pages swapped in one
assignment); the whole build then runs in the main thread, a moment later,
and publishes the complete site (PDF sheets, printed catalogue, search
index) in one rename. Any other change goes to the whole build at once.
Each change is numbered (`epoch`): when a build started after a change is
published, what the quick step showed for that change is dropped from
memory, and the PDFs and index it was waiting for are no longer pending.
"""

from __future__ import annotations

import html
import posixpath
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .build.cache import BuildCache
from .build.pages import TemplatePage
from .build.preview import Preview, Update, course_file_name
from .diagnostics import BuildError, Diagnostic
from .i18n import _, number
from .paths import locations

BUILD_DELAY = 0.15  # s after the last change before the whole build starts: the page reloads first


@dataclass
class LiveState:
    """What the server knows of the site it shows, shared with the request threads. `version` (the
    generation) goes up each time what is shown changes; `/__lexom__/status` says it all (`status()`)."""

    version: int = 0
    errors: list[Diagnostic] = field(default_factory=list)  # shown instead of the pages (quick step's + build's)
    failure: str | None = None  # an unexpected error, not a content error
    lock: threading.Lock = field(default_factory=threading.Lock)
    check_errors: list[Diagnostic] = field(default_factory=list)  # found by the quick step
    check_epoch: int = 0  # the change that found them
    build_errors: list[Diagnostic] = field(default_factory=list)  # found by the last whole build
    overlay: dict[str, tuple[bytes | None, int]] = field(default_factory=dict)  # page -> (bytes or removed, epoch)
    pending: dict[str, int] = field(default_factory=dict)  # "pages", "pdf", "search" -> epoch of the change
    pending_pdfs: dict[str, int] = field(default_factory=dict)  # PDF being made again -> epoch of the change
    epoch: int = 0  # changes seen
    building: bool = False
    pdf: bool = True  # (serve --no-pdf: no PDF is made)
    times: dict[str, float] = field(default_factory=dict)  # what happened last, when (Unix time)
    seconds: dict[str, float] = field(default_factory=dict)  # how long the last quick step and build took
    changed: threading.Condition = field(init=False)

    def __post_init__(self) -> None:
        self.changed = threading.Condition(self.lock)

    def status(self) -> dict:
        with self.lock:
            return {"version": self.version, "generation": self.version,
                    "ok": not self.errors and not self.failure,
                    "building": self.building,
                    "pending": {"pages": "pages" in self.pending, "pdf": "pdf" in self.pending,
                                "pdf_files": sorted(self.pending_pdfs), "search": "search" in self.pending},
                    "shown_from_memory": sorted(self.overlay),
                    "errors": [{"path": d.path, "line": d.line, "col": d.col, "message": d.message,
                                "hint": d.hint, "text": d.format()} for d in self.errors],
                    "failure": self.failure,
                    "times": {name: round(value, 3) for name, value in self.times.items()},
                    "seconds": {name: round(value, 3) for name, value in self.seconds.items()}}

    def wait(self, after: int, timeout: float) -> None:
        """Return once the version is past `after` (or after `timeout` seconds)."""
        with self.changed:
            self.changed.wait_for(lambda: self.version > after, timeout)

    def _shown(self) -> None:
        """(lock held) What is shown changed."""
        self.errors = list(dict.fromkeys(self.check_errors + self.build_errors))
        self.version += 1
        self.changed.notify_all()

    def page(self, path: str) -> tuple[bool, bytes | None]:
        """(True, bytes) for a page shown from memory ((True, None): removed); (False, None): from the folder."""
        with self.lock:
            found = self.overlay.get(path)
        return (True, found[0]) if found is not None else (False, None)

    def pdf_note(self, path: str, out_dir: Path) -> str | None:
        """What a link to the PDF `path` says instead of leading to it, or None when it may lead to it."""
        with self.lock:
            pending = path in self.pending_pdfs
        if not pending and (out_dir / path).is_file():
            return None
        if not self.pdf:
            return _("PDF not made by this preview (serve --no-pdf)")
        if posixpath.basename(path) == "catalogue.pdf":
            return _("printed catalogue being updated…")
        return _("PDF sheet being updated…")


_PDF_LINK = re.compile(r"<a\b([^>]*?)\bhref=\"([^\"]*\.pdf)\"([^>]*)>(.*?)</a>", re.S | re.I)


def mark_pdf_links(page: bytes, path: str, state: LiveState, out_dir: Path) -> bytes:
    """Every link of `page` (site path `path`) to a PDF being made again, or not there, becomes a link without
    an address followed by a note saying why: the site served never links to a missing or outdated PDF."""
    text = page.decode("utf-8", errors="replace")

    def replace(match: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(path),
                                                   urllib.parse.unquote(html.unescape(match[2]).split("#")[0])))
        note = state.pdf_note(target, out_dir)
        if note is None:
            return match[0]
        attributes = re.sub(r"\s+download(=\"[^\"]*\")?", "", match[1] + match[3])
        return (f"<a{attributes} aria-disabled=\"true\" style=\"opacity:.55;cursor:progress\">{match[4]}</a> "
                f"<em class=\"lexom-pdf-pending\" data-lexom-pending=\"{html.escape(target)}\">"
                f"{html.escape(note)}</em>")

    marked = _PDF_LINK.sub(replace, text)
    return page if marked == text else marked.encode("utf-8")


class Live:
    """The quick step and the whole build of `serve`, and what they show (see the module's docstring)."""

    def __init__(self, root: Path, out_dir: Path, rebuild: Callable[[], None], listings: tuple[TemplatePage, ...],
                 echo: Callable[[str], None], report: Callable[[list[Diagnostic]], None], *, pdf: bool = True):
        self.root, self.out_dir, self.rebuild, self.listings = root, out_dir, rebuild, listings
        self.echo, self.report, self.pdf = echo, report, pdf
        self.state = LiveState(pdf=pdf)
        self.preview: Preview | None = None
        self.stale = True  # something else than course files changed since the preview was loaded
        self.model_lock = threading.Lock()
        self.requested = threading.Condition()
        self.request_time: float | None = None
        self.since = 0  # the last change seen when the running build started

    # --- the watcher's thread ---------------------------------------------------------------------------------

    def changed(self, paths: list[Path], other: bool) -> None:
        """Files changed (`other`: site.yaml, which is watched apart)."""
        state = self.state
        with state.lock:
            state.epoch += 1
            epoch = state.epoch
            state.times["changed"] = time.time()
        courses = self.root / "content" / "courses"
        names = sorted({name for path in paths if (name := _course_name(courses, path))})
        other = other or len(names) < len({str(path) for path in paths})
        with self.model_lock:
            if other or self.stale or self.preview is None:
                self.stale = self.stale or other
                self._pending(epoch, pages=True)
                self.request_build()
                return
            started = time.perf_counter()
            try:
                update = self.preview.update(names)
            except BuildError as exc:  # a template that cannot render this course: the build says the same
                update = Update(problems=tuple(exc.diagnostics))
            except Exception:  # the build will say what it is
                self.preview, self.stale = None, True
                self._pending(epoch, pages=True)
                self.request_build()
                return
        seconds = time.perf_counter() - started
        self.show(update, epoch, seconds)
        if not update.problems:
            self.request_build()

    def show(self, update: Update, epoch: int, seconds: float) -> None:
        state = self.state
        with state.lock:
            state.seconds["quick"] = seconds
            if update.problems:
                state.check_errors, state.check_epoch = list(update.problems), epoch
            else:
                state.check_errors = []
                state.build_errors = [d for d in state.build_errors if d.path not in update.changed]
                for path, data in update.pages.items():
                    state.overlay[path] = (data, epoch)
                for path in update.removed:
                    state.overlay[path] = (None, epoch)
                for path in update.pdfs:
                    state.pending_pdfs[path] = epoch
                self._pending_locked(epoch, pdf=bool(update.pdfs))
                state.times["shown"] = time.time()
            state._shown()
        if update.problems:
            self.report(list(update.problems))
        elif update.pages:
            shown = (_("Shown in {seconds} s: {pages}; the PDFs and the search index follow.") if self.pdf else
                     _("Shown in {seconds} s: {pages}; the search index follows."))
            self.echo(shown.format(seconds=number(seconds, 2), pages=", ".join(sorted(update.pages))))

    def _pending(self, epoch: int, *, pages: bool = False, pdf: bool = True) -> None:
        with self.state.lock:
            self._pending_locked(epoch, pages=pages, pdf=pdf)

    def _pending_locked(self, epoch: int, *, pages: bool = False, pdf: bool = True) -> None:
        for what in ("pages",) * pages + ("pdf",) * (pdf and self.pdf) + ("search",):
            self.state.pending[what] = epoch  # (the latest change: a build started before it does not do it)

    def request_build(self) -> None:
        with self.requested:
            self.request_time = time.monotonic()
            self.requested.notify_all()

    # --- the main thread ---------------------------------------------------------------------------------------

    def build_when_asked(self, stop: threading.Event, build: Callable[[], None]) -> None:
        """Run the whole build (`build`, which calls `starting` then `built`) each time it is asked for (once for
        many changes), until `stop`."""
        while not stop.is_set():
            with self.requested:
                if self.request_time is None:
                    self.requested.wait(0.5)
                    continue
                wait = self.request_time + BUILD_DELAY - time.monotonic()
                if wait > 0:
                    self.requested.wait(wait)
                    continue
                self.request_time = None
            build()

    def starting(self) -> None:
        """A whole build starts, from the inputs as they are after the last change seen."""
        with self.state.lock:
            self.since, self.state.building = self.state.epoch, True
            self.state.times["build_started"] = time.time()

    def built(self, errors: list[Diagnostic], failure: str | None, seconds: float) -> None:
        """The whole build ended; on success, the complete site replaces what the quick steps showed before it
        started, and the PDFs and index they were waiting for are there."""
        state, since = self.state, self.since
        if not errors and not failure:
            self._built(since)
        with state.lock:
            state.building = False
            state.seconds["build"] = seconds
            state.times["built"] = time.time()
            state.build_errors, state.failure = list(errors), failure
            if state.check_epoch <= since:  # the build checked these files again
                state.check_errors = []
            if not errors and not failure:
                state.overlay = {p: shown for p, shown in state.overlay.items() if shown[1] > since}
                state.pending_pdfs = {p: e for p, e in state.pending_pdfs.items() if e > since}
                state.pending = {what: e for what, e in state.pending.items() if e > since}
            state._shown()

    def _built(self, since: int) -> None:
        """A build made from the inputs of change `since` was published: what the quick step knows of the site."""
        with self.model_lock:
            if self.preview is None or self.stale:
                try:
                    self.preview = Preview.load(self.root, self.out_dir, self.listings, pdf=self.pdf)
                    self.stale = False
                except Exception:  # (a file changed meanwhile: the next build loads it again)
                    self.preview = None
            elif self.state.epoch == since:  # (else the quick step knows more than this build: the next one tells)
                _, out_dir, cache_dir = locations(self.root, self.out_dir, None)
                self.preview.published(BuildCache.open(cache_dir, out_dir.name).outputs)


def _course_name(courses: Path, path: Path) -> str | None:
    return course_file_name(courses, path) if path.parent == courses else None
