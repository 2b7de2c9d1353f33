# Schakel: `make run` starts the demo, `make test` runs the test suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The local demo only: debug mode, and two-step login optional (production refuses this).
DEMO_ENV := DEBUG=1 SCHAKEL_TWO_FACTOR_OPTIONAL=1

.PHONY: run test lint setup clean

$(BIN)/schakel: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 not found; set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

setup: $(BIN)/schakel
	DEBUG=1 $(BIN)/schakel compiletranslations

run: setup
	$(DEMO_ENV) $(BIN)/schakel migrate --no-input -v 0
	$(DEMO_ENV) $(BIN)/schakel demo
	@echo "Schakel runs at http://127.0.0.1:$(PORT)/ with a background worker (Ctrl+C stops both)"
	@$(DEMO_ENV) $(BIN)/schakel worker --no-startup-delay -v 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEMO_ENV) $(BIN)/schakel runserver 127.0.0.1:$(PORT)

test: setup
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src tests bench
	$(BIN)/lint-imports
	DEBUG=1 $(BIN)/schakel makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var
