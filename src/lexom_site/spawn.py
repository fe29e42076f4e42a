"""Starting programs from a process that also forks workers.

`subprocess.Popen` learns that the program started when a pipe it opened
for the purpose is closed by the program's exec. A worker forked by another
thread at that very moment (the PDF pool starting or replacing a worker, the
parallel check) inherits the pipe and holds it open as long as it lives:
Popen then waits forever, and so does the build (seen when the search index
started while the PDF workers were being forked). Here, forks (`os.fork`, as
multiprocessing does) and program starts take turns.
"""

from __future__ import annotations

import os
import subprocess
import threading
from typing import Any

_TURN = threading.RLock()
os.register_at_fork(before=_TURN.acquire, after_in_parent=_TURN.release, after_in_child=_TURN.release)


def start(command: list[str], **options: Any) -> subprocess.Popen:
    """subprocess.Popen(command, **options), never while a worker is being forked."""
    with _TURN:
        return subprocess.Popen(command, **options)


def run(command: list[str], **options: Any) -> int:
    """Run a program to its end; its exit status."""
    with start(command, **options) as process:
        return process.wait()
