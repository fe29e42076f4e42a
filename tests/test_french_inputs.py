"""What an editor reads, in French, about a course file (issue 19 §2 and §3): each mistake at its line and
column, with its fix, every mistake of a file in one run; the mistakes YAML would silently accept (an item
joined to the one above, a category spelt two ways, a copied course, a placeholder left) refused. Each message
is asserted exactly as `lexom-site --lang fr check` prints it, and in English where the English text matters."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import course_text, write_tree

from lexom_site.cli import main

HEADER = 4  # lines of the two warnings (and hints) the canonical CGV gets (tests/test_check.py)


pytestmark = pytest.mark.usefixtures("english_afterwards")  # (conftest.py)


def check(site: Path, lang: str = "fr") -> list[str]:
    """The problems `check` prints, without the CGV's warnings and the summary line."""
    result = CliRunner().invoke(main, ["--lang", lang, "check", "--root", str(site)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.splitlines()
    return [line for index, line in enumerate(lines[:-1]) if "warning" not in line and "avertissement" not in line
            and not (index and ("warning" in lines[index - 1] or "avertissement" in lines[index - 1]))]


def write_course(site: Path, name: str, text: str) -> None:
    write_tree(site, f"-- content/courses/{name} --\n{text}")


# --- §3: messages that point at the mistake ---------------------------------------------------------------

def test_a_forgotten_dash_is_reported_at_its_line(site):
    write_course(site, "ABC-DEF-1.md", course_text(objectives="objectives:\n  - Planifier un projet\n"
                                                              "  Suivre un budget"))
    assert check(site) == [
        "content/courses/ABC-DEF-1.md:9:3: erreur : « Suivre un budget » est parmi les éléments d'une liste mais ne "
        "commence pas par '- '",
        "  conseil : écrivez '  - Suivre un budget', comme les autres éléments"]
    assert check(site, "en") == [
        "content/courses/ABC-DEF-1.md:9:3: error: 'Suivre un budget' is among the items of a list but does not "
        "start with '- '",
        "  hint: write '  - Suivre un budget', like the other items"]


def test_a_forgotten_dash_on_the_last_item_is_reported_at_it_not_at_the_closing_line(site):
    write_course(site, "ABC-DEF-1.md", course_text(
        evaluation_methods="", updated="updated: 2026-11-23\nevaluation_methods:\n  - QCM final\n  Mise en situation"))
    assert check(site) == [
        "content/courses/ABC-DEF-1.md:17:3: erreur : « Mise en situation » est parmi les éléments d'une liste mais "
        "ne commence pas par '- '",
        "  conseil : écrivez '  - Mise en situation', comme les autres éléments"]


def test_a_forgotten_dash_on_the_first_item(site):
    write_course(site, "ABC-DEF-1.md", course_text(objectives="objectives:\n  Planifier un projet\n"
                                                              "  - Suivre un budget"))
    assert check(site)[0] == (
        "content/courses/ABC-DEF-1.md:8:3: erreur : « Planifier un projet » est parmi les éléments d'une liste mais "
        "ne commence pas par '- '")


@pytest.mark.parametrize("methods", ["  - Exercices pratiques\n  -Jeux de rôle", "  -Jeux de rôle"])
def test_a_dash_without_a_space(site, methods):
    write_course(site, "ABC-DEF-1.md", course_text(teaching_methods="teaching_methods:\n" + methods))
    line = 12 + methods.count("\n") + 1
    assert check(site) == [
        f"content/courses/ABC-DEF-1.md:{line}:3: erreur : il manque une espace après le tiret : « -Jeux de rôle » "
        "n'est pas lu comme un élément de la liste",
        "  conseil : écrivez '  - Jeux de rôle'"]


def test_an_unclosed_quote_in_the_title_is_reported_at_the_quote(site):
    write_course(site, "ABC-DEF-1.md", course_text(title='title: "Piloter un projet'))
    assert check(site) == [
        "content/courses/ABC-DEF-1.md:3:8: erreur : le guillemet ouvert ici n'est jamais fermé",
        '  conseil : fermez-le à la fin de la valeur : title: "Piloter un projet"']
    assert check(site, "en") == [
        "content/courses/ABC-DEF-1.md:3:8: error: the double quote opened here is never closed",
        '  hint: close it at the end of the value: title: "Piloter un projet"']


def test_double_quotes_inside_a_quoted_title(site):
    write_course(site, "ABC-DEF-1.md", course_text(title='title: "Le "bon" projet"'))
    assert check(site) == [
        "content/courses/ABC-DEF-1.md:3:12: erreur : un guillemet dans une valeur écrite entre guillemets termine "
        "la valeur",
        '  conseil : écrivez les guillemets intérieurs « » : title: "Le « bon » projet"']


def test_an_apostrophe_inside_single_quotes(site):
    write_course(site, "ABC-DEF-1.md", course_text(title="title: 'L'essentiel du projet'"))
    assert check(site) == [
        "content/courses/ABC-DEF-1.md:3:10: erreur : une apostrophe dans une valeur écrite entre apostrophes "
        "termine la valeur",
        "  conseil : écrivez la valeur entre guillemets droits : title: \"L'essentiel du projet\""]


def test_a_key_indented_by_one_space(site):
    write_course(site, "ABC-DEF-1.md", course_text(category=" category: GESTION"))
    assert check(site) == [
        "content/courses/ABC-DEF-1.md:4:1: erreur : 'category' est en retrait d'une espace : YAML le lit comme la "
        "suite de la ligne au-dessus",
        "  conseil : commencez 'category:' au début de la ligne, sans espace (les champs d'un groupe, sous "
        "'prices:' par exemple, sont en retrait de deux espaces)"]
    assert check(site, "en") == [
        "content/courses/ABC-DEF-1.md:4:1: error: 'category' is indented by one space: YAML reads it as the "
        "continuation of the line above",
        "  hint: start 'category:' at the beginning of the line, without a space (the fields of a group, under "
        "'prices:' for example, are indented by two spaces)"]


def test_an_accented_letter_in_a_reference_is_named(site):
    write_course(site, "QUALITE-03.md", course_text("QUALITÉ-03"))
    assert check(site) == [
        "content/courses/QUALITE-03.md:2:12: erreur : 'ref' (Référence) « QUALITÉ-03 » contient la lettre "
        "accentuée « É »",
        "  conseil : écrivez sans accent : QUALITE-03"]
    assert check(site, "en") == [
        "content/courses/QUALITE-03.md:2:12: error: 'ref' (Référence) 'QUALITÉ-03' contains the accented letter 'É'",
        "  hint: write it without accents: QUALITE-03"]


def test_three_mistakes_of_one_file_are_reported_in_one_run(site):
    write_course(site, "QUALITE-03.md", course_text(
        "QUALITÉ-03", title='title: "Piloter un projet',
        objectives="objectives:\n  - Planifier un projet\n  Suivre un budget"))
    lines = check(site)
    assert lines[::2] == [
        "content/courses/QUALITE-03.md:2:12: erreur : 'ref' (Référence) « QUALITÉ-03 » contient la lettre "
        "accentuée « É »",
        "content/courses/QUALITE-03.md:3:8: erreur : le guillemet ouvert ici n'est jamais fermé",
        "content/courses/QUALITE-03.md:9:3: erreur : « Suivre un budget » est parmi les éléments d'une liste mais "
        "ne commence pas par '- '"]


# --- §2: what YAML would read without a word ----------------------------------------------------------------

@pytest.mark.parametrize("item", ["    - Organiser le travail", "    * Organiser le travail",
                                  "    2. Organiser le travail"])
def test_an_item_indented_too_far_is_not_joined_to_the_one_above(site, item):
    write_course(site, "ABC-DEF-1.md", course_text(objectives="objectives:\n  - Planifier un projet\n" + item))
    assert check(site) == [
        f"content/courses/ABC-DEF-1.md:9:5: erreur : « {item.strip()} » est plus en retrait que la ligne "
        "au-dessus : YAML le colle au texte de cette ligne, et les deux ne font qu'un élément",
        "  conseil : pour en faire un élément à part, commencez-le par '- ' exactement sous le tiret des autres "
        "éléments"]
    assert check(site, "en")[0] == (
        f"content/courses/ABC-DEF-1.md:9:5: error: '{item.strip()}' is indented further than the line above: YAML "
        "joins it to the text above, as one item")


def test_a_value_running_over_a_list_line_is_refused(site):
    write_course(site, "ABC-DEF-1.md", course_text(prerequisites="prerequisites: Aucun\n  - Bases d'Excel"))
    assert check(site)[0] == (
        "content/courses/ABC-DEF-1.md:11:3: erreur : « - Bases d'Excel » est plus en retrait que la ligne au-dessus "
        ": YAML le colle au texte de cette ligne, et les deux ne font qu'un élément")


def test_text_after_a_hash_is_not_dropped_as_a_yaml_comment(site):
    # YAML reads « #2 avancé » as a comment: the title was printed « Excel », the objective cut, without a word
    write_course(site, "ABC-DEF-1.md", course_text(
        title="title: Excel #2 avancé", objectives="objectives:\n  - Planifier un projet # étape 1\n  - Suivre"))
    lines = (site / "content/courses/ABC-DEF-1.md").read_text().splitlines()
    title = next(n for n, line in enumerate(lines, 1) if line.startswith("title:"))
    objective = next(n for n, line in enumerate(lines, 1) if "# étape 1" in line)
    hint = ("  conseil : s'il fait partie du texte, mettez toute la valeur entre guillemets droits (\") ; une note "
            "s'écrit sur une ligne à part, commençant par #")
    assert check(site) == [
        f"content/courses/ABC-DEF-1.md:{title}:14: erreur : « #2 avancé » est lu par YAML comme un commentaire, et "
        "laissé hors de la valeur", hint,
        f"content/courses/ABC-DEF-1.md:{objective}:{lines[objective - 1].index('#') + 1}: erreur : « # étape 1 » est lu par YAML comme un commentaire, "
        "et laissé hors de la valeur", hint]
    assert check(site, "en")[0] == (f"content/courses/ABC-DEF-1.md:{title}:14: error: « #2 avancé » is read by YAML "
                                    "as a comment, and left out of the value")
    # quoted, the value is whole; a # inside a word (C#), a note on its own line, an address with # are fine
    write_course(site, "ABC-DEF-1.md", course_text(
        title='title: "Excel #2 avancé"', audience="# une note\naudience: Développeurs C#",
        prerequisites="prerequisites: Voir https://www.lexom.fr/#prerequis"))
    assert check(site) == []


def test_a_category_spelt_another_way_is_reported_at_the_file_that_differs(site):
    write_course(site, "ABC-DEF-1.md", course_text("ABC-DEF-1", category="category: COMMUNICATION"))
    write_course(site, "ABC-DEF-2.md", course_text("ABC-DEF-2", title="title: Écrire", category="category: Communication"))
    write_course(site, "ABC-DEF-3.md", course_text("ABC-DEF-3", title="title: Parler", category="category: COMMUNICATION"))
    assert check(site) == [
        "content/courses/ABC-DEF-2.md:4:1: erreur : 'category' (Catégorie) « Communication » est écrit "
        "« COMMUNICATION » dans content/courses/ABC-DEF-1.md : les deux feraient une seule section du catalogue, "
        "avec deux noms",
        "  conseil : écrivez 'category: COMMUNICATION', comme content/courses/ABC-DEF-1.md (et 1 autre fiche)"]
    assert check(site, "en") == [
        "content/courses/ABC-DEF-2.md:4:1: error: 'category' (Catégorie) 'Communication' is written 'COMMUNICATION' "
        "in content/courses/ABC-DEF-1.md: the two would be one section of the catalogue, with two names",
        "  hint: write 'category: COMMUNICATION', as content/courses/ABC-DEF-1.md does (and 1 other file)"]


def test_a_subcategory_differing_in_accents_and_spaces(site):
    write_course(site, "ABC-DEF-1.md", course_text("ABC-DEF-1", subcategory="subcategory: MÉTHODES AGILES"))
    write_course(site, "ABC-DEF-2.md", course_text("ABC-DEF-2", title="title: Scrum",
                                                   subcategory="subcategory: METHODES  AGILES"))
    assert check(site) == [
        "content/courses/ABC-DEF-2.md:5:1: erreur : 'subcategory' (Sous-catégorie) « METHODES  AGILES » est écrit "
        "« MÉTHODES AGILES » dans content/courses/ABC-DEF-1.md : les deux feraient une seule section du catalogue, "
        "avec deux noms",
        "  conseil : écrivez 'subcategory: MÉTHODES AGILES', comme content/courses/ABC-DEF-1.md"]


def test_two_courses_with_the_same_title(site):
    write_course(site, "ABC-DEF-1.md", course_text("ABC-DEF-1"))
    write_course(site, "ABC-DEF-2.md", course_text("ABC-DEF-2", title="title: Piloter  un PROJET"))
    assert check(site) == [
        "content/courses/ABC-DEF-2.md:3:1: erreur : 'title' (Intitulé) « Piloter  un PROJET » est aussi le titre de "
        "content/courses/ABC-DEF-1.md : deux formations du catalogue auraient le même titre",
        "  conseil : donnez à cette formation son propre titre (le fichier a-t-il été copié de "
        "content/courses/ABC-DEF-1.md ?), ou supprimez l'un des deux fichiers"]
    assert check(site, "en")[0] == (
        "content/courses/ABC-DEF-2.md:3:1: error: 'title' (Intitulé) 'Piloter  un PROJET' is also the title of "
        "content/courses/ABC-DEF-1.md: two courses of the catalogue would have the same title")


def test_the_placeholders_of_new_course_are_refused_and_its_comments_are_french(site):
    result = CliRunner().invoke(main, ["--lang", "fr", "new", "course", "ABC-DEF-1", "--root", str(site), "--title",
                                       "Piloter un projet", "--category", "GESTION", "--subcategory", "PROJETS",
                                       "--days", "1"])
    assert result.exit_code == 0, result.output
    text = (site / "content/courses/ABC-DEF-1.md").read_text(encoding="utf-8")
    assert text.startswith("---\n# Fiche de formation ABC-DEF-1 : chaque champ est expliqué dans "
                           "docs/content-format.md.\n# Remplacez chaque « À compléter » par le vrai texte, puis "
                           "lancez `lexom-site check`.\n")
    assert "# intitulé de la formation (texte simple, imprimé tel qu'il est écrit)\ntitle: Piloter un projet\n" in text
    lines = check(site)
    assert lines[:2] == [
        "content/courses/ABC-DEF-1.md:17:5: erreur : « À compléter » est encore là : `new course` l'a laissé pour "
        "que vous écriviez le texte",
        "  conseil : remplacez-le par le vrai texte (ou supprimez la ligne, si le champ est facultatif)"]
    assert len(lines) == 20  # every placeholder but none of the comment lines that name them
    # Completed, the file passes: its comments do not count as placeholders.
    completed = "\n".join(line if line.startswith("# ") else re.sub("À compléter.*", "Texte réel", line)
                          for line in text.split("\n"))
    (site / "content/courses/ABC-DEF-1.md").write_text(completed, encoding="utf-8")
    assert check(site) == []


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_json_schema_is_french_in_every_language(lang):
    result = CliRunner().invoke(main, ["--lang", lang, "schema"])
    schema = json.loads(result.stdout)
    assert schema["title"] == "Fiche de formation LEXOM (en-tête)"
    assert schema["properties"]["title"]["title"] == "Intitulé"
    assert schema["properties"]["title"]["description"] == ("intitulé de la formation (texte simple, imprimé tel "
                                                            "qu'il est écrit)")
    assert schema["properties"]["prices"]["properties"]["inter"]["description"] == (
        "prix par participant d'une session inter-entreprises, en euros HT")
    proposal = json.loads(CliRunner().invoke(main, ["--lang", lang, "schema", "--proposal"]).stdout)
    assert proposal["title"] == "Proposition commerciale LEXOM"


def test_a_field_error_reads_as_french(site):
    write_course(site, "ABC-DEF-1.md", course_text(duration_days="duration_days: deux",
                                                   audience="audiance: Tout public"))
    assert check(site) == [
        "content/courses/ABC-DEF-1.md:2:1: erreur : le champ obligatoire 'audience' (Public visé) manque",
        "  conseil : ajoutez une ligne 'audience: ...' (à qui s'adresse la formation), par exemple "
        "'audience: Tout public'",
        "content/courses/ABC-DEF-1.md:6:16: erreur : 'duration_days' (Durée en jours) doit être un nombre entier, "
        "trouvé : « deux »",
        "  conseil : écrivez un nombre entier, par exemple 2",
        "content/courses/ABC-DEF-1.md:11:1: erreur : champ inconnu 'audiance'",
        "  conseil : vouliez-vous dire 'audience' ?"]
