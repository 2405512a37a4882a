"""The trusted judge: numbers by value whatever their type, and a wrong type or dtype named with its fix.

Each acceptance below has a rejection beside it (a wrong value of the same type), so a judge that
accepted everything would fail here too.
"""
import math

import numpy as np
import pytest

from autograder.compare import as_integer, as_number, describe_type, mismatch
from autograder.grade import grade
from mutants import write_solutions

RTOL, ATOL = 1e-6, 1e-8


def judge(expected, got, names=None):
    return mismatch(expected, got, RTOL, ATOL, names=names)


@pytest.mark.parametrize("got", [
    0.25, np.float64(0.25), np.float32(0.25), np.float16(0.25), np.array(0.25), np.array(0.25, dtype=np.float32),
], ids=["float", "float64", "float32", "float16", "0-d float64", "0-d float32"])
def test_a_real_number_of_any_numpy_type_is_judged_by_value(got):
    assert judge(0.25, got) is None
    assert "expected 0.5" in judge(0.5, got)


@pytest.mark.parametrize("got", [2, np.int64(2), np.uint8(2), np.array(2)], ids=["int", "int64", "uint8", "0-d int"])
def test_an_integer_is_a_number_where_a_float_is_asked_for(got):
    assert judge(2.0, got) is None
    assert judge(3.0, got) is not None


def test_nan_and_inf_scalars_are_judged_like_floats():
    assert judge(math.inf, np.float64(math.inf)) is None
    assert judge(0.5, np.float64(math.nan)) == "the result is nan, expected 0.5"


@pytest.mark.parametrize("got", [75, np.int64(75), np.int32(75), np.array(75)], ids=["int", "int64", "int32", "0-d"])
def test_a_numpy_integer_is_an_int_where_an_int_is_asked_for(got):
    assert judge((75, 48), (got, 48)) is None
    assert judge((76, 48), (got, 48)) == "the result[0] is 75, expected 76"


def test_a_float_where_an_int_is_asked_for_is_named_with_its_fix():
    assert judge((75, 48), (75.0, 48)) == ("the result[0] should be an int, got float (75.0): "
                                          "return a whole number (e.g. int(...))")
    assert "should be an int, got bool" in judge(1, True)


def test_a_number_in_the_wrong_form_says_how_to_make_it_one():
    assert judge(0.5, None) == "the result should be a float, got None: is a return statement missing?"
    assert judge(0.5, np.array([0.5])) == (
        "the result should be a float, got a float64 array of shape (1,): "
        "return one number (e.g. float(x.item()), or drop keepdims=True)")
    assert "reduce it to one number" in judge(0.5, np.zeros((3, 2)))
    assert judge(0.5, [0.5]) == "the result should be a float, got a Python list of 1 number: return one number, not a sequence"
    assert judge(0.5, np.True_) == "the result should be a float, got numpy.bool"  # a truth value is not a number
    assert judge(0.5, "0.5") == "the result should be a float, got str"


def test_fortran_ordered_and_non_contiguous_arrays_are_judged_by_value():
    expected = np.arange(12.0).reshape(3, 4)
    for got in (np.asfortranarray(expected), expected.T.copy().T, np.stack([expected, expected], -1)[..., 0]):
        assert judge(expected, got) is None
        wrong = got.copy()
        wrong[2, 3] += 1.0
        assert judge(expected, wrong).startswith("the result[2, 3] is 12, expected 11")


def test_a_0d_result_may_come_as_a_number():
    assert judge(np.array(1.5), np.float64(1.5)) is None
    assert judge(np.array(1.5), 1.5) is None
    assert judge(np.array(1.5), 2.5) is not None


@pytest.mark.parametrize("dtype, message", [
    (np.int64, "the result is an int64 array; the contract asks for float64: "
               "compute in float (e.g. x.astype(float), or 1.0 instead of 1)"),
    (np.int32, "the result is an int32 array; the contract asks for float64: "
               "compute in float (e.g. x.astype(float), or 1.0 instead of 1)"),
    (np.uint8, "the result is a uint8 array; the contract asks for float64: "
               "compute in float (e.g. x.astype(float), or 1.0 instead of 1)"),
    (bool, "the result is a bool array; the contract asks for float64: convert the booleans (e.g. (z > 0).astype(float))"),
    (np.float32, "the result is a float32 array; the contract asks for float64: "
                 "compute in float64 (e.g. np.asarray(x, dtype=np.float64)), not in lower precision"),
])
def test_a_wrong_dtype_is_named_with_its_fix(dtype, message):
    expected = np.array([[0.0, 1.0], [1.0, 0.0]])
    assert judge(expected, expected.astype(dtype)) == message
    assert judge(expected, expected.copy()) is None


def test_a_wrong_dtype_is_named_by_the_part_of_a_tuple_it_is_in():
    expected = (np.zeros(3), np.ones(2))
    assert judge(expected, (np.zeros(3), np.ones(2, dtype=int)), names=("dx", "db")).startswith(
        "db is an int64 array; the contract asks for float64")


