"""Reading source text safely: bytes -> text -> front matter -> YAML nodes.

Everything here works on strings and bytes; the only function that touches
the file system is `read_source`. YAML is composed into *nodes* (which keep
their line and column) and never constructed by PyYAML: the schema decides
what a scalar means, so `NO` stays the text "NO" and `010` is refused instead
of silently becoming 8. Aliases and duplicate keys are refused.
"""

from __future__ import annotations


import functools
import hashlib
import json
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import yaml

from ..diagnostics import Diagnostic
from ..i18n import N_, _
from .yaml_lines import YAML_HINTS, folded_items, line_mistakes, trailing_comments

MAX_SOURCE_BYTES = 1_000_000  # a course sheet is a few KB; 1 MB is absurd already (also a legacy sheet to import)
MAX_DOCUMENT_BYTES = 5_000_000  # a text or HTML page given to legal-diff (a CGV page is ~100 KB)
MAX_PDF_BYTES = 100_000_000  # a PDF given to legal-diff (the printed catalogue of 1,000 courses is ~25 MB)
MAX_YAML_NODES = 5_000


@dataclass(frozen=True)
class Source:
    """A decoded source file: NFC text with LF line endings."""

    path: str  # as shown in diagnostics
    text: str
    digest: str = ""  # SHA-256 of the file's bytes, for the build cache


