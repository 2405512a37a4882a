"""The corpus section of docs/exercises/n-grams.md prints what the page says, with the reference nlp.py.

The page's script trains the students' bigram model on the course's reviews and states two lessons
from its output (add-one is the worst smoothing of the three; training perplexity keeps falling as
k shrinks while held-out perplexity is best at k = 0.1). Here it runs with solutions/ in place of
exercises/, its output must equal the page's text block, and the lessons are checked on the numbers.
"""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs" / "exercises" / "n-grams.md").read_text()
SECTION = PAGE.split("## Your model on the course corpus", 1)[1].split("\n## ", 1)[0]


def blocks(kind):
    return re.findall(rf"```{kind}\n(.*?)```", SECTION, flags=re.S)


def test_the_script_prints_what_the_page_shows():
    (script,), (shown,) = blocks("python"), blocks("text")
    assert 'sys.path.insert(0, "exercises")' in script
    script = script.replace('sys.path.insert(0, "exercises")', 'sys.path.insert(0, "solutions")')
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == shown


def test_the_lessons_hold_on_the_numbers():
    (shown,) = blocks("text")
    vocabulary = int(re.search(r"V = (\d+)", shown).group(1))
    rows = {float(k): (float(a), float(b)) for k, a, b in
            re.findall(r"k = ([\d.]+)\s+train\s+([\d.]+)\s+held out\s+([\d.]+)", shown)}
    assert sorted(rows) == [0.01, 0.1, 1.0]
    train = [rows[k][0] for k in (1.0, 0.1, 0.01)]
    held_out = {k: rows[k][1] for k in rows}
    assert train == sorted(train, reverse=True), "training perplexity falls as k shrinks"
    assert min(held_out, key=held_out.get) == 0.1, "held-out perplexity is best at k = 0.1"
    assert max(max(pair) for pair in rows.values()) == rows[1.0][1], "add-one is the worst"
    assert max(held_out.values()) < vocabulary, "every model beats the uniform guess"
