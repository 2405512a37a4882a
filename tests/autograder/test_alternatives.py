"""Correct code in any common style gets full marks (issue 9 §1), and wrong code in those styles still does not.

Each folder under alternatives/ is a complete submission of every module, written the way a
different student would write it:
- style_scalars: NumPy scalars returned as they come (np.mean, np.max, np.sqrt, np.int64 fans),
  np.float64 running totals, identities instead of the textbook formula, im2col convolution;
- style_loops: Python loops over elements, samples and output positions, `math` for every scalar,
  results built by appending to lists, a helper module of its own (elementwise.py);
- style_numpy_tricks: np.where, np.heaviside, np.clip, np.piecewise, np.einsum, np.logaddexp,
  np.take_along_axis, np.add.at, np.interp;
- style_layout: Fortran-ordered and non-contiguous results (np.asfortranarray, .T of a computed
  transpose, strided and reversed views of the function's own arrays), 0-d arrays for numbers,
  lists where the contract names a tuple, type hints with numpy.typing and a dataclass cache.
Every one is graded by the real sandboxed grader at two seeds and must score 100% with no known
mistake named. The same folders with a known mistake pasted in must score less, with the mistake
named: the leniency towards styles never lets a wrong value through.
"""
import ast
import shutil
from pathlib import Path

import pytest

from autograder.grade import grade
from autograder.mistakes import MODULES, mistakes_for
from autograder.reference import default_reference

ALTERNATIVES = Path(__file__).parent / "alternatives"
STYLES = sorted(folder.name for folder in ALTERNATIVES.iterdir() if folder.is_dir() and folder.name.startswith("style_"))
SEEDS = (20261203, 7)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("style", STYLES)
def test_a_correct_alternative_gets_full_marks(style, seed):
    report = grade(ALTERNATIVES / style, seed=seed)
    lost = [f"{o.check.function} | {o.check.name} | {o.verdict.summary}" for o in report.outcomes if not o.verdict.passed]
    assert lost == [], f"{style} lost points at seed {seed}"
    named = [f"{o.check.name}: {o.verdict.mistake.name}" for o in report.outcomes if o.verdict.mistake is not None]
    assert named == [], f"a known mistake was named in correct code ({style}, seed {seed})"
    assert report.score == report.max_score > 0


def _definitions(style):
    """{module.function: normalised source} of the functions a style folder defines itself (not imports)."""
    found = {}
    for module in MODULES:
        tree = ast.parse((ALTERNATIVES / style / f"{module}.py").read_text())
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                if ast.get_docstring(node) is not None:
                    node.body = node.body[1:]
                found[f"{module}.{node.name}"] = ast.dump(node, annotate_fields=False)
    return found


def test_every_graded_function_is_written_in_at_least_two_different_styles():
    assert len(STYLES) >= 3
    for style in STYLES:
        assert {p.stem for p in (ALTERNATIVES / style).glob("*.py")} >= set(MODULES), f"{style} lacks a module"
    written = {style: _definitions(style) for style in STYLES}
    for function in sorted(default_reference().functions):
        versions = {written[style][function] for style in STYLES if function in written[style]}
        assert len(versions) >= 2, f"{function} is written in fewer than two different styles"


# One wrong answer per style, returned in that style's own way (a NumPy scalar, a 0-d array, a plain float,
# a list of arrays): each must lose points and be recognised as the known mistake it is.
WRONG = {
    "style_scalars": ("losses.mse", "sum instead of mean",
                      "def mse(y_pred, y_true):\n    return np.sum((y_pred - y_true) ** 2)\n"),
    "style_layout": ("gradcheck.relative_error", "mean instead of max over the elements",
                     "def relative_error(a, b):\n"
                     "    return np.array(np.mean(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))\n"),
    "style_loops": ("clipping.clip_by_global_norm", "norm returned after clipping instead of before", None),
    "style_numpy_tricks": ("regularization.l1_grad", None, None),
}


def _with_source(style, function, source, folder):
    """A copy of the style's folder whose `function` is replaced by `source` (appended, so it wins)."""
    shutil.copytree(ALTERNATIVES / style, folder)
    module_file = folder / f"{function.split('.')[0]}.py"
    module_file.write_text(module_file.read_text() + "\n\n" + source)
    return folder


@pytest.mark.parametrize("style", STYLES)
def test_a_known_mistake_in_the_same_style_still_loses_points_and_is_named(style, tmp_path):
    function, name, source = WRONG.get(style, ("losses.mse", "sum instead of mean", None))
    candidates = [m for m in mistakes_for(function) if name is None or m.name == name]
    mistake = candidates[0]
    if source is None:  # the registered mutant itself (tests/autograder/mutants.py pastes the same text)
        source = mistake.mutant_source("")
    report = grade(_with_source(style, function, source, tmp_path / style), modules=(mistake.module,), seed=SEEDS[0])
    failing = [o for o in report.outcomes if o.check.function == function and not o.verdict.passed]
    assert report.score < report.max_score
    assert failing, f"no check of {function} rejects the mistake in {style}"
    assert any(o.verdict.mistake is mistake for o in failing), [o.verdict.summary for o in failing]


# A cache is "anything the matching backward function needs" (the contract): here a dict keyed by time
# step, which the wire cannot carry (its dict keys are strings). The cache must stay in the worker.
TIME_KEYED_CACHE = '''

def rnn_forward(x, h0, W_ih, W_hh, b_ih, b_hh):
    hs, caches, h = np.zeros((x.shape[0], x.shape[1], h0.shape[1])), {}, h0
    for t in range(x.shape[1]):
        h, caches[t] = rnn_step_forward(x[:, t], h, W_ih, W_hh, b_ih, b_hh)
        hs[:, t] = h
    return hs, caches


def rnn_backward(dhs, cache):
    dx, dh = np.zeros(dhs.shape[:2] + (cache[0][0].shape[1],)), np.zeros_like(dhs[:, 0])
    totals = [0.0] * 4
    for t in sorted(cache, reverse=True):
        dx[:, t], dh, *grads = rnn_step_backward(dhs[:, t] + dh, cache[t])
        totals = [a + b for a, b in zip(totals, grads)]
    return (dx, dh, *totals)
'''


def test_a_cache_the_wire_cannot_carry_stays_in_the_worker(tmp_path):
    report = grade(_with_source("style_loops", "rnn.rnn_forward", TIME_KEYED_CACHE, tmp_path / "cache"),
                   modules=("rnn",), seed=SEEDS[0])
    lost = [f"{o.check.name} | {o.verdict.summary}" for o in report.outcomes if not o.verdict.passed]
    assert lost == []
