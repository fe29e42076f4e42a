"""French typography, applied to the text of every HTML document the templates render.

The sources stay as their editors wrote them; what a reader sees is set the
French way (Lexique des règles typographiques en usage à l'Imprimerie
nationale):

    « Réf : »       a no-break space U+00A0 before a colon
    « quoi ? »      a narrow no-break space U+202F before ; ! ? and inside « » and ‹ ›
    « l’issue »     a typographic apostrophe U+2019 for ' between two letters
    « nᵒ 12 »       n° before a number is the abbreviation of « numéro »: U+1D52, then U+00A0
    « 30 % »        a no-break space U+00A0 between a number and its unit (UNITS)
    « 1 200 € »     thousands grouped by U+202F in an amount (a number before €, euros, EUR)

Whatever spaces the source has there (none, a space, U+00A0, U+202F, a
line break) come out as exactly one of the right kind: the step is
idempotent. Only the text of the <body> is touched, never markup: not the
attributes, not the <head> (title, descriptions, JSON-LD), not code
(<code>, <pre>, <kbd>, <samp>), scripts and styles, not addresses (web,
e-mail: `ADDRESS`) and not the text Pagefind reads as a page's metadata
(an element whose data-pagefind-meta/-filter/-sort takes its text). A
colon or a ? is spaced only when a space, a closing mark or the end of the
text follows it: « 10:30 », « https:// », « ?q= » are not punctuation.

Rules see the text of a run of inline elements as one text (an inline tag
is transparent: « **Réf** : » is « Réf : »); a block boundary (a paragraph,
a list item, a line break) ends it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from ..inputs.french import NBSP, NNBSP

# what is never set: addresses (web and mail), and strings too long to be words (a code, a reference)
ADDRESS = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)]|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
                     r"\.[A-Za-z]{2,}|(?<![^\s(«\"'])[^\s<>]{40,}")

# the units a number is held to (whole words; % and € also written against the number)
UNITS = ("%", "€", "euros", "euro", "EUR", "HT", "TTC", "jours", "jour", "journées", "journée", "demi-journées",
         "demi-journée", "heures", "heure", "h", "minutes", "minute", "min", "semaines", "semaine", "mois", "ans",
         "an", "années", "année", "participants", "participant", "stagiaires", "stagiaire", "personnes",
         "personne", "places", "place", "points", "point", "pages", "page", "modules", "module", "sessions",
         "session")

_TAG = "\ue000"  # an inline tag, in the text of a run: transparent to the rules
_OPAQUE = "\ue001"  # code or an address in the text of a run: a word the rules do not look into
_SP = "[ \\t\\n\\r\u00a0\u202f\u2009]"  # the spaces a source may have written
_GAP = f"(?:{_SP}|{_TAG})*"  # spaces and inline tags
_LETTER = r"[^\W\d_]"

_MARKUP = re.compile(r"<!--.*?-->|<(script|style|textarea|title)\b[^>]*>.*?</\1\s*>"
                     r"|<(?:!/?[A-Za-z]|(?P<end>/?)(?P<name>[A-Za-z][A-Za-z0-9-]*))[^>]*>", re.S | re.I)
_INLINE = frozenset("a abbr b bdi bdo cite data dfn em i mark q s small span strong sub sup time u wbr".split())
_CODE = frozenset(("code", "kbd", "samp", "var"))  # inline, never set: one opaque word
_KEPT = frozenset(("pre", "svg", "math", "head"))  # blocks never set
_PAGEFIND_TEXT = re.compile(r"""data-pagefind-(?:meta|filter|sort)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_WORTH = re.compile("[:;!?'«»‹›°%€\\d]")

# punctuation after a word, before a space, a closing mark or the end: U+00A0 before ':', U+202F before ; ! ?
_DOUBLE = re.compile(f"(?<=[^\\s\u00a0\u202f\u2009{_TAG}(\\[{{«‹/\\-–—])(?P<gap>{_GAP})(?P<mark>:|[;!?]+)"
                     f"(?=[\\s\u00a0\u202f\u2009{_TAG})\\]}}»›.,;:!?…\"”’]|$)")
