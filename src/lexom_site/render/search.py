"""The full-text search index: Pagefind run over the course pages of a build.

Pagefind (its program comes from PyPI with the `pagefind[bin]` package)
indexes what each course page marks with `data-pagefind-body` into a static
index, published in `pagefind/`: the search page asks it for results in the
browser, with no server-side code.

The index must come out with the same bytes from the same pages, on any
machine: its files are published and CI builds must be reproducible. Pagefind
numbers the pages in the order it reads them, and its command reads a folder
in the order the file system lists it (not sorted; it differs between file
systems and kernels). So the pages are given to it in one order, their
paths' order: copied into a scratch folder (in memory, /dev/shm, when the
machine has one) that is checked to list them in that order, or, when no
such folder can be made, handed one by one in that order to Pagefind's
service mode (`pagefind --service`, one process reading the pages from its
standard input: the same index, byte for byte, but about twice as slow,
since it reads the pages on one core). The index is written into the scratch
folder; the build then publishes only the files whose bytes changed.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from .. import spawn
from ..i18n import _
from ..diagnostics import BuildError, Diagnostic

SEARCH_DIR = "pagefind"


def pagefind_program() -> Path:
    """The Pagefind program, or a BuildError saying how to install it."""
    try:
        from pagefind_bin import get_executable  # the binary wheel of `pagefind[bin]`

        program = Path(get_executable())
    except ImportError:
        program = None
    if program is None or not os.access(program, os.X_OK):
        raise BuildError([Diagnostic("pagefind", 0, 0, _("the search index cannot be made: the Pagefind program is "
                                                         "not installed"),
                                     hint=_("install lexom-site with its dependencies (pip install -e .), which "
                                            "include pagefind[bin]"))])
    return program


# The files of Pagefind's bundle that the search page loads: there whatever was indexed.
BUNDLE_FILES = tuple(f"{SEARCH_DIR}/{name}" for name in ("pagefind-ui.js", "pagefind-ui.css", "pagefind.js",
                                                         "pagefind-entry.json"))


def index_order(paths: Sequence[str]) -> list[str]:
    """The order the pages are indexed in: a folder's entries by name, each
    sub-folder's pages where its name comes (as a sorted directory walk)."""
    return sorted(paths, key=lambda path: path.split("/"))


_PAGEFIND_ATTRIBUTE = re.compile(rb"data-pagefind-[a-z-]+")
_HTML_TAG = re.compile(rb"<html\b[^>]*>", re.IGNORECASE)
_TITLE = re.compile(rb"<title\b[^>]*>.*?</title>", re.IGNORECASE | re.DOTALL)
_TAG_NAME = re.compile(rb"<([a-zA-Z][a-zA-Z0-9-]*)")


def search_document(page: bytes) -> bytes:
    """What Pagefind reads of a page: its <html> tag (the language), <title>
    and the element marked data-pagefind-body. Pagefind makes the same index
    from it as from the whole page (tested), in about 15 % less time. The
    whole page when it has data-pagefind-* attributes outside that element
    (Pagefind reads those too) or no single such element."""
    marks = [m.start() for m in _PAGEFIND_ATTRIBUTE.finditer(page)]
    body = page.find(b"data-pagefind-body")
    html = _HTML_TAG.search(page)
    start = page.rfind(b"<", 0, body)
    name = _TAG_NAME.match(page, start) if body >= 0 and start >= 0 else None
    if html is None or name is None or page.count(b"data-pagefind-body") != 1:
        return page
    depth, end = 0, -1
    for tag in re.finditer(rb"<(/?)" + re.escape(name[1]) + rb"\b[^>]*>", page[start:]):
        depth += -1 if tag[1] else 1
        if depth == 0:
            end = start + tag.end()
            break
    if end < 0 or any(not start <= mark < end for mark in marks):
        return page
    title = _TITLE.search(page)
    return b"".join([b"<!DOCTYPE html>", html[0], b"<head><meta charset=\"utf-8\">", title[0] if title else b"",
                     b"</head><body>", page[start:end], b"</body></html>"])


_CURLY_APOSTROPHE = "\u2019".encode()


def searchable(page: bytes) -> bytes:
    """A page as Pagefind is given it: with straight apostrophes. Pagefind cuts words at ' but not at the
    typographic ’ the pages print (render/typography.py): « l’issue » would be one word, that « issue »
    does not find. (The results' excerpts show them straight. The spaces U+00A0 and U+202F it cuts at.)"""
    return page.replace(_CURLY_APOSTROPHE, b"'")


