"""Bad input, careless or hostile use, interrupted builds and rebuilds.

Every bad input is tried through the real command (`lexom-site build`,
`check`, `import`, `legal-diff`, `serve`): the exact message an editor
reads, the exit status, no traceback, and the previous public/ left byte for
byte as it was. Each test is named after what it protects.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, course_text, write_tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lexom_site.build import staging
from lexom_site.cli import main
from lexom_site.inputs.config import load_config
from lexom_site.inputs.course import parse_course
from lexom_site.legal.cgv import load_cgv
from lexom_site.legal.lint import LintFile, lint_texts
from lexom_site.render.pdf_layout import ProjectFetcher
from lexom_site.inputs.source import decode_source

COURSE = "content/courses/ABC-DEF-1.md"


def snapshot(folder: Path) -> dict[str, str]:
    """Every file below `folder` with its hash and modification time."""
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(site: Path) -> list[str]:
    return sorted(p.name for p in site.iterdir() if p.name.startswith(".public."))


@pytest.fixture
def published(site: Path) -> Path:
    """The site with one valid course, already built once into public/ (HTML only: faster)."""
    write_tree(site, f"-- {COURSE} --\n{course_text()}")
    result = CliRunner().invoke(main, ["build", "--root", str(site), "--no-pdf"])
    assert result.exit_code == 0, result.stderr
    return site


def build_fails(site: Path, *extra: str) -> list[str]:
    """Build, expect exit 1 with nothing written; return the lines printed."""
    before = snapshot(site / "public")
    result = CliRunner().invoke(main, ["build", "--root", str(site), *extra])
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert result.exit_code == 1, result.stderr
    assert snapshot(site / "public") == before
    assert leftovers(site) == []
    lines = [line for line in result.stderr.splitlines() if line != "PDF sheets"]
    assert lines[-1].endswith("found; nothing was written.")
    return [line.replace(str(site) + "/", "") for line in lines[:-1]]


def write_course(site: Path, text: str | bytes, name: str = COURSE) -> None:
    path = site / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))


@pytest.fixture(autouse=True)
def in_site(site: Path, monkeypatch):
    monkeypatch.chdir(site)  # diagnostics name files relative to the working folder


# --- 1-7: the front matter ----------------------------------------------------------------------------------


def test_unquoted_colon_asks_for_quotes(published: Path):
    write_course(published, course_text(title="title: Module : intro"))
    assert build_fails(published) == [
        f"{COURSE}:3:15: error: a ':' followed by a space inside a value confuses YAML",
        '  hint: put the whole value in double quotes, e.g. title: "Module : intro"',
    ]


def test_tab_indentation(published: Path):
    write_course(published, course_text(objectives="objectives:\n\t- Planifier"))
    assert build_fails(published) == [
        f"{COURSE}:8:1: error: this character cannot start a value here",
        "  hint: indent with spaces, never with tabs; put values starting with @, ` or % in double quotes",
    ]


def test_duplicate_key_names_both_lines(published: Path):
    write_course(published, course_text(audience="audience: Chefs de projet\naudience: Managers"))
    assert build_fails(published) == [
        f"{COURSE}:12:1: error: 'audience' is given twice (first on line 11, again on line 12)",
        "  hint: keep one of the two lines",
    ]


def test_yaml_1_1_surprises_are_schema_errors(published: Path):
    write_course(published, course_text(duration_days="duration_days: 010"))
    assert build_fails(published) == [
        f"{COURSE}:6:16: error: 'duration_days' (Durée en jours) expected a whole number, found '010'",
        "  hint: remove the leading zero",
    ]
    write_course(published, course_text(duration_days="duration_days: yes"))
    assert build_fails(published)[0] == f"{COURSE}:6:16: error: 'duration_days' (Durée en jours) expected a whole number, found 'yes'"
    cgv = published / "content/legal/cgv.md"
    cgv.write_text(cgv.read_text().replace("effective_date: 2026-11-22", "effective_date: 2026-02-30"))
    write_course(published, course_text())
    assert build_fails(published) == [
        "content/legal/cgv.md:7:17: error: 'effective_date' '2026-02-30' is not a real date",
        "  hint: check the month (01-12) and the day",
    ]


def test_no_stays_the_text_no(site: Path):
    """`NO` (Norway, a category code...) is text, not false."""
    write_course(site, course_text(category="category: NO", prerequisites="prerequisites: off"))
    result = CliRunner().invoke(main, ["build", "--root", str(site), "--no-pdf"])
    assert result.exit_code == 0, result.stderr
    page = (site / "public/index.html").read_text()
    assert ">NO<" in page
    assert "off" in (site / "public/formations/abc-def-1/index.html").read_text()


def test_windows_1252_file_names_the_first_bad_byte(published: Path):
    write_course(published, course_text(title="title: Réussir").encode("cp1252"))
    assert build_fails(published) == [
        f"{COURSE}:3:9: error: file is not UTF-8: byte 0xE9 cannot be read (it reads as 'é' in Windows-1252)",
        "  hint: save the file with the UTF-8 encoding (in your editor: 'Save with encoding' / "
        "'Reopen with encoding', then choose UTF-8)",
    ]


def test_bom_and_crlf_are_accepted(site: Path):
    write_course(site, b"\xef\xbb\xbf" + course_text(title="title: Réussir").replace("\n", "\r\n").encode())
    result = CliRunner().invoke(main, ["build", "--root", str(site), "--no-pdf"])
    assert result.exit_code == 0, result.stderr
    assert ">Réussir</h1>" in (site / "public/formations/abc-def-1/index.html").read_text()


def test_missing_closing_separator_and_list_front_matter(published: Path):
    write_course(published, course_text().replace("\n---\n\n", "\n\n", 1))
    assert build_fails(published)[0] == f"{COURSE}:1:1: error: the front matter opened on line 1 is never closed"
    write_course(published, "---\n- ref: ABC-DEF-1\n- title: Piloter\n---\n\n## Jour 1 - Matin\n")
    assert build_fails(published)[:2] == [
        f"{COURSE}:2:1: error: the front matter must be fields written 'name: value', found a list",
        "  hint: start each line with a field name, e.g. 'title: ...'",
    ]


def test_missing_required_field(published: Path):
    write_course(published, course_text(audience=""))
    assert build_fails(published) == [
        f"{COURSE}:2:1: error: required field 'audience' (Public visé) is missing",
        "  hint: add a line 'audience: ...' (who the course is for) e.g. 'audience: Tout public'",
    ]


# --- 8-9: references and file names ---------------------------------------------------------------------------


def test_two_files_cannot_hold_one_reference(published: Path):
    write_course(published, course_text(), "content/courses/ABC-DEF-2.md")
    write_course(published, course_text("abc-def-1"), "content/courses/abc-def-1.md")
    write_course(published, course_text("ÉCO-DEF-1"), "content/courses/ÉCO-DEF-1.md")
    assert build_fails(published) == [
        "content/courses/ABC-DEF-2.md:2:1: error: ref 'ABC-DEF-1' does not match the file name 'ABC-DEF-2.md'",
        "  hint: rename the file to ABC-DEF-1.md, or correct the reference",
        "content/courses/abc-def-1.md:2:6: error: 'ref' (Référence) 'abc-def-1' is not in the expected form",
        "  hint: write it like RCL-RCL-14",
        "content/courses/ÉCO-DEF-1.md:2:6: error: 'ref' (Référence) 'ÉCO-DEF-1' contains the accented letter 'É'",
        "  hint: write it without accents: ECO-DEF-1",
    ]


def test_references_that_could_escape_the_output_folder(published: Path):
    (published / COURSE).unlink()
    write_course(published, course_text("../x"), "content/courses/A.md")
    write_course(published, course_text("/x"), "content/courses/B.md")
    write_course(published, course_text('"A\\0B"'), "content/courses/C.md")
    write_course(published, course_text("A" * 300), "content/courses/D.md")
    assert build_fails(published) == [
        "content/courses/A.md:2:6: error: 'ref' (Référence) '../x' is not in the expected form",
        "  hint: write it like RCL-RCL-14",
        "content/courses/B.md:2:6: error: 'ref' (Référence) '/x' is not in the expected form",
        "  hint: write it like RCL-RCL-14",
        "content/courses/C.md:2:6: error: 'ref' (Référence) contains an invisible control character (U+0000)",
        "  hint: retype the value; it was probably pasted from another program",
        "content/courses/D.md:2:6: error: 'ref' (Référence) is too long (300 characters; at most 60)",
    ]


def test_output_writer_refuses_paths_outside_the_folder(tmp_path: Path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    for path in ("../x.html", "/etc/x", "a/../../x", "a\x00b", ""):
        with pytest.raises(ValueError, match="unsafe output path"):
            with staging.Staging(tmp_path / "public") as new_site:
                new_site.write(path, b"x")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


# --- 10-11: Markdown, links and files the PDF may read ----------------------------------------------------------

NASTY_BODY = """\
## Jour 1 - Matin

