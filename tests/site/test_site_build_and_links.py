"""The course site builds cleanly and every reference in it resolves inside the site.

`mkdocs build --strict` checks the links of Markdown pages, but not the HTML that
mkdocs-jupyter renders for notebooks, nor the theme's and plugins' own references.
These tests read every built HTML page and check that:

* every internal link (`a href`) and asset reference (scripts, stylesheets, images,
  icons, iframes, media, CSS `url(...)`) resolves to a file of the built site, and a
  `#fragment` to an element id of the target page;
* nothing is loaded from another host (no CDN, web font, analytics or remote image);
* links that merely point a reader at another site are reported (as warnings).
"""

from __future__ import annotations

import re
import warnings
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]

# (tag, attribute) pairs whose URL the browser loads by itself.
LOADED = {
    ("script", "src"),
    ("img", "src"),
    ("img", "srcset"),
    ("source", "src"),
    ("source", "srcset"),
    ("iframe", "src"),
    ("video", "src"),
    ("video", "poster"),
    ("audio", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("input", "src"),
    ("track", "src"),
}
NOT_LOADED_LINK_RELS = {"canonical", "alternate", "author", "help", "license", "next", "prev", "search", "sitemap"}
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""", re.I)
REMOTE_IMPORT = re.compile(r"""(?:\bimport\s*\(?\s*|@import\s+)(['"])(?:https?:)?//""", re.I)
SKIP_SCHEMES = ("data:", "javascript:", "mailto:", "tel:", "blob:", "about:")


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str, str]] = []  # (tag, attr, url)
        self.ids: set[str] = set()
        self._in_style = False
        self.styles: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        for key in ("id", "name"):
            if key in a and (key == "id" or tag == "a"):
                self.ids.add(a[key])
        if "style" in a:
            self.styles.append(a["style"])
        if tag == "style":
            self._in_style = True
        for attr in ("href", "src", "srcset", "poster", "data"):
            if attr not in a or not a[attr].strip():
                continue
            if attr == "srcset":
                for part in a[attr].split(","):
                    if part.strip():
                        self.refs.append((tag, attr, part.strip().split()[0]))
            elif tag == "link" and attr == "href":
                rels = set(a.get("rel", "").lower().split())
                kind = "link-nav" if rels and rels <= NOT_LOADED_LINK_RELS else "link"
                self.refs.append((kind, attr, a[attr].strip()))
            else:
                self.refs.append((tag, attr, a[attr].strip()))

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


@pytest.fixture(scope="module")
def pages(site_dir: Path) -> dict[str, _PageParser]:
    parsed = {}
    for path in sorted(site_dir.rglob("*.html")):
        if "assets/vendor" in path.as_posix():
            continue
        parser = _PageParser()
        parser.feed(path.read_text(encoding="utf-8"))
        parsed[path.relative_to(site_dir).as_posix()] = parser
    assert "index.html" in parsed, "the built site has no index.html"
    return parsed


def _target_file(site_dir: Path, path: str) -> Path | None:
    """The file that serves URL path `path` (relative to the site root), if any."""
    cand = site_dir / unquote(path)
    if path == "" or path.endswith("/"):
        cand = cand / "index.html"
    if cand.is_file():
        return cand
    if (cand / "index.html").is_file():
        return cand / "index.html"
    return None


def _is_external(url: str) -> bool:
    return url.startswith("//") or urlsplit(url).scheme in ("http", "https")


def test_strict_build(site_build):
    """`mkdocs build --strict` succeeds, with no warning in its log."""
    assert site_build.returncode == 0, f"strict build failed:\n{site_build.output[-6000:]}"
    warnings_in_log = [l for l in site_build.output.splitlines() if l.startswith(("WARNING", "ERROR"))]
    assert not warnings_in_log, "\n".join(warnings_in_log)
    print(f"strict build: {site_build.seconds:.1f} s")


def test_every_nav_page_was_built(site_dir: Path):
    """Each page listed in mkdocs.yml's nav has its HTML page in the build."""
    nav_paths = re.findall(
        r"""^\s*-\s*(?:(?:"[^"\n]*"|'[^'\n]*'|[^:"'\n]+):\s*)?([\w./-]+\.(?:md|ipynb))\s*$""",
        (REPO / "mkdocs.yml").read_text(),
        re.M,
    )
    # the fixed course layout: Introduction, Setup, 1 + 19 ANN pages, 8 notebooks, CNN, RNN, 8 exercise pages
    assert len(nav_paths) >= 40, nav_paths
    missing = []
    for src in nav_paths:
        stem = src.rsplit(".", 1)[0]
        if stem == "README" or stem.endswith("/README"):  # MkDocs builds README.md as its folder's index
            stem = stem[: -len("README")] + "index"
        html = "index.html" if stem == "index" else (stem[: -len("index")] + "index.html" if stem.endswith("/index") else f"{stem}/index.html")
        if not (site_dir / html).is_file():
            missing.append(f"{src} -> {html}")
    assert not missing, missing


def test_internal_references_resolve(site_dir: Path, pages: dict[str, _PageParser], site_build):
    broken: list[str] = []
    for page_path, parser in pages.items():
        page_url = "http://site.invalid/" + page_path
        for tag, attr, url in parser.refs:
            if url.startswith(SKIP_SCHEMES) or _is_external(url):
                continue
            absolute = urlsplit(urljoin(page_url, url))
            if absolute.netloc != "site.invalid":
                continue
            target = _target_file(site_dir, absolute.path.lstrip("/"))
            if target is None:
                broken.append(f"{page_path}: <{tag} {attr}={url!r}> -> no such file")
                continue
            frag = unquote(absolute.fragment)
            if frag and target.suffix == ".html":
                rel = target.relative_to(site_dir).as_posix()
                if rel in pages and frag not in pages[rel].ids:
                    broken.append(f"{page_path}: <{tag} {attr}={url!r}> -> no element with id {frag!r} in {rel}")
        for style in parser.styles:
            for _, url in CSS_URL.findall(style):
                if url.startswith(SKIP_SCHEMES) or url.startswith("#") or _is_external(url):
                    continue
                if _target_file(site_dir, urlsplit(urljoin(page_url, url)).path.lstrip("/")) is None:
                    broken.append(f"{page_path}: CSS url({url}) -> no such file")
    assert not broken, f"{len(broken)} broken reference(s):\n" + "\n".join(broken[:80])


def test_nothing_is_loaded_from_another_host(site_dir: Path, pages: dict[str, _PageParser], site_build):
    offending: list[str] = []
    clicked: dict[str, set[str]] = defaultdict(set)
    for page_path, parser in pages.items():
        for tag, attr, url in parser.refs:
            if not _is_external(url):
                continue
            if tag == "link-nav" and url.startswith(site_build.base_url):
                continue  # canonical address of the page itself
            if tag in ("a", "link-nav"):
                if urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
                    clicked[url].add(page_path)  # e.g. "make serve ... on http://127.0.0.1:8000" is fine
            else:
                offending.append(f"{page_path}: <{tag} {attr}={url!r}>")
        for style in parser.styles:
            for _, url in CSS_URL.findall(style):
                if _is_external(url):
                    offending.append(f"{page_path}: CSS url({url})")
        raw = (site_dir / page_path).read_text(encoding="utf-8")
        for m in REMOTE_IMPORT.finditer(raw):
            offending.append(f"{page_path}: remote import ...{raw[max(0, m.start() - 60):m.end() + 60]!r}...")
    for css in site_dir.rglob("*.css"):
        for _, url in CSS_URL.findall(css.read_text(encoding="utf-8", errors="replace")):
            if _is_external(url):
                offending.append(f"{css.relative_to(site_dir)}: url({url})")
    assert not offending, "resources loaded from another host:\n" + "\n".join(offending[:80])
    if clicked:
        listing = "\n".join(f"  {url}  (on {', '.join(sorted(p)[:3])})" for url, p in sorted(clicked.items()))
        warnings.warn(f"{len(clicked)} link(s) to other sites (they do not work offline):\n{listing}", stacklevel=1)


def test_mathjax_is_vendored(site_dir: Path, pages: dict[str, _PageParser]):
    """MathJax 3 and its fonts are served by the site; every page loads it locally."""
    mj = site_dir / "assets/vendor/mathjax"
    assert (mj / "tex-chtml.js").is_file()
    assert "3.2" in (mj / "tex-chtml.js").read_text(encoding="utf-8")[:200000], "not MathJax 3.2"
    assert any((mj / "output/chtml/fonts/woff-v2").glob("*.woff")), "MathJax fonts missing"
    for page_path, parser in pages.items():
        if page_path == "404.html":
            continue
        scripts = [u for t, a, u in parser.refs if t == "script"]
        assert any(u.endswith("assets/vendor/mathjax/tex-chtml.js") for u in scripts), page_path
        assert any(u.endswith("assets/js/mathjax-config.js") for u in scripts), page_path


def test_notebook_pages_offer_their_notebook(site_dir: Path, pages: dict[str, _PageParser]):
    """Every notebook page links to a downloadable copy of its .ipynb, and carries no
    MathJax 2 / CDN script from nbconvert's template."""
    nb_pages = [p for p in pages if p.startswith("ann/notebooks/")]
    assert nb_pages, "no notebook page was built"
    for page_path in nb_pages:
        name = page_path.split("/")[-2] + ".ipynb"
        links = [u for t, a, u in pages[page_path].refs if t == "a" and u == name]
        assert links, f"{page_path} has no download link to {name}"
        assert (site_dir / page_path).parent.joinpath(name).is_file()
        raw = (site_dir / page_path).read_text(encoding="utf-8")
        assert "text/x-mathjax-config" not in raw and "cdnjs" not in raw, page_path
