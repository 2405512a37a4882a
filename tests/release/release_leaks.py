"""What must never be in a student edition: the body of a reference function, or bytecode.

A body is the source of a function in solutions/ after its docstring (which the stubs share), compared
with whitespace collapsed, so re-indenting or re-wrapping it does not hide it. Text is read from every
file: a notebook as its cells' sources and outputs, a web page as its text without the tags (syntax
highlighting puts a tag around every token).
"""
import ast
import html
import json
import re
from pathlib import Path

SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions"
MISTAKES = Path(__file__).resolve().parents[2] / "autograder" / "mistakes"


def _flat(text):
    return " ".join(text.split())


def function_bodies(source):
    """{name: body text with whitespace collapsed} of every function in `source`, docstrings left out."""
    tree = ast.parse(source)
    lines = source.splitlines()
    bodies = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body[1:] if ast.get_docstring(node) is not None else node.body
            if body:
                text = "\n".join(lines[body[0].lineno - 1:body[-1].end_lineno])
                bodies[node.name] = _flat(text)
    return bodies


def reference_bodies():
    """{"module.function": body} of every function in solutions/, helpers included."""
    return {f"{path.stem}.{name}": body for path in sorted(SOLUTIONS.glob("*.py"))
            for name, body in function_bodies(path.read_text()).items()}


def mistake_bodies():
    """{"module.function": body} of every known mistake's implementation (often one step from the answer)."""
    found = {}
    for path in sorted(MISTAKES.glob("*.py")):
        if path.name == "__init__.py":
            continue
        tree = ast.parse(path.read_text())
        decorated = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.decorator_list}
        found.update({f"{path.stem}.{name}": body for name, body in function_bodies(path.read_text()).items()
                      if name in decorated})
    return found


def readable_text(path):
    """The text a reader (or grep) finds in the file at `path`, whitespace collapsed."""
    raw = path.read_bytes()
    if b"\0" in raw[:4096]:
        return ""  # binary (images, the .npz of stored answers): no source in there
    text = raw.decode("utf-8", errors="replace")
    if path.suffix == ".ipynb":
        cells = json.loads(text).get("cells", [])
        parts = []
        for cell in cells:
            parts.append("".join(cell.get("source", "")))
            for output in cell.get("outputs", []):
                parts.append("".join(output.get("text", "")))
                parts += ["".join(v) if isinstance(v, list) else str(v) for v in output.get("data", {}).values()]
        text = "\n".join(parts)
    elif path.suffix in (".html", ".htm", ".xml", ".json"):
        text = html.unescape(re.sub(r"<[^>]*>", "", text))
    return _flat(text)


def leaks(root, bodies):
    """[(file, function)] where a body appears in a file under `root`, and [.pyc/__pycache__ paths]."""
    found, compiled = [], []
    for path in sorted(Path(root).rglob("*")):
        if path.suffix == ".pyc" or path.name == "__pycache__":
            compiled.append(str(path.relative_to(root)))
        if not path.is_file() or ".venv" in path.relative_to(root).parts:
            continue
        text = readable_text(path)
        found += [(str(path.relative_to(root)), name) for name, body in bodies.items() if body in text]
    return found, compiled
