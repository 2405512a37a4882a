"""Fixtures for the site tests: one strict build of the course site per test session,
served over HTTP on a localhost port.

The build goes to a temporary folder (never to site/), with `site_url` pointing at
the port the test server will use, so Material's instant navigation (which only
intercepts links listed in sitemap.xml) works in the browser tests exactly as on
`make serve`.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


@dataclass
class SiteBuild:
    dir: Path
    base_url: str
    returncode: int
    output: str
    seconds: float


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # A browser that moves on before a response is complete closes the connection.
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


@pytest.fixture(scope="session")
def _server_socket():
    """A localhost port, bound now (so the build can name it), served later."""
    server = _Server(("127.0.0.1", 0), _QuietHandler, bind_and_activate=True)
    yield server
    server.server_close()


@pytest.fixture(scope="session")
def site_build(tmp_path_factory, _server_socket) -> SiteBuild:
    """Run `mkdocs build --strict` once into a temporary folder (the result is returned
    even when the build fails; test_strict_build reports it)."""
    port = _server_socket.server_address[1]
    base_url = f"http://127.0.0.1:{port}/"
    out = tmp_path_factory.mktemp("site")
    env = dict(os.environ, COURSE_SITE_URL=base_url, NO_MKDOCS_2_WARNING="1")
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return SiteBuild(out, base_url, proc.returncode, proc.stdout + proc.stderr, time.perf_counter() - start)


@pytest.fixture(scope="session")
def site_dir(site_build: SiteBuild) -> Path:
    if site_build.returncode != 0:
        pytest.fail(f"`mkdocs build --strict` failed, so the built site cannot be checked:\n{site_build.output[-4000:]}")
    return site_build.dir


@pytest.fixture(scope="session")
def site_url(site_dir: Path, site_build: SiteBuild, _server_socket) -> str:
    """Base URL of the built site, served by http.server in a background thread."""
    _server_socket.RequestHandlerClass = functools.partial(_QuietHandler, directory=str(site_dir))
    thread = threading.Thread(target=_server_socket.serve_forever, name="site-server", daemon=True)
    thread.start()
    yield site_build.base_url
    _server_socket.shutdown()
    thread.join(timeout=5)


def _chromium() -> str | None:
    for cand in CHROMIUM_CANDIDATES:
        if Path(cand).is_file() and os.access(cand, os.X_OK):
            return cand
    return shutil.which("chromium")


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"browser tests cannot run under CI: {reason}")
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="session")
def chromium_exe() -> str:
    """Debian's Chromium for the browser tests, which also need Playwright: without either
    the tests are skipped with a message, except under CI (CI=true), where that fails."""
    exe = _chromium()
    if exe is None:
        _unavailable("no Chromium found (install Debian's chromium package: apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("the playwright Python package is not installed (pip install -e '.[browser]')")
    return exe
