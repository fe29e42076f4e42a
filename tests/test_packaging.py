"""The package as others install it: `python -m build` makes a wheel and an sdist without warnings, and the wheel,
installed in a fresh virtual environment, builds a content project that has no templates/ or assets/ of its own
(those of the wheel are used) to the same bytes as this repository does."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO


def hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_wheel_installs_anywhere_and_builds_the_real_catalogue(tmp_path: Path):
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    # (run from elsewhere: in the repository, `python -m build` would be its build.py)
    made = subprocess.run([sys.executable, "-m", "build", "--outdir", str(tmp_path / "dist"), str(REPO)],
                          cwd=tmp_path, capture_output=True, text=True, env=environment, timeout=600)
    assert made.returncode == 0, made.stdout + made.stderr
    output = (made.stdout + made.stderr).splitlines()
    assert [line for line in output if "warning" in line.lower() and "Location 'file:" not in line] == []
    wheel = next((tmp_path / "dist").glob("lexom_site-*.whl"))
    assert next((tmp_path / "dist").glob("lexom_site-*.tar.gz"))

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    installed = subprocess.run([str(venv / "bin/python"), "-m", "pip", "install", "-q", str(wheel)],
                               capture_output=True, text=True, env=environment, timeout=900)
    assert installed.returncode == 0, installed.stderr

    project = tmp_path / "contenu"  # what an editors' repository holds: content and configuration only
    project.mkdir()
    shutil.copytree(REPO / "content", project / "content")
    shutil.copy(REPO / "site.yaml", project / "site.yaml")
    command = [str(venv / "bin/lexom-site"), "build", "--root", str(project)]
    built = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=600)
    assert built.returncode == 0, built.stderr
    reference = subprocess.run([sys.executable, "-m", "lexom_site", "build", "--root", str(REPO), "--out",
                                str(tmp_path / "reference"), "--cache-dir", str(tmp_path / "cache")],
                               capture_output=True, text=True, env=environment, timeout=600)
    assert reference.returncode == 0, reference.stderr
    published = hashes(project / "public")
    assert "pdf/catalogue.pdf" in published and "assets/css/pdf.css" in published
    assert published == hashes(tmp_path / "reference")
    version = subprocess.run([str(venv / "bin/lexom-site"), "--version"], capture_output=True, text=True).stdout
    assert version.startswith("lexom-site 0.1.0 (WeasyPrint 70.0, ")
