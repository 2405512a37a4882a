"""The `autograder` command: check one submission, grade a class (batch), or build a Gradescope bundle."""
import argparse
import os
import shlex
import sys

from autograder.sandbox.isolation import MODES, SandboxUnavailable, check_namespaces
from autograder.assignment import load_points, parse_modules, weigh_report
from autograder.selection import resolve
from autograder.safe_text import safe
from autograder.submission import UsageError


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line and status 2, as the contract asks
        sys.stderr.write(f"autograder: error: {message}\n")
        sys.exit(2)


def _positive(kind):
    def parse(text):
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive, got {text}")
        return value

    return parse


def _isolation_options(command):
    command.add_argument("--isolation", choices=MODES, default="auto",
                         help="namespaces: bubblewrap sandbox (required); process: rlimits only; "
                              "auto (default): namespaces where this host allows them")
    command.add_argument("--require-sandbox", action="store_const", const="namespaces", dest="isolation",
                         help="refuse to grade without the namespace sandbox (same as --isolation namespaces)")


def build_parser():
    from autograder.sandbox.runner import Limits

    parser = _Parser(prog="autograder", description="Grade the course's NumPy exercises.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = commands.add_parser("check", help="grade one submission (a folder or a .zip)")
    check.add_argument("path", nargs="?", help="submission folder, zip or one exercise file (default: exercises, "
                       "or the current folder inside it)")
    check.add_argument("--json", metavar="FILE", help="also write Gradescope results.json to FILE")
    check.add_argument("--seed", type=int, help="replay the random inputs of an earlier run")
    check.add_argument("--timeout", type=_positive(float), default=Limits.call_seconds,
                       help=f"seconds allowed per call (default {Limits.call_seconds:g})")
    check.add_argument("--user", help="needs root; kept for older scripts: as root, every submission runs as a fresh uid of its own")
    check.add_argument("--python", help="interpreter that runs the submission (default: this one)")
    check.add_argument("--brief", action="store_true", help="the table only, without explanations")
    _assignment_options(check, "--only", "--modules", metavar="MOD[.FUNCTION][,...]",
                        help="grade only these modules or functions (default: all)")
    check.add_argument("--fail-under", metavar="SCORE", type=_score_threshold,
                       help="exit 1 when the score is below SCORE (points, or a percentage such as 100%%)")
    _isolation_options(check)
    check.add_argument("--save-failures", metavar="DIR",
                       help="write each failing call to DIR as a .npz file (inputs, expected, got)")

    watch = commands.add_parser("watch", help="regrade on every save, clearing the screen between runs")
    watch.add_argument("path", nargs="?", help="folder or exercise file (default: exercises, or the current folder)")
    watch.add_argument("--only", dest="modules", metavar="MOD[.FUNCTION][,...]", help="grade only these")
    watch.add_argument("--seed", type=int, help="the same random inputs on every run (default: one seed per session)")
    watch.add_argument("--timeout", type=_positive(float), default=Limits.call_seconds, help="seconds allowed per call")
    watch.add_argument("--brief", action="store_true", help="the table only, without explanations")
    _isolation_options(watch)

    batch = commands.add_parser("batch", help="grade every folder and .zip in DIR into a CSV")
    batch.add_argument("dir", help="folder holding one submission per entry")
    batch.add_argument("--out", required=True, metavar="FILE.csv", help="CSV written (and resumed) here")
    batch.add_argument("--jobs", type=_positive(int), default=os.cpu_count() or 1, help="parallel jobs (default: all cores)")
    batch.add_argument("--timeout", type=_positive(float), default=Limits.call_seconds, help="seconds allowed per call")
    batch.add_argument("--user", help="needs root; kept for older scripts: as root, every submission runs as a fresh uid of its own")
    _assignment_options(batch, "--modules")
    batch.add_argument("--roster", metavar="ROSTER.csv", help="CSV naming each submission's student "
                       "(columns submission, student_id, name, email)")
    batch.add_argument("--format", type=_formats, default=(), metavar="canvas,moodle",
                       help="also write the file each of these gradebooks imports as it is (needs --roster)")
    batch.add_argument("--regrade", metavar="NAME[,NAME]", default="",
                       help="grade these submissions again, replacing their rows")
    _isolation_options(batch)

    bundle = commands.add_parser("bundle", help="write a Gradescope autograder zip")
    bundle.add_argument("--out", required=True, metavar="FILE.zip")
    _assignment_options(bundle, "--modules")

    classroom = commands.add_parser("classroom", help="write a GitHub Classroom template (the student edition "
                                    "and its feedback workflow) into DIR")
    classroom.add_argument("--out", required=True, metavar="DIR", help="the template repository's folder: a new "
                           "one, or one holding an earlier template")
    _assignment_options(classroom, "--modules")
    _public_seed_option(classroom)

    release = commands.add_parser("release", help="write the student edition (no solutions, public checks) into DIR")
    release.add_argument("--out", required=True, metavar="DIR", help="a new folder, or one holding an earlier edition")
    release.add_argument("--modules", metavar="MOD[,MOD]", help="the modules its checks grade (default: all)")
    _public_seed_option(release)
    return parser


def _public_seed_option(parser):
    parser.add_argument("--public-seed", type=int, default=1, metavar="N",
                        help="the seed of the public inputs, 0 to 65535 (default 1); the grader never draws these")


def _assignment_options(parser, *names, metavar="MOD[,MOD]", help="grade only these modules (default: all)"):
    parser.add_argument(*names, dest="modules", metavar=metavar, help=help)
    parser.add_argument("--points", metavar="FILE.toml", help="points per module (`activations = 40` lines)")


EXPORTS = ("canvas", "moodle")


def _formats(text):
    """--format: gradebooks, comma-separated ("plain", the CSV alone, names none)."""
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in EXPORTS + ("plain",)]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown format {unknown[0]!r} (choose from {', '.join(EXPORTS)})")
    return tuple(name for name in EXPORTS if name in names)


