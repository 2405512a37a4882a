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

It also rebuilds a notebook page's table of contents from the headings that are
really in the page: mkdocs-jupyter derives the TOC from a Markdown export with code
spans removed, so a heading such as "The `relu` derivative" got a TOC link
(#the-derivative) that matched no heading id (#the-relu-derivative).
It rewrites the links of notebook Markdown cells the way MkDocs does for Markdown
pages: course convention is to link `../backpropagation.md` or `gradient-flow.ipynb`
relative to the source file, and mkdocs-jupyter leaves such hrefs untouched, so they
would 404 on the site. A link to a .md/.ipynb file that is not part of the site is
reported as a warning (which fails `mkdocs build --strict`).

Finally it lowers mkdocs-jupyter's per-notebook INFO chatter to WARNING level.
"""

from __future__ import annotations

import logging
import posixpath
import re
from urllib.parse import unquote, urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

log = logging.getLogger("mkdocs.hooks.notebook_pages")
for _name in ("mkdocs.plugins.mkdocs_jupyter", "mkdocs.mkdocs-jupyter"):
    logging.getLogger(_name).setLevel(logging.WARNING)

_SCRIPT = re.compile(r"<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
_SRC = re.compile(r"""\bsrc\s*=\s*(?P<q>["']?)(?P<url>[^"'\s>]*)(?P=q)""", re.I)
_TYPE = re.compile(r"""\btype\s*=\s*["']?(?P<type>[^"'\s>]+)""", re.I)
_COMMENT = re.compile(r"<!--\s*(Load mathjax|MathJax configuration|End of mathjax configuration)\s*-->", re.I)
_EMBEDDED = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]+")
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


_HEADING = re.compile(r"<h([1-6])\b[^>]*\bid=\"([^\"]+)\"[^>]*>(.*?)</h\1>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")


def headings_toc(content: str, max_level: int = 6) -> list[dict]:
    """TOC tokens (the structure mkdocs.structure.toc.get_toc takes) of the page's headings."""
    import html as _html

    roots: list[dict] = []
    stack: list[dict] = []
    for level_s, hid, inner in _HEADING.findall(content):
        level = int(level_s)
        if level > max_level:
            continue
        inner = re.sub(r"<a\b[^>]*class=\"anchor-link\"[^>]*>.*?</a>", "", inner, flags=re.S)
        name = _html.escape(" ".join(_html.unescape(_TAG.sub("", inner)).split()), quote=False)
        token = {"level": level, "id": hid, "name": name, "children": []}
        while stack and stack[-1]["level"] >= level:
            stack.pop()
        (stack[-1]["children"] if stack else roots).append(token)
        stack.append(token)
    return roots


_HREF = re.compile(r"""(<a\b[^>]*?\bhref\s*=\s*)(["'])(?P<url>[^"']*)\2""", re.I)


def rewrite_links(content: str, page: Page, files: Files) -> str:
    """Point relative links to .md/.ipynb sources at the pages built from them."""
    base = posixpath.dirname(page.file.src_uri)

    def repl(m: re.Match[str]) -> str:
        url = m.group("url")
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
            return m.group(0)
        if not parts.path.endswith((".md", ".ipynb")):
            return m.group(0)
        target_uri = posixpath.normpath(posixpath.join(base, unquote(parts.path)))
        target = files.get_file_from_path(target_uri)
        if target is None:
            log.warning(
                "Doc file '%s' contains a link '%s', but the target '%s' is not found among documentation files.",
                page.file.src_uri, url, target_uri,
            )
            return m.group(0)
        new = target.url_relative_to(page.file)
        if parts.fragment:
            new += "#" + parts.fragment
        return f"{m.group(1)}{m.group(2)}{new}{m.group(2)}"

    return _HREF.sub(repl, content)


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    if not is_notebook(page):
        return html
    cleaned = rewrite_links(clean_notebook_html(html), page, files)
    # Embedded images (most of a notebook page's bytes) cannot load anything: leave them
    # out of the scan, which is otherwise slow on a megabyte of base64.
    leftover = _LEFTOVER.search(_EMBEDDED.sub("data:", cleaned))
    if leftover:
        start = max(0, leftover.start() - 80)
        raise PluginError(
            f"{page.file.src_uri}: the rendered notebook still loads something from another host: "
            f"...{cleaned[start:leftover.end() + 80]}..."
        )
    page.toc = get_toc(headings_toc(cleaned))
    return cleaned
