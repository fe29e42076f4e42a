"""The Jinja environment of templates/, and template errors as diagnostics.

Templates are the only place markup is written. The environment autoescapes
everything and uses StrictUndefined, so a missing value is an error, never a
blank. Template errors become diagnostics that name the template file and
line.
"""

from __future__ import annotations

import difflib
import re
import traceback
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ..diagnostics import BuildError, Diagnostic, display_path
from ..i18n import _
from ..inputs.config import SiteConfig
from ..inputs.french import format_amount, format_date, format_number
from ..inputs.key_facts import declaration_sentence, key_facts, session_dates
from ..inputs.markdown import render_block, render_inline
from .typography import ADDRESS, typeset_html
from .metadata import catalogue_jsonld, course_description, course_jsonld, plain_text
from .urls import absolute_url, category_anchor, course_page_path

class _Undefined(jinja2.StrictUndefined):
    """StrictUndefined, saying what a template author can act on: the kind of value (not the Python class's
    dotted path) and the name meant when one is close (« course.titel »: did you mean 'title'?)."""

    @property
    def _undefined_message(self) -> str:
        if self._undefined_hint:
            return self._undefined_hint
        name = self._undefined_name
        if self._undefined_obj is jinja2.utils.missing:
            return _("'{name}' is undefined").format(name=name)
        value = self._undefined_obj
        names = [str(key) for key in value] if isinstance(value, dict) else [
            attribute for attribute in dir(value) if not attribute.startswith("_")]
        close = difflib.get_close_matches(str(name), names, n=1, cutoff=0.75)
        kind = type(value).__name__
        if close:
            return _("a {kind} has no attribute '{name}': did you mean '{close}'?").format(kind=kind, name=name,
                                                                                           close=close[0])
        return _("a {kind} has no attribute '{name}'").format(kind=kind, name=name)


_BARE_URL = re.compile(r'<a href="(?:mailto:)?([^"]*)">\1</a>')
_TAG = re.compile(r"(<[^>]*>)")


def make_environment(config: SiteConfig, bytecode_dir: Path | None = None) -> jinja2.Environment:
    """The Jinja environment of the templates (with `bytecode_dir`, compiled
    templates are kept there and not compiled again by the next build)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(config.templates_dir),
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(bytecode_dir)) if bytecode_dir else None,
        autoescape=True,
        undefined=_Undefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md_inline"] = lambda text: Markup(_mark_bare_urls(render_inline(text)))
    env.filters["md_block"] = lambda text: Markup(_mark_bare_urls(render_block(text)))
    env.filters["md_plain"] = plain_text
    env.globals["absolute_url"] = lambda path: absolute_url(config, path)
    env.globals["course_page_path"] = course_page_path
    env.globals["course_description"] = course_description
    env.globals["category_anchor"] = category_anchor
    env.globals["catalogue_jsonld"] = lambda catalogue: catalogue_jsonld(config, catalogue)
    env.globals["course_jsonld"] = lambda course: course_jsonld(config, course)
    env.globals["key_facts"] = lambda course: key_facts(course, config)
    env.globals["declaration_sentence"] = lambda: declaration_sentence(config)
    env.globals["format_date"] = format_date
    env.globals["format_number"] = format_number
    env.globals["format_amount"] = format_amount
    env.globals["session_dates"] = session_dates
    # JSON-LD keeps French letters readable; tojson still escapes <, >, & and '
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": False, "indent": 2}
    env.globals["site"] = config
    env.globals["facts"] = config.nested_facts()
    return env


def _mark_bare_urls(rendered: str) -> str:
    """`<https://x>` links, whose text is their address, get class="url": the
    print stylesheet shows the address of the other links after their text.
    Addresses written as plain text (not links), and strings too long to be
    words, are put in a span of class "url": the PDF stylesheets break them
    without hyphens (a reader copying one from a PDF gets the address, not one
    with a hyphen added)."""
    if "://" in rendered or "@" in rendered or len(rendered) >= 40:
        out, in_link = [], False
        for part in _TAG.split(rendered):
            if part.startswith("<"):
                in_link = part.startswith("<a ") or (in_link and part != "</a>")
                out.append(part)
            else:  # (a link's own text is marked below, with the link)
                out.append(part if in_link else ADDRESS.sub(r'<span class="url">\g<0></span>', part))
        rendered = "".join(out)
    if "<a " not in rendered:
        return rendered
    return _BARE_URL.sub(lambda m: m.group(0).replace("<a ", '<a class="url" ', 1), rendered)


def render_template(env: jinja2.Environment, config: SiteConfig, name: str, **context: Any) -> str:
    """Render one template; a template error becomes a BuildError at its line."""
    try:
        rendered = env.get_template(name).render(**context)
        return typeset_html(rendered) if name.endswith(".html") else rendered
    except jinja2.TemplateSyntaxError as exc:
        path = Path(exc.filename) if exc.filename else config.templates_dir / name
        raise BuildError([Diagnostic(display_path(path, config.root), exc.lineno or 0, 0,
                                     _("template syntax error: {message}").format(message=exc.message))]) from None
    except jinja2.TemplateNotFound as exc:
        raise BuildError([Diagnostic(display_path(config.templates_dir / name, config.root), 0, 0,
                                     _("template not found: {name}").format(name=exc.name))]) from None
    except Exception as exc:  # an error raised while rendering: undefined value, bad filter...
        path, line = _template_frame(exc, config.templates_dir)
        where = display_path(path, config.root) if path else display_path(config.templates_dir / name, config.root)
        message = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else str(exc)
        raise BuildError([Diagnostic(where, line, 0, _("template error: {message}").format(message=message))]) \
            from None


def _template_frame(exc: BaseException, templates_dir: Path) -> tuple[Path | None, int]:
    """The innermost template file and line in the exception's traceback."""
    found: tuple[Path | None, int] = (None, 0)
    root = templates_dir.resolve()
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename)
        if path.suffix == ".html" and path.resolve().is_relative_to(root):
            found = (path, frame.lineno or 0)
    return found