def _score_threshold(text):
    """A --fail-under value: points (e.g. 12.5) or a percentage of the maximum (e.g. 90%)."""
    try:
        value = float(text[:-1]) if text.endswith("%") else float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected points or a percentage, got {text}") from None
    if not value >= 0 or (text.endswith("%") and value > 100):
        raise argparse.ArgumentTypeError(f"out of range: {text}")
    return (value, text.endswith("%"))


def main(argv=None):
    # Everything that imports NumPy happens in here (cli.py itself imports none of it), so Ctrl-C while the
    # grader starts up ends as cleanly as later, not with a traceback.
    try:
        return _command(build_parser().parse_args(argv))
    except KeyboardInterrupt:
        sys.stderr.write("autograder: interrupted\n")
        return 130


def _command(args):
    from autograder.sandbox.runner import Limits, become_subreaper

    try:
        if args.command in ("check", "watch") and args.seed is not None:
            from autograder.public import seed_refusal

            refused = seed_refusal("--seed")
            if refused:
                raise UsageError(refused)
        if args.command == "check":
            return _check(args)
        if args.command == "watch":
            from autograder.watch import watch

            become_subreaper()
            return watch(args)
        if args.command == "release":
            from autograder.release import write_release

            write_release(args.out, parse_modules(args.modules), args.public_seed, progress=sys.stderr.isatty())
            print(f"wrote the student edition to {args.out}")
            return 0
        modules = parse_modules(args.modules)
        points = load_points(args.points, modules)
        if args.command in ("bundle", "classroom"):
            from autograder.public import is_edition

            if is_edition():  # the bundle and the template carry the reference: a student edition has none
                raise UsageError(f"{args.command} needs the instructor repository (its solutions/), "
                                 "not a student edition")
        if args.command == "batch":
            from autograder.batch import Interrupted, run_batch

            if args.isolation == "namespaces":
                check_namespaces()  # refuse the whole class at once, not each submission

            regrade = [name.strip() for name in args.regrade.split(",") if name.strip()]
            try:
                return run_batch(args.dir, args.out, jobs=args.jobs, limits=Limits(call_seconds=args.timeout),
                                 user=args.user, modules=modules, points=points, roster=args.roster,
                                 export=args.format, regrade=regrade,
                                 isolation_mode=args.isolation)
            except Interrupted as stop:
                # Exit at once: the grading processes are already gone, and waiting for the pool's
                # bookkeeping threads at interpreter exit is what used to hang after Ctrl-C.
                sys.stdout.flush()
                sys.stderr.write(f"{stop}\n")
                sys.stderr.flush()
                os._exit(130)
        if args.command == "classroom":
            from autograder.classroom import write_classroom

            for path in write_classroom(args.out, modules, points, args.public_seed, progress=sys.stderr.isatty()):
                print(f"wrote {path}")
            return 0
        from autograder.bundle import write_bundle

        _parent_folder(args.out)
        write_bundle(args.out, modules, args.points)
        print(f"wrote {args.out}")
        return 0
    except UsageError as error:
        sys.stderr.write(f"autograder: error: {error}\n")
        return 2
    except SandboxUnavailable as error:
        sys.stderr.write(f"autograder: error: the namespace sandbox is required but unavailable: {error}\n")
        return 3
    except KeyboardInterrupt:
        sys.stderr.write("autograder: interrupted\n")
        return 130


