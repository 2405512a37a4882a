"""Grade one submission: plan the calls, run them sandboxed, judge them in this process."""
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from autograder import public, submission
from autograder.checks import all_checks
from autograder.mistakes import MODULES
from autograder.reference import default_reference
from autograder.sandbox import isolation, runner
from autograder.spec import Verdict, advisory_verdict


# The time bound the README states for any submission: the per-call timeout x its graded functions + 10 s,
# restarts, re-imports and waits on a frozen sandbox included. The sandbox's share ends a little earlier,
# leaving the grader time to start, judge and report.
TIME_SLACK_SECONDS = 10.0
RESERVED_SECONDS = 3.0


@dataclass
class Outcome:
    check: object
    verdict: Verdict
    calls: list = field(default_factory=list)  # the worker calls the check made (kept for --save-failures)
    observation: dict = field(default_factory=dict)  # what the check's last call returned or raised
    printed: str = ""  # what the submission printed during a failing check's calls (capped by the worker)

    @property
    def score(self):
        return self.check.points if self.verdict.passed else 0.0


@dataclass
class Report:
    path: str
    seed: int
    outcomes: list
    seconds: float
    notes: list = field(default_factory=list)
    isolation: str = ""  # how the submission was isolated, in one line
    public: bool = False  # graded by a student edition's public check (stored answers, fixed inputs)

    @property
    def score(self):
        return sum(o.score for o in self.outcomes)

    @property
    def max_score(self):
        return sum(o.check.points for o in self.outcomes)

    def module_scores(self):
        scores = {}
        for o in self.outcomes:
            got, total = scores.get(o.check.module, (0.0, 0.0))
            scores[o.check.module] = (got + o.score, total + o.check.points)
        return scores


def grade(path, *, seed=None, limits=runner.Limits(), python=None, user=None, parallel=2, modules=MODULES,
          reference=None, isolation_mode="auto", functions=None, checks=None, keep_warm=False):
    """The Report of the submission at `path` at `seed` (None draws one); see grade_seeds."""
    return grade_seeds(path, [seed], limits=limits, python=python, user=user, parallel=parallel, modules=modules,
                       reference=reference, isolation_mode=isolation_mode, functions=functions, checks=checks,
                       keep_warm=keep_warm)[0]


def grade_seeds(path, seeds, *, limits=runner.Limits(), python=None, user=None, parallel=2, modules=MODULES,
                reference=None, isolation_mode="auto", functions=None, checks=None, keep_warm=False):
    """The Reports of the submission at `path` (a folder or a zip). Raises submission.UsageError for a bad path,
    and isolation.SandboxUnavailable if isolation_mode is "namespaces" and they cannot be used here.

    `functions` ("module.function" names) narrows the run to those functions' checks, and `checks`
    (indexes into all_checks()) to exactly those checks. A check draws its inputs from the seed and its
    index among all the checks, so a narrowed run replays the same inputs as a full one.

    `keep_warm` (batch grading) leaves a sandbox starting for this process's next grade with the same
    options, so that its interpreter imports NumPy while this one is judged.

    One Report per seed of `seeds` (None draws one), all graded in one sandbox run: the stability test
    (tests/autograder/test_stability.py) grades a submission at several seeds for about the cost of one."""
    started, began = time.perf_counter(), time.monotonic()
    options = (limits, python, user, isolation_mode)
    # Started first: the sandbox's interpreter imports NumPy while the inputs are drawn and the files copied.
    standby = _claim_standby(options) or _Standby(*options)
    _in_use.add(standby)
    existing_children = frozenset(runner.children_of(os.getpid(), zombies=True)) - {standby.sandbox.pid}
    try:
        reference = reference or default_reference()
        # A student edition grades its public seed's inputs only; elsewhere a fresh seed is never a public one.
        seeds = [public.choose_seed(reference, seed) for seed in seeds]
        modules = public.released(reference, modules)
        selected = selected_checks(modules, functions, checks)
        # The first seed's call ids are the plain c{index} (the public check stores its answers by them).
        plans = [[(check, check.calls(np.random.default_rng([seed, index]), f"s{k}/c{index}" if k else f"c{index}"))
                  for index, check in selected] for k, seed in enumerate(seeds)]
        files, found, notes = submission.prepare(path)
        standby.sandbox.deliver(files)
        graded = {(check.module, check.function) for check, _ in plans[0] if check.module in found}
        # One time bound per submission (README): the per-call timeout for each graded function, per seed.
        standby.sandbox.deadline = (began + limits.call_seconds * len(graded) * len(seeds)
                                    + TIME_SLACK_SECONDS - RESERVED_SECONDS)
        per_module = {}
        for check, calls in (plan for seed_plans in plans for plan in seed_plans):
            if check.module in found:
                per_module.setdefault(check.module, []).extend(calls)
        observations = {}
        with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
            if per_module:
                _start(standby.sandbox)
            jobs = [pool.submit(runner.run_module, standby.sandbox, module, calls)
                    for module, calls in per_module.items()]
            for job in jobs:
                observations.update(job.result())
    finally:
        _in_use.discard(standby)
        standby.close()
        runner.kill_strays(keep=existing_children)
    if keep_warm:
        _keep_standby(options)
    seconds = time.perf_counter() - started
    return [Report(str(path), seed, [_outcome(check, calls, observations, reference, found) for check, calls in plan],
                   seconds, notes, standby.how.summary, public=getattr(reference, "public_seed", None) is not None)
            for seed, plan in zip(seeds, plans)]


