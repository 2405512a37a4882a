"""MkDocs hook: the notebook a reader downloads from the site knows the site's address.

Notebooks that read course data (docs/rnn/data/) look for it next to themselves, then in
the repository, and otherwise fetch it from the course site (see `course_data` in those
notebooks). The address they fetch from is

    SITE_URL = os.environ.get("COURSE_SITE_URL", "<default>")

and the default in the source is the address of `make serve`. mkdocs-jupyter copies each
notebook into the built site for download; after the build, this hook writes the site's
own `site_url` (set with COURSE_SITE_URL when building) as that default into the copies,
so a notebook downloaded from a published site fetches from that site. The sources in
docs/ are never changed.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

log = logging.getLogger("mkdocs.hooks.notebook_downloads")

# The one line, in a code cell, that names the default address.
_DEFAULT = re.compile(r'(os\.environ\.get\("COURSE_SITE_URL", )"[^"\\]*"')


def with_site_url(nb: dict, site_url: str) -> tuple[dict, int]:
    """The notebook with `site_url` as the COURSE_SITE_URL default, and how many cells changed."""
    changed = 0
    literal = json.dumps(site_url)  # a Python string literal too: a URL has no quote or backslash to escape
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        src = cell.get("source", "")
        text = "".join(src) if isinstance(src, list) else src
        new = _DEFAULT.sub(lambda m: m.group(1) + literal, text)
        if new != text:  # a copy stamped by an earlier build (dirty reload) is left as it is
            cell["source"] = new
            changed += 1
    return nb, changed


def on_post_build(config: MkDocsConfig) -> None:
    site_url = config.site_url
    if not site_url:
        return
    for path in sorted(Path(config.site_dir).rglob("*.ipynb")):
        text = path.read_text(encoding="utf-8")
        if "COURSE_SITE_URL" not in text:
            continue
        nb, changed = with_site_url(json.loads(text), site_url)
        if changed:
            path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            log.debug("%s: fetches its data from %s", path, site_url)
