"""The live preview's quick step (issue 19 §4): `lexom-site serve`, a real
server in a new process, PDFs made. An edited course's page is served first,
its PDF and the printed catalogue follow; the status endpoint says what is
pending; a page never links a PDF that is missing or being made again; a
broken file shows its error (in French, as editors read it) and the server
keeps serving the last good site."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import build, course_text, write_tree
from test_workflow import free_port, get, wait_for

from lexom_site.build.cache import BuildCache
from lexom_site.build.pages import TemplatePage
from lexom_site.build.pipeline import OUTPUTS
from lexom_site.build.preview import Preview
from lexom_site.diagnostics import BuildError
from lexom_site.legal.pdftext import page_texts

PDF_HREF = re.compile(r"<a\b[^>]*\bhref=\"([^\"]+\.pdf)\"")


def status(base: str, after: int | None = None) -> dict:
    return json.loads(get(base + "/__lexom__/status" + (f"?after={after}" if after is not None else "")))


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


class Watcher:
    """Reads the given pages and the status again and again while the test edits files: every page read is
    kept with the time and the status read just before it, and every PDF a page links is fetched at once."""

    def __init__(self, base: str, pages: list[str]):
        self.base, self.pages = base, pages
        self.seen: list[tuple[float, str, dict, str]] = []  # time, page, status just before, page text
        self.broken_pdf_links: list[tuple[str, str, int]] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Watcher:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(timeout=30)

    def _run(self) -> None:
        while not self.stop.is_set():
            for page in self.pages:
                try:
                    now = status(self.base)
                    code, data = fetch(f"{self.base}/{page}")
                except OSError:
                    continue
                text = data.decode("utf-8", errors="replace")
                self.seen.append((time.monotonic(), page, now, text))
                if code != 200 or "n'a pas pu" in text:
                    continue
                for href in PDF_HREF.findall(text):
                    target = urllib.request.urljoin(f"{self.base}/{page}", href)
                    pdf_code, pdf = fetch(target)
                    if pdf_code != 200 or not pdf.startswith(b"%PDF"):
                        self.broken_pdf_links.append((page, href, pdf_code))
            time.sleep(0.02)


def pdf_text(data: bytes) -> str:
    return " ".join(page_texts(data))


def test_serve_shows_the_edited_page_first_then_its_pdf_and_never_a_missing_pdf(site: Path):
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}")
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "lexom_site", "serve", "--root", str(site), "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=dict(os.environ, LEXOM_LANG="fr"))
    base = f"http://127.0.0.1:{port}"
    page_1, page_2 = "formations/abc-def-1/index.html", "formations/abc-def-2/index.html"
    course = site / "content/courses/ABC-DEF-1.md"
    try:
        wait_for(lambda: get(base + "/" + page_1), timeout=120)
        first = status(base)
        assert first["ok"] is True and first["pending"] == {"pages": False, "pdf": False, "pdf_files": [],
                                                               "search": False}
        assert first["generation"] == first["version"] and not first["building"] and first["errors"] == []
        assert 'href="../../pdf/ABC-DEF-1.pdf"' in get(base + "/" + page_1)
        old_pdf = fetch(base + "/pdf/ABC-DEF-1.pdf")[1]
        assert "Tableau de bord" in pdf_text(old_pdf)

        with Watcher(base, [page_1, "index.html", page_2]) as watcher:
            # one course edited: its page first, the PDF sheet and the printed catalogue after
            course.write_text(course_text(body="## Jour 1 - Matin\n\n### 1. Cadrer le projet\n\n- Objectifs\n"
                                          "- Périmètre\n\n## Jour 1 - Après-midi\n\n### 2. Suivre le projet\n\n"
                                          "- Indicateurs de suivi\n"), encoding="utf-8")
            wait_for(lambda: "Indicateurs de suivi" in get(base + "/" + page_1))
            wait_for(lambda: (s := status(base)) and not s["building"] and not any(s["pending"].values())
                     and "Indicateurs de suivi" in pdf_text(fetch(base + "/pdf/ABC-DEF-1.pdf")[1]), timeout=120)
            # a new course: its page at once, its PDF (not there yet) after
            write_tree(site, f"-- content/courses/ABC-DEF-2.md --\n"
                       f"{course_text(ref='ABC-DEF-2', title='title: Animer une réunion')}")
            wait_for(lambda: "Animer une réunion" in get(base + "/" + page_2))
            wait_for(lambda: (s := status(base)) and not s["building"] and not any(s["pending"].values())
                     and fetch(base + "/pdf/ABC-DEF-2.pdf")[0] == 200, timeout=120)
            time.sleep(0.3)

        edited = [(t, now, text) for t, page, now, text in watcher.seen
                  if page == page_1 and "Indicateurs de suivi" in text]
        text = edited[0][2]  # the first time the edited page was served
        assert 'href="../../pdf/ABC-DEF-1.pdf"' not in text  # its PDF was being made again: no link to it...
        assert "fiche PDF en cours de mise à jour…" in text  # ...but a note saying so, in French
        assert 'data-lexom-pending="pdf/ABC-DEF-1.pdf"' in text
        # what the status said meanwhile: the page shown from memory, the PDFs and the search index pending
        assert any(now["pending"] == {"pages": False, "pdf": True, "search": True,
                                      "pdf_files": ["pdf/ABC-DEF-1.pdf", "pdf/catalogue.pdf"]}
                   and now["shown_from_memory"] == [page_1]  # (the listing did not change: not the home page)
                   and now["version"] > first["version"] and now["ok"] for _, _, now, _ in watcher.seen)
        later = [text for t, _, text in edited if 'href="../../pdf/ABC-DEF-1.pdf"' in text]
        assert later, "the link to the PDF came back once it was made"
        home = [text for t, page, now, text in watcher.seen if page == "index.html" and "Animer une réunion" in text]
        assert home and "catalogue complet" in home[0]
        assert "catalogue en cours de mise à jour…" in home[0]  # the printed catalogue, being made again
        new_page = [text for t, page, now, text in watcher.seen if page == page_2 and "Animer une réunion" in text]
        assert 'href="../../pdf/ABC-DEF-2.pdf"' not in new_page[0]
        assert "fiche PDF en cours de mise à jour…" in new_page[0]
        assert 'href="../../pdf/ABC-DEF-2.pdf"' in new_page[-1]
        assert watcher.broken_pdf_links == []  # no page ever linked a PDF that was not there

        # a broken file: its error in the browser and in the terminal, in French; the last good site still served
        version = status(base)["version"]
        course.write_text(course_text(title="title: Module : intro"), encoding="utf-8")
        error = wait_for(lambda: (p := get(base + "/" + page_1)) and "pas pu être reconstruit" in p and p)
        assert "content/courses/ABC-DEF-1.md:3:15" in error
        broken = status(base)
        assert broken["version"] > version and broken["ok"] is False
        assert [(e["path"], e["line"], e["col"]) for e in broken["errors"]] == [("content/courses/ABC-DEF-1.md", 3, 15)]
        assert broken["errors"][0]["text"].startswith("content/courses/ABC-DEF-1.md:3:15: erreur :")
        assert fetch(base + "/pdf/ABC-DEF-1.pdf")[0] == 200  # the last good site, still there
        assert fetch(base + "/assets/css/site.css")[0] == 200
        assert process.poll() is None
        course.write_text(course_text(title='title: "Module : intro"'), encoding="utf-8")
        wait_for(lambda: "Module : intro" in get(base + "/" + page_1))
        wait_for(lambda: (s := status(base)) and s["ok"] and not s["building"] and not any(s["pending"].values()),
                 timeout=120)
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "content/courses/ABC-DEF-1.md:3:15: erreur :" in err  # in the terminal too
    assert re.search(r"Affiché en [\d,.]+ s : formations/abc-def-1/index\.html ;", err), err
    assert "Traceback" not in err


LISTINGS = tuple(kind for kind in OUTPUTS if isinstance(kind, TemplatePage))


def test_the_quick_step_shows_what_the_build_publishes_and_refuses_what_it_refuses(site: Path):
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}\n"
               f"-- content/courses/ABC-DEF-2.md --\n{course_text(ref='ABC-DEF-2', title='title: Animer')}")
    build(site, pdf=False)
    preview = Preview.load(site, site / "public", LISTINGS, pdf=False)
    course = site / "content/courses/ABC-DEF-1.md"

    def same_as_build(update) -> None:
        build(site, pdf=False)
        for path, data in update.pages.items():
            assert (site / "public" / path).read_bytes() == data, path
        preview.published(BuildCache.open(site / ".lexom-site-cache").outputs)

    course.write_text(course_text(title="title: Conduire un projet"), encoding="utf-8")  # the listing changes
    update = preview.update(["ABC-DEF-1.md"])
    assert sorted(update.pages) == ["formations/abc-def-1/index.html", "index.html"] and not update.problems
    same_as_build(update)
    course.write_text(course_text(title="title: Conduire un projet").replace("- Périmètre", "- Périmètre du projet"),
                      encoding="utf-8")  # the page only
    update = preview.update(["ABC-DEF-1.md"])
    assert sorted(update.pages) == ["formations/abc-def-1/index.html"] and not update.problems
    same_as_build(update)

    for broken in (course_text(title="title: Module : intro"),  # YAML
                   course_text().replace("- Périmètre", "- Voir [la suite](../abc-def-9/)")):
        course.write_text(broken, encoding="utf-8")
        update = preview.update(["ABC-DEF-1.md"])
        with pytest.raises(BuildError) as refused:
            build(site, pdf=False)
        assert list(update.problems) == refused.value.diagnostics and update.pages == {}
    # a file broken keeps the site from being shown whatever else changes; a course removed, its page with it
    (site / "content/courses/ABC-DEF-2.md").unlink()
    update = preview.update(["ABC-DEF-2.md"])
    assert [d.path for d in update.problems] == ["content/courses/ABC-DEF-1.md"]
    course.write_text(course_text(), encoding="utf-8")
    update = preview.update(["ABC-DEF-1.md"])
    assert not update.problems and "index.html" in update.pages
    assert "Animer" not in update.pages["index.html"].decode()
    course.unlink()
    assert "there is no course file" in preview.update(["ABC-DEF-1.md"]).problems[0].message
