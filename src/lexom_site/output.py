"""Writing the output folder: all or nothing.

Files are written into a temporary folder beside the output, which replaces
the previous output only once everything is written. A failure (or Ctrl-C)
leaves the previous output as it was and no temporary folder behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath
from typing import Iterable

from .diagnostics import BuildError, Diagnostic
from .render_html import OutputFile

MARKER = ".lexom-site-build"


def check_output_dir(out_dir: Path, root: Path) -> None:
    """Refuse an output folder whose replacement would destroy sources."""
    out_dir, root = out_dir.resolve(), root.resolve()
    protected = [root / name for name in ("content", "templates", "assets", "src", "tests", "docs", ".git")]
    if out_dir == root or root.is_relative_to(out_dir) or any(out_dir.is_relative_to(p) for p in protected):
        raise BuildError([Diagnostic(str(out_dir), 0, 0, "refusing to write the site there: it would replace "
                                     "the project's sources", hint="choose a new folder, e.g. --out public")])
    if out_dir.exists() and (not out_dir.is_dir() or (any(out_dir.iterdir()) and not (out_dir / MARKER).exists())):
        raise BuildError([Diagnostic(str(out_dir), 0, 0, "refusing to replace this folder: it was not made by "
                                     "lexom-site", hint="remove it yourself or choose another --out folder")])


def _safe_relative(path: str) -> PurePosixPath:
    relative = PurePosixPath(path)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts or "\x00" in path:
        raise ValueError(f"unsafe output path: {path!r}")
    return relative


def write_output(out_dir: Path, files: Iterable[OutputFile]) -> None:
    """Write `files` into a fresh folder and swap it in place of `out_dir`."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    backup: Path | None = None
    try:
        for file in files:
            target = staging / _safe_relative(file.path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(file.data)
        (staging / MARKER).write_text("built by lexom-site; this folder is replaced on every build\n")
        os.chmod(staging, 0o755)  # mkdtemp makes it private; a published site must be readable
        if out_dir.exists():
            backup = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
            os.rename(out_dir, backup / "site")
        try:
            os.rename(staging, out_dir)
        except BaseException:
            if backup is not None:
                os.rename(backup / "site", out_dir)
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if backup is not None:
            shutil.rmtree(backup, ignore_errors=True)


def collect_assets(assets_dir: Path, prefix: str = "assets") -> list[OutputFile]:
    """The project's static files (CSS, fonts, images), to be published as they are."""
    files = []
    for path in sorted(assets_dir.rglob("*")):
        if path.is_symlink():
            raise BuildError([Diagnostic(str(path), 0, 0, "symbolic links are not allowed in assets/")])
        if path.is_file():
            files.append(OutputFile(f"{prefix}/{path.relative_to(assets_dir).as_posix()}", path.read_bytes()))
    return files
