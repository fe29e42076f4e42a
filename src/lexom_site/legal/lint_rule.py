"""The shape of a legal-lint rule, and the text every file rule is handed.

A file rule is a class built once per `Linter` from `(config, cgv)`:

- `kinds`: the kinds of `LintFile` it applies to ("cgv", "course",
  "template", "content");
- `needs_cgv`: True when it cannot work without the CGV; it is then not
  built when there is none;
- `group`: findings are reported group by group, lowest first, and in each
  group by their offset in the file, ties in the order of the registry;
- `check(text: LintText) -> list[Finding]`.

A CGV rule is a function `(cgv: Cgv) -> list[Diagnostic]`.

Rules are registered in `lint.py` (`FILE_RULES`, `CGV_RULES`). A `Linter`
is pickled into worker processes: a rule holds plain data and compiled
regular expressions, no lambda.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from .textnorm import Folded, LineIndex, fold_mapped

if TYPE_CHECKING:
    from ..inputs.config import SiteConfig
    from .cgv import Cgv

KINDS = frozenset({"cgv", "course", "template", "content"})

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
URL_RE = re.compile(r"https?://[^\s<>\"'()\[\]{}]+[^\s<>\"'()\[\]{}.,;:!?]")
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


@dataclass(frozen=True)
class LintFile:
    path: str  # as shown in diagnostics
    text: str  # NFC, LF
    kind: str  # "cgv", "course", "template" or "content"


@dataclass(frozen=True)
class Finding:
    """One problem a rule found; the `Linter` turns it into a `Diagnostic`."""

    start: int  # offset in the folded text (`LintText.folded`), or in the file's own text when `in_source`
    message: str
    hint: str | None = None
    end: int | None = None  # for a passage, the offset where it ends: the diagnostic gets its end_line
    in_source: bool = False


class LintText:
    """One file as the rules see it, each part computed at most once per file:
    the text folded (`fold`), the folded text with its Jinja placeholders
    blanked out (`masked`, same offsets), the e-mail addresses and URLs
    found in it and their spans (`addresses`), its line index (`lines`)."""

    def __init__(self, file: LintFile):
        self.file = file

    @cached_property
    def _folded(self) -> Folded:
        return fold_mapped(self.file.text)

    @cached_property
    def folded(self) -> str:
        return self._folded.text

    @cached_property
    def masked(self) -> str:
        text = self.folded
        return _PLACEHOLDER.sub(_blank, text) if "{" in text else text

    @cached_property
    def emails(self) -> list[re.Match]:
        return list(EMAIL_RE.finditer(self.masked)) if "@" in self.masked else []

    @cached_property
    def urls(self) -> list[re.Match]:
        return list(URL_RE.finditer(self.masked)) if "://" in self.masked else []

    @cached_property
    def addresses(self) -> list[tuple[int, int]]:
        """The spans of the e-mail addresses and URLs: other rules leave them alone."""
        return [match.span() for match in self.emails] + [match.span() for match in self.urls]

    @cached_property
    def lines(self) -> LineIndex:
        """Positions in the folded text -> line and column in the file (invisible characters counted)."""
        return LineIndex(self.file.text, folded=self._folded)

    @cached_property
    def source_lines(self) -> LineIndex:
        """Positions in the file's own text -> line and column."""
        return LineIndex(self.file.text)

    def in_address(self, offset: int) -> bool:
        return any(a <= offset < b for a, b in self.addresses)


def _blank(match: re.Match) -> str:
    return " " * len(match.group())


class FileRule:
    """The base of a file rule (see the module docstring)."""

    kinds: frozenset[str] = KINDS
    needs_cgv: bool = False
    group: int = 1

    def __init__(self, config: SiteConfig, cgv: Cgv | None):
        pass

    def check(self, text: LintText) -> list[Finding]:
        raise NotImplementedError
