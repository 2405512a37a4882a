#!/usr/bin/env python3
"""The text alternatives of a notebook's figures: list them, look at the figures, write one.

A figure's alt text lives in its code cell's metadata, key "alt" (one string per image
output, in order); site_tools/hooks/accessibility.py puts it on the page's <img>. Writing
metadata does not change a notebook's code hash, so no notebook is re-run for it.

    python site_tools/figure_alt.py NOTEBOOK...              # each figure cell, its alt texts or MISSING
    python site_tools/figure_alt.py NOTEBOOK --export DIR    # also write its figures as DIR/<cell>-<k>.png
    python site_tools/figure_alt.py NOTEBOOK --set CELL "alt of image 1" ["alt of image 2" ...]

A good alt text says what is plotted and what a sighted reader would take from it; a
figure that carries a result states it with the notebook's own numbers (the test
tests/notebooks/test_figure_alt_text.py holds every number to the notebook's code and
printed output). Exit status 1 when a listed notebook has a figure without alt text.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "hooks"))
from accessibility import figure_alts, image_count  # noqa: E402


def read_notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def write_notebook(path: Path, nb: dict) -> None:
    """Write as nbformat does (sorted keys, indent 1), so a metadata edit is a small diff."""
    path.write_text(json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def figure_cells(nb: dict) -> list[dict]:
    """The code cells that have at least one image output, in notebook order."""
    return [c for c in nb["cells"] if c.get("cell_type") == "code" and image_count(c)]


def missing(nb: dict) -> list[str]:
    """Ids of the cells with more images than alt texts."""
    return [c.get("id", "?") for c in figure_cells(nb) if len(figure_alts(c)) < image_count(c)]


def export(nb: dict, folder: Path) -> list[Path]:
    """Write each PNG figure as folder/<cell id>-<k>.png."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for cell in figure_cells(nb):
        images = [o["data"]["image/png"] for o in cell["outputs"] if "image/png" in o.get("data", {})]
        for k, data in enumerate(images, 1):
            target = folder / f"{cell.get('id', 'cell')}-{k}.png"
            target.write_bytes(base64.b64decode("".join(data) if isinstance(data, list) else data))
            written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--export", type=Path, metavar="DIR", help="write the figures as PNG files into DIR")
    parser.add_argument("--set", nargs="+", metavar=("CELL", "ALT"),
                        help="set the alt texts of one cell (one per image, in order)")
    args = parser.parse_args(argv)
    if args.set:
        if len(args.notebooks) != 1 or len(args.set) < 2:
            parser.error("--set takes one notebook, a cell id and at least one alt text")
        cell_id, alts = args.set[0], args.set[1:]
        nb = read_notebook(args.notebooks[0])
        cell = next((c for c in nb["cells"] if c.get("id") == cell_id), None)
        if cell is None:
            parser.error(f"no cell {cell_id!r} in {args.notebooks[0]}")
        if len(alts) != image_count(cell):
            parser.error(f"cell {cell_id} has {image_count(cell)} image(s), {len(alts)} alt text(s) given")
        cell.setdefault("metadata", {})["alt"] = alts
        write_notebook(args.notebooks[0], nb)
        return 0
    status = 0
    for path in args.notebooks:
        nb = read_notebook(path)
        print(path)
        for cell in figure_cells(nb):
            alts = figure_alts(cell)
            for k in range(image_count(cell)):
                text = alts[k] if k < len(alts) else "MISSING"
                print(f"  {cell.get('id')} [{k + 1}] {text}")
        if missing(nb):
            status = 1
        if args.export:
            for target in export(nb, args.export):
                print(f"  wrote {target}")
    return status


if __name__ == "__main__":
    sys.exit(main())
