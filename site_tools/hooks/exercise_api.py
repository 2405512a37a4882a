"""MkDocs hook: generate the function reference of the exercise pages from the stubs.

A page in docs/ holding the marker

    <!-- exercise-api: activations -->

gets, in place of the marker, the reference of every public function of
`exercises/activations.py`: its signature and its docstring, read with `ast`
(the student code is never imported or run). The site therefore cannot drift
from the docstrings the students see in their editor.

Docstrings follow the stubs' layout: a summary line, free text (indented lines
are formulas, shown as a block), then labelled sections `Args:`, `Returns:`,
`Raises:`, `Pitfall:`, `Note:`, `Read:`. `Read:` and `Course page:` paths such as
`docs/ann/backpropagation.md` become links, so `mkdocs build --strict` checks them.
A stub that is missing gives a short notice instead of failing the build.
"""

from __future__ import annotations

import ast
import html
import logging
import posixpath
import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.hooks.exercise_api")

MARKER = re.compile(r"<!--\s*exercise-api:\s*([A-Za-z_][A-Za-z0-9_]*)\s*-->")
SECTION = re.compile(
    r"^(Args|Arguments|Parameters|Returns?|Raises|Pitfalls?|Notes?|Read|Course page|Examples?)"
    r":\s*(.*)$"
)
# Characters that Python-Markdown would read as markup in prose.
MD_SPECIAL = re.compile(r"([\\`*_\[\]{}#+!|])")


# ----------------------------------------------------------------------------- parsing
class Doc:
    """A parsed docstring: summary line, free text, then (label, lines) sections."""

    def __init__(self) -> None:
        self.summary = ""
        self.body: list[str] = []  # free text between the summary and the sections
        self.sections: list[tuple[str, list[str]]] = []


def parse_docstring(text: str) -> Doc:
    lines = text.splitlines()
    doc = Doc()
    if not lines:
        return doc
    # Summary: the first paragraph.
    i = 0
    summary: list[str] = []
    while i < len(lines) and lines[i].strip():
        summary.append(lines[i].strip())
        i += 1
    doc.summary = " ".join(summary)
    current: list[str] = doc.body
    for line in lines[i:]:
        m = SECTION.match(line)
        if m:
            current = [m.group(2)] if m.group(2) else []
            doc.sections.append((m.group(1), current))
        else:
            current.append(line)
    return doc


def signature(src: str, node: ast.FunctionDef) -> str:
    """`def name(args) -> ret`, with defaults as written in the source."""

    def seg(n: ast.AST) -> str:
        return ast.get_source_segment(src, n) or ast.unparse(n)

    def one(a: ast.arg, default: ast.expr | None) -> str:
        s = a.arg
        if a.annotation is not None:
            s += f": {seg(a.annotation)}"
        if default is not None:
            s += (" = " if a.annotation is not None else "=") + seg(default)
        return s

    args = node.args
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    parts = [one(a, d) for a, d in zip(positional, defaults)]
    if args.posonlyargs:
        parts.insert(len(args.posonlyargs), "/")
    if args.vararg:
        parts.append("*" + one(args.vararg, None))
    elif args.kwonlyargs:
        parts.append("*")
    parts += [one(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults)]
    if args.kwarg:
        parts.append("**" + one(args.kwarg, None))
    ret = f" -> {seg(node.returns)}" if node.returns is not None else ""
    return f"def {node.name}({', '.join(parts)}){ret}"


# ----------------------------------------------------------------------------- rendering
def md_escape(text: str) -> str:
    """Escape prose for Markdown, keeping `code spans` as they are."""
    out = []
    for k, piece in enumerate(re.split(r"(`[^`\n]+`)", text)):
        if k % 2:
            out.append(piece)
        else:
            piece = html.escape(piece, quote=False)
            out.append(MD_SPECIAL.sub(r"\\\1", piece))
    return "".join(out)


def link_paths(text: str, page: Page) -> str:
    """Turn `docs/...md` mentions (already escaped) into relative Markdown links."""

    def repl(m: re.Match[str]) -> str:
        target = m.group(1).replace("\\", "")
        rel = posixpath.relpath(target, posixpath.dirname(page.file.src_uri) or ".")
        stem = posixpath.splitext(posixpath.basename(target))[0]
        label = stem.replace("-", " ")
        return f"[{label}]({rel})"

    return re.sub(r"\bdocs/((?:[\w.-]|\\[_.-])+(?:/(?:[\w.-]|\\[_.-])+)*\.(?:md|ipynb))", repl, text)


def paragraphs(lines: list[str]) -> list[list[str]]:
    """Split lines into blocks at blank lines, keeping relative indentation."""
    blocks: list[list[str]] = []
    cur: list[str] = []
    for line in lines:
        if line.strip():
            cur.append(line.rstrip())
        elif cur:
            blocks.append(cur)
            cur = []
    if cur:
        blocks.append(cur)
    return blocks


def render_text(lines: list[str], page: Page) -> str:
    """Free text: prose lines become paragraphs, runs of more-indented lines become
    a preformatted block (the stubs indent formulas)."""
    out: list[str] = []
    for block in paragraphs(lines):
        base = min(len(l) - len(l.lstrip()) for l in block)
        prose: list[str] = []
        code: list[str] = []

        def flush_prose() -> None:
            if prose:
                out.append(link_paths(md_escape(" ".join(prose)), page))
                prose.clear()

        def flush_code() -> None:
            if code:
                ind = min(len(l) - len(l.lstrip()) for l in code)
                out.append("```text\n" + "\n".join(l[ind:] for l in code) + "\n```")
                code.clear()

        for line in block:
            if len(line) - len(line.lstrip()) > base:
                flush_prose()
                code.append(line)
            else:
                flush_code()
                prose.append(line.strip())
        flush_prose()
        flush_code()
    return "\n\n".join(out)