### 1. Cadrer

- <script>alert(1)</script>
- <img src=x onerror="alert(1)">
- voir [ici](javascript:alert(1))

## Jour 1 - Après-midi

### 2. Suivre

- [données](data:text/html,<b>x</b>)
- [fichier](file:///etc/passwd)
- [passwd](../../etc/passwd)
- ![logo](assets/logo.png)
- [absent](programme.pdf)
"""


def test_dropped_links_and_local_files_are_reported(published: Path):
    write_course(published, course_text(body=NASTY_BODY))
    assert build_fails(published) == [
        f"{COURSE}:25:8: error: link to 'javascript:alert(1)' is not allowed: it would be dropped",
        "  hint: links may point to https://, http://, mailto: or tel: addresses",
        f"{COURSE}:31:3: error: link to 'data:text/html,<b>x</b>' is not allowed: it would be dropped",
        "  hint: links may point to https://, http://, mailto: or tel: addresses",
        f"{COURSE}:32:3: error: link to 'file:///etc/passwd' is not allowed: it would be dropped",
        "  hint: links may point to https://, http://, mailto: or tel: addresses",
        f"{COURSE}:33:3: error: link to '../../etc/passwd' is not allowed: it points to a path outside the "
        "project, not to a web address",
        "  hint: link to a web address (https://...) instead",
        f"{COURSE}:34:3: error: image 'assets/logo.png' is not allowed in a course file",
        "  hint: it holds text only; pictures belong to the templates and assets/",
        f"{COURSE}:35:3: error: link to 'programme.pdf' is not allowed: it points to a local file, not to a web "
        "address",
        "  hint: link to a web address (https://...) instead",
    ]


def test_raw_html_is_shown_as_text_never_passed_through(site: Path):
    body = NASTY_BODY.split("- voir")[0] + "\n## Jour 1 - Après-midi\n\n### 2. Suivre\n\n- point\n"
    write_course(site, course_text(body=body))
    result = CliRunner().invoke(main, ["build", "--root", str(site)])
    assert result.exit_code == 0, result.stderr
    page = (site / "public/formations/abc-def-1/index.html").read_text()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page


def test_pdf_reads_no_file_outside_the_project_and_no_network(published: Path):
    template = published / "templates/pdf/sheet.html"
    template.write_text(template.read_text().replace(
        '<div class="running-header">', '<img src="file:///etc/hostname"><img src="https://example.com/x.png">'
                                        '<img src="assets/missing.png"><div class="running-header">', 1))
    lines = build_fails(published)
    hint = "  hint: check the images, fonts and stylesheets this template uses"
    assert lines == [
        "templates/pdf/sheet.html: error: PDF rendering: Failed to load image at 'file:///etc/hostname': "
        "ValueError: refused to read /etc/hostname: it is outside the project's assets and content", hint,
        f"templates/pdf/sheet.html: error: PDF rendering: Failed to load image at '{published.as_uri()}/assets/"
        f"missing.png': ValueError: file not found: {published}/assets/missing.png".replace(str(published) + "/", ""),
        hint,
        "templates/pdf/sheet.html: error: PDF rendering: Failed to load image at 'https://example.com/x.png': "
        "ValueError: refused to fetch https://example.com/x.png: PDFs may only use the project's own files", hint,
    ]


def test_a_symbolic_link_pointing_out_is_refused_by_the_fetcher(site: Path, tmp_path: Path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG")
    (site / "assets" / "logo.png").symlink_to(secret)
    fetcher = ProjectFetcher((site / "assets", site / "content"))
    with pytest.raises(ValueError, match="outside the project's assets and content"):
        fetcher.fetch((site / "assets" / "logo.png").as_uri())
    css = site / "assets" / "css" / "site.css"
    assert fetcher.fetch(css.as_uri()).read() == css.read_bytes()  # the project's own files are served


# --- 12-13: size, complexity, links ---------------------------------------------------------------------------


def test_huge_file_and_alias_bomb_are_refused_quickly(published: Path):
    write_course(published, course_text() + "- x\n" * 1_000_000)
    started = time.perf_counter()
    assert build_fails(published) == [
        f"{COURSE}: error: file is too large (4,000,444 bytes; the limit is 1,000,000)",
        "  hint: a course file holds one course sheet; split or shorten it",
    ]
    bomb = "\n".join(f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 12))
    write_course(published, course_text(extra="l0: &l0 [x]\n" + bomb))
    assert build_fails(published) == [
        f"{COURSE}:17:5: error: the front matter is not valid YAML: anchors and aliases ('&name', '*name') "
        "are not allowed here",
        "  hint: write each value out in full",
    ]
    assert time.perf_counter() - started < 10


def test_symbolic_link_in_content_is_refused(published: Path, tmp_path: Path):
    outside = tmp_path / "elsewhere.md"
    outside.write_text(course_text())
    (published / COURSE).unlink()
    (published / COURSE).symlink_to(outside)
    assert build_fails(published) == [
        f"{COURSE}: error: symbolic links are not allowed in the content folder",
        "  hint: replace the link by a copy of the file it points to",
    ]


# --- 14-15: templates ----------------------------------------------------------------------------------------


def test_template_errors_name_the_template_and_line(published: Path):
    template = published / "templates/course.html"
    original = template.read_text()
    template.write_text(original.replace("{{ course.title }}", "{{ course.titel }}", 1))
    assert build_fails(published) == [  # the kind of value, and the name meant (not Python's class path)
        "templates/course.html:2: error: template error: a Course has no attribute 'titel': did you mean 'title'?"
    ]
    template.write_text(original.replace("{{ course.title }}", "{{ course.colour }}", 1))
    assert build_fails(published) == ["templates/course.html:2: error: template error: a Course has no attribute 'colour'"]
    template.write_text(original.replace("{% endblock %}", "{% endblok %}", 1))
    assert build_fails(published) == [
        "templates/course.html:2: error: template syntax error: Encountered unknown tag 'endblok'. Jinja was "
        "looking for the following tags: 'endblock'. The innermost block that needs to be closed is 'block'."
    ]
    template.write_text(original.replace("{{ course.title }}", "{{ nothing_here }}", 1))
    assert build_fails(published) == ["templates/course.html:2: error: template error: 'nothing_here' is undefined"]


def test_html_in_a_title_is_escaped_everywhere(site: Path):
    write_course(site, course_text(title='title: "Excel <b>avancé</b> & VBA"'))
    result = CliRunner().invoke(main, ["build", "--root", str(site), "--no-pdf"])
    assert result.exit_code == 0, result.stderr
    for page in ("index.html", "formations/abc-def-1/index.html"):
        html = (site / "public" / page).read_text()
        assert "Excel &lt;b&gt;avancé&lt;/b&gt; &amp; VBA" in html and "<b>avancé" not in html


# --- atomic output -------------------------------------------------------------------------------------------


def test_interrupted_while_writing_leaves_public_as_it_was(published: Path, monkeypatch):
    write_course(published, course_text(title="title: Nouveau titre"))
    before = snapshot(published / "public")
    written = []
    real_write = Path.write_bytes

    def write_then_interrupt(self: Path, data: bytes) -> int:
        written.append(self)
        if len(written) == 2:
            raise KeyboardInterrupt
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_then_interrupt)
    result = CliRunner().invoke(main, ["build", "--root", str(published), "--no-pdf"])
    assert result.exit_code == 130
    assert result.stderr == "Interrupted: nothing was written; the previous output is unchanged.\n"
    assert len(written) == 2
    assert snapshot(published / "public") == before
    assert leftovers(published) == []


def test_failure_while_swapping_folders_restores_the_previous_output(published: Path, monkeypatch):
    write_course(published, course_text(title="title: Nouveau titre"))
    before = snapshot(published / "public")
    real_rename = os.rename

    def rename(src, dst):
        if Path(dst) == published / "public" and ".public.new-" in str(src):  # the new folder moving into place
            raise OSError("disk full")
        return real_rename(src, dst)

    monkeypatch.setattr(staging.os, "rename", rename)
    result = CliRunner().invoke(main, ["build", "--root", str(published), "--no-pdf"])
    assert result.exit_code == 3
    assert "internal error (OSError: disk full); nothing was written." in result.stderr
    assert snapshot(published / "public") == before
    assert leftovers(published) == []


def test_crash_in_the_middle_of_the_pdfs_leaves_public_as_it_was(published: Path, monkeypatch):
    for n in range(2, 5):
        write_course(published, course_text(f"ABC-DEF-{n}"), f"content/courses/ABC-DEF-{n}.md")
    before = snapshot(published / "public")
    from lexom_site.render import pdf_layout
    real_layout = pdf_layout.PdfRenderer.layout

    def crash_on_the_third(self, template, **context):
        if "course" in context and context["course"].ref == "ABC-DEF-3":
            raise MemoryError("out of memory")
        return real_layout(self, template, **context)

    monkeypatch.setattr(pdf_layout.PdfRenderer, "layout", crash_on_the_third)  # workers are forked: they see it
    result = CliRunner().invoke(main, ["build", "--root", str(published)])
    assert result.exit_code == 3, result.stderr
    assert "internal error (MemoryError: out of memory); nothing was written." in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(published / "public") == before
    assert leftovers(published) == []


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_ctrl_c_during_a_real_build_leaves_public_as_it_was(published: Path, stop_signal):
    """A real process, a real SIGINT (Ctrl-C) or SIGTERM (a cancelled CI job) while the PDF sheets are being made."""
    for n in range(2, 41):
        write_course(published, course_text(f"ABC-DEF-{n}"), f"content/courses/ABC-DEF-{n}.md")
    before = snapshot(published / "public")
    # as in a terminal's foreground, whatever the test runner inherited (a background job ignores SIGINT)
    process = subprocess.Popen([sys.executable, "-m", "lexom_site", "build", "--root", str(published)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    made = published / ".lexom-site-cache" / "pdf"
    deadline = time.monotonic() + 60
    while len(list(made.glob("*.pdf"))) < 6 and time.monotonic() < deadline:  # CGV parts and a few sheets made
        time.sleep(0.02)
    assert process.poll() is None, "the build ended before it could be interrupted"
    process.send_signal(stop_signal)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert err.strip() == "Interrupted: nothing was written; the previous output is unchanged."
    assert snapshot(published / "public") == before
    assert leftovers(published) == []
    # nor the search index's scratch folder (in memory: it would hold memory until the machine restarts)
    assert [p for base in ("/dev/shm", tempfile.gettempdir())
            for p in Path(base).glob(f"lexom-site-search-{process.pid}-*")] == []


# --- reproducible output -------------------------------------------------------------------------------------


def hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def build_in_process(site: Path, out: Path, **env: str) -> None:
    environ = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"} | env
    subprocess.run([sys.executable, "-m", "lexom_site", "build", "--root", str(site), "--out", str(out)],
                   check=True, env=environ, capture_output=True)


def test_two_builds_in_two_processes_are_byte_identical(site: Path, tmp_path: Path):
    write_course(site, course_text())
    write_course(site, course_text("ABC-DEF-2", title="title: Conduire le changement"),
                 "content/courses/ABC-DEF-2.md")
    build_in_process(site, tmp_path / "one", PYTHONHASHSEED="1")
    time.sleep(1.1)  # a clock-based date would differ now
    build_in_process(site, tmp_path / "two", PYTHONHASHSEED="2")
    one, two = hashes(tmp_path / "one"), hashes(tmp_path / "two")
    assert one == two
    assert "pdf/ABC-DEF-1.pdf" in one and "formations/abc-def-2/index.html" in one and "pdf/catalogue.pdf" in one
    assert "pagefind/pagefind-entry.json" in one and "sitemap.xml" in one  # the search index too

    build_in_process(site, tmp_path / "epoch1", SOURCE_DATE_EPOCH="1700000000")
    build_in_process(site, tmp_path / "epoch2", SOURCE_DATE_EPOCH="1700000000")
    epoch = hashes(tmp_path / "epoch1")
    assert epoch == hashes(tmp_path / "epoch2")
    assert epoch["pdf/ABC-DEF-1.pdf"] != one["pdf/ABC-DEF-1.pdf"]  # the date comes from SOURCE_DATE_EPOCH

    from pypdf import PdfReader
    assert PdfReader(tmp_path / "one/pdf/ABC-DEF-1.pdf").metadata["/CreationDate"].startswith("D:20261122")
    assert PdfReader(tmp_path / "epoch1/pdf/ABC-DEF-1.pdf").metadata["/CreationDate"].startswith("D:20231114221320")


# --- property-based: check never raises ---------------------------------------------------------------------

NASTY = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40) | st.sampled_from(
    ["NO", "yes", "010", "0x1F", "2026-02-30", "~", "null", ": x", "- a", "&a", "*a", "!!python/object:os.system",
     "'", '"', "é\u0301", "\u202e", "\u00a0", "\t", "{{ x }}", "<script>", "[a](javascript:x)", "#"])
FIELDS = st.sampled_from(["ref", "title", "category", "subcategory", "duration_days", "objectives",
                          "prerequisites", "audience", "teaching_methods", "evaluation_methods", "titre", ""])
VALUE = NASTY | st.lists(NASTY, max_size=3).map(lambda items: "".join(f"\n  - {i}" for i in items))
FRONT = st.lists(st.tuples(FIELDS, VALUE), max_size=12).map(lambda pairs: "\n".join(f"{k}: {v}" for k, v in pairs))
BODY_LINE = NASTY | st.sampled_from(["## Jour 1 - Matin", "## Jour 2 - Après-midi", "### 1. Module", "- point",
                                     "Jour 1 : matin", "1) Module", "  - point", "```", "---", ""])
BODY = st.lists(BODY_LINE, max_size=20).map("\n".join)


@pytest.fixture(scope="module")
def real_config():
    config = load_config(REPO)
    return config, load_cgv(config)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(front=FRONT, body=BODY, crlf=st.booleans(), bom=st.booleans(), separator=st.sampled_from(["---", "...", ""]))
def test_check_accepts_or_reports_positions_never_raises(real_config, front, body, crlf, bom, separator):
    config, cgv = real_config
    text = f"---\n{front}\n{separator}\n{body}\n"
    data = (b"\xef\xbb\xbf" if bom else b"") + (text.replace("\n", "\r\n") if crlf else text).encode("utf-8")
    source, diagnostics = decode_source(data, COURSE)
    if source is not None:
        course, found = parse_course(source, expected_ref="ABC-DEF-1")
        diagnostics += found + [d for d in lint_texts(config, cgv, [LintFile(COURSE, source.text, "course")])
                                if d.path == COURSE]  # (not the CGV's own warnings)
        assert course is not None or found
    written = text.replace("\n", "\r\n") if crlf else text  # (the file: « \r » then CRLF is two line ends)
    lines = written.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1  # a lone CR ends a line too
    for diagnostic in diagnostics:
        assert diagnostic.path == COURSE
        assert 1 <= diagnostic.line <= lines, diagnostic
        assert diagnostic.message and "Traceback" not in diagnostic.message


def test_check_on_random_bytes_never_raises(real_config):
    config, cgv = real_config

    @settings(max_examples=200, deadline=None)
    @given(st.binary(max_size=300))
    def run(data: bytes) -> None:
        source, diagnostics = decode_source(b"---\n" + data, COURSE)
        if source is not None:
            diagnostics += parse_course(source, expected_ref="ABC-DEF-1")[1]
        assert all(d.path == COURSE and d.line >= 1 for d in diagnostics)

    run()


def test_a_joined_sheet_is_the_same_bytes_every_time(real_build: Path):
    """The joined file's identifier is made from its content (pdfium once drew a random one, and a sheet's
    bytes changed from build to build); the numbers are stamped the same way every time."""
    from lexom_site.render.pdf_join import Part, join_parts, page_count
    from lexom_site.render.sheets import NUMBER_FONT

    sheet = (real_build / "pdf/RCL-RCL-14.pdf").read_bytes()
    part = Part(sheet, page_count(sheet))
    first, second = (join_parts(part, part, numbers=REPO / "assets" / NUMBER_FONT) for _ in range(2))
    assert first.pdf == second.pdf and first.pages == 2 * part.pages


def test_a_lone_carriage_return_ends_a_line_as_in_editors():
    # found by Hypothesis: the line of a NUL character counts the lines an editor shows
    source, diagnostics = decode_source(b"---\ntitle: a\rb\n\x00\n", COURSE)
    assert source is None
    assert [d.format() for d in diagnostics] == [f"{COURSE}:4: error: file contains a NUL character\n"
                                                 "  hint: is this a text file?"]


# --- what an editor types is what a customer reads ----------------------------------------------------------

TRICKY_TITLE = "Excel & Word *débutants* [niveau_1] #2 <b>vite</b> \\ fin"


def test_titles_and_categories_come_out_exactly_as_typed(site: Path, tmp_path: Path):
    """`new course` and `import` write titles and categories as plain text (no Markdown escapes), they read back the
    same, and every output prints them as typed: page, <title>, Open Graph, JSON-LD, PDF text and metadata."""
    import json
    import re

    import pypdf

    from lexom_site.legal.pdftext import page_texts

    runner = CliRunner()
    assert runner.invoke(main, ["new", "course", "ABC-NEW-1", "--root", str(site), "--title", TRICKY_TITLE,
                                "--category", "R&D *labo*"]).exit_code == 0
    written = (site / "content/courses/ABC-NEW-1.md").read_text(encoding="utf-8")
    title_line = next(line for line in written.splitlines() if line.startswith("title:"))
    category_line = next(line for line in written.splitlines() if line.startswith("category:"))
    assert "\\*" not in title_line and "\\&" not in title_line and "\\*" not in category_line
    def read_back(text: str):
        return parse_course(decode_source(text.encode("utf-8"), "course.md")[0], placeholders=True)[0]

    course = read_back(written)
    assert (course.title, course.category) == (TRICKY_TITLE, "R&D *labo*")

    legacy = sorted((REPO.parent / "shared/legacy").glob("*.txt"))[0].read_text(encoding="utf-8")
    sheet = tmp_path / "fiche.txt"
    sheet.write_text(legacy.replace("Utiliser les réseaux sociaux dans sa relation client", TRICKY_TITLE),
                     encoding="utf-8")
    imported = runner.invoke(main, ["import", "--root", str(site), "--dest", str(tmp_path / "out"), str(sheet)])
    assert imported.exit_code == 0, imported.stderr
    assert read_back((tmp_path / "out/RCL-RCL-14.md").read_text(encoding="utf-8")).title == TRICKY_TITLE

    (site / "content/courses/ABC-NEW-1.md").unlink()
    write_course(site, course_text(title=title_line, category=category_line))
    result = runner.invoke(main, ["build", "--root", str(site)])
    assert result.exit_code == 0, result.stderr
    page = (site / "public/formations/abc-def-1/index.html").read_text(encoding="utf-8")
    escaped = "Excel &amp; Word *débutants* [niveau_1] #2 &lt;b&gt;vite&lt;/b&gt; \\ fin"
    assert "<h1" in page and f">{escaped}</h1>" in page
    assert f"<title>{escaped}" in page and f'<meta property="og:title" content="{escaped}' in page
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)[1])
    assert data["name"] == TRICKY_TITLE
    pdf = (site / "public/pdf/ABC-DEF-1.pdf").read_bytes()
    assert TRICKY_TITLE in " ".join(page_texts(pdf)[0].split())
    assert pypdf.PdfReader(site / "public/pdf/ABC-DEF-1.pdf").metadata.title == f"ABC-DEF-1 — {TRICKY_TITLE}"
    assert "R&D *labo*" in (site / "public/index.html").read_text(encoding="utf-8").replace("&amp;", "&")


# --- limits and resources ---------------------------------------------------------------------------------------


def test_worker_processes_are_bounded_and_never_more_than_the_pdfs_to_make(site: Path):
    result = CliRunner().invoke(main, ["build", "--root", str(site), "-j", "4000"])
    assert result.exit_code == 2
    assert "Invalid value for '-j' / '--jobs': 4000 worker processes is too many: at most" in result.stderr
    assert not (site / "public").exists()

    write_course(site, course_text())
    assert CliRunner().invoke(main, ["build", "--root", str(site), "-j", "2"]).exit_code == 0
    path = site / COURSE
    path.write_text(path.read_text(encoding="utf-8").replace("Tableau de bord", "Tableau de bord mensuel"),
                    encoding="utf-8")

    def python_children(pid: int) -> set[int]:
        """The Python processes below `pid` now."""
        parents, exe = {}, {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    parents[int(entry)] = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
                    exe[int(entry)] = os.readlink(f"/proc/{entry}/exe")
                except OSError:
                    pass
        below, todo = set(), [pid]
        while todo:
            parent = todo.pop()
            children = [child for child, ppid in parents.items() if ppid == parent]
            below.update(children)
            todo += children
        return {child for child in below if os.path.basename(exe.get(child, "")).startswith("python")}

    process = subprocess.Popen([sys.executable, "-m", "lexom_site", "build", "--root", str(site), "-j", "4"],
                               stderr=subprocess.PIPE, text=True)
    most, before = 0, set()
    while process.poll() is None:
        now = python_children(process.pid)
        most = max(most, len(now & before))  # (seen twice 20 ms apart: a worker, not a fork about to run a program)
        before = now
        time.sleep(0.02)
    assert process.returncode == 0, process.stderr.read()
    assert 1 <= most <= 1  # one course part to lay out: one worker, not four


def test_commands_read_regular_files_of_a_sane_size_and_go_on_after_a_bad_one(site: Path, tmp_path: Path):
    """legal-diff and import: a pipe or a device is not read (it would never end), a huge file is refused with its
    size, a damaged PDF is reported and the next file still compared, a sheet named twice is named."""
    fifo = tmp_path / "tube.txt"
    os.mkfifo(fifo)
    huge = tmp_path / "enorme.txt"
    huge.write_bytes(b"x" * 5_000_001)
    broken = tmp_path / "abimee.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    copy = tmp_path / "copie.txt"
    copy.write_text((REPO.parent / "shared/legacy").glob("*.txt").__next__().read_text(encoding="utf-8"),
                    encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "lexom_site", "legal-diff", "--root", str(REPO), str(fifo),
                           "/dev/zero", str(huge), str(broken), str(copy)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    lines = done.stdout.splitlines()
    assert f"{fifo}: error: is not a regular file (a folder, a pipe or a device)" in lines
    assert "/dev/zero: error: is not a regular file (a folder, a pipe or a device)" in lines
    assert f"{huge}: error: file is too large (5,000,001 bytes; the limit is 5,000,000)" in lines
    assert f"{broken}: error: is not a PDF that can be read (damaged, incomplete or protected)" in lines
    assert lines[-1].startswith(f"{copy}: the CGV copy departs from the canonical text in ")  # compared all the same
    assert "Traceback" not in done.stderr

    sheet = tmp_path / "fiche.txt"
    sheet.write_text(copy.read_text(encoding="utf-8"), encoding="utf-8")
    big = tmp_path / "grosse.txt"
    big.write_bytes(b"y" * 1_000_001)
    done = subprocess.run([sys.executable, "-m", "lexom_site", "import", "--root", str(site), "--dry-run",
                           str(sheet), str(fifo), str(big), str(sheet)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert f"{fifo}: error: is not a regular file (a folder, a pipe or a device)" in done.stderr
    assert f"{big}: error: file is too large (1,000,001 bytes; the limit is 1,000,000)" in done.stderr
    assert f"{sheet}: error: is given twice on the command line\n  hint: name each sheet once" in done.stderr
    assert "1 sheet would be imported, 0 already up to date, 3 not imported." in done.stderr

    (site / "content/courses").mkdir(parents=True, exist_ok=True)
    os.mkfifo(site / "content/courses/ABC-DEF-9.md")
    done = subprocess.run([sys.executable, "-m", "lexom_site", "check", "--root", str(site)], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 1
    assert "content/courses/ABC-DEF-9.md: error: is not a regular file (a folder, a pipe or a device)" in done.stderr


def test_what_files_hold_is_printed_as_text_short_and_inert(site: Path, tmp_path: Path):
    """A line of a legacy sheet is quoted in at most 80 characters, terminal escape sequences in it are shown
    escaped, and under GitHub Actions no value can print a workflow command."""
    legacy = sorted((REPO.parent / "shared/legacy").glob("*.txt"))[0].read_text(encoding="utf-8")
    sheet = tmp_path / "fiche.txt"
    sheet.write_text(legacy.replace("Objectifs de la formation", "\x1b]0;pirate\x07Objectifs" + "é" * 50_000),
                     encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "lexom_site", "import", "--root", str(site), "--dry-run",
                           str(sheet)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "\x1b" not in done.stderr + done.stdout and "\x07" not in done.stderr + done.stdout
    line = next(line for line in done.stderr.splitlines() if "\\x1b]0;pirate\\x07Objectifs" in line)
    quoted = re.search(r"« (\\x1b\]0;pirate\\x07Objectifsé+)… »", line)
    assert quoted and len(quoted[1]) == 79 and len(line) < 200  # 80 characters of it, the last one « … »

    write_course(site, course_text('"ABC-DEF-1\\n::add-mask::secret"'))  # (a YAML escape: a line break)
    done = subprocess.run([sys.executable, "-m", "lexom_site", "check", "--root", str(site)], capture_output=True,
                          text=True, timeout=60, env={**os.environ, "GITHUB_ACTIONS": "true"})
    assert done.returncode == 1
    printed = (done.stdout + done.stderr).splitlines()
    assert [line for line in printed if line.startswith("::") and not line.startswith("::error ")] == []
    assert any("ABC-DEF-1\\x0a::add-mask::secret" in line for line in printed if line.startswith("::error "))


def test_two_builds_at_once_take_turns(site: Path):
    """Builds of the same project started together (a CI job and an editor, serve and a build) do not trip over
    each other: the second waits for the first, says so, and both succeed with the same site."""
    write_course(site, course_text())
    command = [sys.executable, "-m", "lexom_site", "build", "--root", str(site)]
    for round_ in range(4):
        path = site / COURSE
        path.write_text(path.read_text(encoding="utf-8").replace("Tableau de bord", f"Tableau de bord {round_}"),
                        encoding="utf-8")
        first = subprocess.Popen([*command, *([] if round_ else ["--no-pdf"])], stderr=subprocess.PIPE, text=True)
        time.sleep(0.3)
        second = subprocess.Popen([*command, "--no-pdf"], stderr=subprocess.PIPE, text=True)
        errors = [first.communicate(timeout=120)[1], second.communicate(timeout=120)[1]]
        assert (first.returncode, second.returncode) == (0, 0), errors
        assert all("internal error" not in text for text in errors), errors
    assert "Another build of this project is running: waiting for it to finish..." in errors[1]
    assert leftovers(site) == [] and (site / "public/index.html").is_file()


def test_what_editors_and_systems_leave_beside_the_sources_is_not_read(site: Path):
    """Emacs's lock (a dangling link) and backups, vim's swap file and write probe, Windows' and macOS's own files,
    a hidden file: check, build and the published assets ignore them; a stray file of another name is still named."""
    write_course(site, course_text())
    courses = site / "content/courses"
    os.symlink("user@host.1234:1700000000", courses / ".#ABC-DEF-1.md")
    for name in ("ABC-DEF-1.md~", "#ABC-DEF-1.md#", ".ABC-DEF-1.md.swp", "4913", "Thumbs.db", ".cache.md"):
        (courses / name).write_text("---\nbrouillon\n")
    (site / "assets/.DS_Store").write_bytes(b"\x00\x00")
    (site / "assets/css/site.css~").write_text("body{}")
    (site / "templates/#base.html#").write_text("{% broken")
    done = CliRunner().invoke(main, ["check", "--root", str(site)])
    assert done.exit_code == 0, done.stderr
    done = CliRunner().invoke(main, ["build", "--root", str(site), "--no-pdf"])
    assert done.exit_code == 0, done.stderr
    published = {str(p.relative_to(site / "public")) for p in (site / "public").rglob("*")}
    assert not {name for name in published if name.endswith(("~", ".DS_Store"))}
    (courses / "notes.txt").write_text("à ranger\n")
    done = CliRunner().invoke(main, ["check", "--root", str(site)])
    assert done.exit_code == 1
    assert "content/courses/notes.txt: error: not a course file (course files end with .md)" in done.stderr


def test_a_catalogue_emptied_by_mistake_is_not_published(published: Path):
    (published / COURSE).unlink()
    lines = build_fails(published, "--no-pdf")
    assert lines == ["content/courses: error: there is no course file: the site would publish an empty catalogue",
                     '  hint: add one with `lexom-site new course REF --title "…"`; to publish an empty catalogue on '
                     "purpose, use --allow-empty"]
    assert CliRunner().invoke(main, ["check", "--root", str(published)]).exit_code == 1
    assert CliRunner().invoke(main, ["check", "--root", str(published), "--allow-empty"]).exit_code == 0
    done = CliRunner().invoke(main, ["build", "--root", str(published), "--no-pdf", "--allow-empty"])
    assert done.exit_code == 0, done.stderr
    assert not (published / "public/formations").exists()


@pytest.mark.parametrize("address", ["https://www.lexom.fr/a&b/", "https://www.lexom.fr/'x'/", 'https://www.lexom.fr/"/',
                                     "https://www.lexom.fr/<script>/", "https://www.lexom.fr", "javascript:alert(1)//",
                                     "https://www.lexom.fr/a b/"])
def test_the_site_address_is_an_absolute_http_address(site: Path, address: str):
    """It is printed in every page, the sitemap, robots.txt and the PDFs: nothing in it may need escaping."""
    write_course(site, course_text())
    config = site / "site.yaml"
    text = config.read_text(encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("  base_url:"))
    config.write_text(text.replace("base_url: https://www.lexom.fr/", f"base_url: {json.dumps(address)}"),
                      encoding="utf-8")
    lines = build_fails(site, "--no-pdf")
    assert lines[0].startswith(f"site.yaml:{line}:13: error: 'base_url' '{address}' is not in the expected form")
    assert lines[1] == "  hint: write it like https://www.lexom.fr/ (http or https, a host name, ending with '/')"


def test_a_full_disk_is_said_plainly_and_the_site_stays_as_it_was(site: Path, tmp_path: Path):
    """No space left (or a quota, a read-only disk): not « internal error », but what happened, exit 1, and the
    previous site intact."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(disk)],
                                           capture_output=True).returncode != 0:
        pytest.skip("needs root to mount a small file system")
    try:
        write_course(site, course_text())
        command = [sys.executable, "-m", "lexom_site", "build", "--root", str(site), "--no-pdf", "--out",
                   str(disk / "public"), "--cache-dir", str(disk / "cache")]
        assert subprocess.run(command, capture_output=True).returncode == 0
        before = snapshot(disk / "public")
        free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
        (disk / "filler").write_bytes(b"\0" * max(0, free - 16_384))
        path = site / COURSE
        path.write_text(path.read_text(encoding="utf-8").replace("- Objectifs", "- Objectifs\n" + "- Point\n" * 2000),
                        encoding="utf-8")
        done = subprocess.run(command, capture_output=True, text=True)
        assert done.returncode == 1, done.stderr
        assert "No space left on device. The command stopped; what it was writing was not written, and the " \
               "previous site is as it was." in done.stderr
        assert "internal error" not in done.stderr and "Traceback" not in done.stderr
        assert snapshot(disk / "public") == before
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)


