"""MkDocs hook: make mkdocs-jupyter's notebook pages self-contained and consistent.

mkdocs-jupyter renders a notebook with nbconvert's "lab" template, which brings
things that would make a page load code from other hosts or clash with the site:

* a `<script src=...>` for MathJax 2 from a CDN (or with an empty src) and a
  `text/x-mathjax-config` block: the site already loads its own MathJax 3, configured
  in docs/assets/js/mathjax-config.js to typeset notebook Markdown cells too;
* a `<script type="module">` that imports mermaid from a CDN;
* RequireJS and Jupyter-widgets loaders from CDNs (when enabled or when a notebook
  stores widget state).

This hook removes them from every notebook page and then refuses (a build error,
so `mkdocs build --strict` fails) any notebook page that still references an
external script, stylesheet, image or module.
"""

from __future__ import annotations

import logging
import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.hooks.notebook_pages")

_SCRIPT = re.compile(r"<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
_SRC = re.compile(r"""\bsrc\s*=\s*(?P<q>["']?)(?P<url>[^"'\s>]*)(?P=q)""", re.I)
_TYPE = re.compile(r"""\btype\s*=\s*["']?(?P<type>[^"'\s>]+)""", re.I)
_COMMENT = re.compile(r"<!--\s*(Load mathjax|MathJax configuration|End of mathjax configuration)\s*-->", re.I)
_EXTERNAL = re.compile(r"^(?:https?:)?//", re.I)
# After cleaning, nothing may still point a loader at another host.
_LEFTOVER = re.compile(
    r"""(?:\bsrc\s*=|<link\b[^>]*\bhref\s*=|\bimport\s*\(?|@import\s+(?:url\()?|\burl\()\s*["']?\s*(?:https?:)?//""",
    re.I,
)


def is_notebook(page: Page) -> bool:
    return page.file.src_uri.endswith(".ipynb")


def _drop_script(m: re.Match[str]) -> str:
    attrs, body = m.group("attrs"), m.group("body")
    src = _SRC.search(attrs)
    kind = (_TYPE.search(attrs).group("type") if _TYPE.search(attrs) else "").lower()
    if src is not None:
        url = src.group("url")
        if not url or _EXTERNAL.match(url) or "mathjax" in url.lower() or "require" in url.lower():
            return ""  # MathJax 2 / RequireJS / widgets from a CDN, or an empty src
        return m.group(0)
    if kind == "text/x-mathjax-config":
        return ""  # MathJax 2 configuration; the site's MathJax 3 is configured globally
    if kind == "module" and "mermaid" in body.lower():
        return ""  # mermaid from a CDN; the course notebooks draw no mermaid diagrams
    if re.search(r"""\bimport\s*\(?\s*["'](?:https?:)?//""", body):
        return ""
    return m.group(0)


def clean_notebook_html(content: str) -> str:
    content = _SCRIPT.sub(_drop_script, content)
    content = _COMMENT.sub("", content)
    return content


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    if not is_notebook(page):
        return html
    cleaned = clean_notebook_html(html)
    leftover = _LEFTOVER.search(cleaned)
    if leftover:
        start = max(0, leftover.start() - 80)
        raise PluginError(
            f"{page.file.src_uri}: the rendered notebook still loads something from another host: "
            f"...{cleaned[start:leftover.end() + 80]}..."
        )
    return cleaned
