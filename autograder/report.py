"""A Report as text for a person (a table, coloured on a terminal), as Gradescope JSON, as a CSV row."""
import json
import os
import re
import shutil
import textwrap

from autograder.mistakes import MODULES
from autograder.safe_text import safe

GREEN, RED, BOLD, DIM, RESET = "\033[32m", "\033[31m", "\033[1m", "\033[2m", "\033[0m"


# The course page that teaches each module (or function), for the progress line's "next" pointer.
COURSE_PAGES = {
    "activations": ("the activation functions page", "docs/ann/activation-functions.md"),
    "losses": ("the loss functions page", "docs/ann/loss-functions.md"),
    "initializers": ("the weight initialization page", "docs/ann/weight-initialization.md"),
    "layers": ("the forward propagation page", "docs/ann/forward-propagation.md"),
    "layers.dense_backward": ("the backpropagation page", "docs/ann/backpropagation.md"),
    "layers.mlp_loss_and_grads": ("the backpropagation page", "docs/ann/backpropagation.md"),
    "gradcheck": ("the backpropagation page", "docs/ann/backpropagation.md"),
    "clipping": ("the gradient clipping page", "docs/ann/gradient-clipping.md"),
    "optimizers": ("the optimizers page", "docs/ann/optimizers.md"),
    "regularization": ("the regularization page", "docs/ann/regularization.md"),
    "regularization.batchnorm_forward": ("the batch normalization page", "docs/ann/batch-normalization.md"),
    "regularization.batchnorm_backward": ("the batch normalization page", "docs/ann/batch-normalization.md"),
    "regularization.layernorm_forward": ("the batch normalization page", "docs/ann/batch-normalization.md"),
    "regularization.layernorm_backward": ("the batch normalization page", "docs/ann/batch-normalization.md"),
    "cnn": ("the CNN chapter", "docs/cnn/index.md"),
    "rnn": ("the RNN chapter", "docs/rnn/index.md"),
    "attention": ("the Transformer page", "docs/rnn/transformer.md"),
    "rnn.gru_step_forward": ("the GRU page", "docs/rnn/gru.md"),
    "rnn.gru_step_backward": ("the GRU page", "docs/rnn/gru.md"),
    "rnn.gru_forward": ("the GRU page", "docs/rnn/gru.md"),
    "rnn.gru_backward": ("the GRU page", "docs/rnn/gru.md"),
    "rnn.bidirectional_rnn_forward": ("the bidirectional RNN page", "docs/rnn/bidirectional.md"),
    "nlp": ("the word embeddings page", "docs/rnn/nlp/word-embeddings.md"),
    "nlp.tf_idf": ("the TF-IDF page", "docs/rnn/nlp/tf-idf.md"),
    "nlp.ngram_counts": ("the n-grams page", "docs/rnn/nlp/n-grams.md"),
    "nlp.add_k_probability": ("the n-grams page", "docs/rnn/nlp/n-grams.md"),
    "nlp.perplexity": ("the n-grams page", "docs/rnn/nlp/n-grams.md"),
}

NOT_STARTED = "not implemented yet"
# Advisory feedback (the contract's "What costs points"): shown under this heading, never deducted.
NOTES_HEADING = "Notes: no points lost"
NOTE_PREFIX = "Note (no points lost): "


def course_page(function):
    """(title, path) of the page that teaches "module.function"."""
    return COURSE_PAGES.get(function) or COURSE_PAGES[function.split(".")[0]]


def state(outcome):
    """How a check ended, for the report's layout: passed, failed, not started, waiting (for another
    function that is not started), missing (the module), or import (the module could not be imported)."""
    verdict = outcome.verdict
    if verdict.passed:
        return "passed"
    if verdict.summary == NOT_STARTED or outcome.observation.get("exception") == "NotImplementedError":
        return "not started"
    if verdict.summary.startswith("could not run: it needs ") and verdict.summary.endswith(NOT_STARTED):
        return "waiting"
    if "missing from the submission" in verdict.summary:
        return "missing"
    if outcome.observation.get("status") == "import_error":
        return "import"
    return "failed"


def _functions(report):
    """[(module, function, earned, total, outcomes)] in contract order."""
    rows = {}
    for outcome in report.outcomes:
        earned, total, outcomes = rows.get(outcome.check.function, (0.0, 0.0, []))
        rows[outcome.check.function] = (earned + outcome.score, total + outcome.check.points, outcomes + [outcome])
    return [(key.split(".")[0], key.split(".")[1], *value) for key, value in rows.items()]


