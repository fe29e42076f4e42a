"""How the commands speak to people: problems printed as `path:line:col`
(and as GitHub annotations in a workflow), messages silenced by -q or shown
by -v, and the exits of every command: Ctrl-C and SIGTERM stop it cleanly
(130), a reader that stops reading is not an error, and a bug ends with a
plain sentence (3), never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import signal
import sys
import threading
from typing import Callable, Iterator

import click

from .diagnostics import Diagnostic, printable, safe_line
from .i18n import _, ngettext


def say(text: str, *, err: bool = False, nl: bool = True) -> None:
    """Print text that holds what files hold (paths, lines of a sheet): each line printable (no escape sequence
    reaches the terminal) and never a workflow command under GitHub Actions."""
    click.echo(safe_line("\n".join(printable(line) for line in text.split("\n"))), err=err, nl=nl)


def report_problems(diagnostics: list[Diagnostic], summary: bool = True) -> None:
    annotate = os.environ.get("GITHUB_ACTIONS") == "true"
    for diagnostic in diagnostics:
        click.echo(diagnostic.format(), err=True)
        if annotate:
            click.echo(diagnostic.github_annotation())
    errors = sum(d.is_error for d in diagnostics)
    if errors and summary:
        click.secho(ngettext("{count} error found; nothing was written.", "{count} errors found; nothing was written.",
                             errors).format(count=errors), fg="red", err=True,
                    color=False if os.environ.get("NO_COLOR") else None)  # https://no-color.org


@contextlib.contextmanager
def interrupted_by(*signals: signal.Signals) -> Iterator[None]:
    """These signals stop the command as Ctrl-C does (a KeyboardInterrupt):
    cleanly, nothing written. SIGTERM is how a cancelled CI job or `kill`
    stops a process."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, interrupt) for sig in signals}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _internal_error(exc: Exception) -> None:
    if os.environ.get("LEXOM_SITE_DEBUG"):
        raise exc
    click.echo(_("lexom-site: internal error ({error}); nothing was written.\n  Please report it with the command you "
                 "ran; LEXOM_SITE_DEBUG=1 shows the details.").format(error=f"{type(exc).__name__}: {exc}"), err=True)
    sys.exit(3)


# errors of the storage, not of the program: the disk is full, a quota is reached, it is read-only, a folder
# may not be written (the command says so and exits 1, rather than report an internal error)
STORAGE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG}


def guarded(command: Callable) -> Callable:
    """No traceback for an editor: Ctrl-C and unexpected errors end with a
    plain message and a documented exit status (130 and 3)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            with interrupted_by(signal.SIGTERM):
                return command(*args, **kwargs)
        except KeyboardInterrupt:
            click.echo(_("Interrupted: nothing was written; the previous output is unchanged."), err=True)
            sys.exit(130)
        except BrokenPipeError:  # the reader of the output stopped reading (`| head`): not an error of ours
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(141)
        except OSError as exc:
            if exc.errno not in STORAGE_ERRORS:  # (a bug of ours: below)
                _internal_error(exc)
            # not a bug: the disk is full, read-only or not ours; every file is written whole or not at all
            message = (_("lexom-site: cannot write ({file}): {reason}. The command stopped; what it was writing was not "
                         "written, and the previous site is as it was.") if exc.filename else
                       _("lexom-site: cannot write: {reason}. The command stopped; what it was writing was not "
                         "written, and the previous site is as it was."))
            click.echo(message.format(file=exc.filename, reason=exc.strerror), err=True)
            sys.exit(1)
        except Exception as exc:  # a bug of ours, not a content error
            _internal_error(exc)

    return wrapper


verbosity = {"level": 1}  # 0 quiet, 1 normal, 2 verbose


def info(text: str) -> None:
    """A message for people (progress, summaries): on stderr, silenced by -q."""
    if verbosity["level"] >= 1:
        click.echo(text, err=True)


def detail(text: str) -> None:
    """A detail shown with -v only."""
    if verbosity["level"] >= 2:
        click.echo(text, err=True)
