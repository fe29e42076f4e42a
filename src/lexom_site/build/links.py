"""Output check: every internal link of the built site leads somewhere.

Run over the staging folder before anything is published: each `href` and
`src` of every HTML page, each `url()` / `@import` of every stylesheet, each
`<loc>` of the sitemap and each of the site's own public addresses in a
`<meta content>` (Open Graph...) must name a file of the new site, and a
`#fragment` must name an element `id` of the page it points to. Links to
other sites (https:, mailto:...) are not followed. A broken link is reported
on the file it comes from: the course file when its text holds the link,
else the template line that writes it.

What a file links to is found from that file alone (`PageLinks`), so the
build keeps it by the file's hash and does not read an unchanged file again.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..i18n import N_, _
from ..diagnostics import Diagnostic
from ..inputs.markdown import link_targets

_HTML_ATTRIBUTE = re.compile(r"""\s(href|src|id|content)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_SITEMAP_LOC = re.compile(r"<loc>\s*([^<\s]+)\s*</loc>")
_CSS_LINK = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]+))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""")
_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class BrokenLink:
    page: str  # the output file holding the link
    link: str  # as written in it
    problem: str  # what is wrong, the same wherever the same target is linked


def _values(match: re.Match[str]) -> str:
    return next(group for group in match.groups() if group is not None)


def links_and_ids(path: str, text: str, base_url: str = "") -> tuple[list[str], set[str]]:
    """The links of one output file (HTML, CSS or sitemap), as written, and its
    element ids. With `base_url`, the site's own public addresses count as
    links too: those of the sitemap and of `<meta content>` (Open Graph...)."""
    if path.endswith(".css"):
        return [_values(m) for m in _CSS_LINK.finditer(text)], set()
    if path.endswith(".xml"):
        return [html.unescape(m[1]) for m in _SITEMAP_LOC.finditer(text)], set()
    if "<script" in text or "<style" in text:  # the text of a script or style element holds no link
        text = _SCRIPT_OR_STYLE.sub(lambda m: m.group(0)[: m.group(0).find(">") + 1], text)
    links: list[str] = []
    ids: set[str] = set()
    for match in _HTML_ATTRIBUTE.finditer(text):
        value = match[2] if match[2] is not None else match[3]
        if "&" in value:
            value = html.unescape(value)
        name = match[1].lower()
        if name == "id":
            ids.add(value)
        elif name != "content" or (base_url and value.startswith(base_url)):
            links.append(value)
    return links, ids


@dataclass(frozen=True)
class PageLinks:
    """What the link check needs of one file, found from that file alone (and
    so reusable while its bytes do not change)."""

    links: tuple[tuple[str, str, str], ...]  # each internal link: as written, the file it names, its #fragment
    problems: tuple[tuple[str, str], ...]  # links wrong whatever the site holds: as written, what is wrong
    ids: frozenset[str]  # the element ids of an HTML page

    def to_json(self) -> dict:
        return {"links": [list(link) for link in self.links], "problems": [list(p) for p in self.problems],
                "ids": sorted(self.ids)}

    @classmethod
    def from_json(cls, value: dict) -> PageLinks:
        return cls(tuple((str(a), str(b), str(c)) for a, b, c in value["links"]),
                   tuple((str(a), str(b)) for a, b in value["problems"]), frozenset(map(str, value["ids"])))


def is_checked(path: str) -> bool:
    """Files whose links are checked: HTML pages, stylesheets, the sitemap."""
    return path.endswith((".html", ".css")) or path == "sitemap.xml"


def page_links(path: str, text: str, base_url: str = "") -> PageLinks:
    """The links of one file of the site (`path`, relative to its root), resolved."""
    raw, ids = links_and_ids(path, text, base_url)
    links, problems = [], []
    for link in raw:
        resolved = _resolve(path, "/" + link[len(base_url):] if base_url and link.startswith(base_url) else link)
        if isinstance(resolved, str):
            problems.append((link, resolved))
        elif resolved is not None:
            links.append((link, *resolved))
    return PageLinks(tuple(links), tuple(problems), frozenset(ids))


def find_broken_links(pages: Mapping[str, PageLinks], site: Iterable[str]) -> list[BrokenLink]:
    """The broken internal links of `pages` (file -> its links); `site`: every
    file of the site, written or not yet (paths relative to its root; the
    PDFs of `build --no-pdf` are not: its pages must not link them)."""
    present = set(site)
    broken: list[BrokenLink] = []
    for page in sorted(pages):
        found = pages[page]
        broken += [BrokenLink(page, link, _shown(problem)) for link, problem in found.problems]
        for link, target, fragment in found.links:
            if target not in present:
                broken.append(BrokenLink(page, link, _("{file} does not exist in the site").format(file=target)))
            elif fragment and target in pages and fragment not in pages[target].ids:
                problem = (_("the page has no element with id '{id}'") if target == page else
                           _("{file} has no element with id '{id}'"))
                broken.append(BrokenLink(page, link, problem.format(file=target, id=fragment)))
    return broken


# What is wrong with a link that cannot lead anywhere, kept in English in the cache of the pages' links
# (cache.py) and said in the language in use when it is reported (`_shown`).
_EMPTY = N_("empty link")
_OUTSIDE = N_("'{path}' points outside the site")
_OUTSIDE_RE = re.compile("'(?P<path>.*)' points outside the site", re.S)


def _shown(problem: str) -> str:
    if problem == _EMPTY:
        return _(_EMPTY)
    match = _OUTSIDE_RE.fullmatch(problem)
    return _(_OUTSIDE).format(path=match["path"]) if match else problem


def _resolve(page: str, link: str) -> tuple[str, str] | str | None:
    """The file and fragment a link of `page` names; None for a link to
    another site; a string saying what is wrong with a link that cannot lead
    anywhere in the site."""
    if not link.strip():
        return _EMPTY
    if _SCHEME.match(link) or link.startswith("//"):
        return None  # another site, an e-mail address, a telephone number: not followed
    parts = urlsplit(link)
    path = unquote(parts.path)
    if not path:
        target = page
    else:
        joined = path.lstrip("/") if path.startswith("/") else posixpath.join(posixpath.dirname(page), path)
        target = posixpath.normpath(joined)
        if target.startswith("../") or target == "..":
            return _OUTSIDE.format(path=path)
        if path.endswith("/") or target == ".":
            target = posixpath.join(target, "index.html") if target != "." else "index.html"
    return target, unquote(parts.fragment)


def link_diagnostics(broken: list[BrokenLink], blame: Callable[[BrokenLink], tuple[str, int, int]],
                     out_name: str) -> list[Diagnostic]:
    """One diagnostic per file to fix and problem, however many pages repeat it."""
    grouped: dict[tuple[str, int, int, str], list[BrokenLink]] = {}
    for item in broken:
        grouped.setdefault((*blame(item), item.problem), []).append(item)
    diagnostics = []
    for (path, line, col, problem), items in grouped.items():
        first = items[0]
        pages = len({item.page for item in items})
        message = (_("broken link '{link}' in {page} and {others} other page(s): {problem}") if pages > 1 else
                   _("broken link '{link}' in {page}: {problem}"))
        diagnostics.append(Diagnostic(path, line, col, message.format(link=unquote(first.link), page=f"{out_name}/{first.page}",
                                                                      others=pages - 1, problem=problem),
                                      hint=_("point the link to a page, file or heading the site has")))
    return diagnostics


def _find(path: Path, needles: list[str], link: str) -> tuple[int, int] | None:
    """Line and column of `link` where one of `needles` (which hold it) first appears."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    for number, line in enumerate(text.splitlines(), 1):
        for needle in needles:
            found = line.find(needle)
            if found >= 0:
                return number, found + needle.find(link) + 1
    return None


def locate_in_source(source: Path, link: str) -> tuple[int, int] | None:
    """Line and column of the target of `[text](link)` or `<link>` in a Markdown source file, if it is there
    (however it is written there: spaces or a title in the brackets, <angled>, accents or escapes that the page
    writes percent-encoded)."""
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    wanted = unquote(html.unescape(link))
    for number, line in enumerate(text.splitlines(), 1):
        for target, column in link_targets(line):
            if unquote(html.unescape(re.sub(r"\\(.)", r"\1", target))) == wanted:
                return number, column
    return None


def locate_in_templates(templates: list[Path], link: str) -> tuple[Path, int, int] | None:
    """The first of `templates` (and line, column) whose text holds `link`
    without its "../" prefix (written there as `{{ root }}...` or `#...`)."""
    written = link.lstrip("./") or link
    for template in templates:
        found = _find(template, [f'"{written}', f'{written}"', written], written)
        if found:
            return template, *found
    return None