def _width():
    """The terminal's width (60 to 120 columns). Piped into `less` or `head`, stdout is no terminal, but
    stderr usually still is: its width is the reader's."""
    columns = shutil.get_terminal_size((0, 0)).columns  # COLUMNS, else stdout's terminal
    if not columns:
        try:
            columns = os.get_terminal_size(2).columns
        except OSError:
            columns = 100
    return max(60, min(columns, 120))


PUBLIC_NOTE = ("This is the public check: fixed inputs, answers stored when this edition was released. "
               "Your instructor's grader runs the same checks on new random inputs.")


def text(report, color=False, details=True, replay=None, saved=()):
    """The report for a person. `replay` is the command that grades the same selection again (the seed is
    added); `saved` lists the .npz files --save-failures wrote."""
    paint = (lambda code, s: f"{code}{s}{RESET}") if color else (lambda code, s: s)
    width = _width()
    lines = [paint(BOLD, f"Grading {report.path}")]
    for note in report.notes:
        lines += _wrap(f"note: {note}", width, "  ", "        ")
    module, passing, total_functions, next_function = None, 0, 0, None
    explained = []
    # A module that is absent or cannot be imported is said once (with the error's line), not once per check.
    whole, unimportable = {}, {}
    for outcome in report.outcomes:
        if state(outcome) in ("missing", "import") and outcome.verdict.summary.startswith(("importing", outcome.check.module)):
            whole.setdefault(outcome.check.module, outcome.verdict.summary)
            if state(outcome) == "import":
                unimportable.setdefault(outcome.check.module, outcome.verdict.summary)
    functions = _functions(report)
    for mod, function, earned, total, outcomes in functions:
        states = {state(o) for o in outcomes}
        if mod != module:
            # The names of a module line up: 28 columns, or its longest name (attention.py's are longer).
            name_width = max([28] + [len(f) for m, f, *_ in functions if m == mod])
            module = mod
            got, out_of = report.module_scores()[mod]
            lines.append("")
            lines.append(paint(BOLD, f"{mod}.py  {_num(got)}/{_num(out_of)}"))
            if mod in whole:
                lines += _wrap(whole[mod], width, "  ", "    ")
        total_functions += 1
        if earned == total:
            passing += 1
        elif next_function is None:
            next_function = f"{mod}.{function}"
        if states & {"missing", "import"}:
            continue
        head = f"  {{mark}}  {function:<{name_width}} {_num(earned):>4}/{_num(total):<4}"
        if earned == total:
            lines.append(head.format(mark=paint(GREEN, "PASS")).rstrip())
        elif states <= {"not started", "waiting"}:
            waits = sorted({o.verdict.summary.split("it needs ")[1].split(",")[0] for o in outcomes
                            if state(o) == "waiting"})
            why = f"waiting for {', '.join(waits)}" if waits else "not started"
            lines.append(head.format(mark=paint(DIM, "----")) + f" {why}")
        else:
            failing = [o for o in outcomes if not o.verdict.passed]
            first = next((o for o in failing if state(o) == "failed"), failing[0])
            lines.append(_fit(f"{head.format(mark=paint(RED, 'FAIL'))} {first.verdict.summary}", width, color))
            explained += failing
    lines.append("")
    lines.append(paint(BOLD, f"Score: {_num(report.score)}/{_num(report.max_score)}") + f"   ({report.seconds:.2f} s)")
    if details and explained:
        lines.append("")
        lines.append(paint(BOLD, "What went wrong"))
        for outcome in explained:
            lines += _wrap(f"- {outcome.check.function}: {outcome.check.name}", width, "", "    ")
            lines += feedback_lines(outcome, width, "    ")
    noted = [o for o in report.outcomes if o.verdict.notes]
    if details and noted:
        lines.append("")
        lines.append(paint(BOLD, NOTES_HEADING))
        for outcome in noted:
            lines += _wrap(f"- {outcome.check.function}: {outcome.check.name}", width, "", "    ")
            for note in outcome.verdict.notes:
                lines += _wrap(note, width, "    ", "      ")
    for path in saved:
        lines.append(f"saved {path}")
    if saved:
        from autograder.failures import REPRODUCE

        lines.append("reproduce one in Python (it imports your functions again from the folder graded):")
        lines.append("    " + REPRODUCE.replace("FILE.npz", saved[0]))
    lines.append("")
    if report.isolation:
        lines += [paint(DIM, line) for line in _wrap(f"isolation: {report.isolation}", width, "", "  ")]
    replay = replay or f"autograder check {report.path}"
    if getattr(report, "public", False):  # a student edition: the inputs never change, so no replay line
        lines += _wrap(PUBLIC_NOTE, width, "", "  ")
    else:
        lines += [paint(DIM, line) for line in replay_lines(report.seed, f"{replay} --seed {report.seed}", width)]
    lines.append("")
    error = unimportable.get(next_function.split(".")[0]) if next_function else None
    lines += _wrap(progress_line(passing, total_functions, next_function, error), width, "", "  ")  # last: what to do next
    # Everything above may quote the submission (exception names, messages, file names): no control codes.
    return "\n".join(_keep_codes(line, color) for line in lines)


