"""Diagnostics: every problem found in the sources, with its position.

Every stage reports problems as `Diagnostic` values instead of raising or
printing; the CLI decides how to show them. The text form is the one
compilers use, so editors and CI can jump to the line:

    content/courses/RCL-RCL-14.md:12:3: error: module 3 comes after module 1
      hint: number the modules 1, 2, 3... in the order they appear
"""

from __future__ import annotations

import enum
import functools
import os
from dataclasses import dataclass
from pathlib import Path


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int  # 1-based; 0 when the problem concerns the whole file
    col: int  # 1-based; 0 when unknown
    message: str
    severity: Severity = Severity.ERROR
    hint: str | None = None
    end_line: int | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def location(self) -> str:
        if self.line <= 0:
            return self.path
        if self.col <= 0:
            return f"{self.path}:{self.line}"
        return f"{self.path}:{self.line}:{self.col}"

    def format(self) -> str:
        text = f"{self.location()}: {self.severity.value}: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def github_annotation(self) -> str:
        """The same diagnostic as a GitHub Actions workflow command."""
        props = [f"file={_escape_property(self.path)}"]
        if self.line > 0:
            props.append(f"line={self.line}")
            if self.end_line:
                props.append(f"endLine={self.end_line}")
        if self.col > 0:
            props.append(f"col={self.col}")
        message = self.message + (f"\nhint: {self.hint}" if self.hint else "")
        kind = "error" if self.is_error else "warning"
        return f"::{kind} {','.join(props)}::{_escape_data(message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


class BuildError(Exception):
    """Raised by a stage that cannot go on; carries every diagnostic found."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = sorted(diagnostics, key=_sort_key)
        super().__init__("\n".join(d.format() for d in self.diagnostics))

    def __reduce__(self):  # travels back from worker processes
        return (BuildError, (self.diagnostics,))


class Refused(Exception):
    """A command will not do what it was asked (a taken name, a folder it will
    not replace...): one plain sentence for the user, nothing written."""


def _sort_key(d: Diagnostic) -> tuple:
    return (d.path, d.line, d.col, d.message)


@functools.lru_cache(maxsize=256)
def _resolved(folder: str) -> str:
    return os.path.realpath(folder)


def display_path(path: Path | str, root: Path | str) -> str:
    """The path as an editor should see it: relative to the working directory
    when it lies under it, else relative to the project root, else absolute."""
    # the folder is resolved, not the file: a symbolic link is shown where it is, not where it points
    folder, name = os.path.split(os.path.abspath(path))
    full = os.path.join(_resolved(folder), name)
    for base in (os.getcwd(), os.fspath(root)):
        base = _resolved(os.path.abspath(base))
        if full == base:
            return "."
        if full.startswith(base.rstrip(os.sep) + os.sep):
            return full[len(base.rstrip(os.sep)) + 1 :].replace(os.sep, "/")
    return full.replace(os.sep, "/")
