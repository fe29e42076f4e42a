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
import re
from dataclasses import dataclass
from pathlib import Path

from .i18n import N_, _


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def shown(self) -> str:
        """The word printed before the message, in the language in use (« erreur », « avertissement »)."""
        return _(_SEVERITY_WORDS[self.value])


_SEVERITY_WORDS = {"error": N_("error"), "warning": N_("warning")}


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
        """`path:line:col: error: message` (and its hint on the next line), printable: whatever a file holds, a
        terminal shows it as text, never as a command to the terminal or to CI."""
        text = _("{location}: {severity}: {message}").format(
            location=printable(self.location()), severity=self.severity.shown, message=printable(self.message))
        if self.hint:
            text += "\n  " + _("hint: {hint}").format(hint=printable(self.hint))
        return safe_line(text)

    def github_annotation(self) -> str:
        """The same diagnostic as a GitHub Actions workflow command."""
        props = [f"file={_escape_property(self.path)}"]
        if self.line > 0:
            props.append(f"line={self.line}")
            if self.end_line:
                props.append(f"endLine={self.end_line}")
        if self.col > 0:
            props.append(f"col={self.col}")
        message = printable(self.message) + ("\n" + _("hint: {hint}").format(hint=printable(self.hint))
                                             if self.hint else "")
        kind = "error" if self.is_error else "warning"
        return f"::{kind} {','.join(props)}::{_escape_data(message)}"


# Characters a file may hold that must not reach a terminal or a CI log as they are: control characters (escape
# sequences, bell, line breaks inside a value), Unicode line separators, bidirectional overrides and invisible
# characters (they make a text read otherwise than it is)
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
EXCERPT = 80  # characters of a text quoted in a message, at most
CLAUSE_EXCERPT = 240  # of a CGV passage quoted by legal-diff (the words that differ, with a few around them)


def printable(text: str) -> str:
    """`text` with every unprintable character shown as an escape (`\x1b`, `\u202e`)."""
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)


def quote(text: object, limit: int = EXCERPT) -> str:
    """« text » for a message: printable, and at most `limit` characters of it."""
    text = printable(str(text))
    return f"« {text if len(text) <= limit else text[: limit - 1].rstrip() + '…'} »"


def safe_line(text: str) -> str:
    """A line printed under GitHub Actions runs as a workflow command when it starts with `::`: such a line (a
    file name can make one) is printed with a space before it there."""
    if os.environ.get("GITHUB_ACTIONS") == "true":
        return "\n".join(" " + line if line.startswith("::") else line for line in text.split("\n"))
    return text


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(printable(text)).replace(":", "%3A").replace(",", "%2C")


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
