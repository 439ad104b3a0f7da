"""Jinja templates in templates/pdf/ rendered to tagged (PDF/UA-1) A4 documents by WeasyPrint.

A plain Jinja environment, not Flask's render_template: letters are also made by CLI commands
and services that have no request. WeasyPrint costs 0.5 s to import, so it is imported on the
first render, never at app start-up; the stylesheet and its fonts are parsed once per process.
"""
from __future__ import annotations

import threading
from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..formatting import author_words, date_fr, de, group_code, nir_spaced
from ..settings import PROJECT_ROOT

TEMPLATES_DIR = PROJECT_ROOT / "templates" / "pdf"
STATIC_DIR = PROJECT_ROOT / "static"
STYLESHEET = STATIC_DIR / "css" / "pdf.css"

# The shared font configuration and stylesheet are reused by every render; WeasyPrint does
# not promise they are safe to share between threads, so renders take turns.
_render_lock = threading.Lock()


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,  # a missing value on a posted letter must fail, not print blank
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(french_date=date_fr, grouped=group_code, nir_spaced=nir_spaced, de=de)
    env.globals.update(author_words=author_words)
    return env


@cache
def _engine():
    """The fetcher, the font configuration and the parsed stylesheet, made once."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    from .fetcher import SafeURLFetcher

    fetcher = SafeURLFetcher(STATIC_DIR)
    font_config = FontConfiguration()
    stylesheet = CSS(filename=STYLESHEET, url_fetcher=fetcher, font_config=font_config)
    return fetcher, font_config, stylesheet


def render_html(template_name: str, context: dict) -> str:
    return environment().get_template(template_name).render(**context)


def html_to_pdf(html: str) -> bytes:
    """A tagged A4 PDF of this HTML, styled by static/css/pdf.css; reads nothing outside static/."""
    from weasyprint import HTML

    with _render_lock:
        fetcher, font_config, stylesheet = _engine()
        document = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=fetcher)
        return document.write_pdf(
            stylesheets=[stylesheet], font_config=font_config, pdf_variant="pdf/ua-1"
        )


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render templates/pdf/<template_name> (Jinja2) to a tagged PDF/UA-1 document, A4."""
    return html_to_pdf(render_html(template_name, context))
