"""Test helpers: tiny sites written from inline text, and one real build.

`write_tree(root, text)` writes a multi-file string in the txtar style used
by Hugo's integration tests:

    -- content/courses/ABC-DEF-1.md --
    ---
    ref: ABC-DEF-1
    ...
"""

from __future__ import annotations

import os
import re
import shutil
import textwrap
from pathlib import Path

import pytest

# The suite asserts the messages as the code writes them (English); tests/test_french.py asserts what editors
# read by default, in French. (Set before the package is imported: it speaks the language asked at that time.)
os.environ["LEXOM_LANG"] = "en"

from lexom_site.build.pipeline import build  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
LEGACY = REPO.parent / "shared" / "legacy"


def write_tree(root: Path, text: str) -> None:
    text = textwrap.dedent(text)
    parts = re.split(r"^-- (.+?) --\n", text, flags=re.M)
    for name, body in zip(parts[1::2], parts[2::2]):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")


def course_text(ref: str = "ABC-DEF-1", **overrides: str) -> str:
    """A valid course file; `overrides` replace whole front-matter lines or the body. (Its title is « Piloter un
    projet », followed by the reference for another reference than ABC-DEF-1: two courses may not share a title.)"""
    fields = {
        "ref": f"ref: {ref}",
        "title": "title: Piloter un projet" + (f" {ref}" if ref != "ABC-DEF-1" and re.fullmatch(
            r"[A-Z]{2,10}(?:-[A-Z0-9]{1,10}){1,4}", ref) else ""),
        "category": "category: GESTION",
        "subcategory": "subcategory: PROJETS",
        "duration_days": "duration_days: 1",
        "objectives": "objectives:\n  - Planifier un projet\n  - Suivre un budget",
        "prerequisites": "prerequisites: Aucun",
        "audience": "audience: Chefs de projet",
        "teaching_methods": "teaching_methods:\n  - Exercices pratiques",
        "evaluation_methods": "evaluation_methods:\n  - QCM final",
        "updated": "updated: 2026-11-23",
    }
    body = overrides.pop("body", "## Jour 1 - Matin\n\n### 1. Cadrer le projet\n\n- Objectifs\n- Périmètre\n\n"
                                 "## Jour 1 - Après-midi\n\n### 2. Suivre le projet\n\n- Tableau de bord\n")
    fields.update(overrides)
    front = "\n".join(line for line in fields.values() if line)
    return f"---\n{front}\n---\n\n{body}"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A project with the real configuration, CGV, templates and assets, and no course."""
    root = tmp_path / "site"
    root.mkdir()
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "assets", root / "assets")
    (root / "content" / "courses").mkdir(parents=True)
    shutil.copytree(REPO / "content" / "legal", root / "content" / "legal")
    return root


@pytest.fixture(scope="session")
def real_build(tmp_path_factory) -> Path:
    """The real content/ built once, PDFs included, into a temporary folder."""
    out = tmp_path_factory.mktemp("real") / "public"
    build(REPO, out)
    return out


# Test values (not LEXOM's: the real site.yaml declares none of them).
SITE_FACTS = """\
facts:
  company:
    name: LEXOM
    legal_name: EXEMPLE FORMATION SAS
    legal_form: SAS au capital de 10 000 €
    siret: 123 456 789 00012
    address: 1 rue de l'Exemple, 07200 Aubenas
  declaration:
    number: 84 07 01234 07
    region: Auvergne-Rhône-Alpes
  contacts:
    sales:
      name: Camille Martin
      email: formation@lexom.fr
      phone: 04 75 00 00 00
    handicap:
      name: Alex Durand
      email: handicap@lexom.fr
      phone: 04 75 00 00 01
"""
SITE_DEFAULTS = """\
defaults:
  access: Inscription par le formulaire de contact ; un entretien vérifie les prérequis.
  access_delay: 2 semaines avant le début de la session
  accessibility: Accueil adapté sur demande auprès du référent handicap (supports, rythme, lieu).
  vat_rate: 20
"""
FULL_COURSE = """\
duration_hours: 14
delivery: présentiel
formats:
  - inter
  - intra
prices:
  inter: 1290
  intra_day: 1450.50
group_size:
  min: 4
  max: 12
trainer_profile: Consultant en gestion de projet, dix ans d'expérience
technical_means: Salle équipée, vidéoprojecteur, un ordinateur par participant
sessions:
  - start: 2027-03-15
    end: 2027-03-16
    place: Aubenas
    seats_left: 3
  - start: 2027-05-31
    end: 2027-06-01
    place: à distance
results:
  satisfaction_rate: 94.5
  respondents: 48
  period: sessions de 2026
  date: 2026-12-01
certification:
  code: RS5634
  title: Piloter un projet
  certifier: Exemple Certification
  registration_date: 2024-06-01
  pass_rate: 88
  blocks:
    - Bloc 1 - Cadrer un projet
  equivalences: Aucune équivalence
  bridges: Aucune passerelle
  next_steps: Formation chef de projet confirmé
  careers: Chef de projet"""
TWO_DAYS = ("## Jour 1 - Matin\n\n### 1. Cadrer le projet\n\n- Objectifs\n\n## Jour 1 - Après-midi\n\n"
            "### 2. Planifier\n\n- Jalons\n\n## Jour 2 - Matin\n\n### 3. Suivre le projet\n\n- Tableau de bord\n\n"
            "## Jour 2 - Après-midi\n\n### 4. Clore le projet\n\n- Bilan\n")


def complete_site(site: Path) -> None:
    """site.yaml with every company fact and default declared (test values)."""
    config = (site / "site.yaml").read_text(encoding="utf-8")
    config = re.sub(r"facts:\n  company:\n    name: LEXOM\n", SITE_FACTS, config)
    (site / "site.yaml").write_text(config.replace("amounts:", SITE_DEFAULTS + "\namounts:", 1), encoding="utf-8")


def course(ref: str = "ABC-DEF-1", extra: str = FULL_COURSE, body: str = TWO_DAYS, **overrides: str) -> str:
    """A two-day course with every sales and Qualiopi fact (`extra`)."""
    text = course_text(ref, duration_days="duration_days: 2", body=body, **overrides)
    return text.replace("\nupdated: 2026-11-23\n", f"\nupdated: 2026-11-23\n{extra}\n" if extra else "\nupdated: 2026-11-23\n")


@pytest.fixture
def english_afterwards():
    """For tests that run commands with `--lang fr`, which makes the whole process speak French: the tests after
    them speak English again (click keeps each command's --help option, its words included, once made: made
    again in English)."""
    from lexom_site.cli import main
    from lexom_site.i18n import set_language

    yield
    set_language("en")
    commands = [main]
    while commands:
        command = commands.pop()
        command._help_option = None
        commands += getattr(command, "commands", {}).values()
