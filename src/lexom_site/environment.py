"""What this machine must have for lexom-site to work, checked in a second:
`lexom-site doctor`, the build's check before it starts PDF workers, and
`lexom-site --version`.

Each check says what is missing and the exact command that installs it
(Debian/Ubuntu, Fedora, macOS with Homebrew). The libraries are looked for
the way WeasyPrint loads them (the same names, with ctypes), so that nothing
heavy is imported to find out. Messages are written in English and read in
French by default (i18n.py): editors read them.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .diagnostics import Diagnostic
from .i18n import N_, _

MIN_PYTHON = (3, 11)
MIN_PANGO = (1, 44)  # WeasyPrint 70's minimum
MIN_HARFBUZZ_SUBSET = (4, 1)  # below it, WeasyPrint subsets fonts with fontTools: other bytes

# the names WeasyPrint tries (weasyprint/text/ffi.py), per library
LIBRARIES = {
    "gobject": ("libgobject-2.0-0", "gobject-2.0-0", "gobject-2.0", "libgobject-2.0.so.0", "libgobject-2.0.0.dylib"),
    "pango": ("libpango-1.0-0", "pango-1.0-0", "pango-1.0", "libpango-1.0.so.0", "libpango-1.0.dylib"),
    "pangoft2": ("libpangoft2-1.0-0", "pangoft2-1.0-0", "pangoft2-1.0", "libpangoft2-1.0.so.0",
                 "libpangoft2-1.0.dylib"),
    "harfbuzz": ("libharfbuzz-0", "harfbuzz", "harfbuzz-0.0", "libharfbuzz.so.0", "libharfbuzz.0.dylib"),
    "harfbuzz-subset": ("libharfbuzz-subset-0", "harfbuzz-subset", "harfbuzz-subset-0.0", "libharfbuzz-subset.so.0",
                        "libharfbuzz-subset.0.dylib"),
    "fontconfig": ("libfontconfig-1", "fontconfig-1", "fontconfig", "libfontconfig.so.1", "libfontconfig.1.dylib"),
}


@dataclass(frozen=True)
class Install:
    """How to install a missing piece, per system."""

    debian: str
    fedora: str = ""
    macos: str = ""

    def lines(self) -> list[str]:
        return [_("{system}: {command}").format(system=system, command=_(command)) for system, command in (
            ("Debian/Ubuntu", self.debian), ("Fedora", self.fedora), ("macOS (Homebrew)", self.macos)) if command]


PANGO = Install("sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0", "sudo dnf install pango", "brew install pango")
HARFBUZZ = Install("sudo apt-get install libharfbuzz-subset0", "sudo dnf install harfbuzz", "brew install harfbuzz")
FONTCONFIG = Install("sudo apt-get install libfontconfig1", "sudo dnf install fontconfig", "brew install fontconfig")
PYTHON = Install(N_("sudo apt-get install python3 python3-venv (Python 3.11 or later: Debian 12, Ubuntu 24.04)"),
                 "sudo dnf install python3", "brew install python@3.12")
PAGEFIND = Install(N_(".venv/bin/python -m pip install 'pagefind[bin]==1.5.2' (or ./dev.sh setup)"))
CHROMIUM = Install(N_("sudo apt-get install chromium (or LEXOM_CHROMIUM=/path/to/chromium)"), "sudo dnf install chromium",
                   "brew install --cask chromium")
JAVA = Install("sudo apt-get install default-jre-headless", "sudo dnf install java-21-openjdk-headless",
               "brew install openjdk")
NODE = Install("sudo apt-get install nodejs npm", "sudo dnf install nodejs npm", "brew install node")


@dataclass(frozen=True)
class Check:
    """One thing checked: what, whether it is there, what was found or is wrong, how to fix it."""

    name: str
    ok: bool
    detail: str
    install: Install | None = None
    fix: str = ""  # when it is not a package to install (a folder's rights...)

    def lines(self) -> list[str]:
        mark = "✓" if self.ok else "✗"
        out = [_("{mark} {name}: {detail}").format(mark=mark, name=self.name, detail=self.detail)]
        if not self.ok:
            out += [f"    {line}" for line in (self.install.lines() if self.install else [])]
            if self.fix:
                out.append(f"    {self.fix}")
        return out


def load_library(names: tuple[str, ...]) -> ctypes.CDLL | None:
    for name in names:
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    return None


def _version_string(library: ctypes.CDLL | None, function: str) -> str | None:
    if library is None or not hasattr(library, function):
        return None
    getter = getattr(library, function)
    getter.restype = ctypes.c_char_p
    return getter().decode("ascii", "replace")


def _as_tuple(version: str | None) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version or "")[:3])


def library_versions() -> dict[str, str | None]:
    """Pango's and HarfBuzz's versions as loaded here (None: not found)."""
    return {"pango": _version_string(load_library(LIBRARIES["pango"]), "pango_version_string"),
            "harfbuzz": _version_string(load_library(LIBRARIES["harfbuzz"]), "hb_version_string")}


def pdf_checks() -> list[Check]:
    """What the PDFs need: Pango (with GObject and PangoFT2), HarfBuzz with its subsetting library, fontconfig."""
    checks = []
    missing = [name for name in ("gobject", "pango", "pangoft2") if load_library(LIBRARIES[name]) is None]
    pango = library_versions()["pango"]
    if missing or pango is None:
        checks.append(Check("Pango", False, _("not found (library {names}): WeasyPrint cannot lay out the PDFs")
                            .format(names=", ".join(missing or ["pango"])), PANGO))
    elif _as_tuple(pango) < MIN_PANGO:
        checks.append(Check("Pango", False, _("version {version}, too old (WeasyPrint needs {minimum} or later)")
                            .format(version=pango, minimum=".".join(map(str, MIN_PANGO))), PANGO))
    else:
        checks.append(Check("Pango", True, _("version {version}").format(version=pango)))
    subset = load_library(LIBRARIES["harfbuzz-subset"])
    harfbuzz = library_versions()["harfbuzz"]
    if subset is None or harfbuzz is None:
        checks.append(Check("HarfBuzz-Subset", False, _("not found: the PDFs' fonts cannot be subset as they must "
                                                        "be (the PDFs would no longer be the same from one machine "
                                                        "to another)"), HARFBUZZ))
    elif _as_tuple(harfbuzz) < MIN_HARFBUZZ_SUBSET:
        checks.append(Check("HarfBuzz-Subset", False, _("version {version}, too old ({minimum} or later is needed)")
                            .format(version=harfbuzz, minimum=".".join(map(str, MIN_HARFBUZZ_SUBSET))), HARFBUZZ))
    else:
        checks.append(Check("HarfBuzz-Subset", True, f"HarfBuzz {harfbuzz}"))
    if load_library(LIBRARIES["fontconfig"]) is None:
        checks.append(Check("fontconfig", False, _("not found: WeasyPrint cannot find the fonts"), FONTCONFIG))
    else:
        checks.append(Check("fontconfig", True, _("present")))
    return checks


def python_check() -> Check:
    version = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info[:2] < MIN_PYTHON:
        return Check("Python", False, _("{version}, too old ({minimum} or later is needed)").format(
            version=version, minimum=".".join(map(str, MIN_PYTHON))), PYTHON)
    return Check("Python", True, version)


def pagefind_check() -> Check:
    """The search index's program (from the pagefind[bin] package)."""
    try:
        from pagefind_bin import get_executable  # type: ignore[import-not-found]

        program = Path(get_executable())
        done = subprocess.run([str(program), "--version"], capture_output=True, text=True, timeout=20)
        if done.returncode == 0 and done.stdout.strip():
            return Check("Pagefind", True, done.stdout.strip())
        detail = _("the program {program} does not work").format(program=program)
    except (ImportError, OSError, subprocess.SubprocessError) as exc:
        detail = (_("not found ({error})").format(error=f"{type(exc).__name__}: {exc}")
                  if not isinstance(exc, ImportError) else _("not found"))
    return Check("Pagefind", False, _("{detail}: the site's search cannot be built").format(detail=detail), PAGEFIND)


