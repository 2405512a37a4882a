"""MkDocs hook: accessibility fixes made in the built HTML, so they hold without JavaScript.

What the theme and plugins write, and what this hook changes (WCAG 2.1 AA; the audit is
site_tools/a11y_audit.py, run by tests/site/test_site_accessibility.py):

* notebook code cells (mkdocs-jupyter): the box that scrolls sideways is
  `div.highlight-ipynb`, which a keyboard could not reach; nbconvert made its wrapper
  focusable instead, which scrolls nothing. The scrolling box gets tabindex="0" and a
  name (role="region"), and the wrapper loses its tab stop. Text outputs (`<pre>`) get the
  same. (Material's own code blocks and tables are made focusable by
  docs/assets/js/accessibility.js, because Material's JavaScript sets and removes their
  tabindex itself.)
* notebook images: nbconvert writes alt="No description has been provided for this
  image". The alt text is taken from the code cell's metadata, key "alt" (a string, or a
  list with one string per image output of the cell); without it, from the figure titles
  the cell's code sets (`set_title`, `title`, `suptitle`), so a reader at least learns
  what each plot is of ("Figure: <titles>"); a figure with neither keeps nbconvert's
  placeholder. A result a figure shows belongs in the metadata's alt text.
* quizzes (mkdocs-quiz): the feedback after an answer is a polite live region
  (role="status"), so a screen reader announces the result where focus does not reach it.
"""

from __future__ import annotations

import html
import json
import logging
import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.hooks.accessibility")

NBCONVERT_ALT = 'alt="No description has been provided for this image"'
_CELL_START = re.compile(r'<div class="jp-Cell [^"]*" id="cell-id=(?P<id>[^"]+)">')
_TITLE_CALL = re.compile(r"""\.(?:set_title|title|suptitle)\(\s*f?(?P<q>["'])(?P<text>.+?)(?P=q)""")


def _attrs(text: str) -> str:
    return html.escape(text, quote=True)


def focusable_notebook_boxes(output: str) -> str:
    """Move the tab stop of each notebook code cell onto the box that scrolls, and name it."""
    output = output.replace('<div class="jp-Cell-inputWrapper" tabindex="0">', '<div class="jp-Cell-inputWrapper">')
    output = re.sub(
        r'<div class="highlight-ipynb(?P<cls>[^"]*)">',
        r'<div class="highlight-ipynb\g<cls>" tabindex="0" role="region" aria-label="Code cell">',
        output,
    )
    return re.sub(
        r'(<div class="jp-RenderedText jp-OutputArea-output[^"]*"[^>]*>\s*)<pre>',
        r'\1<pre tabindex="0" role="region" aria-label="Cell output">',
        output,
    )


def figure_alts(cell: dict) -> list[str]:
    """Alt texts for the image outputs of one notebook code cell, in order (may be shorter)."""
    alt = cell.get("metadata", {}).get("alt")
    if isinstance(alt, str):
        return [alt]
    if isinstance(alt, list):
        return [str(a) for a in alt]
    source = cell.get("source", "")
    source = "".join(source) if isinstance(source, list) else source
    titles = [" ".join(m.group("text").replace("\\n", " ").split()).rstrip(".:;")
              for m in _TITLE_CALL.finditer(source) if "{" not in m.group("text")]
    if titles:
        return ["Figure: " + "; ".join(titles)]
    return []


def notebook_alt_texts(output: str, notebook: Path) -> str:
    """Replace nbconvert's placeholder alt of each image with the cell's own alt text."""
    if NBCONVERT_ALT not in output:
        return output
    try:
        cells = {c.get("id"): c for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"]}
    except (OSError, ValueError, KeyError):
        return output
    starts = list(_CELL_START.finditer(output))
    pieces = [output[: starts[0].start()] if starts else output]
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(output)
        segment = output[m.start():end]
        alts = iter(figure_alts(cells.get(m.group("id"), {})))

        def repl(_: re.Match[str], alts=alts) -> str:
            alt = next(alts, None)
            return f'alt="{_attrs(alt)}"' if alt else NBCONVERT_ALT

        pieces.append(re.sub(re.escape(NBCONVERT_ALT), repl, segment))
    return "".join(pieces)


def quiz_live_feedback(output: str) -> str:
    """Make each quiz's feedback box a polite live region."""
    return re.sub(r'<div class="quiz-feedback(?P<cls>[^"]*)">',
                  r'<div class="quiz-feedback\g<cls>" role="status" aria-live="polite">', output)


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    if "jupyter-wrapper" in output:
        output = focusable_notebook_boxes(output)
        if page.file.abs_src_path and page.file.src_uri.endswith(".ipynb"):
            output = notebook_alt_texts(output, Path(page.file.abs_src_path))
    if 'class="quiz-feedback' in output:
        output = quiz_live_feedback(output)
    return output
