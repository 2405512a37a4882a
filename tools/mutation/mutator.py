"""Single-point mutants of the reference solutions, made from their syntax trees.

One mutant changes exactly one thing inside one function of one module:
- an arithmetic operator:  + -> -,  - -> +,  * -> /,  / -> *,  ** -> *,  // -> /
  (in expressions and in augmented assignments such as `total += x`);
- a comparison at its boundary:  > <-> >=,  < <-> <=;
- a numeric constant c -> c + 1, 0 and 2c (each distinct from c and from the others).

Docstrings, strings, f-strings, booleans and default values of parameters are
never mutated: defaults are pinned by the contract test, the rest is not arithmetic.

A mutant is named without line numbers, so the names survive edits elsewhere in
the file:  `module.function: <expression before> -> <expression after>`, with
` #n` appended when the same change occurs n times in one function. The
expression shown is the mutated operation itself, or for a constant the
operation or call that holds it.
"""
import ast
import copy
from dataclasses import dataclass

OPERATORS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.Pow: ast.Mult,
             ast.FloorDiv: ast.Div}
COMPARISONS = {ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Lt: ast.LtE, ast.LtE: ast.Lt}


@dataclass(frozen=True)
class Mutant:
    module: str
    function: str  # the top-level function that holds the change
    before: str  # the expression as written ...
    after: str  # ... and as mutated
    occurrence: int  # 1 for the first identical change in this function, 2 for the next, ...
    line: int  # where it is in solutions/<module>.py (for people; not part of the name)
    source: str  # the whole mutated module

    @property
    def name(self):
        suffix = f" #{self.occurrence}" if self.occurrence > 1 else ""
        return f"{self.module}.{self.function}: {self.before} -> {self.after}{suffix}"


def constant_variants(value):
    """c + 1, 0 and 2c, without repeats and without c itself."""
    variants = []
    for new in (value + 1, type(value)(0), value * 2):
        if new != value and new not in variants:
            variants.append(new)
    return variants


def _is_number(node):
    return isinstance(node, ast.Constant) and type(node.value) in (int, float)


def _is_text(node):
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


def _sites(function):
    """(node, parent, change) for every mutable point of `function`'s body; change(node) mutates the node in place."""
    parents = {}
    for parent in ast.walk(function):
        for child in ast.iter_child_nodes(parent):
            parents[child] = parent
    skipped = set()
    for node in ast.walk(function):
        if isinstance(node, (ast.arguments, ast.JoinedStr)) or (
                isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):  # defaults, f-strings, docstrings
            skipped.update(ast.walk(node))
    for node in ast.walk(function):
        if node in skipped:
            continue
        if isinstance(node, (ast.BinOp, ast.AugAssign)) and type(node.op) in OPERATORS:
            if isinstance(node, ast.BinOp) and (_is_text(node.left) or _is_text(node.right)):
                continue  # string concatenation or % formatting
            yield node, node, _set_attr("op", OPERATORS[type(node.op)]())
        elif isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                if type(op) in COMPARISONS:
                    yield node, node, _set_op(i, COMPARISONS[type(op)]())
        elif _is_number(node):
            for value in constant_variants(node.value):
                yield node, parents[node], _set_attr("value", value)


def _set_attr(attribute, value):
    def change(node):
        setattr(node, attribute, value)
    return change


def _set_op(index, op):
    def change(node):
        node.ops[index] = op
    return change


def _shown(node):
    """The expression a reader recognises: an augmented assignment is shown whole, others as themselves."""
    return ast.unparse(node)


def mutants_of(module, source):
    """Every single-point Mutant of the module whose text is `source`, in file order."""
    tree = ast.parse(source)
    found, seen = [], {}
    for top_index, function in enumerate(tree.body):
        if not isinstance(function, ast.FunctionDef):
            continue
        for node, shown, change in list(_sites(function)):
            mutated_tree = copy.deepcopy(tree)
            # Find the same node in the copy: walk both trees in step.
            twin = dict(zip(ast.walk(tree.body[top_index]), ast.walk(mutated_tree.body[top_index])))
            before = _shown(shown)
            change(twin[node])
            after = _shown(twin[shown])
            if after == before:
                continue
            key = (function.name, before, after)
            seen[key] = seen.get(key, 0) + 1
            found.append(Mutant(module, function.name, before, after, seen[key], node.lineno,
                                ast.unparse(mutated_tree) + "\n"))
    return found
