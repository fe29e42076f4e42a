"""The build: load, plan, render, check, make the PDFs, publish; incremental through the cache.

`build_site` is what `lexom-site build` runs. This module stays light: it
answers a build with nothing to do before the heavy libraries are loaded.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from .context import BuildReport


def build_site(root: Path, out_dir: Path | None = None, *, pdf: bool = True, jobs: int | None = None,
               cache_dir: Path | None = None, shard: tuple[int, int] | None = None,
               progress: Callable[[str, int, int], None] | None = None, strict: bool = False,
               waiting: Callable[[], None] | None = None, allow_empty: bool = False) -> BuildReport:
    """`lexom-site build`: the cheap up-to-date check first (nothing else is
    loaded when nothing changed), then the PDF workers, started before the
    build's own modules are even imported (loading WeasyPrint in them is the
    longest wait of a small rebuild; as many as the sheets to make when only
    a few course files changed), then the build (pipeline.build). One build
    at a time per cache folder: `waiting()` is called when another one runs
    and this one waits for it."""
    from ..paths import locations
    from .cache import build_lock, check_cache_dir
    from .context import BuildReport
    from .freshness import check_freshness
    from .staging import check_output_dir

    started = time.perf_counter()
    root, out_dir, cache_dir = locations(root, out_dir, cache_dir)
    check_output_dir(out_dir, root)
    check_cache_dir(cache_dir, root, out_dir)
    with contextlib.ExitStack() as stack:
        stack.enter_context(build_lock(cache_dir, waiting))  # (before anything is read: the other build may change it)
        freshness = None
        if shard is None:
            freshness = check_freshness(root, out_dir, cache_dir, pdf=pdf, strict=strict)
            if freshness.done:
                return BuildReport(out_dir, 0, 0, len(freshness.cache.outputs), time.perf_counter() - started,
                                   up_to_date=True)
        if pdf:  # (what WeasyPrint needs, looked for before any worker starts: a worker would fail obscurely)
            from ..environment import environment_problems

            problems = environment_problems()
            if problems:
                from ..diagnostics import BuildError

                raise BuildError(problems)
        from ..render.pdf_pool import PdfPool

        pool = stack.enter_context(PdfPool(jobs, cache_dir, start=freshness.sheets if freshness else None)) \
            if pdf else None
        from .pipeline import build

        return build(root, out_dir, pdf=pdf, progress=progress, jobs=jobs, cache_dir=cache_dir, shard=shard,
                     freshness=freshness, pool=pool, strict=strict, waiting=waiting, allow_empty=allow_empty)
