# Two commands on a fresh machine: `make demo` and `make test`. Each installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test lint typecheck unit docs demo bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench examples
	$(BIN)/ruff format --check src tests bench examples

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

# Regenerate the coverage table (a test fails when it is out of date with the code).
docs: $(STAMP)
	$(BIN)/python -m ringback.engine.coverage > docs/coverage.md

# The example IVR app through every branch on the virtual clock, in seconds.
demo: $(STAMP)
	$(BIN)/ringback demo

# The whole suite: style, types, then every test.
test: lint typecheck unit

# Every benchmark figure beside its baseline; writes bench/results.json (see docs/benchmarks.md).
bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build src/*.egg-info
