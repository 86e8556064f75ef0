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

## Scan the bundled example system with every analyzer and show the report.
scan: $(STAMP)
	$(BIN)/shieldwall scan examples/shop --fail-on none

## Run the test suite.
test: $(STAMP)
	$(BIN)/pytest -q -n 2

## ruff, mypy (strict on src/) and the layer contracts.
lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python bench/config_accuracy.py
	$(BIN)/python bench/config_speed.py

## Re-pin dependencies after editing pyproject.toml.
lock: $(STAMP)
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --generate-hashes -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes -o requirements-dev.lock

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
