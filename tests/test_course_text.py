"""The course text does not go stale about the course itself.

Two kinds of sentence went wrong before (issue 10): a page announcing a chapter as "not written yet"
long after it was written, and pages that counted or listed the exercise modules as they were when
only the six core ones existed. The modules are not hard-coded here: they are the files of
solutions/, and which of them are core or further comes from the contract's two sections.

Each rule is a plain function from a text to a list of findings, so the same rule runs on every
page and on the synthetic texts below that prove it can fail.
"""
import functools
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CONTRACT = (DOCS / "exercises" / "contract.md").read_text(encoding="utf-8")

# Phrases that announce missing course text. Matched case-insensitively on text whose emphasis
# markers are removed and whose whitespace is collapsed, so "*Not\n  written yet*" is caught.
UNWRITTEN_PHRASES = (
    r"\bnot\s+(?:yet\s+)?written\b",
    r"\bunwritten\b",
    r"\bcoming\s+soon\b",
    r"\bto\s+be\s+written\b",
    r"\byet\s+to\s+be\s+(?:written|added)\b",
    r"\bunder\s+construction\b",
    r"\bwork\s+in\s+progress\b",
    r"\bplanned\s+topics\b",
    r"\b(?:chapter|page|section)\s+is\s+(?:still\s+)?(?:empty|a\s+stub|missing)\b",
)

# Pages that present the exercises as a whole: each must name every module file.
OVERVIEW_PAGES = ("docs/index.md", "docs/exercises/index.md")

# A Markdown list or table that names at least this many module files is taken to be a list of
# the modules, and must then name all of them (prose that mentions a few modules is not a list).
LIST_THRESHOLD = 4

