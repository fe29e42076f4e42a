"""Live preview benchmark: from saving a course file to the page served anew, at N courses.

    .venv/bin/python bench/serve_bench.py                 # N = 1000, 10 edits
    .venv/bin/python bench/serve_bench.py -n 200 --edits 5
    .venv/bin/python bench/serve_bench.py --code /tmp/old/src   # the same, with another copy of the code

In one run: a synthetic catalogue of N courses (bench/catalogue.py), its cold
build with PDFs (`lexom-site build`, a new process: for scale), then
`lexom-site serve` started on it (a new process), and EDITS course files
edited one after the other (one bullet of the programme, a different course
each time, each once the server is idle). For each edit, read through the
server's status endpoint (`/__lexom__/status`, asked with `?after=VERSION`,
which answers as soon as the version changes; a server that does not wait
is asked again every 10 ms):

- `page_s`: from the file written to the course page served with the edited
  text (the version changed, the page fetched and holding it);
- `pdf_s`: from the file written to the whole build published: nothing
  pending any more (a server that does not say what is pending: the same as
  `page_s`, the page and its PDF being published together), the PDF served
  then being the new one (its SHA-256 changed);
- whether the page first served linked the PDF (`pdf_link_while_pending`:
  it must not while the PDF is being made again);
- `page_busy_s` (BUSY_EDITS times, 5 by default): a course saved 0.3 s after
  another course's page came, while that edit's build runs: from the second
  file written to its page served.

Prints one JSON line: cold_build_s, the medians and each run of page_s and
pdf_s, and what the server said of its own timings (`seconds` in the status).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

from catalogue import make_catalogue  # noqa: E402


def get(url: str, timeout: float = 30) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read()


def status(base: str, after: int | None = None) -> dict:
    return json.loads(get(base + "/__lexom__/status" + (f"?after={after}" if after is not None else "")))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def idle(base: str, timeout: float = 600) -> dict:
    """Wait until the server has nothing pending (a server that does not say: until it answers)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            now = status(base)
        except OSError:
            time.sleep(0.2)
            continue
        pending = now.get("pending", {})
        if not now.get("building") and not any(pending.get(k) for k in ("pages", "pdf", "pdf_files", "search")):
            return now
        time.sleep(0.05)
    raise TimeoutError("the server never became idle")


def run(n: int, edits: int, work: Path, code: str | None, busy: int = 0) -> dict:
    env = dict(os.environ, LEXOM_LANG="en")
    if code:
        env["PYTHONPATH"] = code
    root = make_catalogue(REPO, work / f"site-{n}", n)
    result: dict = {"courses": n, "code": code or str(REPO / "src")}
    command = [sys.executable, "-m", "lexom_site"]
    started = time.perf_counter()
    subprocess.run([*command, "build", "--root", str(root)], check=True, capture_output=True, env=env)
    result["cold_build_s"] = round(time.perf_counter() - started, 1)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(work / "serve.log", "w")
    server = subprocess.Popen([*command, "serve", "--root", str(root), "--port", str(port)], stdout=log,
                              stderr=subprocess.STDOUT, env=env)
    try:
        idle(base)
        time.sleep(1)
        courses = sorted((root / "content" / "courses").glob("*.md"))
        page_runs, pdf_runs, linked, quick = [], [], [], []
        for edit in range(edits):
            course = courses[(n // 2 + edit * 7) % n]
            slug = course.stem.lower()
            mark = f"Nouveau {edit} :"
            page_url = f"{base}/formations/{slug}/index.html"
            pdf_before = hashlib.sha256(get(f"{base}/pdf/{course.stem}.pdf")).hexdigest()
            version = idle(base)["version"]
            text = course.read_text(encoding="utf-8").replace("\n- ", f"\n- {mark} ", 1)
            started = time.perf_counter()
            course.write_text(text, encoding="utf-8")
            while True:  # the page
                now = status(base, after=version)
                if now["version"] == version:
                    time.sleep(0.01)
                    continue
                version = now["version"]
                page = get(page_url).decode("utf-8")
                if mark in page:
                    page_runs.append(round(time.perf_counter() - started, 3))
                    linked.append(f'href="../../pdf/{course.stem}.pdf"' in page)
                    break
            while True:  # the PDF, the catalogue and the search index
                now = status(base, after=version)
                version = now["version"]
                pending = now.get("pending", {})
                if not now.get("building") and not any(pending.get(k) for k in ("pages", "pdf", "pdf_files",
                                                                                  "search")):
                    pdf_runs.append(round(time.perf_counter() - started, 3))
                    break
                if "pending" not in now:
                    time.sleep(0.01)
            assert hashlib.sha256(get(f"{base}/pdf/{course.stem}.pdf")).hexdigest() != pdf_before, course.stem
            assert f'href="../../pdf/{course.stem}.pdf"' in get(page_url).decode("utf-8"), course.stem
            if "seconds" in now:
                quick.append(now["seconds"].get("quick"))
            time.sleep(0.5)
        busy_runs = []
        for edit in range(busy):  # a second course saved 0.3 s after the first one's page came: during its build
            first, second = (courses[(n // 3 + edit * 11 + k) % n] for k in (0, 1))
            idle(base)
            for k, course in enumerate((first, second)):
                mark = f"Encore {edit}.{k} :"
                version = status(base)["version"]
                text = course.read_text(encoding="utf-8").replace("\n- ", f"\n- {mark} ", 1)
                started = time.perf_counter()
                course.write_text(text, encoding="utf-8")
                while True:
                    now = status(base, after=version)
                    if now["version"] == version:
                        time.sleep(0.01)
                        continue
                    version = now["version"]
                    if mark in get(f"{base}/formations/{course.stem.lower()}/index.html").decode("utf-8"):
                        break
                if k == 1:
                    busy_runs.append(round(time.perf_counter() - started, 3))
                else:
                    time.sleep(0.3)
        if busy_runs:
            result["page_busy_s"] = statistics.median(busy_runs)
            result["page_busy_runs_s"] = busy_runs
        idle(base)
        result["page_s"] = statistics.median(page_runs)
        result["page_runs_s"] = page_runs
        result["pdf_s"] = statistics.median(pdf_runs)
        result["pdf_runs_s"] = pdf_runs
        result["pdf_link_while_pending"] = sum(linked)
        if any(q is not None for q in quick):
            result["quick_step_s"] = statistics.median(q for q in quick if q is not None)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=120)
        log.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--courses", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--busy-edits", type=int, default=5,
                        help="edits saved while the previous edit's build runs (0.3 s after its page came)")
    parser.add_argument("--code", help="a folder holding another copy of the lexom_site package (PYTHONPATH)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lexom-serve-bench-") as work:
        print(json.dumps(run(args.courses, args.edits, Path(work), args.code, args.busy_edits), ensure_ascii=False),
              flush=True)


if __name__ == "__main__":
    main()
