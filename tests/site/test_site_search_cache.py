"""site_tools/hooks/search_cache.py gives a page its search entries back only while the
page is the same, and the built site's search index covers every page."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import SimpleNamespace

REPO = Path(__file__).resolve().parents[2]


def _hook():
    spec = importlib.util.spec_from_file_location("course_hook_search_cache", REPO / "site_tools/hooks/search_cache.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


class _Index:
    """Material's SearchIndex, reduced to what the hook uses; counts the pages it parses."""

    def __init__(self):
        self.entries: list[dict] = []
        self.parsed = 0

    def add_entry_from_context(self, page):
        self.parsed += 1
        self.entries.append({"location": page.url, "title": page.title, "text": page.content})


class _SearchPlugin:
    search_index_prev = None

    def __init__(self):
        self.search_index = _Index()


def _page(content: str, title: str = "T", toc=()):
    return SimpleNamespace(url="a/", title=title, meta={}, toc=list(toc), content=content)


def _build(hook, tmp_path: Path, pages: list) -> _Index:
    plugin = _SearchPlugin()
    config = SimpleNamespace(config_file_path=str(tmp_path / "mkdocs.yml"), plugins={"search": plugin})
    hook.on_config(config)
    hook._page_count = len(pages)
    for page in pages:
        plugin.search_index.add_entry_from_context(page)
    hook.on_post_build(config=config)
    return plugin.search_index


def test_unchanged_pages_are_not_parsed_again_and_changed_ones_are(tmp_path):
    hook = _hook()
    first = _build(hook, tmp_path, [_page("<p>one</p>")])
    assert first.parsed == 1
    hook._known = None  # a new process: the entries come from build/search-entries.json
    again = _build(hook, tmp_path, [_page("<p>one</p>")])
    assert again.parsed == 0 and again.entries == first.entries
    for changed in (_page("<p>two</p>"), _page("<p>one</p>", title="U"),
                    _page("<p>one</p>", toc=[SimpleNamespace(id="x", url="#x", title="X", children=[])])):
        index = _build(hook, tmp_path, [changed])
        assert index.parsed == 1, changed  # the wrong variant, reusing stale entries, fails here
    cache = json.loads((tmp_path / "build/search-entries.json").read_text())
    assert len(cache["pages"]) == 1  # a full build keeps only the keys it used


def test_built_search_index_covers_every_page(site_dir):
    index = json.loads((site_dir / "search/search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    pages = {p.parent.relative_to(site_dir).as_posix() + "/" for p in site_dir.rglob("index.html")
             if "assets" not in p.parts and p.parent != site_dir} | {""}
    assert pages <= locations, sorted(pages - locations)[:20]