NUMBER_WORDS = {word: n for n, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty".split())}
# "<number> [core|further|graded|exercise|...] modules", e.g. "the six core modules", "10 modules".
COUNT_PATTERN = re.compile(
    r"\b(\d+|" + "|".join(NUMBER_WORDS) + r")\s+((?:(?:core|further|graded|exercise|python|numpy)\s+)*)modules?\b",
    re.IGNORECASE)


def contract_modules(section_title):
    """The module files named in one '## ... modules' section of the contract, in order."""
    section = re.split(r"^## ", CONTRACT, flags=re.M)
    body = next(s for s in section if s.lower().startswith(section_title.lower()))
    return re.findall(r"^### `(\w+)\.py`", body, flags=re.M)


MODULES = sorted(p.stem for p in (ROOT / "solutions").glob("*.py") if not p.stem.startswith("_"))
CORE = contract_modules("Core modules")
FURTHER = contract_modules("Further modules")
COUNTS = {"core": len(CORE), "further": len(FURTHER), "all": len(MODULES)}


def plain(text):
    """Text with emphasis markers removed and whitespace collapsed, for phrase matching."""
    return re.sub(r"\s+", " ", re.sub(r"[*_]", "", text))


def unwritten_claims(text):
    """Phrases saying that some part of the course does not exist yet."""
    flat = plain(text)
    return [f"says {m.group(0)!r}" for pattern in UNWRITTEN_PHRASES
            for m in re.finditer(pattern, flat, flags=re.IGNORECASE)]


def wrong_module_counts(text, counts=COUNTS):
    """'N ... modules' where N is not the number of modules of that kind (core, further or all)."""
    findings = []
    for m in COUNT_PATTERN.finditer(plain(text)):
        number = m.group(1).lower()
        said = int(number) if number.isdigit() else NUMBER_WORDS[number]
        qualifiers = m.group(2).lower().split()
        kind = "core" if "core" in qualifiers else "further" if "further" in qualifiers else "all"
        if said != counts[kind]:
            findings.append(f"says {m.group(0)!r}, but there are {counts[kind]} ({kind})")
    return findings


def named_modules(text, modules=MODULES):
    """The module files a text names, as `name.py` or as a link to exercises/name.md."""
    return {name for name in modules
            if re.search(rf"\b{name}\.py\b|(?:exercises/|\()\b{name}\.md\b", text)}


def partial_module_lists(text, modules=MODULES, allowed=()):
    """Markdown lists or tables that name several module files but not all of them.

    `allowed` holds the sets of modules a page may list on purpose (see SCOPED_LISTS).
    """
    findings = []
    for block in re.split(r"\n\s*\n", text):
        items = "\n".join(line for line in block.splitlines() if re.match(r"\s*(?:[-*+]|\d+\.|\|)\s", line))
        named = named_modules(items, modules)
        if LIST_THRESHOLD <= len(named) < len(modules) and named not in allowed:
            missing = ", ".join(sorted(set(modules) - named))
            findings.append(f"lists {len(named)} of {len(modules)} modules (missing: {missing}): "
                            f"{plain(block)[:80]!r}")
    return findings


# Lists that are partial on purpose, with the exact set of modules they may name.
SCOPED_LISTS = {
    # "Graded exercises for this chapter": the core modules and the two further ones on ANN topics.
    "docs/ann/index.md": [set(CORE) | {"optimizers", "regularization"}],
}


def missing_modules(text, modules=MODULES):
    """Module files an overview page does not name at all."""
    return [f"never names {name}.py" for name in sorted(set(modules) - named_modules(text, modules))]


@functools.lru_cache(maxsize=None)
def page_text(path):
    """A page's prose: the Markdown file, or a notebook's Markdown cells (not its outputs)."""
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return path.read_text(encoding="utf-8")


PAGES = sorted([*DOCS.rglob("*.md"), *DOCS.rglob("*.ipynb"), ROOT / "README.md"])
PAGE_IDS = [str(p.relative_to(ROOT)) for p in PAGES]


def test_the_module_list_comes_from_the_solutions_and_the_contract():
    assert MODULES, "no modules found in solutions/"
    assert sorted(CORE + FURTHER) == MODULES, "the contract's core and further sections must name every solutions/ module"
    assert all(page in PAGE_IDS for page in OVERVIEW_PAGES)


@pytest.mark.parametrize("path", PAGES, ids=PAGE_IDS)
def test_page_does_not_call_any_part_of_the_course_unwritten(path):
    assert unwritten_claims(page_text(path)) == []


@pytest.mark.parametrize("path", PAGES, ids=PAGE_IDS)
def test_page_counts_the_exercise_modules_right(path):
    assert wrong_module_counts(page_text(path)) == []


@pytest.mark.parametrize("path", PAGES, ids=PAGE_IDS)
def test_page_lists_all_exercise_modules_or_only_a_few(path):
    allowed = SCOPED_LISTS.get(str(path.relative_to(ROOT)), [])
    assert partial_module_lists(page_text(path), allowed=allowed) == []


@pytest.mark.parametrize("page", OVERVIEW_PAGES)
def test_overview_page_names_every_exercise_module(page):
    assert missing_modules(page_text(ROOT / page)) == []


# The rules must be able to fail. Each stale text below is the kind of sentence the issue found
# (the first two are the ones docs/index.md had); each must be flagged, and its corrected
# counterpart must pass.
SIX = ["activations", "losses", "initializers", "layers", "gradcheck", "clipping"]
STALE = [
    (unwritten_claims, "- **CNN**: networks for images. *Not\n  written yet*: its page lists the planned topics."),
    (unwritten_claims, "The RNN chapter is coming soon."),
    (unwritten_claims, "This section is still empty."),
    (wrong_module_counts, "There are six modules, one file each in `exercises/`."),
    (wrong_module_counts, "The autograder grades all 6 exercise modules."),
    (wrong_module_counts, "The contract names the four core modules."),
    (partial_module_lists, "## The module pages\n\n" + "".join(f"- [`{m}.py`]({m}.md): ...\n" for m in SIX)),
    (partial_module_lists, "| module |\n| --- |\n" + "".join(f"| [`{m}.py`](exercises/{m}.md) |\n" for m in SIX[:4])),
    (missing_modules, "The exercises: " + ", ".join(f"`{m}.py`" for m in SIX) + "."),
]
CORRECTED = [
    (unwritten_claims, "- **CNN**: networks for images. Convolution, pooling and transfer learning."),
    (unwritten_claims, "The RNN chapter ends with the Transformer."),
    (unwritten_claims, "This section is short."),
    (wrong_module_counts, f"There are {len(MODULES)} modules, one file each in `exercises/`."),
    (wrong_module_counts, f"The autograder grades all {len(MODULES)} exercise modules."),
    (wrong_module_counts, f"The contract names the {len(CORE)} core modules, then the {len(FURTHER)} further modules."),
    (partial_module_lists, "## The module pages\n\n" + "".join(f"- [`{m}.py`]({m}.md): ...\n" for m in MODULES)),
    (partial_module_lists, "`layers.py` uses `activations.py` and `losses.py`, so do those and `gradcheck.py` first."),
    (missing_modules, "The exercises: " + ", ".join(f"`{m}.py`" for m in MODULES) + "."),
]


@pytest.mark.parametrize("rule, text", STALE, ids=[f"{r.__name__}-{i}" for i, (r, _) in enumerate(STALE)])
def test_rule_flags_a_stale_text(rule, text):
    assert rule(text), f"{rule.__name__} did not flag: {text!r}"


@pytest.mark.parametrize("rule, text", CORRECTED, ids=[f"{r.__name__}-{i}" for i, (r, _) in enumerate(CORRECTED)])
def test_rule_accepts_the_corrected_text(rule, text):
    assert rule(text) == []


# --- Claims corrected in issue 21 §6: each test reads the claim from the text and checks it against what it
# describes (a stored output, PyTorch, the code), so a page that drifts from its evidence fails. ---------------

def one_line(text):
    """Whitespace collapsed, emphasis and underscores kept (plain() drops them, and formulas need them)."""
    return " ".join(text.split())


def notebook(path):
    """(markdown, text outputs) of a notebook, each joined into one string."""
    cells = json.loads((ROOT / path).read_text(encoding="utf-8"))["cells"]
    markdown = "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    outputs = "\n".join("".join(o.get("text", "")) or "".join(o.get("data", {}).get("text/plain", ""))
                        for c in cells if c["cell_type"] == "code" for o in c.get("outputs", []))
    return markdown, outputs


