# Two commands do all the set-up: `make site` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
NODE_INSTALLED := node_modules/.installed

.PHONY: site serve test check lint bench clean

site: $(INSTALLED)  ## build the site from the shipped data into site/ (offline)
	$(BIN)/biglist build --strict

serve: $(INSTALLED)  ## live preview on http://127.0.0.1:8000/
	$(BIN)/biglist serve

test: $(INSTALLED) $(NODE_INSTALLED)  ## install everything and run the whole suite
	$(BIN)/pytest

lint: $(INSTALLED)  ## ruff (lint and format) and mypy (also run by the suite)
	$(BIN)/ruff check generator tests bench
	$(BIN)/ruff format --check generator tests bench
	$(BIN)/mypy

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

$(NODE_INSTALLED): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf site .site.* $(VENV) node_modules
