"""Processes: programs started from a process that also forks workers, and
the stop signals of those workers.

`subprocess.Popen` learns that the program started when a pipe it opened
for the purpose is closed by the program's exec. A worker forked by another
thread at that very moment (the PDF pool starting or replacing a worker, the
parallel check) inherits the pipe and holds it open as long as it lives:
Popen then waits forever, and so does the build (seen when the search index
started while the PDF workers were being forked). Here, forks (`os.fork`, as
multiprocessing does) and program starts take turns.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from typing import Any, Iterator

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


# --- worker processes ---------------------------------------------------------------------------------------

_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def forking_workers() -> Iterator[None]:
    """Start worker processes in this block: they are born with Ctrl-C and
    SIGTERM held, so that the command's own handlers, which a fork copies,
    never run in them; `worker_signals` gives them theirs."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def worker_signals() -> None:
    """In a worker: Ctrl-C is the main process's business; SIGTERM, with which
    a pool stops its workers, ends the worker at once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