class _Standby:
    """A sandbox started before the submission is known: its zygote imports NumPy meanwhile, and gets the
    submission's files when they are ready (runner.Sandbox.deliver). It is started in the calling thread
    (bwrap's --die-with-parent follows the thread)."""

    def __init__(self, limits, python, user, isolation_mode):
        # `user` is kept for the options' key only: as root every sandbox runs as a fresh uid of its own.
        self.options = (limits, python, user, isolation_mode)
        self.how = isolation.choose(limits, isolation_mode, python)
        try:
            self.sandbox = runner.Sandbox(limits, self.how)
            self.sandbox.start()
        except BaseException:
            isolation.release(self.how)
            raise

    @property
    def scratch(self):
        return self.how.scratch  # on the host: only with process limits

    def close(self):
        self.sandbox.close()
        isolation.release(self.how)


_kept = None  # the _Standby a batch grading process keeps for its next submission
_in_use = set()  # the _Standby grading a submission now


def _claim_standby(options):
    """The kept sandbox if it was made for these options and still runs; any other is dropped."""
    global _kept
    found, _kept = _kept, None
    if found is not None and found.options == options and found.sandbox.alive():
        return found
    if found is not None:
        found.close()
    return None


def drop_standby(in_use=False):
    """Stop the sandbox kept for a next grade, and remove its folder (when a grading process ends);
    with `in_use`, the one grading now too (when the process is told to stop at once)."""
    global _kept
    for standby in [*([_kept] if _kept is not None else []), *(_in_use if in_use else ())]:
        standby.close()
    _kept = None


def _keep_standby(options):
    global _kept
    drop_standby()
    try:
        _kept = _Standby(*options)
    except Exception:  # noqa: BLE001 - only a head start: the next grade starts its own and reports any error
        pass


def selected_checks(modules=MODULES, functions=None, checks=None):
    """[(index among all the checks, check)] of the selected modules, functions or check indexes."""
    return [(index, check) for index, check in enumerate(all_checks())
            if check.module in modules and (functions is None or check.function in functions)
            and (checks is None or index in checks)]


def _outcome(check, calls, observations, reference, found):
    verdict = _judge(check, calls, observations, reference, found)
    if verdict.passed:
        return Outcome(check, verdict)
    seen = [observations.get(call.id, {}) for call in calls]
    printed = "".join(o["printed"] for o in seen if type(o.get("printed")) is str)
    return Outcome(check, verdict, calls, seen[-1] if seen else {}, printed[:2100])


def _start(sandbox):
    try:
        sandbox.zygote()  # waits until it is ready
    except runner.WorkerFailed:
        pass  # each module's worker will try again, and say so in its own feedback


def _judge(check, calls, observations, reference, found):
    if check.module not in found:
        return Verdict(False, f"{check.module}.py is missing from the submission")
    try:
        verdict = check.judge(calls, observations, reference)
    except Exception as error:  # noqa: BLE001 - one odd answer must not stop the other checks
        return Verdict(False, f"the answer could not be graded ({type(error).__name__}: {error})")
    return advisory_verdict(check, verdict, observations.get(calls[-1].id, {}) if calls else {})
