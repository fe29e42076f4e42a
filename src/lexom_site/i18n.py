"""The language of what editors and sales staff read: French by default.

Messages are written in English in the code, marked with `_()` (or `N_()`
for a constant translated where it is used, `ngettext()` for a count), and
translated through standard gettext catalogs: the French translations are
kept in `locale/fr/po/*.po` (one file per part of the tool, edited with any
PO editor), merged and compiled into `locale/fr/LC_MESSAGES/lexom_site.mo`
by `python -m lexom_site.i18n compile` (Babel, a development dependency).
`tests/test_i18n.py` fails on a message with no French translation, on a
translation whose {placeholders} differ, and on a .mo older than its .po
files. English is what the code says (`--lang en` or `LEXOM_LANG=en`).

The language is chosen once, before the commands are built: from `--lang`
on the command line, else `LEXOM_LANG`, else French. It is kept in the
environment (`LEXOM_LANG`) so that worker processes speak it too, and
`LANGUAGE` is set with it so that click's own words (« Usage », « Options »,
its errors) come from the same catalog.
"""

from __future__ import annotations

import datetime as dt
import gettext
import os
import sys
from pathlib import Path

DOMAIN = "lexom_site"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("fr", "en")
DEFAULT = "fr"

_EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)  # (a fixed date: the same .po give the same .mo)
FRENCH_PLURALS = "nplurals=2; plural=(n > 1);"
_current: dict[str, gettext.NullTranslations] = {}


def requested_language(argv: list[str] | None = None) -> str:
    """The language asked for: `--lang X` (or `--lang=X`) in `argv`, else LEXOM_LANG, else French."""
    argv = sys.argv[1:] if argv is None else argv
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return _known(argv[index + 1])
        if arg.startswith("--lang="):
            return _known(arg.split("=", 1)[1])
    return _known(os.environ.get("LEXOM_LANG", DEFAULT))


def _known(language: str) -> str:
    language = language.strip().lower()[:2]
    return language if language in LANGUAGES else DEFAULT


def set_language(language: str) -> None:
    """Speak `language` from now on (and in the processes started from now on)."""
    language = _known(language)
    os.environ["LEXOM_LANG"] = language
    os.environ["LANGUAGE"] = language  # (click's messages, through the global gettext domain below)
    translation = gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)
    _current["translation"] = translation
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)


def language() -> str:
    return _known(os.environ.get("LEXOM_LANG", DEFAULT))


def _translation() -> gettext.NullTranslations:
    if "translation" not in _current:
        set_language(requested_language())
    return _current["translation"]


def _(message: str) -> str:
    """`message` in the language in use."""
    return _translation().gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of `singular`/`plural` for `count`, in the language in use (French: 0 and 1 singular)."""
    return _translation().ngettext(singular, plural, count)


def french(message: str) -> str:
    """`message` in French, whatever the language in use: for what editors read outside the messages (the JSON
    Schema VS Code shows them)."""
    if "fr" not in _current:
        _current["fr"] = gettext.translation(DOMAIN, LOCALE_DIR, languages=["fr"], fallback=True)
    return _current["fr"].gettext(message)


def number(value: float | int | object, places: int = 1) -> str:
    """A number written in the language in use: « 0,4 » and « 3 312,00 » in French (a comma for the decimals,
    a narrow no-break space between thousands), « 0.4 » and « 3,312.00 » in English."""
    text = f"{float(value):,.{places}f}"  # (Decimal amounts too: two places are all they have)
    if language() == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def N_(message: str) -> str:
    """Marks a constant for translation; `_()` translates it where it is used."""
    return message


def compiled_catalog(language: str = "fr"):
    """The translations of `language`: every .po file of locale/LANGUAGE/po/ in one Babel catalog (a message
    translated twice must be translated the same: ValueError otherwise)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    merged = Catalog(locale=language, domain=DOMAIN, project="lexom-site", version="1",
                     creation_date=_EPOCH, revision_date=_EPOCH, fuzzy=False)
    if language == "fr":  # (gettext's two forms, 0 and 1 singular, rather than CLDR's three)
        merged.mime_headers = [("Plural-Forms", FRENCH_PLURALS)]
    for po in sorted((LOCALE_DIR / language / "po").glob("*.po")):
        with po.open("rb") as file:
            catalog = read_po(file, locale=language)
        for message in catalog:
            if not message.id:
                continue
            there = merged.get(message.id)
            if there is not None and there.string != message.string:
                raise ValueError(f"{po.name}: {message.id!r} is translated otherwise in another file")
            if not message.fuzzy:
                merged.add(message.id, message.string, locations=message.locations)
    return merged


def _compile() -> None:
    """`python -m lexom_site.i18n compile`: the .po files of each language into its .mo."""
    from babel.messages.mofile import write_mo

    for folder in sorted(path for path in LOCALE_DIR.iterdir() if (path / "po").is_dir()):
        catalog = compiled_catalog(folder.name)
        target = folder / "LC_MESSAGES" / f"{DOMAIN}.mo"
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as file:
            write_mo(file, catalog, use_fuzzy=False)
        print(f"{target.relative_to(LOCALE_DIR.parent)}: {len(catalog)} message(s)")



KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def marked_messages() -> dict[str | tuple[str, str], str]:
    """Every message marked in the package's code (a plural as its two forms) -> where it first is."""
    from babel.messages.extract import extract_from_dir

    found: dict[str | tuple[str, str], str] = {}
    package = Path(__file__).resolve().parent
    for filename, line, message, _comments, _context in extract_from_dir(str(package), keywords=KEYWORDS,
                                                                         comment_tags=()):
        found.setdefault(message, f"src/lexom_site/{filename}:{line}")
    return found


def _missing(language: str = "fr") -> None:
    """`python -m lexom_site.i18n missing`: the messages without a translation, as PO entries to complete and
    add to a file of locale/LANGUAGE/po/."""
    catalog = compiled_catalog(language)

    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    for message, where in marked_messages().items():
        key = message[0] if isinstance(message, tuple) else message
        there = catalog.get(key)
        if there is not None and there.string and (not isinstance(there.string, tuple) or all(there.string)):
            continue
        print(f"#: {where}")
        if isinstance(message, tuple):
            print(f"msgid {quoted(message[0])}\nmsgid_plural {quoted(message[1])}\nmsgstr[0] \"\"\nmsgstr[1] \"\"\n")
        else:
            print(f"msgid {quoted(message)}\nmsgstr \"\"\n")


if __name__ == "__main__":
    {"compile": _compile, "missing": _missing}[sys.argv[1]]()