def test_the_printed_catalogue_on_a_full_disk_is_said_plainly(site: Path, monkeypatch):
    """qpdf writes the catalogue into the new site itself: a full disk there (/dev/full) is said as any other
    write, with the file's name, and nothing is published."""
    from lexom_site.build.staging import Staging

    write_course(site, course_text())
    file = Staging.file
    monkeypatch.setattr(Staging, "file", lambda self, path: Path("/dev/full") if path == "pdf/catalogue.pdf"
                        else file(self, path))
    done = CliRunner().invoke(main, ["build", "--root", str(site)])
    assert done.exit_code == 1
    assert done.stderr.strip().splitlines()[-1] == (
        "lexom-site: cannot write (/dev/full): No space left on device. The command stopped; what it was writing "
        "was not written, and the previous site is as it was.")
    assert not (site / "public").exists()


def test_yaml_keys_that_are_not_names_are_errors_at_their_line(site: Path):
    """YAML allows a list or a mapping as a key (`? [a, b]`): no field is one; said at the line, not a crash."""
    write_course(site, course_text().replace("\nupdated:", "\n? [a, b]\n: x\nupdated:"))
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "? {a: b}\n: x\n", encoding="utf-8")
    line = len(config.read_text(encoding="utf-8").splitlines()) - 1
    done = CliRunner().invoke(main, ["check", "--root", str(site)])
    assert done.exit_code == 1
    assert f"site.yaml:{line}:3: error: a field name must be a plain name, not a list or a mapping" in done.stderr
    config.write_text(config.read_text(encoding="utf-8").replace("? {a: b}\n: x\n", ""), encoding="utf-8")
    line = (site / COURSE).read_text(encoding="utf-8").splitlines().index("? [a, b]") + 1
    done = CliRunner().invoke(main, ["check", "--root", str(site)])
    assert done.stderr.splitlines()[0] == f"{COURSE}:{line}:3: error: a field name must be a plain name, not a list " \
        "or a mapping"
    assert "1 error found" in done.stderr  # (not also an unknown field)


