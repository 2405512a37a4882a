"""MkDocs hook: serve mkdocs-jupyter's notebook CSS once, as a stylesheet the browser caches.

mkdocs-jupyter inlines about 600 KB of `<style>` blocks (JupyterLab's CSS, its light
theme, the Pygments colours, a mermaid rule) into every notebook page. The blocks are
the same on every page, so this hook:

1. converts a one-cell reference notebook with the installed mkdocs-jupyter and the
   site's own plugin options, and takes the `<style>` blocks it produces (so the
   stylesheet always matches the installed version; nothing is copied into the tree);
2. adds them to the build as `assets/css/notebook-<hash>.css` (the content hash in the
   name means a browser never keeps a stale copy after an upgrade);
3. on each notebook page, replaces exactly those blocks by one `<link>` to that file,
   where the first block was, so the cascade order is unchanged. The link sits in the
   page content, as the blocks did, so Material's instant navigation brings it along.

A block that is not in the reference (e.g. CSS produced by a cell's output) stays inline.
mkdocs-jupyter 0.26 also appends `str()` of a Python list of CSS strings in a `<style>`
block; browsers ignore that block as invalid CSS, so it is dropped rather than shipped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import posixpath
import re
import tempfile
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.hooks.notebook_css")

PLUGIN = "mkdocs-jupyter"
STYLE_BLOCK = re.compile(r"<style\b[^>]*>(?P<css>.*?)</style>\s*", re.S | re.I)
# Options of the plugin that change what nb2html writes (and so, possibly, its CSS).
NB2HTML_OPTIONS = (
    "kernel_name", "theme", "allow_errors", "show_input", "no_input", "no_prompt",
    "remove_tag_config", "highlight_extra_classes", "include_requirejs", "custom_mathjax_url",
)
REFERENCE_NOTEBOOK = {
    "cells": [{"cell_type": "markdown", "id": "reference", "metadata": {}, "source": ["reference"]}],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}

# Reference CSS by plugin options: `mkdocs serve` keeps this module loaded between rebuilds.
_memo: dict[str, list[str]] = {}
# Per build: the shared blocks and the site path of the stylesheet.
_shared: list[str] = []
_stylesheet_uri = ""


def is_python_list_repr(css: str) -> bool:
    text = css.strip()
    return text.startswith(("['", '["')) and text.endswith(("']", '"]'))


def reference_blocks(options: dict) -> list[str]:
    """The `<style>` blocks mkdocs-jupyter writes into a notebook page with these options."""
    key = json.dumps(options, sort_keys=True, default=str)
    if key not in _memo:
        from mkdocs_jupyter import convert

        with tempfile.TemporaryDirectory(prefix="notebook-css-") as tmp:
            path = Path(tmp) / "reference.ipynb"
            path.write_text(json.dumps(REFERENCE_NOTEBOOK), encoding="utf-8")
            html = convert.nb2html(str(path), execute=False, **options)
        _memo[key] = [m.group("css") for m in STYLE_BLOCK.finditer(html)]
        if not _memo[key]:
            raise PluginError("notebook_css: mkdocs-jupyter produced no <style> block to extract")
    return _memo[key]


def stylesheet(blocks: list[str]) -> str:
    """One CSS file from the blocks, in page order. `@charset` is only valid first."""
    body = "\n".join(re.sub(r'@charset\s+"[^"]*";', "", b).strip() for b in blocks if not is_python_list_repr(b))
    return '@charset "UTF-8";\n' + body + "\n"


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    global _shared, _stylesheet_uri
    plugin = config.plugins.get(PLUGIN)
    if plugin is None:
        _shared, _stylesheet_uri = [], ""
        return files
    options = {name: plugin.config[name] for name in NB2HTML_OPTIONS}
    _shared = reference_blocks(options)
    css = stylesheet(_shared)
    digest = hashlib.sha256(css.encode("utf-8")).hexdigest()[:12]
    _stylesheet_uri = f"assets/css/notebook-{digest}.css"
    files.append(File.generated(config, _stylesheet_uri, content=css))
    return files


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    if not _shared or not page.file.src_uri.endswith(".ipynb"):
        return html
    url = page.file.url
    page_dir = url if url.endswith("/") or not url else posixpath.dirname(url)
    href = posixpath.relpath(_stylesheet_uri, page_dir or ".")
    shared = set(_shared)
    linked = False

    def repl(m: re.Match[str]) -> str:
        nonlocal linked
        if m.group("css") not in shared:
            return m.group(0)
        if linked or is_python_list_repr(m.group("css")):
            return ""
        linked = True
        return f'<link rel="stylesheet" href="{href}">\n'

    return STYLE_BLOCK.sub(repl, html)
