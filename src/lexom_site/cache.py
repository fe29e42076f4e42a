"""The build cache: what each output was made from, so that a rebuild redoes
only what changed.

Every output has a *key*: a SHA-256 over everything it is made from (the
bytes of its sources, templates, assets and configuration, the version of
lexom-site and of every installed dependency, SOURCE_DATE_EPOCH). An output
whose key is unchanged and whose file is intact (its SHA-256 checked) is
reused as it is; anything else is made again.

The cache is a folder beside the output (`.lexom-site-cache/` by default):

    state-<output>.json     the last build into the output folder <output>: outputs {path: {key, sha256}} and
                            the valid course files {path: {sha256, key, course}}
    pdf/<key>-<sha256>.pdf  PDF parts and sheets by key; the name carries the
                            content's hash, so a file is checked before use and
                            folders of several machines merge by copying

Nothing in it is trusted: unreadable or inconsistent entries are ignored and
the outputs made again.
"""

from __future__ import annotations

import ctypes.util
import hashlib
import importlib.metadata
import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import jinja2
import jinja2.meta

from . import __version__

FORMAT = 1
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
    package = Path(__file__).parent
    own = [sha256(path.read_bytes()) for path in sorted(package.glob("*.py"))]
    distributions = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    libraries = [_library_file(name) for name in ("pango-1.0", "pangoft2-1.0", "harfbuzz", "fontconfig", "freetype")]
    return combine(__version__, sys.version, *own, *distributions, *libraries,
                   "SOURCE_DATE_EPOCH=" + os.environ.get("SOURCE_DATE_EPOCH", ""))


def _library_file(name: str) -> str:
    """The real file of a shared library (its name carries the full version)."""
    soname = ctypes.util.find_library(name) or ""
    for folder in ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib", "/lib", "/usr/local/lib"):
        candidate = Path(folder) / soname
        if soname and candidate.exists():
            return os.path.realpath(candidate)
    return soname


def template_keys(templates_dir: Path, digests: dict[str, str]) -> dict[str, str]:
    """A key per template: the hashes of the template and of every template it
    extends, includes or imports, transitively. `digests` maps template names
    (relative to templates_dir, POSIX) to the hashes of their bytes."""
    env = jinja2.Environment()
    direct: dict[str, set[str]] = {}
    for name in digests:
        try:
            source = (templates_dir / name).read_text(encoding="utf-8")
            direct[name] = {n for n in jinja2.meta.find_referenced_templates(env.parse(source)) if n}
        except (jinja2.TemplateSyntaxError, UnicodeDecodeError, OSError):
            direct[name] = set(digests)  # cannot tell: depends on everything (and rendering will report it)
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


# --- the cache folder ----------------------------------------------------------------------------------------


@dataclass
class BuildCache:
    folder: Path
    name: str = "public"  # the output folder's name: several outputs may share one cache folder
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)  # path -> {key, sha256}
    courses: dict[str, dict[str, Any]] = field(default_factory=dict)  # course file -> {sha256, key, course}

    @classmethod
    def open(cls, folder: Path, name: str = "public") -> BuildCache:
        """The cache in `folder`; an unreadable or foreign state is ignored (an empty cache)."""
        cache = cls(folder, name)
        try:
            state = json.loads(cache.state_file.read_text(encoding="utf-8"))
            if state.get("format") == FORMAT and isinstance(state.get("outputs"), dict) and isinstance(
                    state.get("courses"), dict):
                cache.outputs = {p: e for p, e in state["outputs"].items()
                                 if isinstance(e, dict) and isinstance(e.get("key"), str)
                                 and isinstance(e.get("sha256"), str)}
                cache.courses = {p: e for p, e in state["courses"].items()
                                 if isinstance(e, dict) and isinstance(e.get("course"), dict)}
        except (OSError, ValueError, AttributeError):
            pass
        return cache

    @property
    def state_file(self) -> Path:
        return self.folder / f"state-{self.name}.json"

    def save(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        _write_atomic(self.state_file, json.dumps(
            {"format": FORMAT, "outputs": self.outputs, "courses": self.courses},
            ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8"))

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
        path = folder / f"{key}-{sha256(data)}.pdf"
        if not path.exists():
            _write_atomic(path, data)
        return path

    def prune_pdfs(self, keep: Iterable[str]) -> None:
        """Remove PDFs whose key is not in `keep`: the cache does not grow without end."""
        keep = set(keep)
        for path in (self.folder / "pdf").glob("*.pdf"):
            if path.stem.rsplit("-", 1)[0] not in keep:
                path.unlink(missing_ok=True)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
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
