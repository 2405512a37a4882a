"""The worked example of docs/exercises/attention.md does what the page says it does.

The page trains a one-layer attention model to reverse sequences with the student's attention.py
and quotes what it prints. Here the block runs with the reference solutions in place of the
student's module, and what it prints must be the quoted output, line for line; a block whose
claim stopped holding (a changed seed, a slower learning rate, a broken backward) fails.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from autograder.mistakes import all_mistakes, mistakes_for

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs" / "exercises" / "attention.md").read_text(encoding="utf-8")


def _block(marker, language):
    """The fenced code block right after `<!-- reverse-task: MARKER -->`."""
    match = re.search(rf"<!-- reverse-task: {marker} -->\n```{language}\n(.*?)\n```", PAGE, flags=re.S)
    assert match, f"no {language} block after the reverse-task {marker} marker"
    return match.group(1)


def test_the_reverse_task_prints_what_the_page_quotes(tmp_path):
    shutil.copy(ROOT / "solutions" / "attention.py", tmp_path / "attention.py")
    assert _run(_block("start", "python"), tmp_path) == _block("output", "text").splitlines()


def _run(block, modules):
    """What the block prints with `modules` (a folder holding attention.py) first on the path."""
    script = modules / "reverse_task.py"
    script.write_text(block)
    env = {**os.environ, "PYTHONPATH": str(modules), "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, str(script)], cwd=modules, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()


def test_a_known_mistake_in_the_backward_breaks_the_claim(tmp_path):
    """The wrong variant: with the softmax gradient missing its row-sum term the model does not learn the task."""
    mistake = next(m for m in mistakes_for("attention.scaled_dot_product_attention_backward") if "row-sum" in m.name)
    (tmp_path / "attention.py").write_text(mistake.mutant_source((ROOT / "solutions" / "attention.py").read_text()))
    printed = _run(_block("start", "python"), tmp_path)
    assert printed[0] != _block("output", "text").splitlines()[0]  # the accuracy


def test_a_gradient_wrong_by_a_constant_factor_still_trains_as_the_page_says(tmp_path):
    """The page's warning: Adam hides a missing 1/sqrt(E) and averaged bias gradients; only the checks see them."""
    for name in ("1/sqrt(E) left out of dq and dk", "bias gradients averaged instead of summed"):
        mistake = next(m for m in all_mistakes() if m.name == name)
        folder = tmp_path / mistake.target
        folder.mkdir()
        (folder / "attention.py").write_text(mistake.mutant_source((ROOT / "solutions" / "attention.py").read_text()))
        assert _run(_block("start", "python"), folder) == _block("output", "text").splitlines(), name
