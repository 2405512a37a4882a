"""The gradient check of docs/exercises/transformer.md does what the page says it does.

The page gives a block that compares the student's transformer_encoder_layer_backward with central
differences from their own gradcheck.py, and says what to expect: a relative error of 1e-6 or less
when the backward is right, above 1e-4 when it is wrong. Here the block runs with the reference
solutions, then with a known mistake of the backward pasted in.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.mistakes import mistakes_for

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs" / "exercises" / "transformer.md").read_text(encoding="utf-8")
BLOCK = re.search(r"<!-- gradient-check: start -->\n```python\n(.*?)\n```", PAGE, flags=re.S).group(1)
STATED = re.search(r"Both lines should show an error of \$10\^\{-(\d+)\}\$ or less; one above \$10\^\{-(\d+)\}\$", PAGE)


def _errors(attention_source, folder):
    """The two relative errors the block prints, with `attention_source` as the student's attention.py."""
    (folder / "attention.py").write_text(attention_source)
    shutil.copy(ROOT / "solutions" / "gradcheck.py", folder / "gradcheck.py")
    (folder / "check.py").write_text(BLOCK)
    env = {**os.environ, "PYTHONPATH": str(folder), "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "check.py"], cwd=folder, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == ["norm_first=False", "norm_first=True"]
    return [float(line.rsplit(" ", 1)[1]) for line in lines]


def test_the_reference_passes_the_pages_gradient_check(tmp_path):
    right = 10.0 ** -int(STATED.group(1))
    assert all(error <= right for error in _errors((ROOT / "solutions" / "attention.py").read_text(), tmp_path))


@pytest.mark.parametrize("mistake", mistakes_for("attention.transformer_encoder_layer_backward"),
                         ids=lambda m: m.name[:40])
def test_a_known_mistake_fails_the_pages_gradient_check(mistake, tmp_path):
    wrong = 10.0 ** -int(STATED.group(2))
    errors = _errors(mistake.mutant_source((ROOT / "solutions" / "attention.py").read_text()), tmp_path)
    if "norm_first" in mistake.name:  # post-norm's chain is right for post-norm: only the pre-norm line shows it
        errors = errors[1:]
    assert all(error > wrong for error in errors), errors
