"""What editors and sales staff read from the legal lint, legal-diff, the build, serve and doctor: French by
default (issue 19), the same messages in English with --lang en. The rest of the suite asserts the English."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import LEGACY, REPO, course_text, write_tree

from lexom_site.cli import main
from lexom_site.diagnostics import Diagnostic
from lexom_site.i18n import set_language
from lexom_site.inputs.config import load_config
from lexom_site.legal.cgv import load_cgv
from lexom_site.legal.verify import verify_cgv_copies
from lexom_site.serve import LiveState, error_page

LEGACY_COPY = LEGACY / "003_2e14f2fc2025789b.txt"


pytestmark = pytest.mark.usefixtures("english_afterwards")  # (conftest.py)


def invoke(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


# --- legal-diff --------------------------------------------------------------------------------------------


def test_legal_diff_prints_each_place_in_french():
    result = invoke("--lang", "fr", "legal-diff", str(LEGACY_COPY))
    assert result.exit_code == 1
    shown = str(LEGACY_COPY)
    assert result.stdout.splitlines() == [
        f"{shown}:173: article 3.5 : « dû » → « due »",
        f"{shown}:217: article 4.3 : « s'opposeront » → « s'approprieront »",
        f"{shown}:217: article 4.3 : « feraient » → « seraient »",
        f"{shown}:227: article 4.4 : « majeure ; » → « majeure, . »",
        f"{shown}:283: article 5.5 : « desdites » → « des dites »",
        f"{shown}:291: article 5.5 : « dpo@lexom.fr » → « dp@lexom.fr »",
        f"{shown}: la copie des CGV s'écarte du texte de référence à 6 endroits",
    ]


def test_legal_diff_from_the_command_line_speaks_french_by_default():
    """As an editor runs it: from the project folder, no --lang, no LEXOM_LANG."""
    env = {k: v for k, v in os.environ.items() if k not in ("LEXOM_LANG", "LANGUAGE")}
    done = subprocess.run([sys.executable, "-m", "lexom_site", "legal-diff", "../shared/legacy/003_2e14f2fc2025789b.txt"],
                          cwd=REPO, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "../shared/legacy/003_2e14f2fc2025789b.txt:173: article 3.5 : « dû » → « due »"
    assert lines[-1] == ("../shared/legacy/003_2e14f2fc2025789b.txt: la copie des CGV s'écarte du texte de référence "
                         "à 6 endroits")
    assert len(lines) == 7


def test_legal_diff_of_the_canonical_text_and_of_no_copy_in_french(tmp_path: Path):
    nothing = tmp_path / "rien.txt"
    nothing.write_text("Une fiche sans conditions générales.\n", encoding="utf-8")
    result = invoke("--lang", "fr", "legal-diff", str(nothing))
    assert result.stdout.splitlines() == [f"{nothing}: aucune copie des CGV trouvée"]
    set_language("en")
    result = invoke("legal-diff", str(nothing))
    assert result.stdout.splitlines() == [f"{nothing}: no copy of the CGV found"]


def test_the_verification_of_an_output_in_french():
    cgv = load_cgv(load_config(REPO))
    set_language("fr")
    [problem] = verify_cgv_copies(cgv, [("cgv/index.html", b"<html><body><p>Rien</p></body></html>")], "public")
    assert problem.format() == (
        "public/cgv/index.html: erreur : les CGV manquent dans ce fichier\n"
        "  conseil : un modèle ou une feuille de style a changé l'impression des CGV ; le texte de référence doit "
        "sortir mot pour mot, et être visible : dans un PDF, pas plus petit que 6 pt, assez foncé sur blanc, pas "
        "caché")


# --- the legal lint ----------------------------------------------------------------------------------------


def test_a_copied_cgv_paragraph_in_french(site: Path):
    cancellation = ("Si le Client renonce à la prestation, dans un délai maximum de 15 jours avant la date prévue de "
                    "ladite prestation, l'acompte versé restera acquis définitivement à LEXOM à titre d'indemnité "
                    "pour non-exécution par le Client de ses obligations.")
    body = ("## Jour 1 - Matin\n\n### 1. Cadrer le projet\n\n- Objectifs\n\n- " + cancellation +
            "\n\n## Jour 1 - Après-midi\n\n### 2. Suivre le projet\n\n- Tableau de bord\n")
    write_tree(site, "-- content/courses/ABC-DEF-1.md --\n" + course_text(body=body))
    result = invoke("--lang", "fr", "check", "--root", str(site))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        "content/courses/ABC-DEF-1.md:25:3: erreur : la ligne 25 copie les CGV (article 3.5 « Cas d'annulation »)",
        "  conseil : les CGV ne se trouvent que dans content/legal/cgv.md et sont ajoutées à chaque fiche PDF ; "
        "supprimez le passage copié"]


def test_a_near_miss_of_a_declared_address_still_gets_its_suggestion(site: Path):
    write_tree(site, "-- content/courses/ABC-DEF-1.md --\n" + course_text(
        audience="audience: Tout public (contact dp@lexom.fr)"))
    result = invoke("--lang", "fr", "check", "--root", str(site))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        "content/courses/ABC-DEF-1.md:11:32: erreur : 'dp@lexom.fr' n'est pas une adresse déclarée : vouliez-vous "
        "dire dpo@lexom.fr ?",
        "  conseil : dpo@lexom.fr est déclarée dans site.yaml sous le nom dpo_email ; si dp@lexom.fr est une autre "
        "adresse, déclarez-la aussi, sous 'facts:' (par exemple contacts.sales.email: dp@lexom.fr)"]
    set_language("en")
    result = invoke("check", "--root", str(site))
    assert result.stderr.splitlines()[:2] == [
        "content/courses/ABC-DEF-1.md:11:32: error: 'dp@lexom.fr' is not a declared address: did you mean "
        "dpo@lexom.fr?",
        "  hint: dpo@lexom.fr is declared in site.yaml as dpo_email; if dp@lexom.fr is another address, declare it "
        "there too, under 'facts:' (e.g. contacts.sales.email: dp@lexom.fr)"]


@pytest.mark.parametrize("address", ["formation@lexom.fr", "contact@lexom.fr", "info@lexom.fr"])
def test_another_address_at_the_company_domain_is_not_told_a_declared_one(site: Path, address: str):
    write_tree(site, "-- content/courses/ABC-DEF-1.md --\n" + course_text(
        audience=f"audience: Tout public (contact {address})"))
    result = invoke("--lang", "fr", "check", "--root", str(site))
    assert result.exit_code == 0, result.stderr
    assert "vouliez-vous dire" not in result.stderr and "dpo@lexom.fr" not in result.stderr


def test_a_new_address_written_out_in_the_cgv_says_how_to_declare_it(site: Path):
    cgv = site / "content/legal/cgv.md"
    cgv.write_text(cgv.read_text(encoding="utf-8").replace("{{ dpo_email }}", "formation@lexom.fr", 1),
                   encoding="utf-8")
    result = invoke("--lang", "fr", "check", "--root", str(site))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    found = next(i for i, line in enumerate(lines) if "formation@lexom.fr" in line)
    assert lines[found].endswith(": erreur : l'adresse 'formation@lexom.fr' des CGV n'est pas un fait déclaré")
    assert lines[found + 1] == ("  conseil : déclarez-la sous 'facts:' dans site.yaml et écrivez {{ nom }} dans les "
                                "CGV")
    assert "vouliez-vous dire" not in result.stderr


# --- build --no-pdf ----------------------------------------------------------------------------------------


def test_a_preview_links_no_pdf_and_a_full_build_links_them_again(site: Path):
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}")
    page = site / "public/formations/abc-def-1/index.html"
    assert invoke("--lang", "fr", "build", "--root", str(site), "--no-pdf").exit_code == 0
    assert "Télécharger la fiche PDF" not in page.read_text() and "pdf/ABC-DEF-1.pdf" not in page.read_text()
    result = invoke("--lang", "fr", "build", "--root", str(site))
    assert result.exit_code == 0, result.stderr
    assert 'href="../../pdf/ABC-DEF-1.pdf" download>Télécharger la fiche PDF</a>' in page.read_text()
    assert (site / "public/pdf/ABC-DEF-1.pdf").is_file()


def test_a_pdf_linked_by_a_preview_is_a_broken_link_in_french(site: Path):
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}")
    template = site / "templates/course.html"
    template.write_text(template.read_text().replace("{% if pdf_url %}", "{% if true %}").replace(
        'href="{{ pdf_url }}"', 'href="{{ root }}pdf/{{ course.ref }}.pdf"'))
    result = invoke("--lang", "fr", "build", "--root", str(site), "--no-pdf")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        "templates/course.html: erreur : lien cassé '../../pdf/ABC-DEF-1.pdf' dans public/formations/abc-def-1/"
        "index.html : pdf/ABC-DEF-1.pdf n'existe pas dans le site",
        "  conseil : faites pointer le lien vers une page, un fichier ou un titre que le site contient"]
    assert not (site / "public").exists()


def test_build_refusals_in_french(site: Path):
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}")
    result = invoke("--lang", "fr", "build", "--root", str(site), "--no-pdf", "--out", str(site / "content"))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        f"{site / 'content'}: erreur : refus d'écrire le site ici : il remplacerait les sources du projet",
        "  conseil : choisissez un nouveau dossier, par exemple --out public"]


def test_audit_in_french_and_in_english(site: Path):
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}")
    french = invoke("--lang", "fr", "audit", "--root", str(site))
    assert "MANQUANT" in french.stdout
    assert french.stdout.rstrip().splitlines()[-1].endswith(" formation(s) sur 1 incomplète(s).")
    set_language("en")
    english = invoke("audit", "--root", str(site))
    assert "MISSING" in english.stdout and "MANQUANT" not in english.stdout
    assert english.stdout.rstrip().splitlines()[-1].endswith(" course(s) out of 1 incomplete.")
    data = json.loads(invoke("--lang", "fr", "audit", "--root", str(site), "--format", "json").stdout)
    assert set(data) == {"missing", "site", "courses"}  # (the JSON keeps its keys)
    assert {item["status"] for item in data["site"]["items"]} <= {"course", "site", "default", "missing", "n/a"}


# --- doctor ------------------------------------------------------------------------------------------------


def test_doctor_in_english_when_asked(site: Path):
    done = subprocess.run([sys.executable, "-m", "lexom_site", "--lang", "en", "doctor", "--root", str(site)],
                          capture_output=True, text=True, timeout=120)
    names = [line.split(": ")[0] for line in done.stdout.splitlines()]
    assert names == ["✓ Python", "✓ Pango", "✓ HarfBuzz-Subset", "✓ fontconfig", "✓ Pagefind", "✓ Fonts",
                     "✓ Site folder", "✓ Cache"]
    assert "✓ fontconfig: present" in done.stdout.splitlines()
    assert done.stderr == "All is ready.\n"


# --- serve -------------------------------------------------------------------------------------------------


def test_the_error_page_of_serve_in_french_and_in_english():
    state = LiveState(errors=[Diagnostic("content/courses/ABC-DEF-1.md", 3, 15, "un problème",
                                         hint="une solution")])
    set_language("fr")
    page = error_page(state).decode("utf-8")
    assert '<html lang="fr">' in page and "<title>Erreurs — lexom-site serve</title>" in page
    assert "<h1>Le site n&#x27;a pas pu être reconstruit</h1>" in page
    assert ("<p>Corrigez ces erreurs ; la page se recharge d&#x27;elle-même dès que le site est reconstruit.</p>"
            in page)
    assert ("<li><code>content/courses/ABC-DEF-1.md:3:15</code> : un problème<br><small>conseil : une solution"
            "</small></li>") in page
    set_language("en")
    page = error_page(state).decode("utf-8")
    assert '<html lang="en">' in page and "<h1>The site could not be rebuilt</h1>" in page
    assert ("<li><code>content/courses/ABC-DEF-1.md:3:15</code>: un problème<br><small>hint: une solution"
            "</small></li>") in page


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def _wait_for(condition, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_serve_speaks_french_in_the_terminal_and_in_the_browser(site: Path):
    write_tree(site, f"-- content/courses/ABC-DEF-1.md --\n{course_text()}")
    port = _free_port()
    env = {**os.environ, "LEXOM_LANG": "fr"}
    process = subprocess.Popen([sys.executable, "-m", "lexom_site", "serve", "--root", str(site), "--port", str(port),
                                "--no-pdf"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(lambda: "Piloter un projet" in _get(base + "/index.html"))
        course = site / "content/courses/ABC-DEF-1.md"
        course.write_text(course_text(audience="audience: Tout public (contact dp@lexom.fr)"))
        error = _wait_for(lambda: (p := _get(base + "/index.html")) and "n&#x27;a pas pu" in p and p)
        assert '<html lang="fr">' in error
        assert ("<li><code>content/courses/ABC-DEF-1.md:11:32</code> : &#x27;dp@lexom.fr&#x27; n&#x27;est pas une "
                "adresse déclarée : vouliez-vous dire dpo@lexom.fr ?<br><small>conseil : dpo@lexom.fr est déclarée "
                "dans site.yaml sous le nom dpo_email") in error
        course.write_text(course_text())
        _wait_for(lambda: "Piloter un projet" in _get(base + "/index.html"))
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    lines = err.splitlines()
    assert f"{site / 'public'} est servi sur http://127.0.0.1:{port}/ (Ctrl-C pour arrêter)" in lines
    assert ("content/courses/ABC-DEF-1.md:11:32: erreur : 'dp@lexom.fr' n'est pas une adresse déclarée : "
            "vouliez-vous dire dpo@lexom.fr ?") in lines
    assert any(line.startswith("Site reconstruit en ") and line.endswith(" s.") for line in lines)
    assert lines[-1] == "Arrêté."
