"""The build cache: what the last build was made from and made, so that a
rebuild redoes only what changed.

The cache is a folder beside the output (`.lexom-site-cache/` by default):

    state-<output>.json     the last build into the output folder <output>: fingerprint of its inputs
                            (see freshness.py) and outputs {path: {key, sha256, stat, details}} (see keys.py;
                            details: what an output kind keeps of its file, as the parts it is made from)
    courses-<output>.json   the valid course files {name: {sha256, key, course}}
    links-<output>.json     the links and ids found in each page and stylesheet, by SHA-256 (see links.py)
    trash/                  outputs replaced by a build, deleted while the next build runs
    templates/              compiled templates (Jinja's bytecode cache)
    pdf/<key>-<sha256>.pdf  PDF parts and sheets by key; the name carries the
                            content's hash, so a file is checked before use and
                            folders of several machines merge by copying

    CACHEDIR.TAG            marks the folder as lexom-site's cache (and as a cache to backup tools,
                            https://bford.info/cachedir/)
    build.lock              held by the build using the cache: a second build waits for it (`build_lock`)

Nothing in it is trusted: unreadable or inconsistent entries are ignored and
the outputs made again. Nor is a folder trusted to be a cache: a build
refuses one that holds files lexom-site did not write (`check_cache_dir`),
and deletes only files of the names it gives (`prune_pdfs`, the trash).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

try:
    import fcntl
except ImportError:  # (not POSIX: builds are not serialised)
    fcntl = None  # type: ignore[assignment]

from ..i18n import _
from ..diagnostics import BuildError, Diagnostic
from ..files import file_intact, read_bytes, sha256, write_atomic
from ..paths import SOURCE_DIRS

FORMAT = 2
TRASH = "trash"
TEMPLATES = "templates"
TAG = "CACHEDIR.TAG"
TAG_TEXT = ("Signature: 8a477f597d28d172789f06886806bc55\n"
            "# This file is a cache directory tag created by lexom-site: this folder is its build cache.\n"
            "# For information about cache directory tags, see https://bford.info/cachedir/\n")
# what lexom-site writes at the top of its cache: an untagged folder holding only these is a cache of an earlier
# version; anything else there is someone's file
OWN_NAMES = re.compile(r"\.?((state|courses|links)-.+\.json|CACHEDIR\.TAG)(\..+)?|trash|templates|pdf|build\.lock"
                       r"|\.sheets-.+\.pickle")  # (with the temporary names of write_atomic)
PDF_NAME = re.compile(r"[0-9a-f]{64}-[0-9a-f]{64}\.pdf")  # pdf/<key>-<sha256>.pdf


LOCK = "build.lock"
_held: set[Path] = set()  # the locks this process holds: a build called inside a build does not wait for itself


@contextlib.contextmanager
def build_lock(cache_dir: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """One build at a time per cache folder, and so per output folder (two builds swapping the same folder
    would trip over each other): a second build waits for the first, after `on_wait()`."""
    path = (cache_dir / LOCK).resolve()
    if fcntl is None or path in _held:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "ab") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait()
            fcntl.flock(handle, fcntl.LOCK_EX)
        _held.add(path)
        try:
            yield
        finally:
            _held.discard(path)
            fcntl.flock(handle, fcntl.LOCK_UN)


def check_cache_dir(cache_dir: Path, root: Path, out_dir: Path) -> None:
    """Refuse a cache folder that would be published or mixed with the sources, or that holds files lexom-site
    did not write (a build deletes files in its cache); mark the one accepted (CACHEDIR.TAG)."""
    cache_dir, root, out_dir = cache_dir.resolve(), root.resolve(), out_dir.resolve()
    if cache_dir == root or root.is_relative_to(cache_dir) or out_dir.is_relative_to(cache_dir) \
            or cache_dir.is_relative_to(out_dir) or any(cache_dir.is_relative_to(root / name) for name in SOURCE_DIRS):
        raise BuildError([Diagnostic(str(cache_dir), 0, 0, _("refusing to keep the build cache there: it would be "
                                                             "published, or mixed with the project's sources or the "
                                                             "site"),
                                     hint=_("choose a folder of its own, e.g. --cache-dir .lexom-site-cache"))])
    if cache_dir.exists() and not (cache_dir / TAG).is_file():
        foreign = sorted(p.name for p in cache_dir.iterdir()) if cache_dir.is_dir() else [cache_dir.name]
        foreign = [name for name in foreign if not OWN_NAMES.fullmatch(name)] if cache_dir.is_dir() else foreign
        if foreign:
            raise BuildError([Diagnostic(str(cache_dir), 0, 0, _("refusing to use this folder as the build cache: "
                                                                 "it holds files lexom-site did not write ({file})")
                                         .format(file=foreign[0]),
                                         hint=_("choose another --cache-dir: a new or empty folder"))])
    cache_dir.mkdir(parents=True, exist_ok=True)
    if not (cache_dir / TAG).is_file():
        write_atomic(cache_dir / TAG, TAG_TEXT.encode("ascii"))


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _read_json(path: Path) -> dict[str, Any]:
    """A file of the cache, {} when unreadable or of another format."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) and value.get("format") == FORMAT else {}


