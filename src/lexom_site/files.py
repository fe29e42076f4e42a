"""Reading and writing files safely: hashes, reads that may fail, atomic writes, text of unknown encoding."""

from __future__ import annotations

import codecs
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
    """The SHA-256 of a file, read a block at a time (a 27 MB catalogue is never all in memory); "" when it
    cannot be read."""
    try:
        with open(path, "rb") as file:
            return hashlib.file_digest(file, "sha256").hexdigest()
    except OSError:
        return ""


def file_intact(path: Path, expected_sha256: str) -> bool:
    return file_digest(path) == expected_sha256 != ""


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


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))  # (UTF-32 LE starts as UTF-16 LE)


def decode_lenient(data: bytes) -> str:
    """Text from a document of unknown origin (a legacy sheet, a saved page, a copy saved by Notepad):
    UTF-8, UTF-16 or UTF-32 as its byte order mark says, UTF-16 without one when every other byte is a zero
    (French text), else UTF-8, else Windows-1252; line endings made LF."""
    marked = next(((bom, name) for bom, name in _BOMS if data.startswith(bom)), None)
    if marked is not None:
        text = data[len(marked[0]):].decode(marked[1], errors="replace")
    elif len(data) >= 4 and data[1::2].count(0) > len(data) * 0.4:
        text = data.decode("utf-16-le", errors="replace")
    elif len(data) >= 4 and data[0::2].count(0) > len(data) * 0.4:
        text = data.decode("utf-16-be", errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")
