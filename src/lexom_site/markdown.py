"""The one Markdown dialect of the project: CommonMark, raw HTML off."""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode


@lru_cache(maxsize=1)
def markdown() -> MarkdownIt:
    # html=False: raw HTML in a source file is shown as text, never passed through.
    return MarkdownIt("commonmark", {"html": False, "typographer": False})


def block_tree(text: str) -> SyntaxTreeNode:
    return SyntaxTreeNode(markdown().parse(text))


def inline_text(node: SyntaxTreeNode) -> str:
    """The Markdown source of a paragraph or heading (its inline child)."""
    return "".join(child.content for child in node.children if child.type == "inline").strip()


def render_inline(text: str) -> str:
    return markdown().renderInline(text)


def render_block(text: str) -> str:
    return markdown().render(text)


def _words(children) -> str:
    parts: list[str] = []
    for child in children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def plain_inline(text: str) -> str:
    """Inline Markdown reduced to the words a reader sees (no markup)."""
    return "".join(_words(token.children) for token in markdown().parseInline(text))


def plain_block(text: str) -> str:
    """Block Markdown reduced to the words a reader sees, one block per line."""
    return "\n".join(_words(token.children) for token in markdown().parse(text) if token.type == "inline")
