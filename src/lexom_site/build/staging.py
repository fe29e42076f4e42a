"""Writing the output folder: all or nothing.

Files are written into a temporary folder beside the output, which replaces
the previous output only once everything is written. A failure (or Ctrl-C)
leaves the previous output as it was and no temporary folder behind.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
from pathlib import Path

from .. import spawn
from ..diagnostics import BuildError, Diagnostic
from ..paths import OUTPUT_MARKER as MARKER
from ..i18n import _
from ..paths import SOURCE_DIRS

BACKUP = ".old-"  # the previous output, kept aside during the swap: .<name>.old-XXXXXXXX
BACKUP_NAME = re.compile(r"\..*\.old-[A-Za-z0-9_]+")


def check_output_dir(out_dir: Path, root: Path) -> None:
    """Refuse an output folder whose replacement would destroy sources."""
    out_dir, root = out_dir.resolve(), root.resolve()
    protected = [root / name for name in SOURCE_DIRS]
    if out_dir == root or root.is_relative_to(out_dir) or any(out_dir.is_relative_to(p) for p in protected):
        raise BuildError([Diagnostic(str(out_dir), 0, 0, _("refusing to write the site there: it would replace "
                                                           "the project's sources"),
                                     hint=_("choose a new folder, e.g. --out public"))])
    if out_dir.exists() and (not out_dir.is_dir() or (any(out_dir.iterdir()) and not (out_dir / MARKER).exists())):
        raise BuildError([Diagnostic(str(out_dir), 0, 0, _("refusing to replace this folder: it was not made by "
                                                           "lexom-site"),
                                     hint=_("remove it yourself or choose another --out folder"))])


class Staging:
    """A new output folder being filled beside the old one, then swapped in.

    Use it as a context manager: leaving the block with an exception (Ctrl-C
    included) removes the new folder and leaves the old output untouched;
    `commit()` swaps the new folder in place of the old in one rename."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir.resolve()
        self.out_dir.parent.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix=f".{self.out_dir.name}.new-", dir=self.out_dir.parent))
        self.committed = False
        self._root = str(self.folder)
        self._folders: set[str] = {self._root}

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc_info) -> None:
        if not self.committed:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _target(self, path: str) -> str:
        parts = path.split("/")
        if not path or path.startswith("/") or "\x00" in path or "\\" in path or any(
                part in ("", ".", "..") for part in parts):
            raise ValueError(f"unsafe output path: {path!r}")
        target = os.path.join(self._root, *parts)
        parent = os.path.dirname(target)
        if parent not in self._folders:
            os.makedirs(parent, exist_ok=True)
            self._folders.add(parent)
        return target

    def file(self, path: str) -> Path:
        """Where `path` of the new output is, for whoever writes it there itself (its folder made)."""
        return Path(self._target(path))

    def write(self, path: str, data: bytes) -> None:
        Path(self._target(path)).write_bytes(data)

    def remove(self, folder: str) -> None:
        """Remove a folder of the new output with everything in it."""
        target = os.path.dirname(self._target(f"{folder}/-"))
        shutil.rmtree(target, ignore_errors=True)
        self._folders = {known for known in self._folders if known != target and not known.startswith(target + os.sep)}

    def link(self, path: str, existing: Path) -> None:
        """Publish an existing file (from the previous output or the cache)
        without copying it: a hard link keeps its bytes and modification time."""
        target = self._target(path)
        try:
            os.link(existing, target)
        except OSError:  # a file system without hard links
            shutil.copy2(existing, target)

    def commit(self, cleanup: list[threading.Thread] | None = None, trash: Path | None = None) -> None:
        """Swap the new folder in. The previous output is moved into `trash`
        when given and on the same file system (whoever empties it later:
        see `empty_trash`), else deleted afterwards, in a thread added to
        `cleanup` when given (the caller joins it), else here."""
        if not (self.folder / MARKER).exists():
            (self.folder / MARKER).write_text("built by lexom-site; this folder is replaced on every build\n")
        os.chmod(self.folder, 0o755)  # mkdtemp makes it private; a published site must be readable
        backup: Path | None = None
        try:
            if self.out_dir.exists():
                backup = Path(tempfile.mkdtemp(prefix=f".{self.out_dir.name}{BACKUP}", dir=self.out_dir.parent))
                os.rename(self.out_dir, backup / "site")
            try:
                os.rename(self.folder, self.out_dir)
            except BaseException:
                if backup is not None:
                    os.rename(backup / "site", self.out_dir)
                raise
            self.committed = True
        finally:
            if backup is not None and not (self.committed and _move_to_trash(backup, trash)):
                if cleanup is None:
                    _remove_tree(backup)
                else:
                    thread = threading.Thread(target=_remove_tree, args=(backup,))
                    thread.start()
                    cleanup.append(thread)


def _move_to_trash(folder: Path, trash: Path | None) -> bool:
    if trash is None:
        return False
    try:
        trash.mkdir(parents=True, exist_ok=True)
        os.rename(folder, trash / folder.name)
        return True
    except OSError:  # another file system: deleted now
        return False


def empty_trash(trash: Path) -> threading.Thread:
    """Delete what `commit` moved into `trash`, in a thread (started; the caller joins it)."""
    thread = threading.Thread(target=lambda: [_remove_tree(item, gently=True) for item in _trash_items(trash)],
                              name="empty-trash")
    thread.start()
    return thread


def _trash_items(trash: Path) -> list[Path]:
    """What `commit` moved into `trash` (nothing else there is deleted)."""
    try:
        return sorted(p for p in trash.iterdir() if BACKUP_NAME.fullmatch(p.name))
    except OSError:
        return []


def _remove_tree(folder: Path, *, gently: bool = False) -> None:
    """Delete a folder and everything in it (`rm -rf` where there is one: several times faster);
    `gently`: at the lowest priority, for a deletion nobody waits for."""
    if os.name == "posix" and shutil.which("rm"):
        spawn.run([*(["nice", "-n", "19"] if gently and shutil.which("nice") else []), "rm", "-rf", "--",
                   str(folder)])
    shutil.rmtree(folder, ignore_errors=True)  # whatever is left, or where there is no rm
