"""The build cache: what each output was made from, so that a rebuild redoes
only what changed.

Every output has a *key*: a SHA-256 over everything it is made from (the
bytes of its sources, templates, assets and configuration, the version of
lexom-site and of every installed dependency, SOURCE_DATE_EPOCH). An output
whose key is unchanged and whose file is intact (its SHA-256 checked) is
reused as it is; anything else is made again.

The cache is a folder beside the output (`.lexom-site-cache/` by default):

    state-<output>.json     the last build into the output folder <output>: outputs {path: {key, sha256, stat}}
    courses-<output>.json   the valid course files {name: {sha256, key, course}}
    links-<output>.json     the links and ids found in each page and stylesheet, by SHA-256 (see links.py)
    trash/                  outputs replaced by a build, deleted while the next build runs
    pdf/<key>-<sha256>.pdf  PDF parts and sheets by key; the name carries the
                            content's hash, so a file is checked before use and
                            folders of several machines merge by copying

Nothing in it is trusted: unreadable or inconsistent entries are ignored and
the outputs made again.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from .. import __version__

FORMAT = 2
CACHE_DIR_NAME = ".lexom-site-cache"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def combine(*parts: str) -> str:
    """One key from several (order matters)."""
    return sha256("\0".join(parts).encode("utf-8"))


@lru_cache(maxsize=1)
def code_key() -> str:
    """What, besides the sources, decides the bytes of the outputs: this
    program, every installed Python distribution, the text libraries
    WeasyPrint uses, and SOURCE_DATE_EPOCH."""
    package = Path(__file__).resolve().parent.parent
    own = [sha256(path.read_bytes()) for path in sorted(package.rglob("*.py"))]
    # installed distributions: their metadata folders are named NAME-VERSION.dist-info
    distributions = sorted({os.path.basename(found) for entry in sys.path if os.path.isdir(entry)
                            for found in glob.glob(os.path.join(glob.escape(entry), "*.dist-info"))})
    return combine(__version__, sys.version, *own, *distributions, *_text_libraries(),
                   "SOURCE_DATE_EPOCH=" + os.environ.get("SOURCE_DATE_EPOCH", ""))


def _text_libraries() -> list[str]:
    """The real files of the libraries that shape text in the PDFs (their names carry the full version)."""
    found = []
    for name in ("pango-1.0", "pangoft2-1.0", "harfbuzz", "harfbuzz-subset", "fontconfig", "freetype"):
        for folder in ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib",
                       "/usr/local/lib", "/opt/homebrew/lib"):
            matches = sorted(glob.glob(os.path.join(folder, f"lib{name}.so.*")) +
                             glob.glob(os.path.join(folder, f"lib{name}*.dylib")))
            if matches:
                found.append(os.path.realpath(matches[0]))
                break
    return found


COURSES_FOLDER = "content/courses/"


def _input_digests(root: Path) -> list[tuple[str, str]]:
    """(path relative to the project, SHA-256) of every input file, in a set order."""
    digests = []
    for folder in ("content", "templates", "assets"):
        for base, folders, names in os.walk(root / folder):
            folders.sort()
            for name in sorted(names):
                path = os.path.join(base, name)
                data = b"symbolic link" if os.path.islink(path) else _read(Path(path))
                digests.append((Path(os.path.relpath(path, root)).as_posix(), sha256(data or b"")))
    digests.append(("site.yaml", sha256(_read(root / "site.yaml") or b"")))
    return digests


def _fingerprint(digests: list[tuple[str, str]], pdf: bool) -> str:
    """`<all inputs>.<all inputs but the course files>`: the second part tells
    whether only course files changed since the last build."""
    common = (code_key(), f"pdf={pdf}")
    return (combine(*common, *(f"{p}:{d}" for p, d in digests)) + "."
            + combine(*common, *(f"{p}:{d}" for p, d in digests if not p.startswith(COURSES_FOLDER))))


def outputs_intact(out_dir: Path, outputs: dict[str, dict[str, str]], marker: str) -> bool:
    """Does `out_dir` hold exactly these files (and the marker), each with its recorded SHA-256?"""
    if not outputs or not (out_dir / marker).is_file():
        return False
    present = set()
    for folder, _, names in os.walk(out_dir):
        for name in names:
            present.add(os.path.relpath(os.path.join(folder, name), out_dir).replace(os.sep, "/"))
    if present - {marker} != set(outputs):
        return False
    return all(file_intact(out_dir / path, entry["sha256"]) for path, entry in outputs.items())


_TEMPLATE_REFERENCE = re.compile(r"""\{%-?\s*(extends|include|import|from)\s+(?:(["'])(?P<name>[^"']+)\2)?""")


def template_keys(templates_dir: Path, digests: dict[str, str]) -> dict[str, str]:
    """A key per template: the hashes of the template and of every template it
    extends, includes or imports, transitively. `digests` maps template names
    (relative to templates_dir, POSIX) to the hashes of their bytes. A
    template naming another one by an expression depends on all of them."""
    direct: dict[str, set[str]] = {}
    for name in digests:
        source = (_read(templates_dir / name) or b"").decode("utf-8", errors="replace")
        references = [m["name"] for m in _TEMPLATE_REFERENCE.finditer(source)]
        direct[name] = set(digests) if any(r is None for r in references) else set(references)
    keys = {}
    for name in digests:
        seen, stack = set(), [name]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            stack += direct.get(current, set())
        keys[name] = combine(*(f"{n}:{digests.get(n, 'missing')}" for n in sorted(seen)))
    return keys


def locations(root: Path, out_dir: Path | None, cache_dir: Path | None) -> tuple[Path, Path, Path]:
    """The project root, the output folder and the cache folder a build uses."""
    root = root.resolve()
    out_dir = (out_dir or root / "public").resolve()
    return root, out_dir, (cache_dir or out_dir.parent / CACHE_DIR_NAME).resolve()


@dataclass(frozen=True)
class Freshness:
    """What the cheap up-to-date check found (see `nothing_to_do`)."""

    done: bool  # nothing to do: the last build used exactly these inputs and its outputs are intact
    fingerprint: str  # of the inputs, for the build to come
    # the course files (names in the courses folder) changed or added since the last build, when nothing else
    # changed; None when a shared input changed (CGV, configuration, a template, an asset, the program)
    changed_courses: tuple[str, ...] | None
    cache: BuildCache  # as read, for the build to use
    digests: dict[str, str] = field(default_factory=dict)  # SHA-256 of each input file (path in the project)

    @property
    def sheets(self) -> int | None:
        """At most how many PDF sheets the build will make, when only course files changed."""
        return None if self.changed_courses is None else len(self.changed_courses)


def nothing_to_do(root: Path, out_dir: Path | None = None, cache_dir: Path | None = None, *, pdf: bool = True,
                  marker: str = ".lexom-site-build") -> Freshness:
    """Did the last build use exactly these inputs, and are its outputs intact?
    Cheap (hashes only), so that a build with nothing to do costs next to
    nothing; what it found also tells the build to come where to start."""
    root, out_dir, cache_dir = locations(root, out_dir, cache_dir)
    cache = BuildCache.open(cache_dir, out_dir.name)
    digests = _input_digests(root)
    fingerprint = _fingerprint(digests, pdf)
    if cache.fingerprint == fingerprint and outputs_intact(out_dir, cache.outputs, marker):
        return Freshness(True, fingerprint, (), cache, dict(digests))
    changed = None
    if cache.courses and cache.fingerprint.partition(".")[2] == fingerprint.partition(".")[2]:
        changed = tuple(path[len(COURSES_FOLDER):] for path, digest in digests if path.startswith(COURSES_FOLDER)
                        and cache.courses.get(path[len(COURSES_FOLDER):], {}).get("sha256") != digest)
    return Freshness(False, fingerprint, changed, cache, dict(digests))


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _read_json(path: Path) -> dict[str, Any]:
    """A file of the cache, {} when unreadable or of another format."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) and value.get("format") == FORMAT else {}


# --- the cache folder ----------------------------------------------------------------------------------------


@dataclass
class BuildCache:
    folder: Path
    name: str = "public"  # the output folder's name: several outputs may share one cache folder
    fingerprint: str = ""  # of all the inputs of the last build (see _fingerprint)
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)  # path -> {key, sha256}
    courses: dict[str, dict[str, Any]] = field(default_factory=dict)  # course file -> {sha256, key, course}

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
    def state_file(self) -> Path:
        return self.folder / f"state-{self.name}.json"

    @property
    def courses_file(self) -> Path:
        return self.folder / f"courses-{self.name}.json"

    def save(self) -> None:
        """Write what the last build published (the course entries apart: see save_courses)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        _write_atomic(self.state_file, _json({"format": FORMAT, "fingerprint": self.fingerprint,
                                              "outputs": self.outputs}).encode("utf-8"))

    def save_courses(self) -> None:
        """Write the valid course files' entries: true whatever is published (each
        is found by the file's SHA-256 and the key of what it was checked against),
        so a build writes them while it waits for its search index."""
        self.folder.mkdir(parents=True, exist_ok=True)
        _write_atomic(self.courses_file, _json({"format": FORMAT, "courses": self.courses}).encode("utf-8"))

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
        _write_atomic(self.links_file, _json({"format": FORMAT, "pages": pages}).encode("utf-8"))

    # PDF parts and sheets, by key
    def get_pdf(self, key: str) -> bytes | None:
        """The cached PDF of this key, if its bytes still have the hash in its name."""
        for path in (self.folder / "pdf").glob(f"{key}-*.pdf"):
            data = _read(path)
            if data is not None and path.stem == f"{key}-{sha256(data)}":
                return data
        return None

    def put_pdf(self, key: str, data: bytes) -> Path:
        folder = self.folder / "pdf"
        folder.mkdir(parents=True, exist_ok=True)
        digest = sha256(data)
        path = folder / f"{key}-{digest}.pdf"
        if not file_intact(path, digest):  # missing, or damaged since: written anew (a new file, not in place)
            _write_atomic(path, data)
        return path

    def prune_pdfs(self, keep: Iterable[str]) -> None:
        """Remove PDFs whose key is not in `keep`: the cache does not grow without end."""
        keep = set(keep)
        for path in (self.folder / "pdf").glob("*.pdf"):
            if path.stem.rsplit("-", 1)[0] not in keep:
                path.unlink(missing_ok=True)


def _read(path: Path | str) -> bytes | None:
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError:
        return None


def _write_atomic(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def file_intact(path: Path, expected_sha256: str) -> bool:
    data = _read(path)
    return data is not None and sha256(data) == expected_sha256


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
