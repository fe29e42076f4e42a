"""The one Markdown dialect of the project: CommonMark, raw HTML off."""

from __future__ import annotations

import re
from dataclasses import dataclass
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


# Links and images as written in a source line: [text](target), ![alt](target), <scheme:target>.
_LINK = re.compile(r"(?P<image>!?)\[(?:[^\[\]\\]|\\.|\[[^\[\]]*\])*\]\(\s*(?:<(?P<angled>[^>\n]*)>|(?P<target>(?:[^\s()]|\([^\s()]*\))*))")
_AUTOLINK = re.compile(r"<(?P<target>[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*)>")
SAFE_SCHEMES = ("http", "https", "mailto", "tel")


@dataclass(frozen=True)
class LinkProblem:
    col: int  # 1-based
    message: str
    hint: str


def link_problems(line: str) -> list[LinkProblem]:
    """Links and images of one source line that the outputs would not carry faithfully.

    CommonMark silently turns a link it finds unsafe (javascript:, data:...)
    into plain text; here every such link is reported instead."""
    problems = []
    for match in _LINK.finditer(line):
        target = match["angled"] if match["angled"] is not None else match["target"]
        col = match.start() + 1
        scheme = target.split(":", 1)[0].lower() if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", target) else ""
        if match["image"]:
            problems.append(LinkProblem(col, f"image '{target}' is not allowed in a course file",
                                        "course sheets hold text only; pictures belong to the templates and assets/"))
        elif scheme and scheme not in SAFE_SCHEMES:
            problems.append(LinkProblem(col, f"link to '{target}' is not allowed: it would be dropped",
                                        "links may point to https://, http://, mailto: or tel: addresses"))
        elif not scheme and target and not target.startswith("#"):
            where = "a path outside the project" if target.startswith(("/", "..", "~")) else "a local file"
            problems.append(LinkProblem(col, f"link to '{target}' is not allowed: it points to {where}, "
                                        "not to a web address", "link to a web address (https://...) instead"))
        elif not target:
            problems.append(LinkProblem(col, "link without a target", "write the address between the brackets: "
                                        "[text](https://...)"))
    for match in _AUTOLINK.finditer(line):
        scheme = match["target"].split(":", 1)[0].lower()
        if scheme not in SAFE_SCHEMES:
            problems.append(LinkProblem(match.start() + 1, f"link to '{match['target']}' is not allowed: it would be "
                                        "dropped", "links may point to https://, http://, mailto: or tel: addresses"))
    return problems