def read_input(path: Path, shown_as: str, limit: int) -> tuple[bytes | None, list[Diagnostic]]:
    """The bytes of a file given to a command: a regular file (a pipe or a device would never end) of at most
    `limit` bytes; else None and why."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return None, [Diagnostic(shown_as, 0, 0, _("is not a regular file (a folder, a pipe or a device)"),
                                     hint=_("give the path of a file"))]
        if info.st_size > limit:
            return None, [_too_big(shown_as, info.st_size, limit)]
        with open(path, "rb") as file:
            data = file.read(limit + 1)
    except OSError as exc:
        return None, [Diagnostic(shown_as, 0, 0, _("cannot be read: {reason}").format(reason=exc.strerror or exc),
                                 hint=_("check that the file exists and that you may read it"))]
    if len(data) > limit:  # (it grew meanwhile)
        return None, [_too_big(shown_as, len(data), limit)]
    return data, []


def read_source(path: Path, shown_as: str) -> tuple[Source | None, list[Diagnostic]]:
    """Read a file from disk; refuse symbolic links and huge files."""
    if path.is_symlink():
        return None, [
            Diagnostic(
                shown_as,
                0,
                0,
                _("symbolic links are not allowed in the content folder"),
                hint=_("replace the link by a copy of the file it points to"),
            )
        ]
    data, problems = read_input(path, shown_as, MAX_SOURCE_BYTES)
    if data is None:
        return None, problems
    return decode_source(data, shown_as)


Reader = Callable[[Path, str], "tuple[Source | None, list[Diagnostic]]"]


def source_reader() -> Reader:
    """`read_source` with a memory: each file is read once per build, whichever stages need it."""
    return functools.lru_cache(maxsize=None)(read_source)


def _too_big(shown_as: str, size: int, limit: int = MAX_SOURCE_BYTES) -> Diagnostic:
    hint = _("a course file holds one course sheet; split or shorten it") if limit == MAX_SOURCE_BYTES else \
        _("is it the right file? a CGV copy or a course sheet is far smaller")
    return Diagnostic(shown_as, 0, 0, _("file is too large ({size} bytes; the limit is {limit})").format(
        size=f"{size:,}", limit=f"{limit:,}"), hint=hint)


def decode_source(data: bytes, shown_as: str) -> tuple[Source | None, list[Diagnostic]]:
    """Decode UTF-8 (a BOM is accepted), normalise line endings and Unicode."""
    if len(data) > MAX_SOURCE_BYTES:
        return None, [_too_big(shown_as, len(data))]
    digest = hashlib.sha256(data).hexdigest()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        guess = ""
        try:
            guess = _(" (it reads as {char} in Windows-1252)").format(
                char=repr(data[exc.start:exc.start + 1].decode('cp1252')))
        except UnicodeDecodeError:
            pass
        return None, [
            Diagnostic(
                shown_as,
                line,
                col,
                _("file is not UTF-8: byte 0x{byte} cannot be read{guess}").format(byte=f"{data[exc.start]:02X}",
                                                                                    guess=guess),
                hint=_("save the file with the UTF-8 encoding (in your editor: "
                       "'Save with encoding' / 'Reopen with encoding', then choose UTF-8)"),
            )
        ]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return None, [Diagnostic(shown_as, line, 0, _("file contains a NUL character"),
                                 hint=_("is this a text file?"))]
    text = unicodedata.normalize("NFC", text)
    invisible = _invisible_characters(text, shown_as)
    if invisible:  # (every one of them, at its place: the file is read no further until they are gone)
        return None, invisible
    return Source(shown_as, text, digest), []


# Characters a file may hold that no one sees, or that break lines for YAML (and for some editors) but not for
# the others: control characters (tab and line feed aside; NEL, a line break to YAML), Unicode line and paragraph
# separators, bidirectional overrides and marks, zero-width characters, noncharacters. Each is an error at its
# line and column (counted in line feeds: a separator does not move the lines after it).
_INVISIBLE = re.compile("[\x01-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069"
                        "\ufeff\ufffe\uffff]")
_INVISIBLE_NAMES = {0x85: N_("a line break for YAML (NEL)"), 0x2028: N_("a line separator"),
                    0x2029: N_("a paragraph separator"), 0xFEFF: N_("a byte order mark"),
                    0x200B: N_("a zero-width space"), 0x200D: N_("a zero-width joiner"),
                    0x202E: N_("a right-to-left override"), 0x202D: N_("a left-to-right override")}


_CONTROL_NAME, _INVISIBLE_NAME = N_("an invisible control character"), N_("an invisible character")


def _invisible_characters(text: str, shown_as: str) -> list[Diagnostic]:
    found = []
    for match in _INVISIBLE.finditer(text):
        start = match.start()
        line = text.count("\n", 0, start) + 1
        col = start - (text.rfind("\n", 0, start) + 1) + 1
        code = ord(match.group())
        what = _(_INVISIBLE_NAMES.get(code, _CONTROL_NAME if code < 0xA0 else _INVISIBLE_NAME))
        found.append(Diagnostic(shown_as, line, col, _("contains {what} (U+{code})").format(what=what,
                                                                                           code=f"{code:04X}"),
                                hint=_("delete it and retype the text around it; it was probably pasted from "
                                       "another program")))
    return found


@dataclass(frozen=True)
class FrontMatter:
    yaml_text: str
    yaml_line: int  # 1-based line number of the first YAML line in the file
    body: str
    body_line: int  # 1-based line number of the first body line in the file


def split_front_matter(source: Source) -> tuple[FrontMatter | None, list[Diagnostic]]:
    lines = source.text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None, [
            Diagnostic(
                source.path,
                1,
                1,
                _("the file must start with a line '---' that opens the front matter"),
                hint=_("the first line is three dashes, then the fields (ref: ..., title: ...), then '---' again"),
            )
        ]
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return (
                FrontMatter(
                    yaml_text="\n".join(lines[1:index]) + "\n",
                    yaml_line=2,
                    body="\n".join(lines[index + 1 :]),
                    body_line=index + 2,
                ),
                [],
            )
    return None, [
        Diagnostic(
            source.path,
            1,
            1,
            _("the front matter opened on line 1 is never closed"),
            hint=_("did you forget the line '---' after the last field?"),
        )
    ]


# --- YAML composition ------------------------------------------------------


_ALIASES = "anchors and aliases ('&name', '*name') are not allowed here"
_ALIASES_SHOWN = N_("anchors and aliases ('&name', '*name') are not allowed here")


class _Loader(yaml.SafeLoader):
    """A loader that refuses aliases (no alias bombs, no shared nodes)."""

    def compose_node(self, parent, index):  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, _ALIASES, event.start_mark
            )
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise yaml.composer.ComposerError(
                None, None, _ALIASES, event.start_mark
            )
        self._node_count = getattr(self, "_node_count", 0) + 1
        if self._node_count > MAX_YAML_NODES:
            raise yaml.composer.ComposerError(
                None, None, _("too many values (more than {most})").format(most=MAX_YAML_NODES), event.start_mark
            )
        return super().compose_node(parent, index)




def _fast_compose(text: str) -> yaml.Node | None:
    """Compose with LibYAML (C, ~20x faster) when the text has no anchor,
    alias, tag or error; None means "ask the pure-Python loader", which
    refuses what must be refused with its own, well-known messages."""
    if _CLoader is None or "&" in text or "*" in text or "!" in text or "\t" in text:
        return None
    loader = _CLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return _EMPTY
        _plain_style_is_none(node)
        return node
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()


def _plain_style_is_none(node: yaml.Node) -> None:
    """LibYAML marks plain scalars with style '' where PyYAML uses None."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.ScalarNode):
            if current.style == "":
                current.style = None
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack += (key, value)