def test_a_list_where_an_array_is_asked_for_is_named_with_its_fix():
    expected = np.array([[0.5, 1.5], [2.5, 3.5]])
    assert judge(expected, expected.tolist()) == (
        "the result should be a numpy.ndarray of shape (2, 2), got a Python list of 2 lists: build an array from it (e.g. np.array(...))")
    assert judge(expected[0], [0.5, 1.5]) == (
        "the result should be a numpy.ndarray of shape (2,), got a Python list of 2 numbers: "
        "build an array from it (e.g. np.array(...))")
    assert judge(expected, [expected[0], expected[1]]) == (
        "the result should be a numpy.ndarray of shape (2, 2), got a list of 2 arrays: "
        "stack them into one array (e.g. np.stack(...) or np.array(...))")
    assert judge(expected, None) == "the result should be a numpy.ndarray of shape (2, 2), got None: is a return statement missing?"
    assert judge(expected, np.float64(0.5)) == (
        "the result should be a numpy.ndarray of shape (2, 2), got a single number (numpy.float64): compute the whole array")


def test_lists_and_tuples_stand_for_each_other():
    expected = (np.zeros(2), 0.5)
    assert judge(expected, [np.zeros(2), np.float64(0.5)]) is None
    assert judge([np.zeros(2)], (np.zeros(2),)) is None
    assert judge(expected, [np.zeros(2)]) == "the result should be a tuple of 2 items, got a list of 1 array"


def test_describe_type_and_the_number_readers():
    assert describe_type(np.float64(1.0)) == "numpy.float64"
    assert describe_type(np.array(1.0)) == "a 0-d float64 array"
    assert describe_type(np.zeros((2, 3), dtype=np.int64)) == "an int64 array of shape (2, 3)"
    assert describe_type(None) == "None"
    assert as_number(np.int64(3)) == 3.0 and type(as_number(np.int64(3))) is float
    assert as_number(np.array([1.0])) is None and as_number(True) is None and as_number(np.complex128(1)) is None
    assert as_integer(np.int64(3)) == 3 and as_integer(3.0) is None and as_integer(np.float64(3)) is None


def test_no_judgement_ever_says_malformed():
    expected = np.zeros((2, 2))
    odd_answers = [None, "text", {"a": 1}, [1, "x"], np.zeros(2, dtype=np.int8), np.float32(1), (np.zeros(2),), 3]
    for got in odd_answers:
        for wanted in (expected, 0.5, 7, (expected, 0.5)):
            assert "malformed" not in (judge(wanted, got) or "")


# End to end: the real sandbox, a real submission, the feedback a student reads.
WRONG_TYPES = {
    "activations.py": "import numpy as np\n"
                      "def relu_derivative(z):\n    return (z > 0).astype(int)\n",
    "losses.py": "import numpy as np\n"
                 "def mse(y_pred, y_true):\n    return np.mean((y_pred - y_true) ** 2)\n"
                 "def mse_grad(y_pred, y_true):\n    return (2 * (y_pred - y_true) / y_pred.size).tolist()\n",
}


def test_feedback_through_the_sandbox_names_the_type_and_the_fix(tmp_path):
    report = grade(write_solutions(tmp_path, WRONG_TYPES), modules=("activations", "losses"), seed=3)
    summaries = {}
    for outcome in report.outcomes:
        summaries.setdefault(outcome.check.function, []).append(outcome.verdict.summary)
    assert set(summaries["losses.mse"]) == {"passed"}  # np.mean's np.float64, straight through
    assert summaries["activations.relu_derivative"][0] == (
        "the result is an int64 array; the contract asks for float64: "
        "compute in float (e.g. x.astype(float), or 1.0 instead of 1)")
    assert summaries["losses.mse_grad"][0] == (
        "the result should be a numpy.ndarray of shape (6, 3), got a Python list of 6 lists: "
        "build an array from it (e.g. np.array(...))")
    assert not any("malformed" in s for s in sum(summaries.values(), []))


def test_what_a_submission_controls_is_shown_short():
    from autograder.sandbox.wire import Special

    expected = {"W1": np.zeros(2), "b1": np.zeros(2)}
    got = {"W1": np.zeros(2), "b2": np.zeros(2), **{"k" * 50 + str(i): 0 for i in range(1000)}}
    message = judge(expected, got)
    assert message.startswith("the result lacks the keys ['b1'] and has unexpected keys [")
    assert len(message) < 200
    assert len(judge(0.5, Special("unsendable", "x" * 10_000))) < 200
    assert judge(np.zeros(2), Special("unsendable", "matrix (a subclass of numpy.ndarray)")) == (
        "the result should be a numpy.ndarray of shape (2,), got matrix (a subclass of numpy.ndarray): "
        "return a plain array (e.g. np.asarray(...))")