def test_characters_the_pdfs_cannot_print_or_no_one_sees_are_refused_by_check_at_their_place(site: Path):
    """What check accepts, the build prints: a character the fonts cannot draw (a check mark, Chinese, a private-use
    bullet) is an error at its line and column, not a build failure blamed on a template; invisible characters
    (controls, separators, bidirectional overrides, zero-width) too, and a line separator does not shift the lines
    after it."""
    text = course_text(title="title: Excel ✓ débutant").replace("- Tableau de bord", "- Tableau 中文 de bord\uf0b7")
    write_course(site, text)
    lines = text.splitlines()
    title = next(n for n, line in enumerate(lines, 1) if line.startswith("title:"))
    bullet = next(n for n, line in enumerate(lines, 1) if "中文" in line)
    done = CliRunner().invoke(main, ["check", "--root", str(site)])
    assert done.exit_code == 1
    assert done.stderr.splitlines()[:4] == [
        f"{COURSE}:{title}:14: error: « ✓ » (U+2713) cannot be printed: the PDF fonts have no such character",
        "  hint: replace it by a letter or a sign of the French keyboard, or say it in words",
        f"{COURSE}:{bullet}:11: error: « 中 » (U+4E2D) cannot be printed: the PDF fonts have no such character",
        "  hint: replace it by a letter or a sign of the French keyboard, or say it in words"]

    for char, what in (("\u2028", "a line separator"), ("\x85", "a line break for YAML (NEL)"),
                       ("\x1b", "an invisible control character"), ("\x0c", "an invisible control character"),
                       ("\u202e", "a right-to-left override"), ("\u200b", "a zero-width space"),
                       ("\ufffe", "an invisible character")):
        bad = course_text(title=f"title: Piloter{char} un projet").replace("- Objectifs", f"- Obj{char}ectifs")
        write_course(site, bad)
        rows = bad.split("\n")
        title = next(n for n, line in enumerate(rows, 1) if line.startswith("title:"))
        bullet = next(n for n, line in enumerate(rows, 1) if line.startswith(f"- Obj{char}"))
        done = CliRunner().invoke(main, ["check", "--root", str(site)])
        assert done.exit_code == 1, repr(char)
        code = f"U+{ord(char):04X}"
        errors = [line for line in done.stderr.splitlines() if ": error: " in line]
        assert errors == [f"{COURSE}:{title}:15: error: contains {what} ({code})",
                          f"{COURSE}:{bullet}:6: error: contains {what} ({code})"], repr(char)


