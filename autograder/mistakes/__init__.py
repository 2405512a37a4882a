"""Known mistakes: wrong implementations that students write, each with its name and fix.

A mistake is written exactly like the contract function it gets wrong (same
signature), against the names of that function's module (np, sigmoid, ...).
That one definition serves twice:
- as a DETECTOR: the grader binds it to the reference module and, when a wrong
  answer equals what the mistake computes, names the mistake and its fix;
- as a MUTANT: the tests paste it into a copy of the reference module and
  prove that the checks reject it and that the detector names it.
"""
import importlib
import inspect
import textwrap
import types
from dataclasses import dataclass
from typing import Callable

MODULES = ("activations", "losses", "initializers", "layers", "gradcheck", "clipping",
           "optimizers", "regularization", "cnn", "rnn",
           "attention", "nlp")


@dataclass(frozen=True)
class Mistake:
    function: str  # "module.function" it gets wrong
    name: str  # what the student did, e.g. "derivative applied to the activation"
    fix: str  # what to do instead
    impl: Callable  # the wrong implementation
    # For mistakes seen in behaviour rather than in values: a predicate over the
    # worker's observation (e.g. the global np.random state changed).
    seen_in: Callable | None = None
    side_effect: bool = False  # what goes wrong is a side effect (an input changed, global state used, a view)
    # A naive form that computes the right values but warns (an overflow on the way): named in a note, never
    # deducted (the contract's "What costs points"). Its seen_in says when it shows.
    advisory: bool = False

    @property
    def module(self):
        return self.function.split(".")[0]

    @property
    def target(self):
        return self.function.split(".")[1]

    def bind(self, namespace):
        """The wrong implementation with its global names looked up in `namespace`."""
        impl = self.impl
        bound = types.FunctionType(impl.__code__, namespace, self.target, impl.__defaults__, impl.__closure__)
        bound.__kwdefaults__ = impl.__kwdefaults__
        return bound

    def mutant_source(self, module_source):
        """`module_source` with the target function replaced by this mistake."""
        source = textwrap.dedent(inspect.getsource(self.impl))
        lines = source.splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("def "))
        body = "\n".join(lines[start:]).replace(f"def {self.impl.__name__}(", f"def {self.target}(", 1)
        return f"{module_source}\n\n# --- mutant: {self.name}\n{body}\n"


_REGISTRY: list[Mistake] = []


def mistake(function, name, fix, seen_in=None, side_effect=False, advisory=False):
    """Register the decorated function as a known mistake in `function`."""

    def register(impl):
        _REGISTRY.append(Mistake(function, name, fix, impl, seen_in, side_effect, advisory))
        return impl

    return register


def all_mistakes():
    for module in MODULES:
        importlib.import_module(f"autograder.mistakes.{module}")
    return list(_REGISTRY)


def mistakes_for(function):
    return [m for m in all_mistakes() if m.function == function]
