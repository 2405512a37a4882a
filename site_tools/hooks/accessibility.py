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
  image". Each figure's text alternative is kept in its code cell's metadata, key "alt":
  a list with one string per image output of the cell, in order (a lone string serves a
  cell with one image). It says what the figure shows and, when the figure carries a
  result, the result. A figure without one is reported as a warning, which fails the
  strict build. `python site_tools/figure_alt.py NOTEBOOK` lists a notebook's figures and
  their alt texts, and writes one; tests/notebooks/test_figure_alt_text.py checks that
  every number an alt text states is one the notebook computes or prints.
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
IMAGE_MIMES = ("image/png", "image/jpeg", "image/svg+xml")


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


def image_count(cell: dict) -> int:
    """Number of image outputs (PNG, JPEG or SVG) of one notebook code cell."""
    return sum(1 for out in cell.get("outputs", [])
               if any(mime in out.get("data", {}) for mime in IMAGE_MIMES))


def figure_alts(cell: dict) -> list[str]:
    """Alt texts for the image outputs of one notebook code cell, in order (may be shorter)."""
    alt = cell.get("metadata", {}).get("alt")
    if isinstance(alt, str):
        return [alt]
    if isinstance(alt, list):
        return [str(a) for a in alt]
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
        cell = cells.get(m.group("id"), {})
        alts, images = figure_alts(cell), image_count(cell)
        if len(alts) < images:
            log.warning("%s, cell %s: %d figure(s) without alt text (the cell metadata's \"alt\" list; "
                        "see site_tools/figure_alt.py)", notebook.name, m.group("id"), images - len(alts))
        remaining = iter(alts)

        def repl(_: re.Match[str], remaining=remaining) -> str:
            alt = next(remaining, None)
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
