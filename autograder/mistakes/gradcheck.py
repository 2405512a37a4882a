"""Known mistakes in gradcheck.py (names resolve in that module: np)."""
# ruff: noqa: F821
from autograder.mistakes import mistake


@mistake("gradcheck.numerical_gradient", "one-sided differences (f(x + h) - f(x)) / h",
         "Use central differences (f(x + h) - f(x - h)) / (2 h): their error is O(h**2), not O(h).")
def numerical_gradient_one_sided(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    fx = f(x)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + h
        grad[index] = (f(x) - fx) / h
        x[index] = old
    return grad


# Any fixed step gives nearly this answer where the check's h is large (the error is c * step**2): the name
# says "a fixed step", never which one.
@mistake("gradcheck.numerical_gradient", "step h ignored (a fixed step used instead of the h argument)",
         "Perturb by the h argument the caller passes.")
def numerical_gradient_fixed_h(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + 1e-5
        plus = f(x)
        x[index] = old - 1e-5
        minus = f(x)
        x[index] = old
        grad[index] = (plus - minus) / 2e-5
    return grad


@mistake("gradcheck.numerical_gradient", "x not restored after perturbing it",
         "Put x[i] back to its original value after the two evaluations.",
         seen_in=lambda observation: observation.get("inputs_modified"), side_effect=True)
def numerical_gradient_not_restored(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + h
        plus = f(x)
        x[index] = old - h
        minus = f(x)
        grad[index] = (plus - minus) / (2 * h)
    return grad


@mistake("gradcheck.relative_error", "denominator |a| only (no |b|, no 1e-8 floor)",
         "Divide by max(1e-8, |a| + |b|), element-wise.")
def relative_error_one_sided(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.max(np.abs(a - b) / np.abs(a)))


@mistake("gradcheck.relative_error", "mean instead of max over the elements",
         "Report the worst element: np.max, so one wrong entry cannot hide among many right ones.")
def relative_error_mean(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.mean(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


# On a 2-D x, x[i] is a row and `old = x[i]` a view of it: the loop perturbs whole rows, the "restore" puts
# back (x + h) - h, which differs from x only by rounding. Its answer, not "x not restored", names it.
@mistake("gradcheck.numerical_gradient", "loop over range(len(x)): only the first axis, through a row view",
         "Visit every element: for index in np.ndindex(x.shape) (or np.nditer with multi_index), and save "
         "old = x[index] as a number, not a view.")
def numerical_gradient_first_axis(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in range(len(x)):
        old = x[i]
        x[i] = old + h
        plus = f(x)
        x[i] = old - h
        minus = f(x)
        x[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad


# Where a and b are both 0 this gives nan, as "denominator |a| only" does: that check names both.
@mistake("gradcheck.relative_error", "denominator |a| + |b| without the 1e-8 floor",
         "Divide by np.maximum(1e-8, |a| + |b|): the floor keeps 0 / 0 and tiny denominators out.")
def relative_error_no_floor(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))))