def _parent_folder(out):
    """Create the folder a file will be written into; a one-line UsageError when `out` cannot be a file."""
    from pathlib import Path

    if Path(out).is_dir():
        raise UsageError(f"--out {out} is a folder: name the file to write, e.g. {Path(out) / 'hw1.zip'}")
    try:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"--out {out}: cannot create its folder ({error.strerror})") from None


def _check(args):
    from autograder import report
    from autograder.grade import grade
    from autograder.sandbox.runner import Limits, become_subreaper

    if args.user and os.geteuid() != 0:
        raise UsageError("--user needs the grader to run as root")
    selection = resolve(args.path, args.modules)
    points = load_points(args.points, selection.modules)
    become_subreaper()
    try:
        result = grade(selection.path, seed=args.seed, limits=Limits(call_seconds=args.timeout), python=args.python,
                       user=args.user, parallel=os.cpu_count() or 1, isolation_mode=args.isolation,
                       modules=selection.modules, functions=selection.functions)
        result = weigh_report(result, points)
    except (UsageError, KeyboardInterrupt):
        raise
    except Exception as error:  # noqa: BLE001 - the grader's own failure must still leave a results.json
        message = f"the grader failed: {type(error).__name__}: {error}"
        if args.json:
            report.write_error_json(message, args.json)
        if isinstance(error, SandboxUnavailable):
            raise
        sys.stderr.write(f"autograder: error: {safe(message)}\n")
        return 1
    color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    saved = []
    if args.save_failures:
        from autograder.failures import save_failures

        saved = save_failures(result, args.save_failures)
    print_or_quit(report.text(result, color=color, details=not args.brief, replay=_replay(args), saved=saved))
    if args.json:
        report.write_json(result, args.json)
    if args.fail_under is not None:
        threshold, percent = args.fail_under
        needed = threshold * result.max_score / 100 if percent else threshold
        if result.score < needed - 1e-9:
            sys.stderr.write(f"autograder: score {result.score:g}/{result.max_score:g} is below {needed:g}\n")
            return 1
    return 0


def _replay(args):
    """The command that grades the same selection again (the report adds --seed)."""
    words = ["autograder", "check"] + ([args.path] if args.path else []) + (["--only", args.modules] if args.modules else [])
    return " ".join(shlex.quote(word) for word in words)


def print_or_quit(text):
    """Print; when the reader has gone (`| head`), leave quietly instead of with a BrokenPipeError."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        # Python would report the pipe again when it flushes stdout at exit: point stdout at /dev/null.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


if __name__ == "__main__":
    sys.exit(main())
