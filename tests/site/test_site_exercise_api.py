"""The exercise pages' function reference is generated from the stubs and cannot drift.

site_tools/hooks/exercise_api.py replaces `<!-- exercise-api: MODULE -->` in a page by
the signature and docstring of every public function of exercises/MODULE.py, read
with `ast`. These tests check the hook on its own (parsing, rendering, a missing or
broken stub) and that the built pages hold every function of every stub.
"""

from __future__ import annotations

import ast
import html as htmllib
import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MODULES = ["activations", "losses", "initializers", "layers", "gradcheck", "clipping"]


@pytest.fixture(scope="module")
def hook():
    path = REPO / "site_tools/hooks/exercise_api.py"
    spec = importlib.util.spec_from_file_location("course_exercise_api_hook", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


class _File:
    src_uri = "exercises/example.md"


class _Page:
    file = _File()


def _public_functions(path: Path) -> list[ast.FunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")]


def test_every_module_page_has_its_marker():
    for module in MODULES:
        text = (REPO / f"docs/exercises/{module}.md").read_text(encoding="utf-8")
        assert f"<!-- exercise-api: {module} -->" in text, module


@pytest.mark.parametrize("module", MODULES)
def test_built_page_documents_every_stub_function(module, site_dir):
    stub = REPO / f"exercises/{module}.py"
    if not stub.is_file():
        pytest.skip(f"exercises/{module}.py is not in this checkout")
    html = (site_dir / f"exercises/{module}/index.html").read_text(encoding="utf-8")
    funcs = _public_functions(stub)
    assert funcs, f"no public function in {stub}"
    for node in funcs:
        assert f'id="{node.name}"' in html, f"{module}.{node.name} has no section on the page"
        assert f'<span class="nf">{node.name}</span>' in html, f"{module}.{node.name}: no highlighted signature"
        summary = (ast.get_docstring(node) or "").strip().splitlines()[0]
        words = [w for w in summary.replace("*", " ").split() if w.isalpha() and len(w) > 3][:4]
        text = htmllib.unescape(html)
        for word in words:
            assert word in text, f"{module}.{node.name}: docstring word {word!r} missing"


def test_signature_keeps_defaults_as_written(hook):
    src = "def f(a, b: int = 1e-5, *args, c='x', **kw) -> float:\n    '''Sum.'''\n"
    node = ast.parse(src).body[0]
    assert hook.signature(src, node) == "def f(a, b: int = 1e-5, *args, c='x', **kw) -> float"


def test_render_sections_and_links(hook, tmp_path):
    stub = tmp_path / "demo.py"
    stub.write_text(
        '"""Demo module.\n\nCourse page: docs/ann/bias.md\n"""\n\n'
        "def g(x, k=2):\n"
        '    """Scale x by k: y = k * x_i for every element.\n\n'
        "    Formula:\n"
        "        y[i] = k * x[i]\n\n"
        "    Args:\n"
        "        x: input array,\n"
        "            of any shape.\n"
        "        k: the factor.\n"
        "    Returns:\n"
        "        new array.\n\n"
        "    Pitfall: do not scale in place.\n"
        "    Read: docs/ann/bias.md\n"
        '    """\n'
        "    return k * x\n\n"
        "def _private():\n    pass\n",
        encoding="utf-8",
    )
    out = hook.render_module(stub, "demo", _Page(), 3)
    assert "### `g`" in out and "_private" not in out
    assert "def g(x, k=2)" in out
    assert "- `x`: input array, of any shape." in out
    assert '!!! warning "Pitfall"' in out
    assert "[bias](../ann/bias.md)" in out  # Read: and Course page: become checked links
    assert "```text\ny[i] = k * x[i]\n```" in out  # indented formula kept as a block
    assert "k \\* x\\_i" in out  # prose is escaped for Markdown


def test_missing_and_broken_stubs_do_not_break_the_build(hook, tmp_path):
    notice = hook.render_module(tmp_path / "nothing.py", "nothing", _Page(), 3)
    assert "not in this checkout" in notice
    broken = tmp_path / "broken.py"
    broken.write_text("def f(:\n", encoding="utf-8")
    assert "does not parse" in hook.render_module(broken, "broken", _Page(), 3)
