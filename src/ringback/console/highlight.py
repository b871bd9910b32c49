"""Syntax colouring of webhook bodies and BXML, done on the server with Pygments (Rich's own
dependency), so the page needs no script and works offline."""

from __future__ import annotations

from functools import cache
from typing import Any

from markupsafe import Markup, escape
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import JsonLexer, XmlLexer

_LEXERS = {"json": JsonLexer, "xml": XmlLexer}
CSS_CLASS = "hl"
MAX_COLOURED_CHARS = 64_000  # past this a body is shown plain: colouring it would be slow


def coloured(text: str, language: str) -> Markup:
    """`text` as HTML spans coloured for `language` (json, xml); anything else escaped."""
    lexer = _LEXERS.get(language)
    if lexer is None or len(text) > MAX_COLOURED_CHARS:
        return escape(text)
    return Markup(highlight(text, lexer(), HtmlFormatter(nowrap=True)))  # Pygments escapes the text


@cache
def stylesheet() -> str:
    """The CSS of the colours, scoped to `.hl`."""
    formatter: Any = HtmlFormatter(style="friendly")  # get_style_defs is untyped in the stubs
    return str(formatter.get_style_defs(f".{CSS_CLASS}"))
