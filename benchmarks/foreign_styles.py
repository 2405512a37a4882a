"""The foreign-styles figures of issue 19 §5 (tests/foreign/corpus.py): correct code in the styles of
widely used books and courses, % with full marks in both isolation modes; real bugs of those styles caught
on every one of five seeds; known mistakes named where they do not apply.

Run alone (python benchmarks/foreign_styles.py) or as part of `make bench`.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "foreign"))


def rows():
    import corpus

    figures = corpus.measure()
    (full, correct), (advisory_full, advisory) = figures["correct"], figures["  of which advisory only"]
    caught, bugs = figures["bugs caught"]
    return [
        (f"foreign styles: correct functions with full marks ({full}/{correct}, 2 seeds, 2 isolation modes)",
         f"{100 * full / correct:.0f}%", "100%"),
        ("  of them, correct but warning or failing on zero-size input (advisory only), full marks",
         f"{advisory_full}/{advisory}", f"{advisory}/{advisory}"),
        (f"foreign styles: real bugs caught on every one of {len(corpus.SEEDS)} seeds", f"{caught}/{bugs}", f"{bugs}/{bugs}"),
        ("foreign styles: misleading mistake names", str(figures["misleading names"][0]), "0"),
    ]


if __name__ == "__main__":
    for name, value, target in rows():
        print(f"{name:<96}  {value:>6}  {target}")
