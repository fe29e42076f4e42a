"""The benchmark runs (bench/bench.py): a small catalogue built, rebuilt and edited as at N = 1,000, so that a
change to the build or the content rules cannot break it unnoticed until someone measures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_the_benchmark_runs_on_a_small_catalogue():
    done = subprocess.run([sys.executable, str(REPO / "bench" / "bench.py"), "-n", "5", "--naive-sample", "2"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["courses"] == 5
    assert result["noop_files_rewritten"] == 0  # a rebuild with nothing changed rewrites nothing
    # an edited course: its page, its sheet and the printed catalogue (checked by the bench to hold the new text)
    edited = result["edit_one_files_rewritten"]
    assert len(edited) == 3 and edited[1].startswith("pdf/") and edited[2] == "pdf/catalogue.pdf", edited
    assert edited[0].startswith("formations/") and edited[0].endswith("/index.html"), edited
    assert result["catalogue_pages"] > 5 and result["naive_s_per_sheet"] > 0 and result["peak_rss_mb"] > 0
