"""What the PDFs cannot print: characters the shipped fonts do not have.

A course file, the CGV or the catalogue's introduction may hold a character
no font of assets/fonts/ can draw (an emoji, a check mark, Chinese): the
layout would print an empty box — the build refuses it then, blamed on a
template. This rule says it at the character's line and column, before
anything is built. The fonts' coverage is read from the font files (their
character maps, all styles together: a character must be in every style, as
any text may be bold or italic).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..i18n import _
from .lint_rule import FileRule, Finding, LintText

if TYPE_CHECKING:
    from ..inputs.config import SiteConfig
    from .cgv import Cgv

FONTS = "fonts"  # under assets/
ALWAYS = frozenset(map(ord, "\n\t"))  # (laid out, not drawn)


@lru_cache(maxsize=4)
def _coverage(files: tuple[tuple[str, int], ...]) -> frozenset[int]:
    """The characters every one of these font files (path, modification time) can draw."""
    from fontTools.ttLib import TTFont, TTLibError  # (only when there are fonts to read)

    covered: set[int] | None = None
    for path, __ in files:
        try:
            font = TTFont(path, lazy=True, fontNumber=0)
            chars = set(font.getBestCmap() or {})
        except (OSError, TTLibError, AssertionError):
            continue
        covered = chars if covered is None else covered & chars
    return frozenset(covered or ())


def font_coverage(assets: Path) -> frozenset[int] | None:
    """What the project's fonts (in `assets`/fonts) can draw; None when it ships none (the rule then says
    nothing)."""
    folder = assets / FONTS
    files = sorted(p for p in folder.glob("*") if p.suffix.lower() in (".ttf", ".otf")) if folder.is_dir() else []
    if not files:
        return None
    covered = _coverage(tuple((str(p), p.stat().st_mtime_ns) for p in files))
    return covered or None


class PrintableRule(FileRule):
    """Every character of the texts printed in the PDFs is one the fonts can draw."""

    kinds = frozenset({"course", "cgv", "content"})
    group = 0  # (before the legal rules: a text that cannot be printed is the first thing to fix)

    def __init__(self, config: SiteConfig, cgv: Cgv | None):
        self.covered = font_coverage(config.assets_dir)

    def check(self, text: LintText) -> list[Finding]:
        if self.covered is None or text.file.text.isascii():
            return []
        body = text.file.text
        missing = {char for char in set(body) if ord(char) >= 0x80 and ord(char) not in self.covered
                   and ord(char) not in ALWAYS}
        if not missing:  # (the characters of the text, each looked at once: most texts stop here)
            return []
        findings, lines_seen = [], set()
        for offset, char in enumerate(body):
            if char not in missing:
                continue
            code = ord(char)
            line = body.count("\n", 0, offset)
            if line in lines_seen:  # (one per line: a pasted paragraph of Chinese is one mistake)
                continue
            lines_seen.add(line)
            findings.append(Finding(offset, _("« {char} » ({code}) cannot be printed: the PDF fonts have no such "
                                              "character").format(char=char, code=f"U+{code:04X}"),
                                    _("replace it by a letter or a sign of the French keyboard, or say it in words"),
                                    in_source=True))
        return findings
