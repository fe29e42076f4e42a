"""Build benchmark: a synthetic catalogue of N courses, built cold, rebuilt.

    .venv/bin/python bench/bench.py            # N = 200 and N = 1000
    .venv/bin/python bench/bench.py -n 50      # a quick run

Prints one JSON line per N with: courses, html_pages_per_s (the HTML stage of
a cold `--no-pdf` build: reading, validation, rendering), html_build_s and
html_build_pages_per_s (the whole `--no-pdf` build, search index and link
check included), pdf_sheets_per_s, the wall seconds of each stage of the
full cold build, check_s (`lexom-site check`, a new process), noop_s and
noop_files_rewritten (a rebuild with nothing changed), edit_one_s (a rebuild
after editing one course: the median of 5, each run in edit_one_runs_s) with
edit_one_files_rewritten (the last one's, search index aside) and
edit_one_search_files_rewritten (how many files of the index), with
edit_one_catalogue_s (the printed catalogue's own seconds in those rebuilds,
checked to hold the edited text), catalogue_pages and catalogue_mb,
catalogue_alone_s (the catalogue made again with every course part in the
cache: its front and back laid out, everything joined; the most it adds to a
build) and catalogue_share_of_cold_build (that / full_build_s), peak_rss_mb
(the whole build: main process and workers, summed), naive_s_per_sheet (one
WeasyPrint document per sheet, course and CGV together, tagged, serial, measured on
a sample spread over the catalogue, in the same run) and speedup_vs_naive
(N naive sheets' time / the full cold build's time). Targets and results:
docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
os.environ["LEXOM_LANG"] = "en"  # (the builds' summary lines are read: in the language of the code)
REPO = BENCH.parent
EDITS = 5  # one-course edits timed
sys.path.insert(0, str(BENCH))

import pikepdf  # noqa: E402
import pypdf  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402
from catalogue import make_catalogue  # noqa: E402

from lexom_site.build.pipeline import build  # noqa: E402
from lexom_site.build.project import load_project  # noqa: E402


class PeakRss:
    """Samples the summed resident memory of this process and all its descendants."""

    def __init__(self, interval: float = 0.02, *, children_only: bool = False):
        """`children_only`: this process's descendants, not itself."""
        self.interval, self.peak, self._stop = interval, 0, threading.Event()
        self.children_only = children_only
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _tree_rss(self) -> int:
        children: dict[int, list[int]] = {}
        rss: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry))
                rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
            except (OSError, IndexError, ValueError):
                continue
        total, stack = 0, list(children.get(os.getpid(), [])) if self.children_only else [os.getpid()]
        while stack:
            pid = stack.pop()
            total += rss.get(pid, 0)
            stack += children.get(pid, [])
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._tree_rss())
            time.sleep(self.interval)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._tree_rss())


def mtimes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def naive_seconds_per_sheet(root: Path, sample: int) -> float:
    """The approach this build replaces: course and CGV laid out as one document per sheet, serially, tagged for
    PDF/UA-1 as the build's sheets are (the same document, made the naive way)."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from lexom_site.render.pdf_layout import PDF_VARIANT, ProjectFetcher, document_date, finish_tagged
    from lexom_site.render.templates import make_environment, render_template

    project = load_project(root, jobs=1)
    config, cgv = project.config, project.cgv
    env = make_environment(config)
    cgv_html = render_template(env, config, "pdf/cgv.html", cgv=cgv, course_pages=0)
    cgv_section = re.search(r"<section class=\"cgv\">.*</section>", cgv_html, re.S).group()
    fetcher = ProjectFetcher((config.assets_dir, config.content_dir))
    every = project.catalogue.courses
    courses = every[:: max(1, len(every) // sample)][:sample]  # spread over the catalogue: short and long sheets
    started = time.perf_counter()
    for course in courses:
        html = render_template(env, config, "pdf/sheet.html", course=course, cgv=cgv,
                               document_date=document_date(cgv), cgv_pages=0)
        html = html.replace("</body>", cgv_section + "\n</body>")
        HTML(string=html, base_url=config.root.as_uri() + "/", url_fetcher=fetcher).write_pdf(
            font_config=FontConfiguration(), pdf_variant=PDF_VARIANT, finisher=finish_tagged)  # (tagged, as the build's)
    return (time.perf_counter() - started) / len(courses)


def stage_seconds(report: str) -> dict[str, float]:
    """The seconds of each stage `lexom-site -v build` prints."""
    return {m[1]: float(m[2]) for m in re.finditer(r"^  (\w+): ([\d.]+) s$", report, re.MULTILINE)}


def catalogue_facts(path: Path) -> tuple[int, float]:
    """The printed catalogue's page count and size (MB)."""
    with pikepdf.open(path) as document:
        return len(document.pages), round(path.stat().st_size / 1e6, 1)


def edited_in_catalogue(path: Path, ref: str) -> bool:
    """Are the edited course's pages of the printed catalogue (from its bookmark to the next) the new ones?"""
    reader = pypdf.PdfReader(path)
    starts = sorted((reader.get_destination_page_number(item), item.title)
                    for group in reader.outline if isinstance(group, list) for item in group)
    first, following = next((page, starts[i + 1][0] if i + 1 < len(starts) else page + 1)
                            for i, (page, title) in enumerate(starts) if title.endswith(f"({ref})"))
    document = pdfium.PdfDocument(path)
    try:
        text = "".join(document[index].get_textpage().get_text_range() for index in range(first, following))
    finally:
        document.close()
    return "Nouveau :" in text


