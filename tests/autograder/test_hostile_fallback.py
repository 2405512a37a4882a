"""The hostile submissions of test_hostile.py again, under the process-limits fallback.

test_hostile.py grades them as `autograder check` does by default (in namespaces
where the host allows them); a host without bubblewrap must still grade every
one of them correctly.
"""
import json

import pytest

from test_hostile import CASES, assert_graded, run_check, write_case


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_submission_is_graded_correctly_without_namespaces(case, tmp_path):
    overrides, broken = CASES[case]
    json_path = tmp_path / "results.json"
    done, _ = run_check(write_case(tmp_path, overrides), json_path, "--isolation", "process")
    assert done.returncode == 0, done.stderr
    assert "999/999" not in done.stdout and "PASS all" not in done.stdout
    results = json.loads(json_path.read_text())
    assert "process limits only" in results["extra_data"]["isolation"]
    assert_graded(results, broken)
