# shieldwall — set-up and everyday commands.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: scan test lint typecheck layers bench clean lock

$(STAMP): pyproject.toml requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	# An editable install compiles nothing; byte-compile now so start-up does not pay for it.
	$(BIN)/python -m compileall -q src >/dev/null
	touch $(STAMP)

## Scan the bundled example system with every analyzer and show the report. --offline:
## dependencies are checked against the local vulnerability database when there is one
## (`$(BIN)/shieldwall db update`); without it the report says they were not checked.
scan: $(STAMP)
	$(BIN)/shieldwall scan examples/shop --fail-on none --offline

## Run the test suite.
test: $(STAMP)
	$(BIN)/pytest -q -n 2

## ruff (lint and format), mypy (strict on src/) and the layer contracts.
lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

## Every benchmark (installs the peers into bench/.peers once; the secrets speed run
## takes minutes because detect-secrets is slow).
bench: $(STAMP)
	$(BIN)/python bench/config_accuracy.py
	$(BIN)/python bench/config_speed.py
	$(BIN)/python bench/secrets_accuracy.py
	$(BIN)/python bench/secrets_speed.py
	$(BIN)/python bench/deps_versions.py
	$(BIN)/python bench/deps_lockfiles.py
	$(BIN)/python bench/code_accuracy.py
	$(BIN)/python bench/code_accuracy.py --corpus tests/fixtures/code_flows
	$(BIN)/python bench/code_accuracy.py --corpus tests/fixtures/code_propagators
	$(BIN)/python bench/code_accuracy.py --corpus tests/fixtures/code_call_chains
	$(BIN)/python bench/code_accuracy.py --corpus tests/fixtures/code_request_sources
	$(BIN)/python bench/code_speed.py
	$(BIN)/python bench/topology_speed.py

## Re-pin dependencies after editing pyproject.toml.
lock: $(STAMP)
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --generate-hashes -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes -o requirements-dev.lock

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
