"""Every notebook figure has a text alternative, and the results it states are the notebook's own.

WCAG 2.1 success criterion 1.1.1: a screen-reader user gets from a figure what a sighted
reader gets. A figure's alt text is kept in its code cell's metadata ("alt", one string per
image output); site_tools/hooks/accessibility.py writes it on the page's <img>.

* every image output of every notebook has an alt text that describes it (not nbconvert's
  placeholder, not a bare title);
* a number an alt text states ("test accuracy 0.972") appears in the notebook's code or in
  what it printed: when a re-run changes a result, the alt text that stated it fails here
  instead of going stale. Single-digit integers (counts like "3 curves") are not held.
* the build writes each of a cell's alt texts on that cell's images, in order.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "site_tools" / "hooks"))
from accessibility import NBCONVERT_ALT, figure_alts, image_count, notebook_alt_texts  # noqa: E402

NOTEBOOKS = sorted((REPO / "docs").glob("*/notebooks/*.ipynb"))
TEXT_MIMES = ("text/plain", "text/html", "text/markdown", "text/latex")
NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:e[-+]?\d+)?(?![\d.]\d)")
MIN_LENGTH = 40  # shorter than this, an alt text can name a figure but not describe it


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def notebook_text(nb: dict) -> str:
    """The code of every code cell and every text it printed or displayed."""
    parts = []
    for cell in nb["cells"]:
        if cell.get("cell_type") != "code":
            continue
        parts.append(_text(cell.get("source", "")))
        for out in cell.get("outputs", []):
            if "text" in out:
                parts.append(_text(out["text"]))
            parts.extend(_text(out.get("data", {})[m]) for m in TEXT_MIMES if m in out.get("data", {}))
    return "\n".join(parts)


def unbacked_numbers(alt: str, text: str) -> list[str]:
    """Numbers in alt (other than single-digit integers) that are not numbers of text.
    Whole numbers only: "70" is not backed by "0.070", nor "0.95" by "0.958"."""
    known = set(NUMBER.findall(text))
    return [n for n in NUMBER.findall(alt) if not (n.isdigit() and len(n) == 1) and n not in known]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_figure_has_a_true_text_alternative(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    text = notebook_text(nb)
    problems = []
    for cell in nb["cells"]:
        n = image_count(cell) if cell.get("cell_type") == "code" else 0
        if not n:
            continue
        alts = figure_alts(cell)
        where = f"cell {cell.get('id')}"
        if len(alts) != n:
            problems.append(f"{where}: {n} image(s), {len(alts)} alt text(s)")
        for alt in alts:
            if len(alt) < MIN_LENGTH or alt.startswith("Figure:") or "No description" in alt:
                problems.append(f"{where}: alt text does not describe the figure: {alt!r}")
            missing = unbacked_numbers(alt, text)
            if missing:
                problems.append(f"{where}: alt text states {', '.join(missing)}, which the notebook neither "
                                f"computes nor prints: {alt!r}")
    assert not problems, f"{path.relative_to(REPO)}:\n  " + "\n  ".join(problems)


def test_a_stale_number_is_caught():
    # The check itself can fail: a result the notebook no longer prints is reported.
    assert unbacked_numbers("Test accuracy 0.972 after 30 epochs", "acc = 0.968\nfor epoch in range(30)") == ["0.972"]
    assert unbacked_numbers("Three curves, 3 panels", "") == []
    assert unbacked_numbers("70 of 71 right, accuracy 0.95", "loss 0.070, accuracy 0.958, 71 images") == ["70", "0.95"]


def test_the_build_writes_each_alt_text_on_its_own_image(tmp_path):
    cells = [{"cell_type": "code", "id": "a", "metadata": {"alt": ["first plot", "second plot"]},
              "outputs": [{"data": {"image/png": ""}}, {"data": {"image/png": ""}}]},
             {"cell_type": "code", "id": "b", "metadata": {}, "outputs": [{"data": {"image/png": ""}}]}]
    nb = tmp_path / "n.ipynb"
    nb.write_text(json.dumps({"cells": cells}), encoding="utf-8")
    html = "".join(f'<div class="jp-Cell jp-CodeCell" id="cell-id={c["id"]}">'
                   + f"<img {NBCONVERT_ALT}>" * image_count(c) for c in cells)
    out = notebook_alt_texts(html, nb)
    assert re.findall(r'alt="([^"]*)"', out) == ["first plot", "second plot",
                                                 "No description has been provided for this image"]