@dataclass
class BuildCache:
    folder: Path
    name: str = "public"  # the output folder's name: several outputs may share one cache folder
    fingerprint: str = ""  # of all the inputs of the last build (see _fingerprint)
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)  # path -> {key, sha256}
    courses: dict[str, dict[str, Any]] = field(default_factory=dict)  # course file -> {sha256, key, course}
    _pdfs: dict[str, list[Path]] | None = field(default=None, repr=False)  # see _pdf_files

    @classmethod
    def open(cls, folder: Path, name: str = "public") -> BuildCache:
        """The cache in `folder`; an unreadable or foreign state is ignored (an empty cache)."""
        cache = cls(folder, name)
        state = _read_json(cache.state_file)
        if isinstance(state.get("outputs"), dict):
            cache.outputs = {p: e for p, e in state["outputs"].items()
                             if isinstance(e, dict) and isinstance(e.get("key"), str) and isinstance(e.get("sha256"), str)}
            cache.fingerprint = state.get("fingerprint", "") if isinstance(state.get("fingerprint"), str) else ""
        courses = _read_json(cache.courses_file)
        if isinstance(courses.get("courses"), dict):
            cache.courses = {p: e for p, e in courses["courses"].items()
                             if isinstance(e, dict) and isinstance(e.get("course"), dict)}
        return cache

    @property
    def trash(self) -> Path:
        return self.folder / TRASH

    @property
    def templates(self) -> Path:
        return self.folder / TEMPLATES

    @property
    def state_file(self) -> Path:
        return self.folder / f"state-{self.name}.json"

    @property
    def courses_file(self) -> Path:
        return self.folder / f"courses-{self.name}.json"

    def save(self) -> None:
        """Write what the last build published (the course entries apart: see save_courses)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self.state_file, _json({"format": FORMAT, "fingerprint": self.fingerprint,
                                              "outputs": self.outputs}).encode("utf-8"))

    def save_courses(self) -> None:
        """Write the valid course files' entries: true whatever is published (each
        is found by the file's SHA-256 and the key of what it was checked against),
        so a build writes them while it waits for its search index."""
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self.courses_file, _json({"format": FORMAT, "courses": self.courses}).encode("utf-8"))

    # what the link check found in each file of the last build (see links.py)
    @property
    def links_file(self) -> Path:
        return self.folder / f"links-{self.name}.json"

    def read_links(self) -> dict[str, dict]:
        """File -> {sha256, links, problems, ids} of the last build; {} when unreadable or foreign."""
        pages = _read_json(self.links_file).get("pages")
        return {p: e for p, e in pages.items() if isinstance(e, dict)} if isinstance(pages, dict) else {}

    def write_links(self, pages: dict[str, dict]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self.links_file, _json({"format": FORMAT, "pages": pages}).encode("utf-8"))

    # PDF parts and sheets, by key
    def _pdf_files(self) -> dict[str, list[Path]]:
        """The PDFs of the cache by key: the folder is listed once per build, not once per PDF."""
        if self._pdfs is None:
            self._pdfs = {}
            try:
                names = sorted(os.listdir(self.folder / "pdf"))
            except OSError:
                names = []
            for name in names:
                if name.endswith(".pdf"):
                    self._pdfs.setdefault(name[:-4].rsplit("-", 1)[0], []).append(self.folder / "pdf" / name)
        return self._pdfs

    def get_pdf(self, key: str) -> bytes | None:
        """The cached PDF of this key, if its bytes still have the hash in its name."""
        for path in self._pdf_files().get(key, ()):
            data = read_bytes(path)
            if data is not None and path.stem == f"{key}-{sha256(data)}":
                return data
        return None

    def put_pdf(self, key: str, data: bytes) -> Path:
        folder = self.folder / "pdf"
        folder.mkdir(parents=True, exist_ok=True)
        digest = sha256(data)
        path = folder / f"{key}-{digest}.pdf"
        if not file_intact(path, digest):  # missing, or damaged since: written anew (a new file, not in place)
            write_atomic(path, data)
        known = self._pdf_files().setdefault(key, [])
        if path not in known:
            known.append(path)
        return path

    def prune_pdfs(self, keep: Iterable[str]) -> None:
        """Remove PDFs whose key is not in `keep`: the cache does not grow without end."""
        keep = set(keep)
        for path in (self.folder / "pdf").glob("*.pdf"):
            if PDF_NAME.fullmatch(path.name) and path.stem.rsplit("-", 1)[0] not in keep:  # (only files it wrote)
                path.unlink(missing_ok=True)
        self._pdfs = None


def file_stat(path: Path) -> list[int]:
    """What identifies a file's state without reading it: size, modification time, inode."""
    info = os.stat(path)
    return [info.st_size, info.st_mtime_ns, info.st_ino]


def output_intact(path: Path, entry: dict) -> bool:
    """Is this output file still the one recorded? Same size, modification time and
    inode as when it was published (the file was not touched), else same SHA-256."""
    try:
        if entry.get("stat") == file_stat(path):
            return True
    except OSError:
        return False
    return file_intact(path, entry["sha256"])
