"""Which template uses which: `{% extends %}`, `{% include %}`, `{% import %}`
and `{% from %}` read from the templates' text (for the build's keys and the
lint of what a course page or sheet may print)."""

from __future__ import annotations

import re
from pathlib import Path

_REFERENCE = re.compile(r"""\{%-?\s*(extends|include|import|from)\s+(?:(["'])(?P<name>[^"']+)\2)?""")


def template_references(source: str) -> set[str] | None:
    """The templates a template names; None when it names one by an expression (it may use any)."""
    names = [match["name"] for match in _REFERENCE.finditer(source)]
    return None if any(name is None for name in names) else set(names)


def templates_used_by(templates_dir: Path, roots: tuple[str, ...]) -> set[str]:
    """`roots` and every template they use, transitively (names relative to `templates_dir`)."""
    every = {p.relative_to(templates_dir).as_posix() for p in templates_dir.rglob("*") if p.is_file()}
    seen, stack = set(), [name for name in roots if name in every]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            found = template_references((templates_dir / name).read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
        stack += sorted(every if found is None else found & every)
    return seen