def test_the_cgv_carries_no_picture_and_links_only_to_web_or_mail_addresses(site: Path):
    """In its text or through a fact's value: refused at cgv.md's line, before the CGV page (--no-pdf) would show a
    picture from another site or the build fail on it."""
    write_course(site, course_text())
    cgv = site / "content/legal/cgv.md"
    original = cgv.read_text(encoding="utf-8")
    anchor = "En passant la commande d'une formation"
    text = original.replace(anchor, "![logo](https://tracker.example/pixel.png) [voir](file:///etc/passwd) "
                            "[x](data:text/html,hi) {{ mediator_logo }} " + anchor, 1)
    cgv.write_text(text, encoding="utf-8")
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "facts:\n", "facts:\n  mediator_logo: \"![m](http://example.org/m.png)\"\n", 1), encoding="utf-8")
    line = text.splitlines().index(next(row for row in text.splitlines() if anchor in row)) + 1
    for extra in ([], ["--no-pdf"]):
        lines = build_fails(site, *extra)
        errors = [row for row in lines if ": error: " in row and " is not allowed" in row]
        assert errors == [
            f"content/legal/cgv.md:{line}:1: error: image 'https://tracker.example/pixel.png' is not allowed in the CGV",
            f"content/legal/cgv.md:{line}:44: error: link to 'file:///etc/passwd' is not allowed: it would be dropped",
            f"content/legal/cgv.md:{line}:71: error: link to 'data:text/html,hi' is not allowed: it would be dropped",
            f"content/legal/cgv.md:{line}:94: error: image 'http://example.org/m.png' is not allowed in the CGV"], extra


