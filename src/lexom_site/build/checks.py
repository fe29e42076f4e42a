"""The checks of the new site before anything is published: every internal
link leads somewhere (links.py finds them; here each broken link is blamed
on the file to fix), and each output kind's own checks (the CGV page)."""

from __future__ import annotations

import contextlib
from pathlib import Path

from ..diagnostics import Diagnostic, display_path
from ..render.html import Page
from .context import Run
from .links import (BrokenLink, PageLinks, find_broken_links, is_checked, link_diagnostics, locate_in_source,
                    locate_in_templates, page_links)
from .outputs import files_under


def check_outputs(run: Run) -> list[Diagnostic]:
    """Every problem of the new site found before the PDFs are made (what the
    link check found in each file goes into `run.links`, for the cache)."""
    problems, run.links = check_links(run)
    for kind in dict.fromkeys(item.kind for item in run.planned):
        problems += kind.check(run)
    return problems


def check_links(run: Run) -> tuple[list[Diagnostic], dict]:
    """Every internal link of the pages and stylesheets of the new site leads
    to a file of the site (the PDFs and search index included, though not
    made yet; `build --no-pdf` makes no PDF, and its pages link none: a link
    to one is broken) and heading. A file with the bytes it had at the last build
    (its entry in the cache's record) is not read again. Returns the
    problems and the entries to keep for the next build."""
    config, folder = run.project.config, run.staging.folder
    known = run.cache.read_links()
    sources = {item.path: item.subject for item in run.planned
               if isinstance(item.subject, (Page, Path)) and is_checked(item.path)}
    pages: dict[str, PageLinks] = {}
    entries: dict[str, dict] = {}
    for path in sources:
        digest = run.published[path]
        found = None
        entry = known.get(path)
        if entry and entry.get("sha256") == digest:
            with contextlib.suppress(KeyError, TypeError, ValueError):
                found = PageLinks.from_json(entry)
        if found is None:
            found = page_links(path, (folder / path).read_text(encoding="utf-8", errors="replace"), config.base_url)
        pages[path] = found
        entries[path] = {"sha256": digest, **found.to_json()}

    def blame(item: BrokenLink) -> tuple[str, int, int]:
        subject = sources[item.page]
        if isinstance(subject, Path):  # a stylesheet of assets/
            return display_path(subject, config.root), 0, 0
        course = subject.context.get("course")
        if course is not None and (found := locate_in_source(config.root / course.path, item.link)):
            return course.path, *found
        own = config.templates_dir / subject.template
        written = item.link.removeprefix(config.base_url)  # a public address is written as absolute_url('path')
        found = locate_in_templates([own, *(t for t in files_under(config.templates_dir) if t != own)], written)
        if found:
            return display_path(found[0], config.root), found[1], found[2]
        return display_path(own, config.root), 0, 0

    broken = find_broken_links(pages, run.site)
    return link_diagnostics(broken, blame, run.out_dir.name), entries