@pytest.mark.parametrize("function", ["step_decay", "cosine_annealing", "linear_warmup"])
def test_a_schedule_docstring_points_to_the_page_that_teaches_it(function):
    import ast

    for folder in ("solutions", "exercises"):
        tree = ast.parse((ROOT / folder / "optimizers.py").read_text())
        doc = next(ast.get_docstring(n) for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function)
        pages = re.findall(r"Read: (\S+)", doc)
        assert pages and all(f"`{function}`" in (ROOT / page).read_text() for page in pages), (folder, pages)


def test_weight_decay_follows_the_schedule_as_the_quiz_says():
    torch = pytest.importorskip("torch")
    text = one_line((DOCS / "ann" / "optimizers.md").read_text())
    assert "does not depend on the schedule" not in text and r"fraction $\eta_t\lambda$" in text
    for make in (torch.optim.SGD, torch.optim.AdamW):  # zero gradient: the step is the decay alone
        for lr in (0.1, 0.01):
            w = torch.nn.Parameter(torch.tensor([2.0], dtype=torch.float64))
            w.grad = torch.zeros_like(w)
            make([w], lr=lr, weight_decay=0.5).step()
            assert w.item() == pytest.approx(2.0 * (1 - lr * 0.5), rel=1e-12)


def test_the_nesterov_limit_the_notebook_states_is_torchs():
    torch = pytest.importorskip("torch")
    markdown, outputs = notebook("docs/ann/notebooks/optimizer-trajectories.ipynb")
    text = one_line(markdown)
    assert "more cautious in" not in text and "*more* aggressive in the steep direction" in text
    stated = float(re.search(r"2\(1\+\\beta\)/\(1\+2\\beta\)\$, i\.e\. \$\\eta < ([0-9.]+)\$", text).group(1))
    mu, curvature = 0.9, 50.0  # the notebook's beta and the bowl's steep curvature
    limit = 2 * (1 + mu) / (1 + 2 * mu) / curvature
    assert stated == round(limit, 3)

    def final(lr):
        w = torch.nn.Parameter(torch.tensor([1.0], dtype=torch.float64))
        optimizer = torch.optim.SGD([w], lr=lr, momentum=mu, nesterov=True)
        for _ in range(3000):
            optimizer.zero_grad()
            (0.5 * curvature * w ** 2).sum().backward()
            optimizer.step()
        return abs(w.item())

    assert final(limit * 0.99) < 1e-3 and final(limit * 1.01) > 1e3
    row = next(line.split() for line in outputs.splitlines() if line.split()[:1] == ["Nesterov"])
    grid = next(line.split()[1:] for line in outputs.splitlines() if line.split()[:1] == ["lr"])
    assert row[1 + grid.index("0.035")] == "diverged"  # "already blows up at 0.035"


def test_the_lstm_ratio_in_the_text_is_the_stored_one():
    markdown, outputs = notebook("docs/rnn/notebooks/rnn-vs-lstm.ipynb")
    stated = re.search(r"x_1\\rVert\$ is (?:about )?\$([0-9.]+)\$ times", markdown).group(1)
    stored = next(line.split()[-1] for line in outputs.splitlines() if line.startswith("LSTM, hidden 32     trained"))
    assert stated == f"{float(stored):.2f}"


def test_a_fully_masked_attention_row_is_described_as_torch_computes_it():
    torch = pytest.importorskip("torch")
    text = one_line((DOCS / "rnn" / "transformer.md").read_text())
    for claim in ("F.scaled_dot_product_attention` gives a row of zeros", "need_weights=False` (its output is then "
                  "just the bias of `out_proj`)", "need_weights=True`, and on its inference fast path"):
        assert claim in text, claim
    torch.manual_seed(0)
    n, s, e = 2, 4, 8
    x = torch.randn(n, s, e)
    padding = torch.zeros(n, s, dtype=torch.bool)
    padding[1] = True  # every key of the second sequence is masked
    attention = torch.nn.MultiheadAttention(e, 2, batch_first=True)
    with torch.no_grad():
        attention.out_proj.bias.fill_(0.5)
    assert attention(x, x, x, key_padding_mask=padding)[0][1].isnan().all()  # need_weights=True by default
    assert (attention(x, x, x, key_padding_mask=padding, need_weights=False)[0][1] == 0.5).all()
    attention.eval()
    with torch.no_grad():
        assert attention(x, x, x, key_padding_mask=padding, need_weights=False)[0][1].isnan().all()  # fast path
    allowed = torch.ones(s, s, dtype=torch.bool)
    allowed[0] = False  # the first query may see no key
    out = torch.nn.functional.scaled_dot_product_attention(x, x, x, attn_mask=allowed)
    assert (out[:, 0] == 0).all() and not out.isnan().any()