def test_a_link_definition_in_the_cgv_is_refused_at_its_line_not_dropped(site: Path):
    """CommonMark takes « [m]: https://… » out of the text (to serve [médiateur][m]): a line of the CGV would have
    vanished from the page and the sheets without a word."""
    write_course(site, course_text())
    cgv = site / "content/legal/cgv.md"
    anchor = "En passant la commande d'une formation"
    text = cgv.read_text(encoding="utf-8").replace(
        anchor, "Voir le [médiateur][m].\n\n[m]: https://www.cm2c.net\n\n" + anchor, 1)
    cgv.write_text(text, encoding="utf-8")
    line = text.splitlines().index("[m]: https://www.cm2c.net") + 1
    done = CliRunner().invoke(main, ["check", "--root", str(site)])
    assert done.exit_code == 1
    assert done.stderr.splitlines()[:2] == [
        f"content/legal/cgv.md:{line}:1: error: « [m]: https://www.cm2c.net » would not be shown: Markdown reads "
        "it as a link definition, which the CGV do not use",
        "  hint: write the address in the link itself: [text](https://…), and delete this line"], done.stderr


def test_long_words_and_addresses_stay_on_the_page_and_are_never_hyphenated(site: Path):
    """A 3,000-character word is broken to stay on the page, with nothing added; an address in the text or in a
    link is broken without the hyphen a reader would copy with it."""
    import pypdf
    import pypdfium2 as pdfium

    word = "".join(chr(ord("a") + (n * 7) % 26) for n in range(3000))
    url = "https://www.exemple-de-formation.fr/programmes/developpement/communication-interpersonnelle/" \
          "fiche-detaillee-et-modalites-dinscription.html"
    write_course(site, course_text().replace("- Tableau de bord", f"- {word}\n- Voir {url} et <{url}>"))
    assert CliRunner().invoke(main, ["build", "--root", str(site)]).exit_code == 0
    path = site / "public/pdf/ABC-DEF-1.pdf"
    document = pdfium.PdfDocument(path)
    try:  # only what is drawn on the page (a word running off it would not be there)
        on_pages = "".join(page.get_textpage().get_text_bounded(left=0, bottom=0, right=page.get_width(),
                                                                top=page.get_height()) for page in document)
    finally:
        document.close()
    assert word[-40:] in on_pages.replace("\x02", "").replace("\r\n", "")  # (the end of it too)
    # the glyphs drawn, as the content says (pdfium would hide a hyphen the layout added)
    drawn = "".join(page.extract_text() for page in pypdf.PdfReader(path).pages).replace("\n", "")
    assert word in drawn  # every letter, nothing inserted
    assert drawn.count(url) == 2  # as text and as a link, whole