def fonts_check(root: Path) -> Check:
    """The font files the PDF stylesheets name exist and can be read."""
    from .paths import ASSETS_DIR, project_or_bundled

    css_dir = project_or_bundled(root, ASSETS_DIR) / "css"
    named = sorted({match for css in (sorted(css_dir.glob("*.css")) if css_dir.is_dir() else [])
                    for match in re.findall(r"url\(['\"]?([^'\")]+\.(?:ttf|otf|woff2?))", css.read_text("utf-8"))})
    if not named:
        return Check(_("Fonts"), True, _("no font declared in assets/css"))
    missing = [name for name in named if not (css_dir / name).resolve().is_file()]
    if missing:
        return Check(_("Fonts"), False, _("files not found: {files}").format(files=", ".join(missing)),
                     fix=_("put these files back in assets/fonts/ (git checkout assets/fonts)"))
    return Check(_("Fonts"), True, _("{count} font file(s)").format(count=len(named)))


def writable_check(name: str, folder: Path) -> Check:
    """`folder` (or the nearest existing folder above it) can be written."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.is_dir() and os.access(existing, os.W_OK | os.X_OK):
        return Check(name, True, _("{folder} (writable)").format(folder=folder))
    return Check(name, False, _("{folder} is not writable").format(folder=folder),
                 fix=_("give yourself the right to write in {folder}, or choose another folder (--out, --cache-dir)")
                 .format(folder=existing))


def test_checks() -> list[Check]:
    """What the browser and validator tests need."""
    chromium = os.environ.get("LEXOM_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser") \
        or "/usr/bin/chromium"
    checks = [Check("Chromium", True, chromium) if Path(chromium).is_file() and os.access(chromium, os.X_OK)
              else Check("Chromium", False, _("not found (browser tests)"), CHROMIUM)]
    for name, program, install in (("Java", "java", JAVA), ("Node.js", "node", NODE), ("npm", "npm", NODE)):
        found = shutil.which(program)
        checks.append(Check(name, True, found) if found else
                      Check(name, False, _("'{program}' not found in the PATH (validator tests)").format(
                          program=program), install))
    return checks


def doctor_checks(root: Path, out_dir: Path, cache_dir: Path, *, tests: bool = False) -> list[Check]:
    checks = [python_check(), *pdf_checks(), pagefind_check(), fonts_check(root),
              writable_check(_("Site folder"), out_dir), writable_check(_("Cache"), cache_dir)]
    return checks + (test_checks() if tests else [])


def version_line() -> str:
    """`lexom-site --version`: this version, and those of what the PDFs depend on."""
    def installed(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "absent"

    versions = library_versions()
    return (f"lexom-site {installed('lexom-site')} (WeasyPrint {installed('weasyprint')}, "
            f"Pango {versions['pango'] or 'absent'}, HarfBuzz {versions['harfbuzz'] or 'absent'}, "
            f"pikepdf {installed('pikepdf')}, Python {'.'.join(map(str, sys.version_info[:3]))})")


ENVIRONMENT_HINT = N_("`lexom-site doctor` checks everything lexom-site needs on this machine")


def environment_problems() -> list[Diagnostic]:
    """What the PDFs need and this machine lacks, as errors a build reports before it lays anything out."""
    return [as_diagnostic(check) for check in pdf_checks() if not check.ok]


def as_diagnostic(check: Check) -> Diagnostic:
    install = check.install.lines()[0] if check.install else check.fix
    return Diagnostic(check.name, 0, 0, _("{detail} (this machine lacks it, not the site)").format(
        detail=check.detail), hint=_("{install}; {hint}").format(install=install, hint=_(ENVIRONMENT_HINT)))


def weasyprint_environment_problem(message: str) -> Diagnostic | None:
    """A WeasyPrint warning that is about this machine, not the templates: as such (else None)."""
    if "HarfBuzz" in message or "harfbuzz" in message:
        return as_diagnostic(next((c for c in pdf_checks() if c.name == "HarfBuzz-Subset" and not c.ok),
                                  Check("HarfBuzz-Subset", False, _("WeasyPrint could not use it: {message}").format(
                                      message=message), HARFBUZZ)))
    if "cannot load library" in message or "fontconfig" in message.lower():
        return Diagnostic(_("libraries"), 0, 0, _("WeasyPrint: {message} (this machine lacks it, not the site)")
                          .format(message=message), hint=_(ENVIRONMENT_HINT))
    return None
