"""Notebook pages stay light and their table of contents shows typeset maths.

* mkdocs-jupyter inlines ~600 KB of JupyterLab CSS into every notebook page;
  site_tools/hooks/notebook_css.py serves it once as a stylesheet. Every notebook page
  must weigh at most 400 KB apart from its embedded images (data: URIs).
* site_tools/hooks/toc_maths.py wraps the formulas of TOC entries for MathJax, so the
  sidebar never shows raw `$...$` or `\\(...\\)`.

Each check is also run on a hand-made wrong page, to prove it can fail.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PAGE_LIMIT = 400_000  # bytes of HTML, embedded images excluded
INLINE_STYLE_LIMIT = 30_000  # what may stay inline (e.g. the quiz plugin's own CSS)
EMBEDDED_IMAGE = re.compile(r"data:image/[\w.+-]+;base64,[A-Za-z0-9+/=\s]+")
STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style>", re.S | re.I)
# The label of a navigation or TOC entry (it may hold the nested spans MathJax typesets).
NAV_LABEL = re.compile(r'<span class="md-ellipsis">((?:(?!md-ellipsis).)*?)</span>\s*</a>', re.S)
WRAPPED_MATHS = re.compile(r'<span class="arithmatex">.*?</span>', re.S)
RAW_MATHS = re.compile(r"\$[^$\s][^$]*\$|\\\(|\\\[")


def _load_hook(name: str):
    spec = importlib.util.spec_from_file_location(f"course_hook_{name}", REPO / f"site_tools/hooks/{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def weight_without_images(html: str) -> int:
    return len(html.encode("utf-8")) - sum(len(m) for m in EMBEDDED_IMAGE.findall(html))


def inline_style_bytes(html: str) -> int:
    return sum(len(css) for css in STYLE_BLOCK.findall(html))


def raw_toc_labels(html: str) -> list[str]:
    """Navigation and TOC entries that still show LaTeX source (outside the spans MathJax typesets)."""
    return [" ".join(label.split()) for label in NAV_LABEL.findall(html) if RAW_MATHS.search(WRAPPED_MATHS.sub("", label))]


def _notebook_pages(site_dir: Path) -> dict[str, str]:
    pages = {}
    for path in sorted(site_dir.rglob("index.html")):
        html = path.read_text(encoding="utf-8")
        if 'class="jupyter-wrapper"' in html:
            pages[path.relative_to(site_dir).as_posix()] = html
    return pages


@pytest.fixture(scope="module")
def notebook_pages(site_dir) -> dict[str, str]:
    pages = _notebook_pages(site_dir)
    assert len(pages) >= 10, f"only {len(pages)} notebook pages were built"
    return pages


def test_notebook_pages_weigh_at_most_400_kb_without_images(notebook_pages):
    heavy = {p: weight_without_images(h) for p, h in notebook_pages.items() if weight_without_images(h) > PAGE_LIMIT}
    assert not heavy, f"notebook pages over {PAGE_LIMIT} bytes (images excluded): {heavy}"


def test_notebook_css_is_one_shared_stylesheet(notebook_pages, site_dir):
    sheets = set()
    for path, html in notebook_pages.items():
        assert inline_style_bytes(html) <= INLINE_STYLE_LIMIT, f"{path}: {inline_style_bytes(html)} bytes of inline CSS"
        links = re.findall(r'<link rel="stylesheet" href="([^"]*assets/css/notebook-[0-9a-f]+\.css)"', html)
        assert len(links) == 1, f"{path}: {links}"
        sheets.add(links[0].rsplit("/", 1)[-1])
    assert len(sheets) == 1, sheets
    css = (site_dir / "assets/css" / sheets.pop()).read_text(encoding="utf-8")
    # It is JupyterLab's CSS as mkdocs-jupyter ships it, with the notebook theme and Pygments colours.
    assert len(css) > 100_000 and ".jupyter-wrapper" in css and "--jp-layout-color0" in css
    assert ".highlight-ipynb" in css or ".highlight " in css


def test_toc_of_every_page_shows_no_raw_latex(site_dir):
    raw = {}
    for path in sorted(site_dir.rglob("index.html")):
        found = raw_toc_labels(path.read_text(encoding="utf-8"))
        if found:
            raw[path.relative_to(site_dir).as_posix()] = found
    assert not raw, f"raw LaTeX in tables of contents: {raw}"


def test_a_notebook_toc_with_maths_is_wrapped_for_mathjax(notebook_pages):
    wrapped = [p for p, h in notebook_pages.items() if any(WRAPPED_MATHS.search(n) for n in NAV_LABEL.findall(h))]
    if not wrapped:
        pytest.skip("no notebook has maths in a heading")
    assert all(not raw_toc_labels(notebook_pages[p]) for p in wrapped)


# ----------------------------------------------------------------------------- the checks can fail
WRONG_PAGE = (
    '<div class="jupyter-wrapper"><style>' + ".jupyter-wrapper{color:red}" * 20_000 + "</style></div>"
    '<nav class="md-nav md-nav--secondary" aria-label="Table of contents"><ul><li><a href="#a" class="md-nav__link">'
    '<span class="md-ellipsis">2. $\\lVert h_t \\rVert$ against $t$</span></a></li></ul></nav>'
)


def test_the_checks_reject_a_page_with_inline_css_and_raw_toc_maths():
    assert weight_without_images(WRONG_PAGE) > PAGE_LIMIT
    assert inline_style_bytes(WRONG_PAGE) > INLINE_STYLE_LIMIT
    assert raw_toc_labels(WRONG_PAGE) == ["2. $\\lVert h_t \\rVert$ against $t$"]
    image = '<img src="data:image/png;base64,' + "A" * 500_000 + '">'
    assert weight_without_images(image) < 100  # an embedded image does not count


def test_toc_maths_hook_wraps_formulas():
    hook = _load_hook("toc_maths")
    assert hook.typeset_title("2. $\\lVert h_t \\rVert$ against $t$", dollars=True) == (
        '2. <span class="arithmatex">\\(\\lVert h_t \\rVert\\)</span> against <span class="arithmatex">\\(t\\)</span>'
    )
    assert hook.typeset_title("Why divide by \\(\\sqrt{d_k}\\)", dollars=False) == (
        'Why divide by <span class="arithmatex">\\(\\sqrt{d_k}\\)</span>'
    )
    # A price on a Markdown page is not maths, and a lone dollar never is.
    assert hook.typeset_title("From $5 to $10", dollars=False) == "From $5 to $10"
    assert hook.typeset_title("Costs $5", dollars=True) == "Costs $5"
    assert raw_toc_labels(WRONG_PAGE.replace("2. $\\lVert h_t \\rVert$ against $t$",
                                             hook.typeset_title("2. $\\lVert h_t \\rVert$ against $t$", True))) == []


def test_notebook_css_hook_replaces_only_the_shared_blocks():
    hook = _load_hook("notebook_css")
    hook._shared = [".a{color:red}", ".b{color:blue}", "['.a{}']"]
    hook._stylesheet_uri = "assets/css/notebook-0123.css"

    class _File:
        src_uri = "ann/notebooks/demo.ipynb"
        url = "ann/notebooks/demo/"

    class _Page:
        file = _File()

    html = "<style>.a{color:red}</style><p>x</p><style>.b{color:blue}</style><style>.own{}</style><style>['.a{}']</style>"
    out = hook.on_page_content(html, page=_Page(), config=None, files=None)
    assert out == '<link rel="stylesheet" href="../../../assets/css/notebook-0123.css">\n<p>x</p><style>.own{}</style>'
    css = hook.stylesheet(['@charset "UTF-8";.a{}', ".b{}", "['x']"])
    assert css.startswith('@charset "UTF-8";\n') and css.count("@charset") == 1 and "['x']" not in css