@pytest.mark.parametrize("css", [".cgv p { color: #fff; }", ".cgv p { font-size: 0.5pt; }", ".cgv p { opacity: 0.1; }",
                                 ".cgv p { color: #f4f4f4; }"])
def test_a_cgv_the_reader_cannot_see_fails_the_build(site: Path, css: str):
    """The CGV must come out word for word and be seen: text hidden by a stylesheet (white, tiny, transparent,
    too pale) counts as missing, and nothing is published."""
    write_course(site, course_text())
    stylesheet = site / "assets/css/pdf.css"
    stylesheet.write_text(stylesheet.read_text(encoding="utf-8") + f"\n{css}\n", encoding="utf-8")
    lines = build_fails(site)
    assert any(line.startswith("templates/pdf/cgv.html: error: in the CGV pages of the PDF sheets: ") for line in lines)
    assert any("no smaller than 6 pt, dark enough on white, not hidden" in line for line in lines)


def test_a_hidden_cgv_and_a_broken_sheet_template_are_both_said_in_one_run(site: Path):
    """The CGV part is verified as soon as it is laid out, while the course parts still are: what it finds and
    what the course layouts find are reported together."""
    write_course(site, course_text())
    stylesheet = site / "assets/css/pdf.css"
    stylesheet.write_text(stylesheet.read_text(encoding="utf-8") + "\n.cgv p { color: #fff; }\n", encoding="utf-8")
    template = site / "templates/pdf/sheet.html"
    template.write_text(template.read_text().replace(
        '<div class="running-header">', '<img src="assets/missing.png"><div class="running-header">', 1))
    lines = build_fails(site)
    assert any(line.startswith("templates/pdf/sheet.html: error: PDF rendering: Failed to load image") for line in lines)
    assert any(line.startswith("templates/pdf/cgv.html: error: in the CGV pages of the PDF sheets: ") for line in lines)


def test_sources_that_cannot_be_read_and_a_link_loop_in_the_site_are_said_plainly(published: Path):
    """A CGV that is a folder, a loop of links left in the published folder: a message each (or a build that
    goes on), never « internal error »."""
    os.symlink("boucle2", published / "public/boucle1")
    os.symlink("boucle1", published / "public/boucle2")
    done = CliRunner().invoke(main, ["build", "--root", str(published), "--no-pdf"])
    assert done.exit_code == 0, done.stderr  # the folder is replaced whole: the loop goes with it
    assert not (published / "public/boucle1").is_symlink()
    cgv = published / "content/legal/cgv.md"
    text = cgv.read_text(encoding="utf-8")
    cgv.unlink()
    cgv.mkdir()
    done = CliRunner().invoke(main, ["build", "--root", str(published), "--no-pdf"])
    assert done.exit_code == 1 and "internal error" not in done.stderr
    assert "content/legal/cgv.md: error: is not a regular file (a folder, a pipe or a device)" in done.stderr
    cgv.rmdir()
    cgv.write_text(text, encoding="utf-8")
