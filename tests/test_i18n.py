"""French for everyone who is not a developer: every message marked for translation has its French
translation, with the same {placeholders}, and the compiled catalog is the one its .po files make."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys

from babel.messages.mofile import write_mo

from conftest import REPO

from lexom_site.i18n import DOMAIN, LOCALE_DIR, compiled_catalog, marked_messages


def test_every_message_has_its_french_translation():
    catalog = compiled_catalog("fr")
    untranslated = []
    for message, where in marked_messages().items():
        key = message[0] if isinstance(message, tuple) else message
        there = catalog.get(key)
        strings = there.string if there is not None and isinstance(there.string, tuple) else (
            (there.string,) if there is not None else ("",))
        if not all(strings) or isinstance(message, tuple) != isinstance(there.id, tuple):
            untranslated.append(f"{where}: {key!r}")
    assert untranslated == [], ("translate these in a file of src/lexom_site/locale/fr/po/ (`python -m "
                                "lexom_site.i18n missing` prints them as PO entries), then run `python -m "
                                "lexom_site.i18n compile`:\n" + "\n".join(untranslated))


def _fields(text: str) -> list[str]:
    return sorted(re.findall(r"\{[a-z_0-9]*(?:[:!][^}]*)?\}", text))


def test_translations_keep_the_placeholders_of_the_message():
    wrong = []
    for message in compiled_catalog("fr"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            if _fields(text) != _fields(ids[0]) and not (len(ids) > 1 and _fields(text) == _fields(ids[1])):
                wrong.append(f"{ids[0]!r} -> {text!r}")
    assert wrong == []


def test_the_compiled_catalog_is_up_to_date():
    out = io.BytesIO()
    write_mo(out, compiled_catalog("fr"), use_fuzzy=False)
    assert (LOCALE_DIR / "fr/LC_MESSAGES" / f"{DOMAIN}.mo").read_bytes() == out.getvalue(), \
        "run `python -m lexom_site.i18n compile`"


def test_french_is_the_default_and_english_is_asked_for():
    code = "from lexom_site.i18n import _; print(_('Interrupted: nothing was written; the previous output is unchanged.'))"
    env = {k: v for k, v in os.environ.items() if k not in ("LEXOM_LANG", "LANGUAGE")}
    french = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env).stdout
    english = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env={**env, "LEXOM_LANG": "en"}).stdout
    assert english == "Interrupted: nothing was written; the previous output is unchanged.\n"
    assert french == "Interrompu : rien n'a été écrit ; le site précédent est inchangé.\n"


def test_numbers_are_written_the_french_way_in_french(monkeypatch, tmp_path):
    from lexom_site.i18n import number
    monkeypatch.setenv("LEXOM_LANG", "fr")
    assert (number(0.42), number(3312, 2), number(1234567.5, 2)) == ("0,4", "3\u202f312,00", "1\u202f234\u202f567,50")
    monkeypatch.setenv("LEXOM_LANG", "en")
    assert (number(0.42), number(3312, 2)) == ("0.4", "3,312.00")
    # as an editor reads a build's summary
    env = {k: v for k, v in os.environ.items() if k not in ("LEXOM_LANG", "LANGUAGE")}
    done = subprocess.run([sys.executable, "-m", "lexom_site", "build", "--no-pdf", "--root", str(REPO), "--out",
                           str(tmp_path / "public"), "--cache-dir", str(tmp_path / "cache")],
                          capture_output=True, text=True, env=env)
    assert re.fullmatch(r"\d+ page\(s\) et 0 fiche\(s\) PDF construite\(s\) dans \S+ \(0 fichier\(s\) inchangé\(s\)\) "
                        r"en \d+,\d s\.\n", done.stderr), done.stderr
