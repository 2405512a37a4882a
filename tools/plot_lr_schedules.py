"""Draw the learning-rate schedules figure of docs/ann/optimizers.md.

The curves are computed with the graded reference functions in solutions/optimizers.py
(step_decay, cosine_annealing, linear_warmup), so the figure shows exactly the maths that
the page states and the autograder checks. The SVG is committed; run this script again
only when the figure or those functions change:

    .venv/bin/python tools/plot_lr_schedules.py            # rewrite the SVG
    .venv/bin/python tools/plot_lr_schedules.py --check    # exit 1 if the SVG is stale
"""
import argparse
import io
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display needed; must precede the pyplot import
import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "assets" / "images" / "lr-schedules.svg"
sys.path.insert(0, str(ROOT / "solutions"))
from optimizers import cosine_annealing, linear_warmup, step_decay  # noqa: E402

# The settings the page's worked examples use.
LR0 = 0.1
EPOCHS = 100
STEP_SIZE, GAMMA = 30, 0.1
ETA_MIN = 0.001
WARMUP, START_FACTOR = 5, 0.1


def warmup_then_cosine(epoch):
    """Linear warm-up for WARMUP epochs, then a half cosine over the remaining epochs."""
    if epoch < WARMUP:
        return linear_warmup(epoch, LR0, WARMUP, START_FACTOR)
    return cosine_annealing(epoch - WARMUP, LR0, EPOCHS - WARMUP, ETA_MIN)


def draw():
    """The figure as SVG text, byte-for-byte the same on every run."""
    plt.rcParams.update({
        "svg.hashsalt": "lr-schedules",  # stable element ids, so re-runs give the same file
        "svg.fonttype": "none",          # text stays text: smaller, and uses the page's fonts
        "font.size": 10,
        "axes.grid": True,
        "grid.alpha": 0.3,
    })
    epochs = list(range(EPOCHS + 1))
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.6), sharey=True, facecolor="white")

    ax = axes[0]
    ax.step(epochs, [step_decay(e, LR0, STEP_SIZE, GAMMA) for e in epochs], where="post",
            color="tab:blue", lw=2)
    ax.set_title(f"step decay\nstep_size={STEP_SIZE}, gamma={GAMMA}")

    ax = axes[1]
    ax.plot(epochs, [cosine_annealing(e, LR0, EPOCHS, ETA_MIN) for e in epochs],
            color="tab:orange", lw=2)
    ax.axhline(ETA_MIN, color="k", ls=":", lw=1)
    ax.annotate(f"eta_min = {ETA_MIN}", (EPOCHS, ETA_MIN), xytext=(55, 0.02),
                arrowprops={"arrowstyle": "->", "lw": 0.8})
    ax.set_title(f"cosine annealing\nt_max={EPOCHS}, eta_min={ETA_MIN}")

    ax = axes[2]
    ax.plot(epochs, [linear_warmup(e, LR0, WARMUP, START_FACTOR) for e in epochs],
            color="tab:green", lw=2, ls="--", label="linear_warmup alone")
    ax.plot(epochs, [warmup_then_cosine(e) for e in epochs], color="tab:purple", lw=2,
            label="warm-up, then cosine")
    ax.plot(range(WARMUP + 1), [linear_warmup(e, LR0, WARMUP, START_FACTOR) for e in range(WARMUP + 1)],
            "o", color="tab:green", ms=3.5)  # the warm-up epochs themselves, too short to see as a line
    ax.axvline(WARMUP, color="k", ls=":", lw=1)
    ax.set_title(f"linear warm-up\nwarmup_epochs={WARMUP}, start_factor={START_FACTOR}")
    ax.legend(loc="lower left", fontsize=9)

    for ax in axes:
        ax.set_xlabel("epoch")
        ax.set_xlim(0, EPOCHS)
    axes[0].set_ylabel(f"learning rate (lr0 = {LR0})")
    fig.tight_layout()

    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    return buffer.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether the SVG is up to date")
    args = parser.parse_args()
    svg = draw()
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != svg:
            print(f"{OUTPUT.relative_to(ROOT)} is stale: run python tools/plot_lr_schedules.py")
            return 1
        print(f"{OUTPUT.relative_to(ROOT)} is up to date")
        return 0
    OUTPUT.write_text(svg, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({len(svg) // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