NETWORK_PAGES = ("docs/setup.md", "docs/index.md", "docs/rnn/data/README.md")


@pytest.mark.parametrize("page", NETWORK_PAGES)
def test_pages_say_that_a_downloaded_notebook_fetches_its_data(page):
    fetching = [p for p in DOCS.rglob("*.ipynb") if "urllib.request.urlopen" in p.read_text(encoding="utf-8")]
    text = one_line((ROOT / page).read_text()).lower()
    assert not re.search(r"nothing (?:is downloaded when the notebooks run|needs the network\.)", text)
    if fetching:
        assert "downloaded on its own from the" in text and "fetches" in text, page


def test_the_transfer_gap_the_text_states_is_the_stored_one():
    markdown, outputs = notebook("docs/cnn/notebooks/transfer-learning.ipynb")
    sizes = next(line.split()[3:] for line in outputs.splitlines() if line.startswith("images per class"))
    means = {name: [float(v) for v in re.findall(r"([0-9.]+) ±", line)] for line in outputs.splitlines()
             for name in ("feature extraction", "random features") if line.startswith(name) and "±" in line}
    gaps = {size: 100 * (r - f) for size, f, r in zip(sizes, means["feature extraction"], means["random features"])}
    claim = re.search(r"within a point at ([\d, and]+) images per class, and (\d) points behind it at (\d+) images",
                      " ".join(markdown.split()))
    close = re.findall(r"\d+", claim.group(1))
    assert all(abs(gaps[size]) <= 1 for size in close)
    assert round(gaps[claim.group(3)]) == int(claim.group(2)) and set(close) | {claim.group(3)} == set(sizes)


def test_the_adam_bias_correction_ratios_are_right_and_their_assumption_stated():
    text = one_line((DOCS / "exercises" / "optimizers.md").read_text())
    ratio = [(1 - 0.9 ** t) / (1 - 0.999 ** t) ** 0.5 for t in range(1, 200)]
    assert f"{ratio[0]:.2f}$ times" in text
    peak = max(range(len(ratio)), key=ratio.__getitem__)
    assert f"about {ratio[peak]:.1f} around step {peak + 1} " in text
    assert "on the same gradients, as with a constant gradient" in text


def test_the_sigmoid_slope_is_not_the_whole_story_in_backprop_by_hand():
    markdown, _ = notebook("docs/ann/notebooks/backprop-by-hand.ipynb")
    bullet = next(b for b in one_line(markdown).split("* ") if "\\le 0.25" in b)
    assert "root of" not in bullet and "weights" in bullet and "explode" in bullet


# --- Drawn figures (inline SVG) -------------------------------------------------------------
# A diagram drawn in a page is one image to a screen reader: role="img" and an aria-label,
# which must carry every number the drawing shows (the worked example's values), so a
# reader who cannot see it misses nothing.

SVG = re.compile(r"<svg\b(?P<attrs>[^>]*)>(?P<body>.*?)</svg>", re.S)
SVG_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _svg_figures():
    for path in sorted(DOCS.rglob("*.md")):
        for m in SVG.finditer(path.read_text(encoding="utf-8")):
            yield path.relative_to(DOCS), m.group("attrs"), m.group("body")


@pytest.mark.parametrize("page, attrs, body", list(_svg_figures()), ids=lambda v: str(v)[:30])
def test_a_drawn_figure_says_every_number_it_shows(page, attrs, body):
    label = re.search(r'aria-label="([^"]*)"', attrs)
    assert 'role="img"' in attrs and label, f"{page}: an inline SVG without role=\"img\" and an aria-label"
    shown = {n for t in re.findall(r"<text[^>]*>(.*?)</text>", body, re.S) for n in SVG_NUMBER.findall(t)}
    missing = sorted(shown - set(SVG_NUMBER.findall(label.group(1))))
    assert not missing, f"{page}: the drawing shows {missing}, its aria-label does not say them"


def test_the_drawn_figure_check_can_fail():
    with pytest.raises(AssertionError, match=r"\['0.1774'\]"):
        test_a_drawn_figure_says_every_number_it_shows(
            "x.md", 'role="img" aria-label="z = 0.5"', "<text>z = 0.5</text><text>−0.1774</text>")
