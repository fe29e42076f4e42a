"""The `lexom-site` reference page (docs/cli.md), generated from the click
commands themselves so it cannot go stale: a test compares the two.

    .venv/bin/python -m lexom_site.clidoc > docs/cli.md
"""

from __future__ import annotations

import click

from .cli import main

HEADER = """\
# `lexom-site` command reference

Generated from the commands themselves by `python -m lexom_site.clidoc > docs/cli.md`;
`tests/test_workflow.py` fails when this page is not current.

Exit statuses of every command: `0` success; `1` problems in the sources
(printed as `path:line:col: error: message`), nothing written; `2` wrong
usage of the command line (and, for `legal-diff`, no CGV copy found); `3`
internal error (a bug: please report it; `LEXOM_SITE_DEBUG=1` shows the
details); `130` interrupted (Ctrl-C or SIGTERM), nothing written. Messages go to
standard error, results (a diff, a schema, a dry run) to standard output.
Colours are used on a terminal only, never when `NO_COLOR` is set.
"""


def _sections(command: click.Command, path: list[str], parent: click.Context | None = None) -> list[str]:
    settings = {"terminal_width": 100, "max_content_width": 100, **command.context_settings}
    context = click.Context(command, parent=parent, info_name=path[-1], **settings)
    out = [f"## `{' '.join(path)}`\n", "```text", command.get_help(context).rstrip(), "```\n"]
    if isinstance(command, click.Group):
        for name in sorted(command.list_commands(context)):
            out += _sections(command.get_command(context, name), [*path, name], context)
    return out


def cli_reference() -> str:
    return HEADER + "\n" + "\n".join(_sections(main, ["lexom-site"]))


if __name__ == "__main__":
    click.echo(cli_reference(), nl=False)
