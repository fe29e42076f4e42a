"""Reading and writing files safely: hashes, reads that may fail, atomic writes."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_bytes(path: Path | str) -> bytes | None:
    """The file's bytes; None when it cannot be read."""
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError:
        return None


def file_digest(path: Path | str) -> str:
    """The SHA-256 of a file; "" when it cannot be read."""
    data = read_bytes(path)
    return sha256(data) if data is not None else ""


def file_intact(path: Path, expected_sha256: str) -> bool:
    data = read_bytes(path)
    return data is not None and sha256(data) == expected_sha256


def write_atomic(path: Path, data: bytes, *, replace: bool = True) -> None:
    """Write `data` to `path` in one step: readers see the old file or the new
    one, never a part, and a failure (or Ctrl-C) leaves no temporary file.
    With `replace=False`, an existing file is never overwritten
    (FileExistsError), even one that appeared meanwhile."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, 0o644)
        if replace:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)  # fails if the file exists
    finally:
        Path(temporary).unlink(missing_ok=True)
