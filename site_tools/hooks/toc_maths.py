"""MkDocs hook: maths in a heading is typeset in the table of contents too.

A heading such as "$\\lVert \\partial L / \\partial h_t \\rVert$ against $t$" (notebook
Markdown cell) or "Why divide by $\\sqrt{d_k}$" (Markdown page, which arithmatex turns
into `\\(...\\)`) is typeset in the page, but its entry in the table of contents is
plain text in the sidebar, which MathJax skips (docs/assets/js/mathjax-config.js), so
readers saw the raw LaTeX there. This hook wraps each formula of a TOC entry in
`<span class="arithmatex">`, the class MathJax is configured to process, so the
sidebar shows the same typeset formula as the heading.

It runs after the other hooks' on_page_content (notebook_pages rebuilds the TOC of
notebook pages there).
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

# \( ... \) and \[ ... \] as arithmatex writes them; notebooks keep Jupyter's $ ... $.
ARITHMATEX_MATHS = re.compile(r"\\\((?P<inline>.+?)\\\)|\\\[(?P<display>.+?)\\\]")
DOLLAR_MATHS = re.compile(r"(?<![\\$])\$(?P<inline>[^\s$](?:[^$]*?[^\s\\$])?)\$(?!\$)")
WRAPPED = re.compile(r'<span class="arithmatex">.*?</span>')


def typeset_title(title: str, dollars: bool) -> str:
    """The title with each formula wrapped for MathJax (already wrapped ones are left alone)."""
    if WRAPPED.search(title):
        return title

    def wrap(m: re.Match[str]) -> str:
        tex = m.group("inline") if m.group("inline") is not None else m.group("display")
        return f'<span class="arithmatex">\\({tex}\\)</span>'

    title = ARITHMATEX_MATHS.sub(wrap, title)
    if dollars:
        title = DOLLAR_MATHS.sub(wrap, title)
    return title


def _walk(items, dollars: bool) -> None:
    for item in items:
        item.title = typeset_title(item.title, dollars)
        _walk(item.children, dollars)


@event_priority(-50)
def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    _walk(page.toc, dollars=page.file.src_uri.endswith(".ipynb"))
    return html
