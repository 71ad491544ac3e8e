"""Memo text: user-supplied words made inert, and Markdown shown from a notebook.

Every string that comes from an input (the plan's guild, wave, wording and recommendation,
the codebook's labels, the command line) passes through :func:`safe` before it reaches the
memo's Markdown: HTML is escaped and Markdown's link, image and emphasis characters are
backslashed, so no ``<script>``, event handler or ``javascript:`` link can come of it.
"""

from __future__ import annotations

import html
import re

__all__ = ["cap", "safe", "say"]

_MARKDOWN = re.compile(r"([\\`*_\[\]()!|~])")


def safe(text: object) -> str:
    """``text`` as inert Markdown: HTML escaped, Markdown syntax backslashed.

    Examples
    --------
    >>> safe('<script>alert(1)</script> [x](javascript:alert(1))')
    '&lt;script&gt;alert\\\\(1\\\\)&lt;/script&gt; \\\\[x\\\\]\\\\(javascript:alert\\\\(1\\\\)\\\\)'
    """
    escaped = html.escape(str(text), quote=False)
    return _MARKDOWN.sub(r"\\\1", escaped)


def cap(text: object) -> str:
    """First letter upper case, the rest as written ("AI" stays "AI")."""
    text = str(text)
    return text[:1].upper() + text[1:]


def say(markdown: str) -> None:
    """Display ``markdown`` (already made of :func:`safe` pieces) as a notebook output."""
    from IPython.display import Markdown, display

    display(Markdown(markdown))