_OPEN_QUOTE = re.compile(f"(?P<mark>[«‹])(?P<gap>{_GAP})(?=[^\\s\u00a0\u202f\u2009{_TAG}»›])")
_CLOSE_QUOTE = re.compile(f"(?<=[^\\s\u00a0\u202f\u2009{_TAG}«‹])(?P<gap>{_GAP})(?P<mark>[»›])")
_APOSTROPHE = re.compile(f"(?<={_LETTER})'(?={_TAG}*{_LETTER})")
_NUMERO = re.compile(f"(?<![\\w{_OPAQUE}])(?P<n>[nN])°(?P<gap>{_GAP})(?=\\d)")
_AMOUNT = re.compile(f"(?<![\\w.,{_OPAQUE}])(?P<whole>\\d{{1,3}}(?:[ \u00a0\u202f\u2009]\\d{{3}})+|\\d{{4,}})"
                     f"(?=(?:,\\d+)?{_GAP}(?:€|(?:euros?|EUR)(?!\\w)))")
_WORD_UNITS = "|".join(re.escape(unit) for unit in sorted(UNITS, key=len, reverse=True) if unit[0].isalpha())
_UNIT = re.compile(f"(?<![\\w.,/\\-{_OPAQUE}])(?P<number>\\d+(?:\u202f\\d{{3}})*(?:[.,]\\d+)?)"
                   f"(?:(?P<gap>{_GAP})(?P<sign>[%€])|(?P<space>{_TAG}*{_SP}{_GAP})(?P<word>(?:{_WORD_UNITS})(?!\\w)))")


def _tags(gap: str) -> str:
    return _TAG * gap.count(_TAG)


def _group(digits: str) -> str:
    digits = re.sub(f"{_SP}", "", digits)
    head = len(digits) % 3 or 3
    return NNBSP.join([digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)])


def _unit(match: re.Match) -> str:
    if match["sign"]:
        return match["number"] + _tags(match["gap"]) + NBSP + match["sign"]
    return match["number"] + _tags(match["space"]) + NBSP + match["word"]


def typeset_text(text: str) -> str:
    """The rules on the text of one run (inline tags as _TAG, code and addresses as _OPAQUE)."""
    text = _APOSTROPHE.sub("\u2019", text)
    text = _DOUBLE.sub(lambda m: _tags(m["gap"]) + (NBSP if m["mark"] == ":" else NNBSP) + m["mark"], text)
    text = _OPEN_QUOTE.sub(lambda m: m["mark"] + NNBSP + _tags(m["gap"]), text)
    text = _CLOSE_QUOTE.sub(lambda m: _tags(m["gap"]) + NNBSP + m["mark"], text)
    text = _NUMERO.sub(lambda m: m["n"] + "\u1d52" + _tags(m["gap"]) + NBSP, text)
    text = _AMOUNT.sub(lambda m: _group(m["whole"]), text)
    return _UNIT.sub(_unit, text)


def typeset(text: str) -> str:
    """The rules on a plain text (no markup), addresses left as they are."""
    parts = ADDRESS.split(text)
    addresses = ADDRESS.findall(text)
    if not addresses:
        return typeset_text(text)
    result = typeset_text(_OPAQUE.join(parts)).split(_OPAQUE)
    return "".join(part + (addresses[i] if i < len(addresses) else "") for i, part in enumerate(result))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _body_start(document: str) -> int:
    body = re.search(r"<body\b[^>]*>", document, re.I)
    if body:
        return body.end()
    head = re.search(r"</head\s*>", document, re.I)
    return head.end() if head else 0


