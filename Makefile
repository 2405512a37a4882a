# Every target creates .venv on first use: a fresh machine needs only Python 3.11, make and git.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.DEFAULT_GOAL := help
.PHONY: help install test serve site grade bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(STAMP)  ## create .venv and install everything (done by every other target)

test: $(STAMP)  ## run the whole test suite
	$(BIN)/python -m pytest

site: $(STAMP)  ## build the course site into site/
	$(BIN)/mkdocs build --strict

serve: $(STAMP)  ## build the site and serve it on http://127.0.0.1:8000
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

grade: $(STAMP)  ## grade your exercises/ folder
	$(BIN)/autograder check exercises

bench: $(STAMP)  ## print grading latency, batch throughput and site build time
	$(BIN)/python benchmarks/run.py

clean:  ## remove build products (keeps .venv)
	rm -rf site build .pytest_cache