def replay_lines(seed, command, width):
    """The replay line, its command never broken (a broken one cannot be pasted): on a line of its own
    when both do not fit on one."""
    line = f"seed {seed}: replay exactly with  {command}"
    return [line] if len(line) <= width else [f"seed {seed}: replay exactly with", f"  {command}"]


def progress_line(passing, total, next_function, error=None):
    """'23 of 74 functions pass; next: sigmoid_derivative (activations.py), see the activation functions page (...)'.
    With `error`, why next_function's module cannot be imported, the next step is to fix that."""
    head = f"{passing} of {total} function{'s pass' if total != 1 else ' passes'}"
    if next_function is None:
        return head + ": all done." if total else head
    title, page = course_page(next_function)
    module, function = next_function.split(".")
    if error is not None:
        line = re.search(r"line (\d+)", error)
        where = f"line {line.group(1)}, " if line else ""
        return f"{head}; next: fix {module}.py, which cannot be imported ({where}see above)"
    return f"{head}; next: {function} ({module}.py), see {title} ({page})"


def feedback_lines(outcome, width=None, indent=""):
    """A failed check's feedback: what is wrong, the inputs, the known mistake, then what it printed."""
    width = width or _width()
    verdict = outcome.verdict
    lines = _wrap(verdict.summary, width, indent, indent + "  ")
    for line in verdict.details:
        # The check's name is the heading above; its "Checked:" line would only repeat it.
        if line.strip() == f"Checked: {outcome.check.name}":
            continue
        if line.startswith("Inputs: ") and outcome.calls:
            lines += _inputs(outcome, width, indent) or _wrap(line, width, indent, indent + "  ")
            continue
        lines += _wrap(line, width, indent, indent + "  ")
    if outcome.calls and not any(line.startswith("Inputs: ") for line in verdict.details):
        lines += _inputs(outcome, width, indent)  # e.g. an initializer's fan_in, fan_out and keyword arguments
    if outcome.printed.strip():
        lines.append(f"{indent}Your code printed:")
        for printed in outcome.printed.rstrip("\n").split("\n"):
            lines += _wrap(printed, width, f"{indent}| ", f"{indent}| ")
    return lines


def _inputs(outcome, width, indent):
    """'Inputs:' and the failing call's arguments, small arrays in full (not re-wrapped: they are aligned)."""
    from autograder import inputs
    from autograder.reference import default_reference

    try:
        function = default_reference().functions.get(outcome.check.function)
        described = inputs.describe(outcome.calls[-1], function, width - len(indent) - 2)
    except Exception:  # noqa: BLE001 - the shapes line from the check is still there to fall back on
        return []
    return [f"{indent}Inputs:"] + [f"{indent}  {line}" for line in described]


def _wrap(line, width, first, rest):
    """`line` broken at spaces to fit `width`, never inside a number or a word that is longer."""
    return textwrap.wrap(line, width, initial_indent=first, subsequent_indent=rest, break_long_words=False,
                         break_on_hyphens=False, drop_whitespace=True) or [first.rstrip()]


def _keep_codes(line, color):
    """The line made safe, except for the colour codes this module itself added."""
    if not color:
        return safe(line, 10_000, lines=True)
    codes = (GREEN, RED, BOLD, DIM, RESET)
    parts = re.split("(" + "|".join(re.escape(c) for c in codes) + ")", line)
    return "".join(part if part in codes else safe(part, 10_000, lines=True) for part in parts)


def _fit(line, width, color):
    visible = len(line) - (9 if color else 0)
    return line if visible <= width else line[: width + (9 if color else 0) - 1] + "…"


def _num(x):
    return f"{x:g}"


def gradescope(report):
    """The results.json Gradescope reads (top level score, max_score, execution_time, output, tests)."""
    tests = []
    maxima = apportioned(outcome.check.points for outcome in report.outcomes)
    for outcome, maximum in zip(report.outcomes, maxima):
        verdict = outcome.verdict
        tests.append({
            "name": f"{outcome.check.function}: {outcome.check.name}",
            "score": maximum if outcome.score == outcome.check.points else rounded(outcome.score),
            "max_score": maximum,
            "status": "passed" if verdict.passed else "failed",
            "output": safe("\n".join([verdict.summary, *verdict.details, *(NOTE_PREFIX + n for n in verdict.notes)]),
                           20_000, lines=True),
            "visibility": "visible",
            "tags": list(outcome.check.tags),
        })
    output = [f"Score {_num(report.score)}/{_num(report.max_score)}; seed {report.seed}."] + [
        f"note: {safe(n)}" for n in report.notes] + [f"Isolation: {report.isolation}"] * bool(report.isolation)
    return {
        "score": rounded(report.score),
        "max_score": rounded(report.max_score),
        "execution_time": round(report.seconds, 3),
        "output": "\n".join(output),
        "tests": tests,
        "extra_data": {"isolation": report.isolation, "seed": report.seed},
    }