SCRATCH_PREFIX = "lexom-site-search-"


def _scratch_base() -> Path | None:
    """Where the scratch folder goes: /dev/shm (memory) when usable, else the system's temporary folder."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK | os.X_OK):
        _remove_abandoned(shm)
        return shm
    return None


def _remove_abandoned(base: Path) -> None:
    """Scratch folders left by a build that was killed (memory is not freed until they are removed)."""
    for folder in base.glob(SCRATCH_PREFIX + "*"):
        pid = folder.name.removeprefix(SCRATCH_PREFIX).split("-")[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass  # alive, another user's


def walk_order(folder: Path) -> Iterator[str]:
    """The HTML files under `folder` in the order a directory walk that does
    not sort (Pagefind's) finds them: each folder as the file system lists it."""

    def walk(current: str, prefix: str) -> Iterator[str]:
        with os.scandir(current) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    yield from walk(entry.path, f"{prefix}{entry.name}/")
                elif entry.name.endswith(".html"):
                    yield prefix + entry.name

    return walk(str(folder), "")


class Indexing:
    """Pagefind indexing `pages` (the path of each page in the site, and the
    file holding it or its bytes), in the background: it runs while the links
    are checked and the PDFs made. `wait()` gives the index's files.

    The pages are copied into the scratch folder before this returns: done
    by a thread beside a busy main thread, thousands of small file
    operations would each wait for Python's global lock."""

    def __init__(self, pages: Sequence[tuple[str, Path | bytes]], *, timeout: float = 600, use_service: bool = False,
                 whole_pages: bool = False):
        self.program = pagefind_program()
        sources = dict(pages)
        self.pages = [(path, sources[path]) for path in index_order(list(sources))]
        self.timeout = timeout
        self.reduce = searchable if whole_pages else (lambda page: searchable(search_document(page)))
        self.how = ""  # "folder" or "service", once it ran
        self.scratch = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", dir=_scratch_base()))
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._stopped = False
        self._files: dict[str, bytes] | None = None
        self._error: BaseException | None = None
        self._removal: threading.Thread | None = None
        try:
            contents = [(path, self.reduce(source if isinstance(source, bytes) else source.read_bytes()))
                        for path, source in self.pages]
            laid_out = not use_service and bool(contents) and self._lay_out(self.scratch / "site", contents)
        except OSError as exc:
            shutil.rmtree(self.scratch, ignore_errors=True)
            raise BuildError([Diagnostic("pagefind", 0, 0, _("the search index could not be made: {error}").format(
                error=exc))]) from None
        self._thread = threading.Thread(target=self._run, args=(None if laid_out else contents,), name="search-index",
                                        daemon=True)
        self._thread.start()

    def wait(self) -> dict[str, bytes]:
        """The index's files by their path in the site; a BuildError if Pagefind failed."""
        self._thread.join(self.timeout)
        if self._thread.is_alive():
            self.stop()
            raise BuildError([Diagnostic("pagefind", 0, 0, _("the search index was not made in {seconds} s").format(
                seconds=f"{self.timeout:.0f}"))])
        self.stop(wait=False)
        if self._error is not None:
            raise self._error
        assert self._files is not None
        missing = [name for name in BUNDLE_FILES if name not in self._files]
        if missing:
            raise BuildError([Diagnostic("pagefind", 0, 0, _("the search index lacks {files}").format(
                files=", ".join(missing)))])
        return self._files

    def stop(self, *, wait: bool = True) -> None:
        """Stop Pagefind if it runs, and remove the scratch folder (in the
        background unless `wait`; a later stop() waits for it)."""
        with self._lock:
            self._stopped = True
            if self._process is not None and self._process.poll() is None:
                self._process.kill()
        self._thread.join(5)
        if self._removal is None:
            self._removal = threading.Thread(target=shutil.rmtree, args=(self.scratch,), kwargs={"ignore_errors": True},
                                             name="search-scratch")
            self._removal.start()
        if wait:
            self._removal.join()

    def _lay_out(self, site: Path, contents: list[tuple[str, bytes]]) -> bool:
        """Write the pages into `site` so that the file system lists them in
        index order; False when it lists them in another order both ways."""
        expected = [path for path, _ in contents]
        for order in (contents[::-1], contents):  # most file systems in memory list the newest entry first
            shutil.rmtree(site, ignore_errors=True)
            folders: set[str] = set()
            for path, data in order:
                target = os.path.join(site, path)
                folder = os.path.dirname(target)
                if folder not in folders:
                    os.makedirs(folder, exist_ok=True)
                    folders.add(folder)
                with open(target, "wb") as file:
                    file.write(data)
            if list(walk_order(site)) == expected:
                return True
        shutil.rmtree(site, ignore_errors=True)
        return False

    # --- in the background thread -----------------------------------------------------------------------------

    def _run(self, contents: list[tuple[str, bytes]] | None) -> None:
        """Pagefind over the scratch folder, or given `contents` in service mode when they could not be laid out."""
        try:
            out = self.scratch / "out"
            if contents is None:
                self.how = "folder"
                self._command([str(self.program), "--site", str(self.scratch / "site"), "--output-path", str(out),
                               "--keep-index-url", "--silent"])
                self._files = {f"{SEARCH_DIR}/{p.relative_to(out).as_posix()}": p.read_bytes()
                               for p in sorted(out.rglob("*")) if p.is_file()}
            else:
                self.how = "service"
                self._files = {f"{SEARCH_DIR}/{path}": data for path, data in sorted(self._service(contents).items())}
        except BaseException as exc:  # handed to the waiting thread
            self._error = exc

    def _start(self, command: list[str], **options) -> subprocess.Popen:
        environment = {name: value for name, value in os.environ.items() if not name.startswith("PAGEFIND_")}
        with self._lock:
            if self._stopped:
                raise BuildError([Diagnostic("pagefind", 0, 0, _("the search index was not made: the build "
                                                                 "stopped"))])
            try:  # in the scratch folder, where no pagefind.yml/json/toml of the user's is read
                self._process = spawn.start(command, cwd=self.scratch, env=environment, **options)
            except OSError as exc:
                raise BuildError([Diagnostic("pagefind", 0, 0, _("the search index could not be made: {error}")
                                             .format(error=exc))]) from None
        return self._process

    def _failed(self, detail: str) -> BuildError:
        message = (_("the search index could not be made: Pagefind failed: {detail}") if detail else
                   _("the search index could not be made: Pagefind failed"))
        return BuildError([Diagnostic("pagefind", 0, 0, message.format(detail=detail))])

    def _command(self, command: list[str]) -> None:
        with open(self.scratch / "log.txt", "wb") as log:
            process = self._start(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            process.wait()
        if process.returncode != 0:
            lines = (self.scratch / "log.txt").read_text(errors="replace").strip().splitlines()
            raise self._failed(lines[-1] if lines else _("exit code {code}").format(code=process.returncode))

    def _service(self, texts: list[tuple[str, bytes]]) -> dict[str, bytes]:
        """Pagefind's service mode: requests and answers are base64-encoded
        JSON, each followed by a comma; the requests are handled in order. The
        index's files come back in the last answer (GetFiles): asked to write
        them (WriteFiles), the service answered before it had, and a file
        could be read empty (1 run in 30)."""
        with open(self.scratch / "log.txt", "wb") as log:
            process = self._start([str(self.program), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=log)
            assert process.stdin is not None and process.stdout is not None
            requests = [{"type": "NewIndex", "config": {"keep_index_url": True}}]
            requests += [{"type": "AddFile", "index_id": 0, "file_path": path, "url": None,
                          "file_contents": data.decode("utf-8", errors="replace")} for path, data in texts]
            requests.append({"type": "GetFiles", "index_id": 0})
            files: dict[str, bytes] = {}
            try:
                for number, payload in enumerate(requests, 1):
                    message = json.dumps({"message_id": number, "payload": payload}).encode("utf-8")
                    process.stdin.write(base64.b64encode(message) + b",")
                process.stdin.flush()
                answers, pending = 0, b""
                while answers < len(requests):
                    chunk = process.stdout.read1(1 << 16)
                    if not chunk:
                        raise self._failed(_("the service stopped (exit code {code})").format(code=process.wait()))
                    *whole, pending = (pending + chunk).split(b",")
                    for encoded in whole:
                        answer = json.loads(base64.b64decode(encoded))
                        if answer.get("payload", {}).get("type") == "Error":
                            raise self._failed(answer["payload"].get("message", ""))
                        if answer.get("payload", {}).get("type") == "GetFiles":
                            files = {item["path"]: base64.b64decode(item["content"])
                                     for item in answer["payload"]["files"]}
                        answers += 1
            except (BrokenPipeError, ValueError) as exc:
                raise self._failed(str(exc)) from None
            finally:
                with contextlib.suppress(OSError):
                    process.stdin.close()  # the service ends when its input does
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(5)
        return files
