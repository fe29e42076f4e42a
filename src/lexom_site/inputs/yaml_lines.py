"""The mistakes editors make in a front matter, found line by line, before YAML reads it.

YAML stops at its first error, and often reports it lines below the mistake
(a forgotten `- ` is reported on the next line, an unclosed quote at the end
of the front matter) in words about YAML (« could not find expected ':' »).
`line_mistakes` looks at each line as an editor wrote it and reports every
such mistake at its line and column, with the fix; it also returns the text
with each mistake repaired (same lines), so that YAML can read the rest and
the fields be checked too: one run reports every mistake of the file.
`folded_items` finds, in what YAML did read, a text that runs over a line
that looks like a list item (an over-indented `    - item` is joined to the
item above: two objectives become one).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import yaml

from ..diagnostics import Diagnostic
from ..i18n import N_, _

# YAML's own errors, in words an editor understands: (what YAML says, what it means, what to do)
YAML_HINTS = [
    (
        "mapping values are not allowed",
        N_("a ':' followed by a space inside a value confuses YAML"),
        N_('put the whole value in double quotes, e.g. title: "Module : intro"'),
    ),
    (
        "cannot start any token",
        N_("this character cannot start a value here"),
        N_("indent with spaces, never with tabs; put values starting with @, ` or % in double quotes"),
    ),
    (
        "could not find expected ':'",
        N_("expected 'field: value' on this line"),
        N_("every line of the front matter is 'field: value' or a list item '  - value'; "
           "a value containing ': ' or starting with a quote must be in double quotes"),
    ),
    (
        "expected <block end>",
        N_("the indentation of this line does not match the lines above"),
        N_("list items under a field are indented by two spaces: '  - text'"),
    ),
    (
        "found unexpected end of stream",
        N_("a quoted value is never closed"),
        N_("close the quote at the end of the value"),
    ),
    (
        "found unknown escape character",
        N_("a backslash inside a double-quoted value"),
        N_("write the value in single quotes, or double the backslash"),
    ),
]

_KEY = re.compile(r"[A-Za-z_][\w.-]*:(?=\s|$)")
_NO_SPACE_DASH = re.compile(r"-(?=[^\s-])")
_ITEM_START = re.compile(r"(?:[-*]|[0-9]{1,3}[.)])(?:\s|$)")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _closing(value: str) -> int:
    """Where the quoted `value` (starting with its quote) is closed on its line; -1 if it is not."""
    quote, index = value[0], 1
    while index < len(value):
        char = value[index]
        if quote == '"' and char == "\\":
            index += 2
            continue
        if char == quote:
            if quote == "'" and value[index + 1:index + 2] == "'":  # ('' is an apostrophe inside '...')
                index += 2
                continue
            return index
        index += 1
    return -1


def _french_quotes(text: str) -> str:
    """`Le "bon" projet` -> `Le « bon » projet`."""
    parts = text.split('"')
    out = parts[0]
    for number, part in enumerate(parts[1:]):
        out += ("« " if number % 2 == 0 else " »") + part
    return re.sub(r"« +", "« ", re.sub(r" +»", " »", out))


def _quoted_value(line: str, start: int, prefix: str) -> tuple[Diagnostic | None, str]:
    """The mistake of a quoted value starting at `start` of `line` (after `prefix`, e.g. 'title: '), if any, as a
    Diagnostic without its path and line, and the line repaired."""
    value = line[start:].rstrip()
    if not value or value[0] not in "\"'":
        return None, line
    end = _closing(value)
    if end < 0:
        inner = value[1:]
        fixed = f"{prefix}{value[0]}{inner}{value[0]}"
        if value[0] == '"':
            message = _("the double quote opened here is never closed")
        else:
            message = _("the single quote opened here is never closed")
        return Diagnostic("", 0, start + 1, message, hint=_("close it at the end of the value: {fixed}").format(
            fixed=fixed.strip())), line[:start] + value + value[0]
    rest = value[end + 1:].strip()
    if not rest or rest.startswith("#"):
        return None, line
    last = value.rstrip().rfind(value[0])
    inner = value[1:last] if last > end else value[1:]
    if value[0] == '"':
        message = _("a double quote inside a value written between double quotes ends the value")
        hint = _("write the quotes inside as « »: {fixed}").format(
            fixed=f'{prefix}"{_french_quotes(inner)}"'.strip())
    else:
        message = _("an apostrophe inside a value written between single quotes ends the value")
        hint = _("write the value between double quotes: {fixed}").format(fixed=f'{prefix}"{inner}"'.strip())
    return Diagnostic("", 0, start + end + 1, message, hint=hint), line[:start] + json.dumps(inner, ensure_ascii=False)


def line_mistakes(text: str, path: str, first_line: int) -> tuple[list[Diagnostic], str]:
    """Every mistake of the lines of a front matter that YAML would misread or report elsewhere, and the text
    with each one repaired (the same number of lines)."""
    lines = text.split("\n")
    found: list[Diagnostic] = []
    content = [index for index, line in enumerate(lines) if _is_content(line)]

    def report(index: int, diagnostic: Diagnostic) -> None:
        found.append(Diagnostic(path, index + first_line, diagnostic.col, diagnostic.message, hint=diagnostic.hint))

    for position, index in enumerate(content):
        line = lines[index]
        indent = _indent(line)
        stripped = line[indent:]
        if stripped.startswith("---"):
            continue
        if _NO_SPACE_DASH.match(stripped):
            fixed = line[:indent + 1] + " " + line[indent + 1:]
            report(index, Diagnostic("", 0, indent + 1, _("a list item needs a space after its dash: '{text}' is not "
                                                          "read as an item").format(text=stripped.strip()),
                                     hint=_("write '{fixed}'").format(fixed=fixed.rstrip())))
            lines[index] = line = fixed
            stripped = line[indent:]
        if stripped.startswith("- ") or stripped == "-":
            problem, lines[index] = _quoted_value(line, indent + 2, line[:indent + 2])
            if problem is not None:
                report(index, problem)
            continue
        key = _KEY.match(stripped)
        if key is not None:
            previous = lines[content[position - 1]] if position else ""
            opener = _indent(previous) == 0 and previous.rstrip().endswith(":")
            if indent == 1 and not opener and _indent(previous) != 1:
                name = key.group()[:-1]
                report(index, Diagnostic("", 0, 1, _("'{name}' is indented by one space: YAML reads it as the "
                                                     "continuation of the line above").format(name=name),
                                         hint=_("start '{name}:' at the beginning of the line, without a space "
                                                "(the fields of a group, under 'prices:' for example, are indented "
                                                "by two spaces)").format(name=name)))
                lines[index] = line = line[1:]
                indent, stripped = 0, line
            start = indent + key.end()
            start += len(line[start:]) - len(line[start:].lstrip(" "))
            problem, lines[index] = _quoted_value(line, start, line[:start])
            if problem is not None:
                report(index, problem)
            continue
        if _in_list(lines, content, position, indent):
            fixed = line[:indent] + "- " + stripped
            report(index, Diagnostic("", 0, indent + 1, _("'{text}' is among the items of a list but does not start "
                                                          "with '- '").format(text=stripped.rstrip()),
                                     hint=_("write '{fixed}', like the other items").format(fixed=fixed.rstrip())))
            lines[index] = fixed
    return found, "\n".join(lines)


def _in_list(lines: list[str], content: list[int], position: int, indent: int) -> bool:
    """Whether the line at `content[position]` stands among the `- ` items of a list of its indentation."""
    for step in (-1, 1):
        other = position + step
        while 0 <= other < len(content):
            line = lines[content[other]]
            if _indent(line) < indent or (_indent(line) == indent and not line.lstrip(" ").startswith("---")):
                if _indent(line) == indent and (line[indent:].startswith("- ") or line[indent:].rstrip() == "-"):
                    return True
                break
            other += step
    return False


def _scalars(node: yaml.Node, *, keys: bool) -> Iterator[yaml.ScalarNode]:
    """The scalar values of a node tree (and its mappings' keys, with `keys`)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack += (key, value) if keys else (value,)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        else:
            yield current


def folded_items(node: yaml.Node, text: str, path: str, first_line: int) -> list[Diagnostic]:
    """A text YAML read over several lines of which one, after the first, starts like a list item ('- ', '* ',
    '2. '): an item indented too far, joined to the one above."""
    lines = text.split("\n")
    found: list[Diagnostic] = []
    for current in _scalars(node, keys=True):
        if current.style in (None, ">") and current.end_mark.line > current.start_mark.line:
            for index in range(current.start_mark.line + 1, min(current.end_mark.line + 1, len(lines))):
                stripped = lines[index].lstrip(" ")
                if _ITEM_START.match(stripped):
                    found.append(Diagnostic(
                        path, index + first_line, _indent(lines[index]) + 1,
                        _("'{text}' is indented further than the line above: YAML joins it to the text above, "
                          "as one item").format(text=stripped.rstrip()),
                        hint=_("to make it an item of its own, start it with '- ' exactly below the dash of the "
                               "other items")))
    return sorted(found)


_COMMENT = re.compile(r"[ \t]*#")


def trailing_comments(node: yaml.Node, text: str, path: str, first_line: int) -> list[Diagnostic]:
    """A comment after a value, on its line (`title: Excel #2 avancé`): YAML leaves out everything from the
    ' #', and an editor who meant it as text loses it without a word."""
    lines = text.split("\n")
    found: list[Diagnostic] = []
    for current in _scalars(node, keys=False):
        if current.style not in ("|", ">") and current.end_mark.line < len(lines):
            line = lines[current.end_mark.line]
            comment = _COMMENT.match(line, current.end_mark.column)  # (a plain value ends before ' #')
            if comment:
                column = comment.end() - 1
                found.append(Diagnostic(
                    path, current.end_mark.line + first_line, column + 1,
                    _("« {comment} » is read by YAML as a comment, and left out of the value").format(
                        comment=line[column:].rstrip()),
                    hint=_("if it belongs to the text, put the whole value in double quotes; a note goes on a "
                           "line of its own, starting with #")))
    return sorted(found)