def write_json(report, path):
    """Write results.json atomically (a reader never sees half a file)."""
    _write_atomically(gradescope(report), path)


def write_error_json(message, path):
    """A results.json for a run the grader could not finish: score 0 and why, never a traceback alone."""
    _write_atomically({"score": 0.0, "output": safe(message, 2000) + "\nPlease tell your instructor.",
                       "tests": [], "extra_data": {"error": safe(message, 2000)}}, path)


def _write_atomically(results, path):
    temporary = f"{path}.tmp-{os.getpid()}"
    with open(temporary, "w") as handle:
        json.dump(results, handle, indent=2)
    os.replace(temporary, path)


def csv_header(modules=MODULES):
    """The gradebook CSV's columns: totals, each module's points and maximum, the seed that replays the row, why."""
    per_module = [column for module in modules for column in (module, f"{module}/max")]
    return ["submission", "score", "max_score", "percent", *per_module, "seed", "error"]


CSV_HEADER = csv_header()


def csv_row(name, report, modules=MODULES):
    scores = report.module_scores()
    per_module = []
    for module in modules:
        got, out_of = scores.get(module, (0.0, 0.0))
        per_module += [_points(got), _points(out_of)]
    reasons = "; ".join(_cell(reason) for reason in zero_reasons(report))
    return [name, _points(report.score), _points(report.max_score), _percent(report.score, report.max_score),
            *per_module, str(report.seed), reasons]


def csv_failed_row(name, reason, maxima):
    """The row of a submission that could not be graded at all: 0 of the assignment's maximum, and why."""
    per_module = [cell for module in maxima for cell in ("0", _points(maxima[module]))]
    return [name, "0", _points(sum(maxima.values())), _percent(0, 1), *per_module, "", _cell(reason)]


def zero_reasons(report):
    """Why points are missing where a module (or the whole submission) scores 0: the notes, then one reason a module."""
    reasons = list(report.notes)
    missing = [o for o in report.outcomes if "missing from the submission" in o.verdict.summary]
    if report.outcomes and len(missing) == len(report.outcomes):
        expected = ", ".join(f"{module}.py" for module in report.module_scores())
        return reasons + [f"no file of this assignment was found (expected {expected})"]
    for module, (got, out_of) in report.module_scores().items():
        if got == 0 and out_of > 0:
            first = next(o for o in report.outcomes if o.check.module == module and not o.verdict.passed)
            summary = first.verdict.summary
            reasons.append(summary if summary.startswith(f"{module}.py") else f"{module} 0/{_points(out_of)}: {summary}")
    return reasons


# Points are written with this many decimals everywhere (results.json, the CSV, the gradebook files): a sum
# of weighted checks is 100.00000000000003 here and ...414 in its last digits on another machine.
POINT_DECIMALS = 2


def rounded(x):
    """Points as written: POINT_DECIMALS decimals, an int when whole (JSON then shows 100, not 100.0)."""
    value = round(float(x), POINT_DECIMALS) + 0.0  # + 0.0: never -0.0
    return int(value) if value.is_integer() else value


def apportioned(values):
    """`values` rounded to POINT_DECIMALS so that they add up to their rounded sum (largest remainders first):
    rounding each of 21 checks worth 60/21 on its own would give 60.06 for the module."""
    scale = 10 ** POINT_DECIMALS
    exact = [float(v) * scale for v in values]
    units = [int(e // 1) for e in exact]
    short = round(sum(exact)) - sum(units)
    for i in sorted(range(len(exact)), key=lambda i: units[i] - exact[i])[:max(0, short)]:
        units[i] += 1
    return [rounded(u / scale) for u in units]


def _points(x):
    return f"{rounded(x):g}"


def _percent(score, out_of):
    return f"{100 * score / out_of:.1f}" if out_of else "0.0"


def _cell(text, limit=200):
    """One line of plain, bounded text: the reasons quote what submissions print and how they name files."""
    text = "".join(ch if ch.isprintable() else (" " if ch in "\n\r\t" else f"\\x{ord(ch):02x}") for ch in str(text))
    return text if len(text) <= limit else text[: limit - 1] + "…"
