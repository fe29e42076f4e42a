"""A synthetic catalogue of N courses made from the real ones, for the benchmark.

Each course is one of the real course files with a new reference, a varied
title and category, and a programme of 1 to 3 days cut from or repeated out
of the real programme (so sheets have 1 to 3 pages before the CGV).
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

CATEGORIES = [("RELATION CLIENT", "RELATION CLIENTS"), ("COMMUNICATION", "COMMUNICATION ON-LINE"),
              ("MANAGEMENT", "ENCADREMENT"), ("BUREAUTIQUE", "TABLEUR"), ("RESSOURCES HUMAINES", "RECRUTEMENT"),
              ("COMMERCIAL", "PROSPECTION"), ("QUALITÉ", "AMÉLIORATION CONTINUE"), ("FINANCE", "GESTION")]
WORDS = ("piloter animer construire réussir maîtriser optimiser développer négocier organiser conduire "
         "évaluer préparer déployer sécuriser").split()
THEMES = ("projet équipe relation client budget prospection réunion entretien tableau de bord stratégie "
          "communication qualité recrutement").split()


def _programme(body: str, days: int, rng: random.Random) -> str:
    """A programme of `days` days made of the half-days of a real one, modules renumbered."""
    halves = re.split(r"(?m)^(?=## Jour)", body)
    intro, halves = halves[0], [h for h in halves[1:] if h.strip()]
    out, number = [intro.rstrip() + "\n"], 0
    for day in range(1, days + 1):
        for period in ("Matin", "Après-midi"):
            half = rng.choice(halves)
            text = re.sub(r"^## Jour \d+ - [^\n]+", f"## Jour {day} - {period}", half.strip())

            def renumber(match: re.Match) -> str:
                nonlocal number
                number += 1
                return f"### {number}."

            out.append(re.sub(r"(?m)^### \d+\.", renumber, text) + "\n")
    return "\n".join(out)


def make_catalogue(repo: Path, dest: Path, n: int, seed: int = 1) -> Path:
    """A project in `dest` with the real configuration, CGV, catalogue introduction, templates and assets, and
    N courses."""
    rng = random.Random(seed)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    shutil.copy(repo / "site.yaml", dest / "site.yaml")
    for folder in ("templates", "assets", "content/legal"):
        shutil.copytree(repo / folder, dest / folder)
    shutil.copy(repo / "content" / "catalogue.md", dest / "content" / "catalogue.md")  # the printed one's intro
    courses = dest / "content" / "courses"
    courses.mkdir(parents=True)
    sources = sorted((repo / "content" / "courses").glob("*.md"))
    titles: set[str] = set()
    for index in range(n):
        text = sources[index % len(sources)].read_text(encoding="utf-8")
        front, body = text.split("\n---\n", 1)
        days = rng.choice((1, 2, 2, 3))
        category, subcategory = CATEGORIES[index % len(CATEGORIES)]
        prefix = re.sub(r"[^A-Z]", "", category)[:3]
        ref = f"{prefix}-{subcategory[:3].replace(' ', 'X')}-{index + 1}"
        ref = re.sub(r"[^A-Z0-9-]", "X", ref)
        title = f"{rng.choice(WORDS).capitalize()} {rng.choice(THEMES)} et {rng.choice(THEMES)} — niveau {index % 4 + 1}"
        if title in titles:  # (two courses may not share a title: `check` refuses it)
            title += f" ({index + 1})"
        titles.add(title)
        front = re.sub(r"(?m)^ref: .*$", f"ref: {ref}", front)
        front = re.sub(r"(?m)^title: .*$", f'title: "{title}"', front)
        front = re.sub(r"(?m)^category: .*$", f"category: {category}", front)
        front = re.sub(r"(?m)^subcategory: .*$", f"subcategory: {subcategory}", front)
        front = re.sub(r"(?m)^duration_days: .*$", f"duration_days: {days}", front)
        (courses / f"{ref}.md").write_text(f"{front}\n---\n{_programme(body, days, rng)}", encoding="utf-8")
    return dest
