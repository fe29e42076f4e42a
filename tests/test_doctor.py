"""`lexom-site doctor`, `--version`, and builds on a machine that lacks something.

A dependency is made unavailable for real: a library file hidden (a bind
mount of /dev/null over it, in a mount namespace of its own: needs root, as
CI runs), a program left out of PATH. The exact French messages and the
install commands are asserted.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import course_text, write_tree

from lexom_site.environment import LIBRARIES

LEXOM_SITE = [sys.executable, "-m", "lexom_site"]


def library_file(name: str) -> str:
    """The file this process loads for one of WeasyPrint's libraries."""
    for candidate in LIBRARIES[name]:
        try:
            ctypes.CDLL(candidate)
        except OSError:
            continue
        stem = candidate.split(".so")[0]
        for line in Path("/proc/self/maps").read_text().splitlines():
            path = line.split()[-1]
            if "/" in path and os.path.basename(path).startswith(stem + ".so"):
                return os.path.realpath(path)
    raise AssertionError(f"{name} is not loaded here")


def hidden(*files: str, command: list[str], env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `command` with `files` unreadable (each replaced by an empty file), for it alone."""
    if os.geteuid() != 0 or not shutil.which("unshare"):
        pytest.skip("needs root and unshare to hide a file from one command")
    mounts = " && ".join(f"mount --bind /dev/null '{path}'" for path in files) or "true"
    script = f"{mounts} && exec \"$@\""
    return subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", *command], capture_output=True, text=True,
                          env={**(env or os.environ), "LEXOM_LANG": "fr"}, timeout=120)  # (what editors read)


def test_doctor_says_all_is_well_and_the_version_names_what_the_pdfs_use(site: Path):
    done = subprocess.run([*LEXOM_SITE, "doctor", "--root", str(site)], capture_output=True, text=True,
                          env={**os.environ, "LEXOM_LANG": "fr"})
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert [line.split(" : ")[0] for line in lines] == ["✓ Python", "✓ Pango", "✓ HarfBuzz-Subset", "✓ fontconfig",
                                                      "✓ Pagefind", "✓ Polices", "✓ Dossier du site", "✓ Cache"]
    assert done.stderr == "Tout est prêt.\n"
    version = subprocess.run([*LEXOM_SITE, "--version"], capture_output=True, text=True).stdout
    assert version.startswith("lexom-site 0.1.0 (WeasyPrint 70.0, Pango 1.") and ", HarfBuzz " in version


@pytest.mark.parametrize("library, line, install", [
    ("harfbuzz-subset", "✗ HarfBuzz-Subset : introuvable : les polices des PDF ne peuvent pas être réduites comme il "
     "faut (les PDF ne seraient plus identiques d'une machine à l'autre)",
     "    Debian/Ubuntu : sudo apt-get install libharfbuzz-subset0"),
    ("pango", "✗ Pango : introuvable (bibliothèque pango, pangoft2) : WeasyPrint ne peut pas mettre les PDF en page",
     "    Debian/Ubuntu : sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0"),
    ("fontconfig", "✗ fontconfig : introuvable : WeasyPrint ne trouve pas les polices",
     "    Debian/Ubuntu : sudo apt-get install libfontconfig1"),
])
def test_a_missing_library_is_named_with_its_install_command_and_the_build_says_so(site: Path, library: str,
                                                                                   line: str, install: str):
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}")
    path = library_file(library)
    done = hidden(path, command=[*LEXOM_SITE, "doctor", "--root", str(site)])
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert line in lines and lines[lines.index(line) + 1] == install
    assert re.search(r"\n?\d problèmes? : installez ce qui manque, puis relancez `lexom-site doctor`.\n$", done.stderr)
    # a build says the same, before laying anything out, and blames no template
    done = hidden(path, command=[*LEXOM_SITE, "build", "--root", str(site)])
    assert done.returncode == 1
    name = line[2:].split(" : ")[0]
    assert f"{name}: erreur : " in done.stderr or library == "fontconfig"  # (Pango needs fontconfig: named first)
    assert "(il manque à cette machine, pas au site)" in done.stderr
    assert f"  conseil : {install.strip()} ; `lexom-site doctor` vérifie tout ce dont lexom-site a besoin " \
           "sur cette machine" in done.stderr
    assert "templates/" not in done.stderr and "erreur interne" not in done.stderr
    assert not (site / "public").exists()


def test_pagefind_a_read_only_folder_and_the_test_tools(site: Path, tmp_path: Path):
    from pagefind_bin import get_executable

    done = hidden(os.path.realpath(get_executable()), command=[*LEXOM_SITE, "doctor", "--root", str(site)])
    assert done.returncode == 1
    assert any(line.startswith("✗ Pagefind : ") and line.endswith(" : la recherche du site ne peut pas être "
                                                                   "construite") for line in done.stdout.splitlines())
    assert "    Debian/Ubuntu : .venv/bin/python -m pip install 'pagefind[bin]==1.5.2' (ou ./dev.sh setup)" \
        in done.stdout.splitlines()

    read_only = tmp_path / "lecture-seule"
    read_only.mkdir()
    done = hidden(command=["sh", "-c", f"mount --bind '{read_only}' '{read_only}' && mount -o remount,ro,bind "
                           f"'{read_only}' && exec \"$@\"", "sh", *LEXOM_SITE, "doctor", "--root", str(site),
                           "--out", str(read_only / "public")])
    assert done.returncode == 1
    assert f"✗ Dossier du site : {read_only / 'public'} n'est pas inscriptible" in done.stdout.splitlines()

    done = subprocess.run([*LEXOM_SITE, "doctor", "--root", str(site), "--tests"], capture_output=True, text=True,
                          env={**os.environ, "PATH": str(Path(sys.executable).parent), "LEXOM_CHROMIUM": "/nulle/part",
                               "LEXOM_LANG": "fr"})
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert "✗ Chromium : introuvable (tests du navigateur)" in lines
    assert "✗ Java : « java » introuvable dans le PATH (tests des validateurs)" in lines
    assert lines[lines.index("✗ Java : « java » introuvable dans le PATH (tests des validateurs)") + 1] == \
        "    Debian/Ubuntu : sudo apt-get install default-jre-headless"
    assert "✗ Node.js : « node » introuvable dans le PATH (tests des validateurs)" in lines
