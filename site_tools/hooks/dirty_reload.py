"""MkDocs hook: make `mkdocs serve --dirty` (what `make serve` runs) safe to trust.

A full rebuild of the site takes many seconds, so `make serve` rebuilds only the pages
whose source changed (MkDocs' dirty reload: a page is rebuilt when its source is newer
than its output). On its own that would be wrong in several ways, which this hook puts
right. It acts only in a dirty build; `mkdocs build` and `make site` are untouched.

* Everything is rebuilt (and the pages of deleted or renamed sources are removed from
  the served folder) when anything that every page depends on changed: mkdocs.yml (the
  nav, the theme, the extensions), a file under site_tools/ (hooks, theme overrides),
  or the set of source files (a page added, renamed or deleted).
* A page holding `<!-- exercise-api: MODULE -->` is rebuilt when exercises/MODULE.py
  changed, though its own source did not (site_tools/hooks/exercise_api.py writes its
  reference from that stub).
* Material's search index keeps every page: the entries of the pages rebuilt replace
  their old entries (Material's own merge assumes one page, and drops every page under
  an index page's URL).
* mkdocs-jupyter's notebook-HTML cache (keyed by notebook content) keeps the entries of
  notebooks not rebuilt this time, instead of evicting them as unused; a full build
  (`make site`, or the first build of `make serve`) still evicts stale ones.
* MkDocs' warning that a dirty build may be inaccurate is shown as information, so the
  site's `strict: true` does not abort each rebuild because of it.

And it saves time where MkDocs would redo the same work on every save: compiled theme
templates are kept between rebuilds (Jinja's bytecode cache, checked against each
template's source), and a rebuild that keeps the nav skips 404.html and sitemap.xml,
which depend on nothing else.

State is kept in this module between rebuilds: MkDocs loads a hook once per process.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.hooks.dirty_reload")

MARKER = re.compile(r"<!--\s*exercise-api:\s*([A-Za-z_][A-Za-z0-9_]*)\s*-->")
DIRTY_WARNING = "A 'dirty' build is being performed"


@dataclass
class BuildState:
    """What the previous build of one site folder was made from."""

    shared: str = ""  # fingerprint of what every page depends on
    stubs: dict[str, str] = field(default_factory=dict)  # exercise module -> content hash
    outputs: set[str] = field(default_factory=set)  # page outputs, relative to site_dir


_dirty = False
# Templates that depend only on the nav and the list of pages.
NAV_ONLY_TEMPLATES = ("404.html", "sitemap.xml")
_states: dict[str, BuildState] = {}
# This build: was everything rebuilt, which page URLs were built, its new state.
_full = True
_built_urls: set[str] = set()
_next: BuildState | None = None


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates, kept in memory for the life of `mkdocs serve`."""

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # ignored if the template's source changed

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


_templates = _MemoryBytecodeCache()


class _DemoteDirtyWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.WARNING and str(record.msg).startswith(DIRTY_WARNING):
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


def on_startup(*, command: str, dirty: bool) -> None:
    global _dirty
    _dirty = dirty
    if dirty:
        logging.getLogger("mkdocs.commands.build").addFilter(_DemoteDirtyWarning())


def _digest(parts) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else str(part).encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def shared_fingerprint(config: MkDocsConfig, files: Files) -> str:
    """Hash of mkdocs.yml, every file under site_tools/, and the list of source files."""
    root = Path(config.config_file_path).resolve().parent
    parts: list[object] = [Path(config.config_file_path).read_bytes()]
    tools = root / "site_tools"
    if tools.is_dir():
        for path in sorted(p for p in tools.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            parts += [path.relative_to(root).as_posix(), path.read_bytes()]
    parts += sorted(f.src_uri for f in files)
    return _digest(parts)


def stub_hashes(config: MkDocsConfig) -> dict[str, str]:
    stubs = Path(config.config_file_path).resolve().parent / "exercises"
    return {p.stem: _digest([p.read_bytes()]) for p in sorted(stubs.glob("*.py"))} if stubs.is_dir() else {}


def _force_rebuild(file) -> None:
    file.is_modified = lambda: True  # consulted by MkDocs' dirty build, per page


@event_priority(-100)  # after every plugin's on_nav: `files` is final
def on_nav(nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
    global _full, _next
    _built_urls.clear()
    if not _dirty:
        return nav
    previous = _states.get(config.site_dir)
    _next = BuildState(shared=shared_fingerprint(config, files), stubs=stub_hashes(config))
    pages = [f for f in files.documentation_pages()]
    _next.outputs = {f.dest_uri for f in pages}
    _full = previous is None or previous.shared != _next.shared
    if _full:
        if previous is not None:
            log.info("dirty reload: mkdocs.yml, site_tools/ or the set of pages changed; rebuilding every page")
        for f in pages:
            _force_rebuild(f)
        return nav
    for name in NAV_ONLY_TEMPLATES:
        config.theme.static_templates.discard(name)  # unchanged since the last build
    changed = {m for m, h in _next.stubs.items() if previous.stubs.get(m) != h}
    changed |= set(previous.stubs) - set(_next.stubs)
    if changed:
        for f in pages:
            if f.src_uri.endswith(".md") and f.abs_src_path:
                text = Path(f.abs_src_path).read_text(encoding="utf-8", errors="replace")
                if set(MARKER.findall(text)) & changed:
                    _force_rebuild(f)
    return nav


def on_env(env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    if _dirty:
        env.bytecode_cache = _templates
    return env


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    _built_urls.add(page.url)
    return output


def _search_plugin(config: MkDocsConfig):
    return next((p for p in config.plugins.values() if hasattr(p, "search_index_prev")), None)


def _merge_search_index(config: MkDocsConfig) -> None:
    """Old entries of the pages not rebuilt + new entries of those rebuilt."""
    search = _search_plugin(config)
    if search is None or getattr(search, "search_index_prev", None) is None:
        return
    kept = [e for e in search.search_index_prev.entries if e["location"].split("#")[0] not in _built_urls]
    search.search_index.entries = kept + search.search_index.entries
    search.search_index_prev = None  # merged here; Material must not merge again


def _keep_notebook_cache(config: MkDocsConfig) -> None:
    plugin = config.plugins.get("mkdocs-jupyter")
    cache_dir = Path(plugin.config["cache_dir"]) if plugin is not None else None
    if cache_dir is not None and cache_dir.is_dir() and hasattr(plugin, "_used_cache_paths"):
        plugin._used_cache_paths |= set(cache_dir.glob("*.json"))


def _remove_stale_outputs(config: MkDocsConfig, previous: BuildState | None) -> None:
    if previous is None:
        return
    site = Path(config.site_dir)
    for uri in sorted(previous.outputs - (_next.outputs if _next else set())):
        path = site / uri
        if path.is_file():
            path.unlink()
            log.info("dirty reload: removed %s (its source is gone)", uri)


@event_priority(100)  # before the search and mkdocs-jupyter plugins write their results
def on_post_build(*, config: MkDocsConfig) -> None:
    if not _dirty or _next is None:
        return
    previous = _states.get(config.site_dir)
    if _full:
        _remove_stale_outputs(config, previous)
        search = _search_plugin(config)
        if search is not None:
            search.search_index_prev = None  # every page was indexed again
    else:
        _merge_search_index(config)
        _keep_notebook_cache(config)
    _states[config.site_dir] = _next
