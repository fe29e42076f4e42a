#!/usr/bin/env python3
"""`python build.py [OPTIONS]` does exactly what `lexom-site build [OPTIONS]` does."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from lexom_site.cli import build  # noqa: E402

if __name__ == "__main__":
    build(prog_name="build.py")
