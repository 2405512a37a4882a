# Every target creates .venv on first use: a fresh machine needs only Python 3.11, make and git.
# .venv is made from the first of these that can make a venv: /usr/bin/python3.11 (Debian's and Ubuntu's,
# built with PGO and LTO: grading runs about 1.3x faster than on a default pyenv build; it needs the
# python3-venv package), then the python3.11 and the python3 on PATH. `make PYTHON=/path/to/python` overrides.
PYTHON ?= $(shell for p in /usr/bin/python3.11 "$$(command -v python3.11)" "$$(command -v python3)"; do \
	[ -x "$$p" ] && "$$p" -c 'import ensurepip, venv' 2>/dev/null && echo "$$p" && break; done)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.DEFAULT_GOAL := help
.PHONY: help install test test-portable mutation serve site notebooks grade release bench bench-site lock clean

# Material for MkDocs prints a banner about MkDocs 2 on every build; the course pins MkDocs 1.
export NO_MKDOCS_2_WARNING := 1

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

NO_PYTHON := no Python 3.11 here can make a venv: install python3.11 and python3.11-venv, or run make PYTHON=/path/to/python3

# Installs come from locks/ (exact versions and hashes; `make lock` refreshes them, tools/lock.py says
# how). uv installs them (a 1 GB .venv in about a third of pip's time); where uv cannot, pip does.
# The course machines carry PyTorch's CPU wheel in /opt/wheels: uv reads no pip.conf, so it is told.
FIND_LINKS ?= $(if $(wildcard /opt/wheels),--find-links /opt/wheels)
# install-locked VENV LOCK: the lock's packages, then this project (editable, no dependencies).
define install-locked
	$(1)/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r locks/installer.txt
	$(1)/bin/uv pip install --python $(1)/bin/python --quiet --require-hashes $(FIND_LINKS) -r $(2) \
	  || $(1)/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r $(2)
	$(1)/bin/uv pip install --python $(1)/bin/python --quiet --no-deps -e . \
	  || $(1)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
endef

$(STAMP): pyproject.toml locks/dev.txt
	@test -x $(BIN)/python || test -n "$(PYTHON)" || { echo "$(NO_PYTHON)" >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(call install-locked,$(VENV),locks/dev.txt)
	@touch $@

install: $(STAMP)  ## create .venv and install everything (done by every other target)

# One thread per process and a fixed hash seed: notebooks must reproduce their stored outputs
# exactly (nbval), and two pytest workers share the machine's two cores.
TEST_ENV := OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 PYTHONHASHSEED=0

test: $(STAMP)  ## run the whole test suite: unit, oracle, grader, site (strict build, browser), notebooks (nbval)
	$(TEST_ENV) $(BIN)/python -m pytest -n 2 --dist loadfile --nbval --nbval-current-env tests docs

# The notebooks again with PyTorch's portable kernels (no AVX2 or AVX-512), as on another CPU: what they print
# must not depend on the machine's vector unit, and the claims they assert must hold there too.
test-portable: $(STAMP)  ## run every notebook under nbval with PyTorch's portable CPU kernels (ATEN_CPU_CAPABILITY=default)
	$(TEST_ENV) ATEN_CPU_CAPABILITY=default $(BIN)/python -m pytest -n 2 --dist loadfile --nbval --nbval-current-env docs

# Every single-point mutant of solutions/ must lose marks or be argued equivalent in tools/mutation/equivalent.txt.
mutation: $(STAMP)  ## mutation test of the grader: score per module, survivors listed, fails on a blind spot
	$(TEST_ENV) $(BIN)/python tools/mutation/run.py --jobs 2

notebooks: $(STAMP)  ## re-run (in place, 2 at a time) the notebooks whose code changed
	$(BIN)/python site_tools/execute_notebooks.py --jobs 2

site: notebooks  ## refresh changed notebooks, then build the course site into site/ (strict)
	$(BIN)/mkdocs build --strict

# --dirty: a save rebuilds only the pages it affects (site_tools/hooks/dirty_reload.py keeps that correct).
serve: $(STAMP)  ## build the site and serve it on http://127.0.0.1:8000, rebuilding what a save changes
	$(BIN)/mkdocs serve --dirty --dev-addr 127.0.0.1:8000

# Grading needs NumPy and the grader only: with no full .venv yet, `make grade` creates .venv-grade with just those
# (and pytest, for `pytest exercises`): about 110 MB installed instead of ~1 GB with PyTorch, Playwright and MkDocs.
GRADE_VENV := .venv-grade
GRADE_BIN  := $(if $(wildcard $(STAMP)),$(BIN),$(GRADE_VENV)/bin)
GRADE_DEPS := $(if $(wildcard $(STAMP)),$(STAMP),$(GRADE_VENV)/.installed-stamp)

$(GRADE_VENV)/.installed-stamp: pyproject.toml locks/grade.txt
	@test -x $(GRADE_VENV)/bin/python || test -n "$(PYTHON)" || { echo "$(NO_PYTHON)" >&2; exit 1; }
	@test -x $(GRADE_VENV)/bin/python || $(PYTHON) -m venv $(GRADE_VENV)
	$(call install-locked,$(GRADE_VENV),locks/grade.txt)
	@touch $@

grade: $(GRADE_DEPS)  ## grade your exercises/ folder (installs only NumPy, pytest and the grader)
	$(GRADE_BIN)/autograder check exercises

# The student edition: the course without solutions/, graded by the public check (see README, "Two editions").
RELEASE_DIR ?= build/student-edition
# Like grading, it needs NumPy and the grader only: .venv-grade is enough.
release: $(GRADE_DEPS)  ## write the student edition (no solutions; public checks) into build/student-edition
	$(GRADE_BIN)/autograder release --out $(RELEASE_DIR) $(if $(MODULES),--modules $(MODULES))

bench: $(STAMP)  ## print grading latency, batch throughput and site build time
	$(BIN)/python benchmarks/run.py

bench-site: $(STAMP)  ## time a clean site build (all notebooks run) and a no-change rebuild
	$(BIN)/python site_tools/bench_site.py

# Needs the package index. Then run make test and make test-portable, and commit pyproject.toml and locks/.
lock: $(STAMP)  ## refresh locks/ (exact versions and hashes of every extra) from pyproject.toml
	$(BIN)/python tools/lock.py

clean:  ## remove build products (keeps .venv)
	rm -rf site build .pytest_cache