def run(n: int, work: Path, sample: int) -> dict:
    root = make_catalogue(REPO, work / f"site-{n}", n)
    result: dict = {"courses": n}

    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "lexom_site", "check", "--root", str(root)], check=True,
                   capture_output=True)
    result["check_s"] = round(time.perf_counter() - started, 2)

    html_only = build(root, work / f"html-{n}", pdf=False, cache_dir=work / f"html-cache-{n}")
    # the HTML stage: read, validate and render every page (load, plan, html); the whole `--no-pdf`
    # build also makes the search index and checks every link
    html_stage = sum(html_only.stages.get(name, 0.0) for name in ("load", "plan", "html"))
    result["html_pages_per_s"] = round(html_only.pages / html_stage)
    result["html_build_s"] = round(html_only.seconds, 2)
    result["html_build_pages_per_s"] = round(html_only.pages / html_only.seconds)
    result["html_build_stages_s"] = {name: round(seconds, 2) for name, seconds in html_only.stages.items()}

    out = root / "public"
    # the full build as CI runs it: the command, in a new process (whose memory is that of a fresh process, not
    # this one's after the builds above: its workers are forked from it)
    command = [sys.executable, "-m", "lexom_site", "build", "--root", str(root)]
    with PeakRss(children_only=True) as rss:
        done = subprocess.run([*command[:3], "-v", *command[3:]], check=True, capture_output=True, text=True)
    built = re.search(r"Built (\d+) page\(s\) and (\d+) PDF sheet\(s\) .* in ([\d.]+) s\.", done.stderr)
    stages = stage_seconds(done.stderr)
    assert built and stages, done.stderr
    result["full_build_s"] = float(built[3])
    result["stages_s"] = stages
    result["pdf_sheets_per_s"] = round(int(built[2]) / stages["pdf"], 2)
    result["peak_rss_mb"] = round(rss.peak / 2**20)

    # rebuilds as an editor runs them: the command, in a new process, start-up included
    before = mtimes(out)
    started = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result["noop_s"] = round(time.perf_counter() - started, 3)
    assert done.stderr.startswith("Nothing to do"), done.stderr
    result["noop_files_rewritten"] = sum(1 for p, m in mtimes(out).items() if before.get(p) != m)

    # the printed catalogue alone: its front and back laid out again (their templates touched), every course part
    # and the CGV part from the cache, all joined and numbered; the most it can add to a build
    result["catalogue_pages"], result["catalogue_mb"] = catalogue_facts(out / "pdf" / "catalogue.pdf")
    for name in ("catalogue.html", "catalogue_back.html"):
        template = root / "templates" / "pdf" / name
        template.write_text(template.read_text(encoding="utf-8") + "{# bench #}\n", encoding="utf-8")
    done = subprocess.run([*command[:3], "-v", *command[3:]], check=True, capture_output=True, text=True)
    result["catalogue_alone_s"] = stage_seconds(done.stderr)["catalogue"]
    result["catalogue_share_of_cold_build"] = round(result["catalogue_alone_s"] / result["full_build_s"], 3)

    # one course edited, EDITS times (a different course each time): the median is reported, this machine's
    # timings vary by ±15 % from one run to the next
    runs, catalogue_runs = [], []
    courses = sorted((root / "content" / "courses").glob("*.md"))
    for edit in range(EDITS):
        course = courses[(n // 2 + edit * 7) % n]
        course.write_text(course.read_text(encoding="utf-8").replace("\n- ", "\n- Nouveau : ", 1),
                          encoding="utf-8")
        before = mtimes(out)
        started = time.perf_counter()
        done = subprocess.run([*command[:3], "-v", *command[3:]], check=True, capture_output=True, text=True)
        runs.append(round(time.perf_counter() - started, 2))
        catalogue_runs.append(stage_seconds(done.stderr)["catalogue"])
        rewritten = sorted(p for p, m in mtimes(out).items() if before.get(p) != m)
        assert edited_in_catalogue(out / "pdf" / "catalogue.pdf", course.stem), course.stem
    result["edit_one_s"] = statistics.median(runs)
    result["edit_one_runs_s"] = runs
    result["edit_one_catalogue_s"] = statistics.median(catalogue_runs)
    result["edit_one_catalogue_runs_s"] = catalogue_runs
    result["edit_one_files_rewritten"] = [p for p in rewritten if not p.startswith("pagefind/")]
    result["edit_one_search_files_rewritten"] = sum(1 for p in rewritten if p.startswith("pagefind/"))

    result["naive_s_per_sheet"] = round(naive_seconds_per_sheet(root, sample), 3)
    result["speedup_vs_naive"] = round(n * result["naive_s_per_sheet"] / result["full_build_s"], 1)  # whole build
    result["machine"] = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--courses", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--naive-sample", type=int, default=10, help="sheets timed for the naive baseline")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lexom-bench-") as work:
        for n in args.courses:
            print(json.dumps(run(n, Path(work), min(args.naive_sample, n)), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
