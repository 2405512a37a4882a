"""MkDocs hook: reuse a page's search-index entries while the page stays the same.

Material's search plugin parses the HTML of every page with Python's html.parser on
every build, to cut it into the sections of the search index. On this site that is
about a third of a build (notebook pages hold thousands of highlighted-code tags), and
it is the same work each time for the pages that did not change.

This hook keeps, in build/search-entries.json, the entries each page produced, keyed
by a hash of everything they are made from: the page's URL, title, metadata, table of
contents and HTML content, and the Material version. A page whose key is known gets its
entries back without parsing; any other page is parsed by Material as usual. A full
build writes only the keys it used, so the file never keeps stale pages for long.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation

log = logging.getLogger("mkdocs.hooks.search_cache")

CACHE = Path("build") / "search-entries.json"  # relative to the folder of mkdocs.yml
FORMAT = 1

_known: dict[str, list[dict]] | None = None  # kept in memory between `mkdocs serve` rebuilds
_used: dict[str, list[dict]] = {}
_page_count = 0


def _search_index(config: MkDocsConfig):
    plugin = next((p for p in config.plugins.values() if hasattr(p, "search_index_prev")), None)
    return getattr(plugin, "search_index", None)


def _cache_path(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent / CACHE


def _toc(items) -> list:
    return [[item.id, item.url, item.title, _toc(item.children)] for item in items]


def page_key(page) -> str:
    import material

    parts = [FORMAT, getattr(material, "__version__", ""), page.url, page.title, page.meta, _toc(page.toc), page.content]
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def _load(path: Path) -> dict[str, list[dict]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data["pages"] if data.get("format") == FORMAT else {}
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # no cache yet, or an unreadable one: parse every page


@event_priority(-100)  # after the search plugin's on_config has created its index
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _known
    index = _search_index(config)
    if index is None:
        return config
    if _known is None:
        _known = _load(_cache_path(config))
    _used.clear()
    parse = index.add_entry_from_context

    def add_entry_from_context(page) -> None:
        key = page_key(page)
        entries = _known.get(key)
        if entries is None:
            start = len(index.entries)
            parse(page)
            entries = index.entries[start:]
        else:
            index.entries.extend(dict(e) for e in entries)
        _used[key] = entries

    index.add_entry_from_context = add_entry_from_context
    return config


def on_nav(nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
    global _page_count
    _page_count = len(files.documentation_pages())
    return nav


def on_post_build(*, config: MkDocsConfig) -> None:
    if _known is None or not _used:
        return
    full = len(_used) >= _page_count
    pages = dict(_used) if full else {**_known, **_used}
    _known.clear()
    _known.update(pages)
    path = _cache_path(config)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"format": FORMAT, "pages": pages}), encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:  # a read-only checkout still builds, only slower
        log.info("search cache not written: %s", exc)