def _takes_text(tag: str) -> bool:
    """Whether Pagefind reads this element's text as metadata (an attribute without 'key:value')."""
    if "pagefind" not in tag.lower():  # (most tags: no need for the pattern)
        return False
    for match in _PAGEFIND_TEXT.finditer(tag):
        value = match[1] if match[1] is not None else match[2]
        if any(part.strip() and ":" not in part and "[" not in part for part in value.split(",")):
            return True
    return False


def _pieces(document: str, start: int) -> Iterator[tuple[str, str]]:
    """(kind, raw) from `start`: "text", "tag" (inline), "opaque" (inline code) or "block" (a block
    boundary, or a whole element never set)."""
    matches = list(_MARKUP.finditer(document, start))
    position, index = start, 0
    while index < len(matches):
        match = matches[index]
        if match.start() > position:
            yield "text", document[position:match.start()]
        name, end, index = match["name"], match.end(), index + 1
        lowered = name.lower() if name else ""
        if name and not match["end"] and (lowered in _CODE or lowered in _KEPT or _takes_text(match.group())) \
                and not match.group().endswith("/>"):
            depth = 1  # the whole element, up to its end tag
            while index < len(matches) and depth:
                inner = matches[index]
                if inner["name"] and inner["name"].lower() == lowered:
                    depth += -1 if inner["end"] else 1
                end, index = inner.end(), index + 1
            yield ("opaque" if lowered in _CODE else "block"), document[match.start():end]
        elif lowered in _INLINE:
            yield "tag", match.group()
        else:
            yield "block", match.group()
        position = end
    if position < len(document):
        yield "text", document[position:]


def _typeset_run(run: list[tuple[str, str]]) -> str:
    """One run of text and inline elements, set."""
    if not any(kind == "text" and _WORTH.search(raw) for kind, raw in run) or any(
            _TAG in raw or _OPAQUE in raw for _, raw in run):  # (a text holding our markers: left alone)
        return "".join(raw for _, raw in run)
    slots_raw, slot_markers = _slots(run)
    result = typeset_text("".join(_flat_of(slots_raw, slot_markers)))
    out: list[str] = []
    for index, text in enumerate(re.split(f"[{_TAG}{_OPAQUE}]", result)):
        raw = slots_raw[index]
        out.append(raw if html.unescape(raw) == text else _escape(text))
        if index < len(slot_markers):
            out.append(slot_markers[index][1])
    return "".join(out)


def _slots(run: list[tuple[str, str]]) -> tuple[list[str], list[tuple[str, str]]]:
    """The run as raw text slots between markers: slots[i] comes before markers[i]; an address is a marker."""
    slots, markers = [""], []
    for kind, raw in run:
        if kind != "text":
            markers.append((_TAG if kind == "tag" else _OPAQUE, raw))
            slots.append("")
            continue
        position = 0
        for address in ADDRESS.finditer(raw):
            slots[-1] += raw[position:address.start()]
            markers.append((_OPAQUE, address.group()))
            slots.append("")
            position = address.end()
        slots[-1] += raw[position:]
    return slots, markers


def _flat_of(slots: list[str], markers: list[tuple[str, str]]) -> Iterator[str]:
    for index, raw in enumerate(slots):
        yield html.unescape(raw)
        if index < len(markers):
            yield markers[index][0]


def typeset_html(document: str) -> str:
    """`document` (HTML) with the text of its body set the French way; markup unchanged."""
    start = _body_start(document)
    out, run, worth = [document[:start]], [], False  # (worth: a text of the run has a character a rule sets)
    for kind, raw in _pieces(document, start):
        if kind == "block":
            if worth:
                out.append(_typeset_run(run))
            else:  # (most runs of a page: spaces between tags, words without punctuation)
                out.extend(piece for _, piece in run)
            out.append(raw)
            run, worth = [], False
        else:
            run.append((kind, raw))
            worth = worth or (kind == "text" and _WORTH.search(raw) is not None)
    out.append(_typeset_run(run))
    return "".join(out)