_CLoader = getattr(yaml, "CSafeLoader", None)
_EMPTY = yaml.ScalarNode("tag:yaml.org,2002:null", "")


def compose_yaml(text: str, path: str, first_line: int) -> tuple[yaml.Node | None, list[Diagnostic]]:
    """Compose YAML text into a node tree; errors carry file positions. The mistakes editors make (a forgotten
    '- ', an unclosed quote...) are each reported at their line (yaml_lines.py), and the rest of the text read
    with them repaired, so that every mistake of the file is reported at once."""
    mistakes, repaired = line_mistakes(text, path, first_line)
    if not mistakes:
        return _compose(text, path, first_line)
    node, found = _compose(repaired, path, first_line)
    return node, sorted(mistakes + [d for d in found if d.line not in {m.line for m in mistakes}])


def _compose(text: str, path: str, first_line: int) -> tuple[yaml.Node | None, list[Diagnostic]]:
    node = _fast_compose(text)
    if node is not None:
        if node is _EMPTY:
            return None, []
        diagnostics = folded_items(node, text, path, first_line) + trailing_comments(node, text, path, first_line)
        _check_duplicate_keys(node, path, first_line, diagnostics)
        return node, diagnostics
    loader = None
    try:
        loader = _Loader(text)  # the reader refuses control characters here already
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        message, hint = _("the front matter is not valid YAML: {problem}").format(
            problem=_(_ALIASES_SHOWN) if problem == _ALIASES else problem), None
        for needle, plain, advice in YAML_HINTS:
            if needle in problem or (exc.context and needle in exc.context):
                message, hint = _(plain), _(advice)
                break
        lines = text.split("\n")
        if mark and mark.line < len(lines) and "\t" in lines[mark.line] and "tab" not in (hint or ""):
            tab = _("this line contains a tab: indent with spaces")
            hint = hint + "; " + tab if hint else tab
        line = mark.line + first_line if mark else first_line
        col = mark.column + 1 if mark else 0
        if "anchors and aliases" in problem:
            hint = _("write each value out in full")
        return None, [Diagnostic(path, line, col, message, hint=hint)]
    except yaml.YAMLError as exc:  # reader errors (control characters) have no mark
        position = getattr(exc, "position", None)
        line = first_line + (text.count("\n", 0, position) if position is not None else 0)
        return None, [Diagnostic(path, line, 0, _("the front matter cannot be read: {problem}").format(problem=exc))]
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        return None, []
    diagnostics = folded_items(node, text, path, first_line) + trailing_comments(node, text, path, first_line)
    _check_duplicate_keys(node, path, first_line, diagnostics)
    return node, diagnostics


def _check_duplicate_keys(node: yaml.Node, path: str, first_line: int, out: list[Diagnostic]) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):  # `? [a, b]` or `{a: b}: x`: YAML allows it, no field is so
                out.append(Diagnostic(path, key.start_mark.line + first_line, key.start_mark.column + 1,
                                      _("a field name must be a plain name, not a list or a mapping"),
                                      hint=_("write 'name: value', one field per line")))
                continue
            line = key.start_mark.line + first_line
            if key.value in seen:
                out.append(Diagnostic(path, line, key.start_mark.column + 1,
                                      _("'{name}' is given twice (first on line {first}, again on line {again})")
                                      .format(name=key.value, first=seen[key.value], again=line),
                                      hint=_("keep one of the two lines")))
            else:
                seen[key.value] = line
            _check_duplicate_keys(value, path, first_line, out)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_duplicate_keys(item, path, first_line, out)


def yaml_scalar(text: str) -> str:
    """`text` as a YAML scalar: plain when YAML reads it back unchanged, else double-quoted."""
    plain_ok = (
        text == text.strip()
        and "\n" not in text
        and ": " not in text
        and " #" not in text
        and not text.endswith(":")
        and not re.match(r"[-?:,\[\]{}#&*!|>'\"%@`]", text)
    )
    if plain_ok:
        try:
            plain_ok = yaml.safe_load(f"k: {text}") == {"k": text}
        except yaml.YAMLError:
            plain_ok = False
    return text if plain_ok else json.dumps(text, ensure_ascii=False)
