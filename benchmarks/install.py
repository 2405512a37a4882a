"""How long a fresh full install takes: `make install` into an empty folder, from locks/dev.txt.

    python benchmarks/install.py            # uv, as the Makefile installs (the default)
    python benchmarks/install.py --pip      # pip alone, installing the same lock, for comparison

uv's cache (~/.cache/uv) is left as it is, as it would be on an instructor's machine after the first
install; `--cold` points uv at an empty cache, so every wheel is downloaded again.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fresh_install_seconds(use_pip: bool = False, cold: bool = False) -> float:
    """Wall-clock seconds to create a venv and install the full dev lock (and the project) into it."""
    with tempfile.TemporaryDirectory(prefix="bench-install-") as folder:
        venv = Path(folder) / "venv"
        env = dict(os.environ)
        if cold:
            env["UV_CACHE_DIR"] = str(Path(folder) / "uv-cache")
        started = time.perf_counter()
        if use_pip:
            subprocess.run([sys.executable, "-m", "venv", venv], check=True)
            subprocess.run([venv / "bin/python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                            "--require-hashes", "-r", ROOT / "locks/dev.txt"], check=True, env=env)
        else:
            subprocess.run(["make", "--no-print-directory", "-C", ROOT, "install", f"VENV={venv}",
                            f"PYTHON={sys.executable}"], check=True, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - started


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pip", action="store_true", help="install with pip instead of uv")
    parser.add_argument("--cold", action="store_true", help="uv with an empty cache")
    args = parser.parse_args()
    print(f"fresh .venv install from locks/dev.txt ({'pip' if args.pip else 'uv'}): "
          f"{fresh_install_seconds(args.pip, args.cold):.1f} s")
