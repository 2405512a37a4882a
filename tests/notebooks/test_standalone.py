"""A notebook downloaded from the course site runs on its own (issue 14 §1).

* The first cell of every notebook names, in one line, what it needs: the packages to
  `pip install` (they must cover every third-party import of the notebook) and the course
  data files it reads (exactly the ones its code asks `course_data` for).
* The data those notebooks read is published with the site, at the site-relative path
  the notebooks fetch it from (rnn/data/<name>).
* The three notebooks that read data, and one that reads none, are copied alone into an
  empty folder and executed there, with the "site" (docs/, whose data files the build copies
  verbatim) served over HTTP on 127.0.0.1; each data notebook must fetch its file from it.
  Without data and without a site, a notebook stops with a one-line message that says what to do.
* The site build writes its own address into the copies it offers for download.
"""

from __future__ import annotations

import ast
import functools
import http.server
import json
import re
import shutil
import sys
import threading
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
NOTEBOOKS = sorted(DOCS.glob("*/notebooks/*.ipynb"))
DATA_NOTEBOOKS = ["text-preprocessing", "sentiment", "tagging-and-parsing"]
# One notebook without data, cheap to run, checks that "no data files" notebooks need nothing beside themselves.
STANDALONE = DATA_NOTEBOOKS + ["backprop-by-hand"]
SITE_DATA_DIR = "rnn/data"  # where the site publishes docs/rnn/data, relative to the site root

# Import name -> the pip package that provides it (when they differ or one package brings another).
PIP_NAME = {"sklearn": "scikit-learn", "threadpoolctl": "scikit-learn", "PIL": "pillow"}
NEEDS_LINE = re.compile(r"^\*\*Needs:\*\* `pip install (?P<pkgs>[^`]+)`; (?P<data>.+)$", re.M)
DATA_NAME = re.compile(r"`([\w.-]+\.(?:tsv|txt|csv|json))`")
COURSE_DATA_CALL = re.compile(r"""course_data\(\s*["']([^"']+)["']\s*\)""")


def code_of(nb: dict) -> str:
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


def third_party_imports(nb: dict) -> set[str]:
    """Top-level modules imported by the notebook's code cells, minus the standard library."""
    mods: set[str] = set()
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        src = "\n".join(l for l in "".join(cell["source"]).splitlines() if not l.lstrip().startswith(("%", "!")))
        for node in ast.walk(ast.parse(src)):
            if isinstance(node, ast.Import):
                mods.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                mods.add(node.module.split(".")[0])
    return {m for m in mods if m not in sys.stdlib_module_names}


