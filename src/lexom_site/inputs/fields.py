"""The front matter of a course file, declared once.

Each `Field` says everything about one field: its name, its kind (which
decides how it is read, checked, typed, cached and written back), whether it
is required, its French label, its description, an example and what
`lexom-site new course` writes for it. Validation (`course.parse_course`),
the `Course` object, the build cache, the course-file writer of `import`,
`new course` and `lexom-site schema` all derive from this list: adding a
field is adding its declaration here (and using it in templates). See
docs/architecture.md.
"""

from __future__ import annotations

from typing import Any

from .schema import Field, FreeMapping, Integer, Pattern, Text, TextList, json_schema

REF_PATTERN = r"[A-Z]{2,10}(?:-[A-Z0-9]{1,10}){1,4}"

COURSE_FIELDS = (
    Field("ref", Pattern(max_length=60, regex=REF_PATTERN, example="RCL-RCL-14"),
          "catalogue reference; the file is named after it (RCL-RCL-14.md)", example="RCL-RCL-14",
          label="Référence"),
    Field("title", Text(max_length=200), "title of the course",
          example="Utiliser les réseaux sociaux dans sa relation client", label="Intitulé"),
    Field("category", Text(max_length=80), "catalogue category", example="RELATION CLIENT", label="Catégorie"),
    Field("subcategory", Text(max_length=80), "sub-category inside the category", example="RELATION CLIENTS",
          label="Sous-catégorie"),
    Field("duration_days", Integer(minimum=1, maximum=30), "duration in days; the programme has this many days",
          example=2, label="Durée (jours)"),
    Field("objectives", TextList(), "objectives of the course, one per item", example=("Connaître les réseaux sociaux",),
          label="Objectifs", placeholder=("À compléter (premier objectif)", "À compléter (deuxième objectif)")),
    Field("prerequisites", Text(), "what participants must know beforehand",
          example="Aucune connaissance préalable n'est requise", label="Prérequis",
          placeholder="À compléter (ou « Aucun »)"),
    Field("audience", Text(), "who the course is for", example="Tout public", label="Public visé",
          placeholder="À compléter (ou « Tout public »)"),
    Field("teaching_methods", TextList(), "teaching methods (« Méthodes pédagogiques »)",
          example=("Etude de cas pratiques",), label="Méthodes pédagogiques",
          placeholder=("À compléter (une méthode par ligne)",)),
    Field("evaluation_methods", TextList(), "evaluation methods (« Modalités d'évaluation »)",
          example=("Réalisation de cas pratiques",), label="Modalités d'évaluation",
          placeholder=("À compléter (une modalité par ligne)",)),
    Field("extra", FreeMapping(), "free-form data for templates", required=False, label="Données libres"),
)


def course_schema() -> dict[str, Any]:
    """The JSON Schema of the front matter (`lexom-site schema`)."""
    return json_schema(COURSE_FIELDS, "LEXOM course file (front matter)")
