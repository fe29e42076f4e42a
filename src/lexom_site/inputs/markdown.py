"""The one Markdown dialect of the project: CommonMark, raw HTML off."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.tree import SyntaxTreeNode

from ..i18n import _


@lru_cache(maxsize=1)
def markdown() -> MarkdownIt:
    # html=False: raw HTML in a source file is shown as text, never passed through.
    return MarkdownIt("commonmark", {"html": False, "typographer": False})


@lru_cache(maxsize=1)
def _structure() -> MarkdownIt:
    # The block structure only: inline tokens keep their source text (`content`)
    # without being parsed into children, which halves the parse time.
    return MarkdownIt("commonmark", {"html": False, "typographer": False}).disable(["inline", "text_join"])


def block_tree(text: str) -> SyntaxTreeNode | Block:
    """The block structure of `text`; inline nodes hold their Markdown source.

    Texts in the plain form the project recommends (ATX headings, '- '
    bullets, paragraphs) are read by a line scanner 10x faster than
    markdown-it; any other text, or any doubt, goes to markdown-it."""
    return simple_block_tree(text) or SyntaxTreeNode(_structure().parse(text))


@dataclass
class Block:
    """The part of markdown-it's SyntaxTreeNode interface the content reader uses."""

    type: str
    map: list[int]
    children: list["Block"]
    content: str = ""
    info: str = ""
    tag: str = ""


_ATX = re.compile(r"(#{1,6})[ ]+(\S(?:.*\S)?)[ ]*")
_SIMPLE_BULLET = re.compile(r"- (\S.*)")
# what could open a block other than a paragraph, or change a paragraph, at the start of a line or a bullet
_NOT_PLAIN_START = re.compile(r"[#>*+=_~`<|\[\-]|\d{1,9}[.)]|[ \t]")


def simple_block_tree(text: str) -> Block | None:
    """The block tree of a text in the plain subset of CommonMark, or None.

    The subset: ATX headings, bullet lists written '- text' at the margin, one
    line per item, and paragraphs whose lines start with an ordinary
    character. In it, every line's role is decided by its first characters,
    and the tree is the one markdown-it builds (tests compare both)."""
    if "\t" in text or "\r" in text:
        return None
    root = Block("root", [0, 0], [])
    paragraph: Block | None = None
    bullets: Block | None = None
    blank_after_bullet = False
    for number, line in enumerate(text.split("\n")):
        if not line.strip(" "):
            paragraph = None
            blank_after_bullet = bullets is not None
            continue
        if line != line.strip() or line.endswith("\\"):
            return None  # other spaces (CommonMark does not count NBSP as space), or hard line breaks
        if line.startswith("#"):
            heading = _ATX.fullmatch(line)
            if heading is None or heading[2].endswith("#"):
                return None
            paragraph = bullets = None
            root.children.append(Block("heading", [number, number + 1],
                                       [Block("inline", [number, number + 1], [], heading[2])],
                                       tag=f"h{len(heading[1])}"))
            continue
        bullet = _SIMPLE_BULLET.fullmatch(line)
        if bullet:
            item_text = bullet[1]
            if _NOT_PLAIN_START.match(item_text):
                return None
            if bullets is None:
                bullets = Block("bullet_list", [number, number + 1], [])
                root.children.append(bullets)
            inline = Block("inline", [number, number + 1], [], item_text)
            bullets.children.append(Block("list_item", [number, number + 1],
                                          [Block("paragraph", [number, number + 1], [inline])]))
            bullets.map[1] = number + 1
            paragraph, blank_after_bullet = None, False
            continue
        if _NOT_PLAIN_START.match(line):
            return None
        if bullets is not None and not blank_after_bullet:
            return None  # a lazy continuation line of a bullet
        bullets = None
        if paragraph is None:
            paragraph = Block("paragraph", [number, number + 1], [Block("inline", [number, number + 1], [], line)])
            root.children.append(paragraph)
        else:
            inline = paragraph.children[0]
            inline.content += "\n" + line
            paragraph.map[1] = inline.map[1] = number + 1
    return root


_LEAVES = frozenset(("paragraph", "heading", "fence", "code_block", "hr", "html_block", "table"))


