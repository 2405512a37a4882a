"""MkDocs hook: serve MathJax 3 from the site itself, never from a CDN.

The MathJax files come from the PyPI package `django-static-mathjax` (declared in the
`site` extra of pyproject.toml), which ships the MathJax 3 distribution under
`mathjax/static/mathjax/es5/`. This hook adds the files the browser can ask for to the
build as if they were in `docs/assets/vendor/mathjax/`, so MkDocs copies them into
`site/assets/vendor/mathjax/` and `mkdocs serve` serves them, with no copy in the tree.

Only the CommonHTML build with TeX input is shipped: `tex-chtml.js` plus what it may
load lazily (TeX extensions through `autoload`/`require`, its web fonts, the context
menu and the accessibility components it can switch on, with their speech maps).
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.hooks.vendor_mathjax")

TARGET = "assets/vendor/mathjax"
# Paths inside es5/ that the browser may request, relative to the directory of tex-chtml.js.
WANTED = (
    "tex-chtml.js",
    "input/tex/extensions",
    "output/chtml/fonts/woff-v2",
    "ui",
    "a11y",
    "sre",
)


def mathjax_es5_dir() -> Path:
    """The es5/ folder of the installed MathJax 3 distribution."""
    try:
        import mathjax  # the import name of django-static-mathjax
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise PluginError(
            "MathJax is not installed: install the site extra "
            "(pip install -e '.[site]', done by `make install`), which brings django-static-mathjax."
        ) from exc
    root = Path(mathjax.__file__).resolve().parent / "static" / "mathjax"
    es5 = root / "es5"
    if not (es5 / "tex-chtml.js").is_file():
        raise PluginError(f"MathJax files not found under {es5}")
    return es5


def vendored_files() -> list[tuple[str, Path]]:
    """(site-relative path, source file) for every MathJax file the site ships."""
    es5 = mathjax_es5_dir()
    pairs: list[tuple[str, Path]] = []
    for item in WANTED:
        src = es5 / item
        if src.is_file():
            pairs.append((f"{TARGET}/{item}", src))
        elif src.is_dir():
            for path in sorted(p for p in src.rglob("*") if p.is_file()):
                pairs.append((f"{TARGET}/{path.relative_to(es5).as_posix()}", path))
        else:
            raise PluginError(f"MathJax distribution lacks {item} (looked in {es5})")
    licence = es5.parent / "LICENSE"
    if licence.is_file():
        pairs.append((f"{TARGET}/LICENSE", licence))
    return pairs


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    added = 0
    for uri, path in vendored_files():
        if files.get_file_from_path(uri) is not None:
            continue  # a copy in docs/ wins (e.g. docs/assets/vendor/, which is gitignored)
        files.append(File.generated(config, uri, abs_src_path=str(path)))
        added += 1
    log.debug("vendored %d MathJax files into %s", added, TARGET)
    return files
