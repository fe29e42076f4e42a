"""Is the published site up to date? The cheap check a build starts with.

Before anything is loaded, every input file is hashed (content/,
templates/, assets/, site.yaml) into a fingerprint; when it is the last
build's and every output is still there, intact, there is nothing to do.
The same check also tells the build to come whether only course files
changed, and which (the build then starts the search index at once, and as
many PDF workers as sheets to make).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from ..files import file_intact, read_bytes, sha256
from ..paths import (ASSETS_DIR, CONFIG_FILE, COURSES_DIR, INPUT_DIRS, OUTPUT_MARKER, TEMPLATES_DIR, locations,
                     project_or_bundled, visible_files)
from .cache import BuildCache
from .keys import code_key, combine

_COURSES = COURSES_DIR + "/"


def _input_digests(root: Path) -> list[tuple[str, str]]:
    """(path relative to the project, SHA-256) of every input file, in a set order."""
    digests = []
    for folder in INPUT_DIRS:
        base = project_or_bundled(root, folder) if folder in (TEMPLATES_DIR, ASSETS_DIR) else root / folder
        for path in visible_files(base):
            if os.path.islink(path):
                data = b"symbolic link"
            elif not stat.S_ISREG(os.stat(path).st_mode):  # (a pipe would never end: the build reports it)
                data = b"not a regular file"
            else:
                data = read_bytes(path)
            digests.append(((Path(folder) / path.relative_to(base)).as_posix(), sha256(data or b"")))
    digests.append((CONFIG_FILE, sha256(read_bytes(root / CONFIG_FILE) or b"")))
    return digests


def _fingerprint(digests: list[tuple[str, str]], pdf: bool, strict: bool) -> str:
    """`<all inputs>.<all inputs but the course files>`: the second part tells
    whether only course files changed since the last build."""
    common = (code_key(), f"pdf={pdf}", f"strict={strict}")
    return (combine(*common, *(f"{p}:{d}" for p, d in digests)) + "."
            + combine(*common, *(f"{p}:{d}" for p, d in digests if not p.startswith(_COURSES))))


def outputs_intact(out_dir: Path, outputs: Mapping[str, Mapping[str, str]],
                   keys: Mapping[str, str] | None = None) -> bool:
    """Does `out_dir` hold exactly the `outputs` recorded by the last build
    (and its marker), each with its recorded SHA-256? Given `keys` (path ->
    key of every output planned now), also: are these exactly the outputs
    planned, each made from the same inputs?"""
    if not outputs or not (out_dir / OUTPUT_MARKER).is_file():
        return False
    if keys is not None and (set(keys) != set(outputs) or any(outputs[p]["key"] != k for p, k in keys.items())):
        return False
    present = set()
    for folder, _, names in os.walk(out_dir):
        for name in names:
            present.add(os.path.relpath(os.path.join(folder, name), out_dir).replace(os.sep, "/"))
    if present - {OUTPUT_MARKER} != set(outputs):
        return False
    return all(file_intact(out_dir / path, entry["sha256"]) for path, entry in outputs.items())


@dataclass(frozen=True)
class Freshness:
    """What the cheap up-to-date check found (see `check_freshness`)."""

    done: bool  # nothing to do: the last build used exactly these inputs and its outputs are intact
    fingerprint: str  # of the inputs, for the build to come
    # the course files (names in the courses folder) changed or added since the last build, when nothing else
    # changed; None when a shared input changed (CGV, configuration, a template, an asset, the program)
    changed_courses: tuple[str, ...] | None
    cache: BuildCache  # as read, for the build to use
    digests: dict[str, str] = field(default_factory=dict)  # SHA-256 of each input file (path in the project)

    @property
    def sheets(self) -> int:
        """At most how many PDFs the build will lay out: the course files changed, when only they changed; else
        every course file's, the CGV's and the printed catalogue's front and back."""
        if self.changed_courses is not None:
            return len(self.changed_courses)
        return sum(1 for path in self.digests if path.startswith(_COURSES)) + 3


def check_freshness(root: Path, out_dir: Path | None = None, cache_dir: Path | None = None, *,
                    pdf: bool = True, strict: bool = False) -> Freshness:
    """Did the last build use exactly these inputs, and are its outputs intact?
    Cheap (hashes only), so that a build with nothing to do costs next to
    nothing; what it found also tells the build to come where to start."""
    root, out_dir, cache_dir = locations(root, out_dir, cache_dir)
    cache = BuildCache.open(cache_dir, out_dir.name)
    digests = _input_digests(root)
    fingerprint = _fingerprint(digests, pdf, strict)
    if cache.fingerprint == fingerprint and outputs_intact(out_dir, cache.outputs):
        return Freshness(True, fingerprint, (), cache, dict(digests))
    changed = None
    if cache.courses and cache.fingerprint.partition(".")[2] == fingerprint.partition(".")[2]:
        changed = tuple(path[len(_COURSES):] for path, digest in digests if path.startswith(_COURSES)
                        and cache.courses.get(path[len(_COURSES):], {}).get("sha256") != digest)
    return Freshness(False, fingerprint, changed, cache, dict(digests))
