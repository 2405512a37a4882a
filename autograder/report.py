"""A Report as text for a person (a table, coloured on a terminal), as Gradescope JSON, as a CSV row."""
import json
import os
import shutil

from autograder.mistakes import MODULES

GREEN, RED, BOLD, DIM, RESET = "\033[32m", "\033[31m", "\033[1m", "\033[2m", "\033[0m"


def _functions(report):
    """[(module, function, earned, total, first failing outcome or None)] in contract order."""
    rows = {}
    for outcome in report.outcomes:
        key = outcome.check.function
        earned, total, failing = rows.get(key, (0.0, 0.0, None))
        if failing is None and not outcome.verdict.passed:
            failing = outcome
        rows[key] = (earned + outcome.score, total + outcome.check.points, failing)
    return [(key.split(".")[0], key.split(".")[1], *value) for key, value in rows.items()]


def text(report, color=False, details=True):
    paint = (lambda code, s: f"{code}{s}{RESET}") if color else (lambda code, s: s)
    width = max(60, min(shutil.get_terminal_size((100, 20)).columns, 120))
    lines = [paint(BOLD, f"Grading {report.path}")]
    lines += [f"  note: {note}" for note in report.notes]
    module = None
    for mod, function, earned, total, failing in _functions(report):
        if mod != module:
            module = mod
            got, out_of = report.module_scores()[mod]
            lines.append("")
            lines.append(paint(BOLD, f"{mod}.py  {_num(got)}/{_num(out_of)}"))
        ok = earned == total
        mark = paint(GREEN, "PASS") if ok else paint(RED, "FAIL")
        head = f"  {mark}  {function:<28} {_num(earned):>4}/{_num(total):<4}"
        lines.append(head if ok else _fit(f"{head} {failing.verdict.summary}", width, color))
    lines.append("")
    lines.append(paint(BOLD, f"Score: {_num(report.score)}/{_num(report.max_score)}") + f"   ({report.seconds:.2f} s)")
    # A missing module or a stub is already said in the table; everything else gets its full explanation.
    explained = [o for o in report.outcomes if not o.verdict.passed and o.verdict.summary != "not implemented yet"
                 and "missing from the submission" not in o.verdict.summary]
    if details and explained:
        lines.append("")
        lines.append(paint(BOLD, "What went wrong"))
        for outcome in explained:
            lines.append(f"- {outcome.check.function}: {outcome.check.name}")
            lines.append(f"    {outcome.verdict.summary}")
            # The check's name is the heading above; its "Checked:" line would only repeat it.
            lines += [f"    {line}" for line in outcome.verdict.details
                      if not line.startswith(f"Checked: {outcome.check.name}")]
    lines.append(paint(DIM, f"seed {report.seed}: replay exactly with  autograder check {report.path} --seed {report.seed}"))
    return "\n".join(lines)


def _fit(line, width, color):
    visible = len(line) - (9 if color else 0)
    return line if visible <= width else line[: width + (9 if color else 0) - 1] + "…"


def _num(x):
    return f"{x:g}"


def gradescope(report):
    """The results.json Gradescope reads (top level score, max_score, execution_time, output, tests)."""
    tests = []
    for outcome in report.outcomes:
        verdict = outcome.verdict
        tests.append({
            "name": f"{outcome.check.function}: {outcome.check.name}",
            "score": outcome.score,
            "max_score": outcome.check.points,
            "status": "passed" if verdict.passed else "failed",
            "output": "\n".join([verdict.summary, *verdict.details]),
            "visibility": "visible",
            "tags": list(outcome.check.tags),
        })
    output = [f"Score {_num(report.score)}/{_num(report.max_score)}; seed {report.seed}."] + [
        f"note: {n}" for n in report.notes]
    return {
        "score": report.score,
        "max_score": report.max_score,
        "execution_time": round(report.seconds, 3),
        "output": "\n".join(output),
        "tests": tests,
    }


def write_json(report, path):
    """Write results.json atomically (a reader never sees half a file)."""
    temporary = f"{path}.tmp-{os.getpid()}"
    with open(temporary, "w") as handle:
        json.dump(gradescope(report), handle, indent=2)
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


def _points(x):
    return f"{round(x, 2):g}"


def _percent(score, out_of):
    return f"{100 * score / out_of:.1f}" if out_of else "0.0"


def _cell(text, limit=200):
    """One line of plain, bounded text: the reasons quote what submissions print and how they name files."""
    text = "".join(ch if ch.isprintable() else (" " if ch in "\n\r\t" else f"\\x{ord(ch):02x}") for ch in str(text))
    return text if len(text) <= limit else text[: limit - 1] + "…"
