"""The `autograder` command: check one submission, grade a class (batch), or build a Gradescope bundle."""
import argparse
import os
import sys

from autograder.sandbox.runner import Limits, become_subreaper
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


def build_parser():
    parser = _Parser(prog="autograder", description="Grade the course's NumPy exercises.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = commands.add_parser("check", help="grade one submission (a folder or a .zip)")
    check.add_argument("path", nargs="?", default="exercises", help="submission folder or zip (default: exercises)")
    check.add_argument("--json", metavar="FILE", help="also write Gradescope results.json to FILE")
    check.add_argument("--seed", type=int, help="replay the random inputs of an earlier run")
    check.add_argument("--timeout", type=_positive(float), default=Limits.call_seconds,
                       help=f"seconds allowed per call (default {Limits.call_seconds:g})")
    check.add_argument("--user", help="run the submission as this unprivileged user (needs root)")
    check.add_argument("--python", help="interpreter that runs the submission (default: this one)")
    check.add_argument("--brief", action="store_true", help="the table only, without explanations")

    batch = commands.add_parser("batch", help="grade every folder and .zip in DIR into a CSV")
    batch.add_argument("dir", help="folder holding one submission per entry")
    batch.add_argument("--out", required=True, metavar="FILE.csv", help="CSV written (and resumed) here")
    batch.add_argument("--jobs", type=_positive(int), default=os.cpu_count() or 1, help="parallel jobs (default: all cores)")
    batch.add_argument("--timeout", type=_positive(float), default=Limits.call_seconds, help="seconds allowed per call")
    batch.add_argument("--user", help="run submissions as this unprivileged user (needs root)")

    bundle = commands.add_parser("bundle", help="write a Gradescope autograder zip")
    bundle.add_argument("--out", required=True, metavar="FILE.zip")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "batch":
            from autograder.batch import run_batch

            return run_batch(args.dir, args.out, jobs=args.jobs, limits=Limits(call_seconds=args.timeout), user=args.user)
        from autograder.bundle import write_bundle

        write_bundle(args.out)
        print(f"wrote {args.out}")
        return 0
    except UsageError as error:
        sys.stderr.write(f"autograder: error: {error}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("autograder: interrupted\n")
        return 130


def _check(args):
    from autograder import report
    from autograder.grade import grade

    if args.user and os.geteuid() != 0:
        raise UsageError("--user needs the grader to run as root")
    become_subreaper()
    result = grade(args.path, seed=args.seed, limits=Limits(call_seconds=args.timeout), python=args.python,
                   user=args.user, parallel=os.cpu_count() or 1)
    color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    print(report.text(result, color=color, details=not args.brief))
    if args.json:
        report.write_json(result, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
