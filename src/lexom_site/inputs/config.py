"""Site configuration (`site.yaml`): the site settings and the company facts.

Facts (company name, DPO address, mediator, court, site URL...) are declared
here once. The CGV refers to them as `{{ dpo_email }}` and templates read
them as `facts.dpo_email`, so both always state the same value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Mapping

import yaml

from ..diagnostics import BuildError, Diagnostic, display_path
from ..paths import ASSETS_DIR, CGV_FILE, CONFIG_FILE, CONTENT_DIR, COURSES_DIR, TEMPLATES_DIR, project_or_bundled
from ..i18n import N_, _
from .kinds import Invalid
from .schema import Field, Pattern, Text, TextList, parse_mapping
from .site_facts import DEFAULT_FIELDS, DEFAULTS, HOURS_PER_DAY, KNOWN_FACTS, PAIRS, STRICT
from .source import compose_yaml, decode_source

_KNOWN = {spec.name: spec for spec in KNOWN_FACTS}

FACT_NAME = r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*"

# the site's public address: printed in pages, the sitemap, robots.txt and the PDFs, so nothing there may need
# escaping: http(s), a host name, an optional port, path segments of unreserved or %-encoded characters, a final /
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_SEGMENT = r"(?:[A-Za-z0-9._~-]|%[0-9A-Fa-f]{2})+"
BASE_URL = rf"https?://{_LABEL}(?:\.{_LABEL})*(?::[0-9]{{1,5}})?/(?:{_SEGMENT}/)*"

SITE_FIELDS = (
    Field("title", Text(max_length=200), N_("site title, shown on every page"), example="Catalogue des formations LEXOM"),
    Field(
        "base_url",
        Pattern(regex=BASE_URL, example=N_("https://www.lexom.fr/ (http or https, a host name, ending with '/')")),
        N_("public address of the site, ending with '/'"),
        example="https://www.lexom.fr/",
    ),
    Field("description", Text(max_length=300), N_("one-sentence description of the catalogue")),
    STRICT,
)


@dataclass(frozen=True)
class Fact:
    name: str  # dotted, e.g. "mediator.url"
    value: str
    line: int


# An amount, rate or delay as the CGV states it: "30 %", "14 jours", "40 €".
AMOUNT_RE = re.compile(r"(?P<number>\d+(?:[.,]\d+)?)[ \u00a0\u202f]*(?P<unit>%|€|euros?|jours?|ans?|mois|heures?|semaines?)(?![\w])",
                       re.IGNORECASE)
_UNITS = {"euro": "€", "euros": "€", "jour": "jours", "an": "ans", "heure": "heures", "semaine": "semaines"}


def amount_key(number: str, unit: str) -> tuple[str, str]:
    """`30 %`, `30%` and `30 %` are the same amount; `1 jour` and `1 jours` too."""
    unit = unit.lower()
    return number.replace(",", "."), _UNITS.get(unit, unit)


@dataclass(frozen=True)
class Amount:
    """An amount the CGV states, and the words around it that identify it.

    `contexts` are phrases holding `{}` where the amount stands, e.g.
    "acompte de {}": wherever such a phrase appears, the amount must be
    `value`.
    """

    name: str
    value: str  # as declared: "30 %"
    contexts: tuple[str, ...]
    line: int

    @property
    def key(self) -> tuple[str, str]:
        match = AMOUNT_RE.fullmatch(self.value)
        assert match is not None  # checked when the configuration is read
        return amount_key(match["number"], match["unit"])


@dataclass(frozen=True)
class SiteConfig:
    root: Path
    path: str  # as shown in diagnostics
    title: str
    base_url: str
    description: str
    facts: Mapping[str, Fact]
    amounts: tuple[Amount, ...] = ()
    defaults: Any = field(default_factory=lambda: DEFAULTS.make({}))  # site_facts.DEFAULTS: what courses inherit
    strict: bool = False  # refuse incomplete courses (see `lexom-site audit`)

    @property
    def hours_per_day(self) -> Decimal:
        return self.defaults.hours_per_day or Decimal(HOURS_PER_DAY)

    @property
    def content_dir(self) -> Path:
        return self.root / CONTENT_DIR

    @property
    def courses_dir(self) -> Path:
        return self.root / COURSES_DIR

    @property
    def cgv_file(self) -> Path:
        return self.root / CGV_FILE

    @property
    def templates_dir(self) -> Path:
        return project_or_bundled(self.root, TEMPLATES_DIR)

    @property
    def assets_dir(self) -> Path:
        return project_or_bundled(self.root, ASSETS_DIR)

    def __reduce__(self):  # sent to worker processes; a mapping proxy is not picklable
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        return (_config_from_values, ({**values, "facts": dict(self.facts)},))

    def fact_values(self) -> dict[str, str]:
        return {name: fact.value for name, fact in self.facts.items()}

    def nested_facts(self) -> dict:
        """Facts as nested dicts, for templates: facts.mediator.url."""
        tree: dict = {}
        for name, fact in self.facts.items():
            *parents, leaf = name.split(".")
            node = tree
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = fact.value
        return tree


def _config_from_values(values: dict) -> SiteConfig:
    return SiteConfig(**{**values, "facts": MappingProxyType(values["facts"])})


def parse_config(text: str, path: str, root: Path) -> tuple[SiteConfig | None, list[Diagnostic]]:
    node, diagnostics = compose_yaml(text, path, 1)
    if diagnostics:
        return None, diagnostics
    if not isinstance(node, yaml.MappingNode):
        return None, [Diagnostic(path, 1, 1, _("site.yaml must hold the sections 'site:' and 'facts:'"))]
    sections = {key.value: (key, value) for key, value in node.value}
    for name, (key, _value) in sections.items():
        if name not in ("site", "facts", "amounts", "defaults"):
            diagnostics.append(Diagnostic(path, key.start_mark.line + 1, 1, _("unknown section '{name}'").format(
                name=name), hint=_("sections: site, facts, amounts, defaults")))
    site_node = sections.get("site", (None, None))[1]
    parsed, found = parse_mapping(site_node, SITE_FIELDS, path, 1, _("section 'site'"))
    diagnostics += found
    facts: dict[str, Fact] = {}
    if "facts" not in sections:
        diagnostics.append(Diagnostic(path, 1, 1, _("section 'facts' is missing")))
    else:
        _collect_facts(sections["facts"][1], "", path, facts, diagnostics)
    amounts = _parse_amounts(sections["amounts"][1], path, diagnostics) if "amounts" in sections else ()
    defaults = _parse_defaults(sections["defaults"][1], path, diagnostics) if "defaults" in sections else None
    for pair in PAIRS:
        given = [name for name in pair if name in facts]
        if given and len(given) < len(pair):
            missing = next(name for name in pair if name not in facts)
            fact = facts[given[0]]
            diagnostics.append(Diagnostic(path, fact.line, 1, _("fact '{name}' is declared without '{missing}'").format(
                name=given[0], missing=missing), hint=_("they are printed together: declare '{missing}' too").format(
                missing=missing)))
    for required in ("company.name", "dpo_email"):
        if "facts" in sections and required not in facts:
            diagnostics.append(Diagnostic(path, 1, 1, _("fact '{name}' is missing from section 'facts'").format(
                name=required)))
    if diagnostics:
        return None, diagnostics
    return (
        SiteConfig(
            root=root,
            path=path,
            title=parsed.values["title"],
            base_url=parsed.values["base_url"],
            description=parsed.values["description"],
            facts=MappingProxyType(facts),
            amounts=amounts,
            defaults=defaults or DEFAULTS.make({}),
            strict=bool(parsed.values.get("strict", False)),
        ),
        [],
    )


def _collect_facts(node: yaml.Node, prefix: str, path: str, out: dict[str, Fact], diags: list[Diagnostic]) -> None:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = f"{prefix}{key.value}"
            if not re.fullmatch(FACT_NAME, name):
                diags.append(
                    Diagnostic(
                        path,
                        key.start_mark.line + 1,
                        key.start_mark.column + 1,
                        _("fact name '{name}' must be lower-case letters, digits and '_'").format(name=key.value),
                    )
                )
                continue
            _collect_facts(value, name + ".", path, out, diags)
    elif isinstance(node, yaml.ScalarNode) and node.value.strip():
        name = prefix.rstrip(".")
        known = _KNOWN.get(name)
        if known is not None:
            try:
                known.kind.convert(node)
            except Invalid as exc:
                diags.append(Diagnostic(path, line, node.start_mark.column + 1,
                                        _("fact '{name}' ({label}) {problem}").format(name=name, label=known.label,
                                                                                      problem=exc.message),
                                        hint=exc.hint))
                return
        out[name] = Fact(name, node.value.strip(), line)
    else:
        diags.append(
            Diagnostic(path, line, node.start_mark.column + 1, _("fact '{name}' must be a non-empty text").format(
                name=prefix.rstrip('.')))
        )


AMOUNT_FIELDS = (
    Field("value", Pattern(regex=AMOUNT_RE.pattern, example="30 %"), N_("the amount: a number and a unit (%, €, jours, ans...)"),
          example="30 %"),
    Field("context", TextList(), N_("phrases around the amount, with {} where it stands"), example=("acompte de {}",)),
)


def _parse_defaults(node: yaml.Node, path: str, diagnostics: list[Diagnostic]) -> Any:
    parsed, found = parse_mapping(node, DEFAULT_FIELDS, path, 1, _("section 'defaults'"))
    diagnostics += found
    if found:
        return None
    defaults = DEFAULTS.make(parsed.values)
    for name, message, hint in DEFAULTS.check(defaults):
        diagnostics.append(Diagnostic(path, parsed.lines[name], 1, _("'defaults.{name}' {problem}").format(
            name=name, problem=message), hint=hint))
    return defaults


def _parse_amounts(node: yaml.Node, path: str, diagnostics: list[Diagnostic]) -> tuple[Amount, ...]:
    if not isinstance(node, yaml.MappingNode):
        diagnostics.append(Diagnostic(path, node.start_mark.line + 1, 1,
                                      _("section 'amounts' must map names to amounts")))
        return ()
    amounts = []
    for key, value in node.value:
        parsed, found = parse_mapping(value, AMOUNT_FIELDS, path, 1, _("amount '{name}'").format(name=key.value))
        diagnostics += found
        if found:
            continue
        for context in parsed.values["context"]:
            if context.count("{}") != 1:
                diagnostics.append(Diagnostic(path, parsed.lines.get("context", key.start_mark.line + 1), 1,
                                              _("context '{context}' of amount '{name}' must hold {{}} once").format(
                                                  context=context, name=key.value),
                                              hint=_("write {{}} where the amount stands: 'acompte de {{}}'")
                                              .format()))
        amounts.append(Amount(key.value, parsed.values["value"], parsed.values["context"], key.start_mark.line + 1))
    return tuple(amounts)


def load_config(root: Path) -> SiteConfig:
    """Read `site.yaml` from the project root; raise BuildError if invalid."""
    root = root.resolve()
    path = root / CONFIG_FILE
    shown = display_path(path, root)
    if not path.is_file():
        raise BuildError(
            [
                Diagnostic(
                    shown,
                    0,
                    0,
                    _("no {file} here: this is not a lexom-site project").format(file=CONFIG_FILE),
                    hint=_("run the command from the project folder, or pass --root"),
                )
            ]
        )
    source, diagnostics = decode_source(path.read_bytes(), shown)
    if source is None:
        raise BuildError(diagnostics)
    config, diagnostics = parse_config(source.text, shown, root)
    if config is None:
        raise BuildError(diagnostics)
    return config
