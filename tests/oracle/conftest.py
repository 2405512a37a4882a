import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # oracle_kit and oracle_cases, beside these tests

from autograder.reference import load_modules  # noqa: E402


@pytest.fixture(scope="session")
def solution_modules():
    """{name: module} of solutions/, loaded the way the grader loads a submission."""
    return load_modules()
