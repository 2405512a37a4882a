"""`make serve` rebuilds only what changed (mkdocs serve --dirty), and still shows every change.

site_tools/hooks/dirty_reload.py makes MkDocs' dirty reload safe. These tests run the real
`mkdocs serve --dirty` on a small site in a temporary folder (the course's mkdocs.yml,
hooks and theme overrides, with a few pages of its own) and make the edits an author
makes, each time waiting for the rebuild to finish and then reading the served pages:

* a Markdown page is edited: the page shows it, and the search index still holds
  every page;
* an exercise stub's docstring changes: its exercise page shows it (its own source did
  not change);
* a page is renamed: it is served under its new address, not under the old one, and
  the navigation of the pages that were not edited lists it under its new title;
* the nav in mkdocs.yml changes: every page's navigation shows the new title.

The same edits with the hook left out of mkdocs.yml must go wrong: that proves the
checks can fail.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
HOOK = "site_tools/hooks/dirty_reload.py"
BUILD_TIMEOUT = 180  # seconds a rebuild may take on a busy machine before the test gives up
# Printed after each successful rebuild. ("Documentation built in N seconds" is not
# reliable: MkDocs drops a log message it has printed before, e.g. the same N twice.)
REBUILT = "Reloading browsers"
SERVING = "Serving on http"

PAGES = {
    "index.md": "# Mini home\n\nThe home page of a small site.\n",
    "alpha.md": "# Alpha\n\nFirst version of alpha.\n",
    "beta.md": "# Beta\n\nThe beta page.\n",
    "exercises/activations.md": "# activations.py\n\n<!-- exercise-api: activations -->\n",
}
STUB = '''"""Activation functions."""


def relu(z):
    """Rectified linear unit, first wording.

    Args:
        z: pre-activation.
    """
    raise NotImplementedError
'''


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _mini_site(root: Path, with_hook: bool) -> None:
    """The course's mkdocs.yml (hooks, theme, plugins) over a few pages, with no nav (so
    the nav lists the files, and renaming one changes every page)."""
    from mkdocs.utils.yaml import get_yaml_loader

    with open(REPO / "mkdocs.yml", encoding="utf-8") as fh:
        config = yaml.load(fh, Loader=get_yaml_loader())
    config.pop("nav", None)
    config["site_url"] = "http://127.0.0.1/"
    if not with_hook:
        config["hooks"] = [h for h in config["hooks"] if h != HOOK]
        config["strict"] = False  # else MkDocs' own warning about dirty builds aborts each one
    # hooks that belong to other features may expect course files this small site lacks
    config["hooks"] = [h for h in config["hooks"] if Path(h).name in
                       ("vendor_mathjax.py", "notebook_pages.py", "notebook_css.py", "toc_maths.py",
                        "dirty_reload.py", "search_cache.py", "exercise_api.py")]
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    shutil.copytree(REPO / "site_tools", root / "site_tools", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "docs/assets", root / "docs/assets", ignore=shutil.ignore_patterns("vendor"))
    for name, text in PAGES.items():
        (root / "docs" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "docs" / name).write_text(text, encoding="utf-8")
    (root / "exercises").mkdir()
    (root / "exercises/activations.py").write_text(STUB, encoding="utf-8")


class Serve:
    """`mkdocs serve --dirty` in the background; counts the builds it reports."""

    def __init__(self, root: Path):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dirty", "--dev-addr", f"127.0.0.1:{self.port}"],
            cwd=root, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip())

    def count(self, text: str) -> int:
        return sum(text in line for line in self.lines)

    def builds(self) -> int:
        return self.count(REBUILT)

    def wait_for(self, text: str, count: int) -> None:
        deadline = time.monotonic() + BUILD_TIMEOUT
        while self.count(text) < count:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                time.sleep(0.5)  # let the reader thread collect the last lines
                pytest.fail(f"mkdocs serve did not print {text!r}:\n" + "\n".join(self.lines[-40:]))
            time.sleep(0.05)
        time.sleep(0.1)  # the files are written; let the server see them

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.base + path, timeout=10) as resp:
                return resp.status, resp.read().decode("utf-8")
        except urllib.error.HTTPError as err:
            return err.code, ""

    def edit(self, write) -> None:
        """Make one change and wait for the rebuild it causes."""
        before = self.builds()
        time.sleep(1.0)  # a distinct modification time from the last build's outputs
        write()
        self.wait_for(REBUILT, before + 1)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _author_session(root: Path) -> list[str]:
    """Make the edits; return what did not show up."""
    wrong: list[str] = []
    serve = Serve(root)
    try:
        serve.wait_for(SERVING, 1)  # the first build is done
        status, home = serve.get("")
        assert status == 200 and "Mini home" in home, serve.lines[-20:]

        # 1. A Markdown page: shown, and the search index keeps every page.
        serve.edit(lambda: (root / "docs/alpha.md").write_text("# Alpha\n\nSecond version of alpha.\n"))
        if "Second version of alpha" not in serve.get("alpha/")[1]:
            wrong.append("edited Markdown page not shown")
        index = json.loads(serve.get("search/search_index.json")[1])
        pages = {doc["location"].split("#")[0] for doc in index["docs"]}
        if not {"", "alpha/", "beta/", "exercises/activations/"} <= pages:
            wrong.append(f"search index lost pages: it holds {sorted(pages)}")

        # 2. An exercise docstring: its page is rebuilt though its source did not change.
        stub = root / "exercises/activations.py"
        serve.edit(lambda: stub.write_text(stub.read_text().replace("first wording", "second wording")))
        if "second wording" not in serve.get("exercises/activations/")[1]:
            wrong.append("changed exercise docstring not shown")

        # 3. A renamed page: new address, old one gone, and the other pages' nav updated.
        serve.edit(lambda: (root / "docs/beta.md").rename(root / "docs/gamma.md"))
        if serve.get("gamma/")[0] != 200:
            wrong.append("renamed page not served at its new address")
        if serve.get("beta/")[0] == 200:
            wrong.append("renamed page still served at its old address")
        if 'href="gamma/"' not in serve.get("")[1]:
            wrong.append("renamed page missing from the nav of a page that was not edited")

        # 4. The nav in mkdocs.yml: every page shows the new titles.
        config = yaml.safe_load((root / "mkdocs.yml").read_text())
        config["nav"] = [{"Home": "index.md"}, {"Alpha, renamed in the nav": "alpha.md"}, "gamma.md",
                         {"Exercises": ["exercises/activations.md"]}]
        serve.edit(lambda: (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False)))
        if "Alpha, renamed in the nav" not in serve.get("exercises/activations/")[1]:
            wrong.append("changed nav not shown on a page that was not edited")
    finally:
        serve.stop()
    return wrong


def test_dirty_reload_shows_every_change(tmp_path):
    _mini_site(tmp_path, with_hook=True)
    wrong = _author_session(tmp_path)
    assert not wrong, wrong


def test_without_the_hook_dirty_reload_misses_changes(tmp_path):
    """The wrong variant: MkDocs' dirty reload alone. The checks must catch it."""
    _mini_site(tmp_path, with_hook=False)
    wrong = _author_session(tmp_path)
    assert "changed exercise docstring not shown" in wrong, wrong
    assert "renamed page missing from the nav of a page that was not edited" in wrong, wrong
