"""Keys: what an output is made from, as one SHA-256.

Every output has a *key*: a SHA-256 over everything it is made from (the
bytes of its sources, templates, assets and configuration, the version of
lexom-site and of every installed dependency, SOURCE_DATE_EPOCH). An output
whose key has not changed need not be made again.
"""

from __future__ import annotations

import glob
import os
import sys
from functools import lru_cache
from pathlib import Path

from .. import __version__
from ..files import read_bytes, sha256
from ..inputs.template_refs import template_references


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


def template_keys(templates_dir: Path, digests: dict[str, str]) -> dict[str, str]:
    """A key per template: the hashes of the template and of every template it
    extends, includes or imports, transitively. `digests` maps template names
    (relative to templates_dir, POSIX) to the hashes of their bytes. A
    template naming another one by an expression depends on all of them."""
    direct: dict[str, set[str]] = {}
    for name in digests:
        source = (read_bytes(templates_dir / name) or b"").decode("utf-8", errors="replace")
        references = template_references(source)
        direct[name] = set(digests) if references is None else references
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