def render_args(lines: list[str], page: Page) -> str:
    """`name: text` entries (continuation lines indented deeper) as a list."""
    items: list[tuple[str, list[str]]] = []
    indent = None
    for line in lines:
        if not line.strip():
            continue
        ind = len(line) - len(line.lstrip())
        m = re.match(r"^\s*(\*{0,2}[A-Za-z_]\w*(?:\s*,\s*\*{0,2}[A-Za-z_]\w*)*)\s*(\([^)]*\))?\s*:\s*(.*)$", line)
        if m and (indent is None or ind <= indent):
            indent = ind
            items.append((m.group(1), [m.group(3)]))
        elif items:
            items[-1][1].append(line.strip())
        else:  # not in the expected shape: render it as text
            return render_text(lines, page)
    return "\n".join(
        f"- {', '.join(f'`{n.strip()}`' for n in name.split(','))}: "
        f"{link_paths(md_escape(' '.join(t for t in text if t)), page)}"
        for name, text in items
    )


def render_function(src: str, node: ast.FunctionDef, page: Page, level: int) -> str:
    raw = ast.get_docstring(node) or ""
    doc = parse_docstring(raw)
    h = "#" * level
    parts = [f"{h} `{node.name}`", f"```python\n{signature(src, node)}\n```"]
    if not raw:
        parts.append("*(no docstring)*")
        return "\n\n".join(parts)
    parts.append(link_paths(md_escape(doc.summary), page))
    if any(l.strip() for l in doc.body):
        parts.append(render_text(doc.body, page))
    reads: list[str] = []
    for name, lines in doc.sections:
        if name in ("Args", "Arguments", "Parameters"):
            parts.append("**Arguments**\n\n" + render_args(lines, page))
        elif name in ("Returns", "Return"):
            parts.append("**Returns:** " + render_text(lines, page).lstrip())
        elif name == "Raises":
            parts.append("**Raises:** " + render_text(lines, page).lstrip())
        elif name in ("Pitfall", "Pitfalls"):
            body = render_text(lines, page)
            parts.append('!!! warning "Pitfall"\n\n' + indent4(body))
        elif name in ("Note", "Notes"):
            parts.append('!!! note\n\n' + indent4(render_text(lines, page)))
        elif name in ("Example", "Examples"):
            code = "\n".join(l.strip() for l in lines if l.strip())
            parts.append(f"**Example**\n\n```python\n{code}\n```")
        elif name in ("Read", "Course page"):
            reads.append(render_text(lines, page))
    if reads:
        parts.append("**Read:** " + "; ".join(r.strip() for r in reads if r.strip()))
    return "\n\n".join(parts)


def indent4(text: str) -> str:
    return "\n".join(("    " + l) if l.strip() else "" for l in text.splitlines())


def render_module(path: Path, module: str, page: Page, level: int) -> str:
    if not path.is_file():
        log.info("exercise-api: %s not found; the page shows a notice instead", path)
        return (
            f'!!! info "Reference not available"\n\n'
            f"    The stub `exercises/{module}.py` is not in this checkout, so its function "
            f"reference could not be generated."
        )
    src = path.read_text(encoding="utf-8")
    try:
        tree = ast.parse(src, filename=str(path))
    except SyntaxError as exc:  # a broken stub must not break the site silently
        log.warning("exercise-api: cannot parse %s: %s", path, exc)
        return f'!!! failure "Reference not available"\n\n    `exercises/{module}.py` does not parse: {exc}'
    out: list[str] = []
    mod_doc = ast.get_docstring(tree)
    if mod_doc:
        doc = parse_docstring(mod_doc)
        intro = [link_paths(md_escape(doc.summary), page)]
        if any(l.strip() for l in doc.body):
            intro.append(render_text(doc.body, page))
        for name, lines in doc.sections:
            label = "Course page" if name in ("Course page", "Read") else name
            intro.append(f"**{label}:** " + render_text(lines, page).lstrip())
        out.append('!!! abstract "From the stub\'s module docstring"\n\n' + indent4("\n\n".join(intro)))
    funcs = [n for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")]
    if not funcs:
        out.append(f"*`exercises/{module}.py` defines no public function yet.*")
    for node in funcs:
        out.append(render_function(src, node, page, level))
    return "\n\n".join(out)


def heading_level_before(markdown: str, pos: int) -> int:
    """One level below the last ATX heading before pos (at least 3)."""
    last = 2
    in_fence = False
    for line in markdown[:pos].splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        elif not in_fence:
            m = re.match(r"^(#{1,6})\s", line)
            if m:
                last = len(m.group(1))
    return min(max(last + 1, 3), 6)


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    if "exercise-api" not in markdown:
        return markdown
    root = Path(config.config_file_path).resolve().parent
    exercises = root / "exercises"

    def repl(m: re.Match[str]) -> str:
        module = m.group(1)
        return render_module(exercises / f"{module}.py", module, page, heading_level_before(markdown, m.start()))

    return MARKER.sub(repl, markdown)