def unshown_lines(text: str, tree: SyntaxTreeNode | Block) -> list[tuple[int, int, str]]:
    """(line 0-based, column 1-based, text) of the lines of `text` that are not blank and that no block of its
    `tree` shows: CommonMark takes a link definition (`[p]: #prerequis`) out of the text, wherever it stands, to
    be used by `[voir][p]` in the same document."""
    shown: set[int] = set()
    stack = list(tree.children)
    while stack:
        node = stack.pop()
        if node.map and (node.type in _LEAVES or (node.type == "list_item" and not node.children)):
            shown.update(range(node.map[0], node.map[1]))
        elif node.type != "inline":
            stack.extend(node.children)
    return [(number, len(line) - len(line.lstrip()) + 1, line.strip()) for number, line in enumerate(text.split("\n"))
            if line.strip() and number not in shown]


def inline_text(node: SyntaxTreeNode) -> str:
    """The Markdown source of a paragraph or heading (its inline child)."""
    return "".join(child.content for child in node.children if child.type == "inline").strip()


_INLINE_MARKUP = re.compile(r"[\\`*_\[\]<>&!~|\n\r\x00]")


def render_inline(text: str) -> str:
    """Inline Markdown as HTML. Most texts hold no markup at all: for them the
    result is the escaped text, as markdown-it would give it, 30x faster."""
    if not _INLINE_MARKUP.search(text) and text == text.strip():
        return escapeHtml(text)
    return markdown().renderInline(text)


# Characters that may start markup inside a line, and line starts that would
# make a block (heading, quote, list, thematic break).
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>&!~|])")
_BLOCK_START = re.compile(r"^(#{1,6}(?:\s|$)|>|[-+*=](?:\s|$)|\d{1,9}[.)](?:\s|$))")


def escape_markdown(text: str) -> str:
    """`text` as inline Markdown that renders as exactly `text` (the inverse of `plain_inline`)."""
    escaped = text if plain_inline(text) == text else _INLINE_SPECIAL.sub(r"\\\1", text)
    block = _BLOCK_START.match(escaped)
    if block:
        mark = block.group(1)
        cut = len(mark.rstrip()) - 1  # escape the last character of the marker: '1\.', '\#', '\-'
        escaped = escaped[:cut] + "\\" + escaped[cut:]
    return escaped


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


def link_problems(line: str, where: str = "") -> list[LinkProblem]:
    """Links and images of one source line that the outputs would not carry faithfully (`where`: the kind of
    file, for the messages).

    CommonMark silently turns a link it finds unsafe (javascript:, data:...)
    into plain text; here every such link is reported instead."""
    if "](" not in line and "<" not in line:
        return []
    return _link_problems(line, where or _("a course file"))


def link_targets(line: str) -> list[tuple[str, int]]:
    """The targets of the links and autolinks of one source line, as written, and their 1-based columns."""
    found = []
    for match in _LINK.finditer(line):
        group = "angled" if match["angled"] is not None else "target"
        found.append((match[group], match.start(group) + 1))
    found += [(match["target"], match.start("target") + 1) for match in _AUTOLINK.finditer(line)]
    return found


def _link_problems(line: str, where: str) -> list[LinkProblem]:
    problems: list[LinkProblem] = []
    for match in _LINK.finditer(line):
        target = match["angled"] if match["angled"] is not None else match["target"]
        col = match.start() + 1
        scheme = target.split(":", 1)[0].lower() if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", target) else ""
        if match["image"]:
            problems.append(LinkProblem(col, _("image '{target}' is not allowed in {where}").format(target=target,
                                                                                                     where=where),
                                        _("it holds text only; pictures belong to the templates and assets/")))
        elif scheme and scheme not in SAFE_SCHEMES:
            problems.append(LinkProblem(col, _("link to '{target}' is not allowed: it would be dropped").format(
                target=target), _("links may point to https://, http://, mailto: or tel: addresses")))
        elif not scheme and target and not target.startswith("#"):
            if target.startswith(("/", "..", "~")):
                message = _("link to '{target}' is not allowed: it points to a path outside the project, not to a "
                            "web address")
            else:
                message = _("link to '{target}' is not allowed: it points to a local file, not to a web address")
            problems.append(LinkProblem(col, message.format(target=target),
                                        _("link to a web address (https://...) instead")))
        elif not target:
            problems.append(LinkProblem(col, _("link without a target"), _("write the address between the brackets: "
                                                                          "[text](https://...)")))
    for match in _AUTOLINK.finditer(line):
        scheme = match["target"].split(":", 1)[0].lower()
        if scheme not in SAFE_SCHEMES:
            problems.append(LinkProblem(match.start() + 1, _("link to '{target}' is not allowed: it would be "
                                        "dropped").format(target=match['target']),
                                        _("links may point to https://, http://, mailto: or tel: addresses")))
    return problems

