#!/usr/bin/env python3
"""`python build.py [OPTIONS]` does exactly what `lexom-site build [OPTIONS]` does."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from lexom_site.cli import main  # noqa: E402

if __name__ == "__main__":
    main(["build", *sys.argv[1:]], prog_name="build.py")