def needs_problems(nb: dict) -> list[str]:
    """What is wrong with the notebook's one-line list of needs (empty: nothing)."""
    first = "".join(nb["cells"][0]["source"]) if nb["cells"] else ""
    lines = NEEDS_LINE.findall(first)
    if len(lines) != 1:
        return [f"the first cell has {len(lines)} '**Needs:** `pip install ...`; ...' lines, not one"]
    m = NEEDS_LINE.search(first)
    listed = set(m.group("pkgs").split())
    problems = [f"imports {mod} but does not list {PIP_NAME.get(mod, mod)}"
                for mod in sorted(third_party_imports(nb)) if PIP_NAME.get(mod, mod) not in listed]
    named = set(DATA_NAME.findall(m.group("data")))
    used = set(COURSE_DATA_CALL.findall(code_of(nb)))
    if named != used:
        problems.append(f"lists data {sorted(named)} but reads {sorted(used)}")
    if not used and "no data" not in m.group("data"):
        problems.append("reads no data but does not say so")
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_first_cell_lists_what_the_notebook_needs(path: Path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert needs_problems(nb) == []


def test_needs_check_rejects_an_incomplete_list():
    nb = json.loads((DOCS / "rnn/notebooks/sentiment.ipynb").read_text(encoding="utf-8"))
    nb["cells"][0]["source"] = "".join(nb["cells"][0]["source"]).replace(" scikit-learn", "").replace("`reviews.tsv`", "")
    problems = needs_problems(nb)
    assert any("sklearn" in p for p in problems) and any("reads ['reviews.tsv']" in p for p in problems)


def test_notebook_data_is_published_with_the_site():
    """mkdocs copies every data file a notebook reads to rnn/data/<name> in the built site."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    config = load_config(str(REPO / "mkdocs.yml"))
    files = {f.src_uri: f for f in get_files(config)}
    for path in NOTEBOOKS:
        for name in COURSE_DATA_CALL.findall(code_of(json.loads(path.read_text(encoding="utf-8")))):
            f = files.get(f"{SITE_DATA_DIR}/{name}")
            assert f is not None, f"{name} (read by {path.name}) is not in docs/{SITE_DATA_DIR}/"
            assert not f.is_documentation_page() and f.dest_uri == f"{SITE_DATA_DIR}/{name}", (name, f.dest_uri)


def test_download_copies_fetch_from_the_site_they_come_from():
    sys.path.insert(0, str(REPO / "site_tools" / "hooks"))
    try:
        from notebook_downloads import with_site_url
    finally:
        sys.path.pop(0)
    nb = json.loads((DOCS / "rnn/notebooks/sentiment.ipynb").read_text(encoding="utf-8"))
    stamped, changed = with_site_url(nb, "https://course.example.org/dl/")
    assert changed == 1
    assert 'os.environ.get("COURSE_SITE_URL", "https://course.example.org/dl/")' in code_of(stamped)
    assert with_site_url(stamped, "https://course.example.org/dl/")[1] == 0   # a stamped copy is left alone
    assert with_site_url(json.loads((DOCS / "ann/notebooks/backprop-by-hand.ipynb").read_text()), "https://x/")[1] == 0


class _Handler(http.server.SimpleHTTPRequestHandler):
    requested: list[str]

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        self.requested.append(self.path)


@pytest.fixture(scope="module")
def course_site():
    """docs/ served on a free 127.0.0.1 port: the data files sit at the paths the site publishes them at."""
    requested: list[str] = []
    handler = type("Handler", (_Handler,), {"requested": requested})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(DOCS)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", requested
    server.shutdown()
    server.server_close()


def run_alone(nb: nbformat.NotebookNode, folder: Path) -> None:
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=False,
                   resources={"metadata": {"path": str(folder)}}).execute()


@pytest.mark.parametrize("name", STANDALONE)
def test_notebook_runs_alone_in_an_empty_folder(name, course_site, tmp_path, monkeypatch):
    base_url, requested = course_site
    src = next(p for p in NOTEBOOKS if p.stem == name)
    folder = tmp_path / "downloads"
    folder.mkdir()
    copy = folder / src.name
    shutil.copy(src, copy)
    monkeypatch.setenv("COURSE_SITE_URL", base_url)
    run_alone(nbformat.read(copy, as_version=4), folder)
    fetched = COURSE_DATA_CALL.findall(code_of(json.loads(src.read_text(encoding="utf-8"))))
    for data in fetched:
        assert f"/{SITE_DATA_DIR}/{data}" in requested, f"{name} did not fetch {data} from the site"
        assert (folder / data).is_file(), f"{name} did not keep {data} next to itself"


def test_without_data_and_site_a_notebook_says_what_to_do(tmp_path, monkeypatch):
    """The data cells of tagging-and-parsing, alone, with a site address that answers nothing."""
    nb = nbformat.read(DOCS / "rnn/notebooks/tagging-and-parsing.ipynb", as_version=4)
    upto = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "course_data(\"tagged.txt\")" in c.source)
    nb.cells = nb.cells[: upto + 1]
    monkeypatch.setenv("COURSE_SITE_URL", "http://127.0.0.1:9/")  # the discard port: connection refused
    with pytest.raises(CellExecutionError) as err:
        run_alone(nb, tmp_path)
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(err.value))
    last = [l for l in text.splitlines() if l.startswith("FileNotFoundError")]
    assert last and "tagged.txt is neither next to this notebook nor in ../data/" in last[-1]
    assert "COURSE_SITE_URL" in last[-1]


def test_a_notebook_with_a_repository_path_fails_alone(tmp_path):
    """The harness really isolates: the old way of reading data fails in an empty folder."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('open("../data/reviews.tsv").read()')])
    with pytest.raises(CellExecutionError):
        run_alone(nb, tmp_path)
