# Two commands on a fresh machine: `make demo` and `make test`. Each installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install speech sdk-envs browser screenshots test lint typecheck unit docs demo bench soak clean

install: $(STAMP)

# The older official SDKs share the import name `bandwidth` with the 23.x one in .venv, so each
# gets a venv of its own; tests run client scripts with its interpreter (tests/sdk_envs.py).
# 15.0.1 is what Bandwidth's own sample apps pin; 3.0.3 is the v1 ("catapult") client.
SDK_ENVS := .venv-sdk15/.installed .venv-sdk3/.installed

sdk-envs: $(SDK_ENVS)

.venv-sdk15/.installed:
	test -x .venv-sdk15/bin/python || $(PYTHON) -m venv .venv-sdk15
	.venv-sdk15/bin/python -m pip install --quiet bandwidth-sdk==15.0.1
	touch $@

.venv-sdk3/.installed:
	test -x .venv-sdk3/bin/python || $(PYTHON) -m venv .venv-sdk3
	.venv-sdk3/bin/python -m pip install --quiet bandwidth-sdk==3.0.3
	touch $@

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

# Flite speaks the far end's words in media streams and recordings (docs/streams.md, "Speech").
# Installed from Debian where we can (root with apt-get, as in CI); without it, words are a
# voice-band signal and the tests that recognise speech are skipped.
speech:
	@command -v flite >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get -o DPkg::Lock::Timeout=300 install -y -qq flite >/dev/null 2>&1 || \
			{ apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null 2>&1 && \
			  apt-get -o DPkg::Lock::Timeout=300 install -y -qq flite >/dev/null 2>&1; } || \
			echo "could not install flite: spoken words will be a voice-band signal"; \
		else echo "flite is not installed (apt-get install flite): spoken words will be a voice-band signal"; fi; }

# The console's browser tests drive Debian's chromium through Playwright (never a browser
# Playwright downloads). Installed with apt-get when run as root where apt-get exists; elsewhere
# those tests skip and say why (in CI, as root, they must run).
CHROMIUM := /usr/bin/chromium

browser:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y --no-install-recommends chromium \
	    || { apt-get update && apt-get install -y --no-install-recommends chromium; }; \
	else \
	  echo "note: $(CHROMIUM) is missing and cannot be installed here (needs root and apt-get):" \
	       "the console's browser tests will skip"; \
	fi

# The screenshot of a call's page that the README shows, taken by the browser tests.
screenshots: $(STAMP) browser
	RINGBACK_SCREENSHOTS=docs $(BIN)/pytest tests/console/test_browser.py -q

unit: $(STAMP) $(SDK_ENVS) browser speech
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

# The suite's bounded attacks, run long (docs/reliability.md): 5,000 fuzzed BXML documents,
# 20,000 calls with the heap measured, 2 × 500 rounds of calls, conferences and messages (v2
# and v1) with every table counted, 2,000 calls against a failing app, 50 kill -9 rounds, the
# OpenAPI fuzz at 200 cases an operation.
soak: $(STAMP)
	RINGBACK_FUZZ_EXAMPLES=5000 RINGBACK_SOAK_CALLS=20000 RINGBACK_SOAK_ROUNDS=500 \
	RINGBACK_FAULT_CALLS=2000 RINGBACK_CRASH_ROUNDS=50 RINGBACK_SCHEMA_EXAMPLES=200 \
	$(BIN)/pytest -q -p no:cacheprovider \
		tests/bxml/test_hostile.py tests/runtime/test_retention.py \
		tests/runtime/test_retention_tables.py \
		tests/runtime/test_fault_run.py tests/test_crash.py tests/api/test_schemathesis.py

clean:
	rm -rf $(VENV) .venv-sdk15 .venv-sdk3 .pytest_cache .mypy_cache .ruff_cache build src/*.egg-info
