# Each target bootstraps its own virtual environment with the pinned dependencies.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test test-postgres test-fast lint format bench clean

# Python keeps what it compiles (and pytest its rewritten test modules) between runs. A shell that tells it not to
# would have every test process compile every module again, a few CPU-seconds each.
unexport PYTHONDONTWRITEBYTECODE

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/oversight demo

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

# The suite runs on every core, each worker with its own in-memory database and whole test modules at a time, so
# what a module-scoped fixture builds (a data directory, a loaded store, a server) is built once.
PYTEST := $(BIN)/pytest -n auto --dist loadfile

test: lint
	$(PYTEST)

# The same suite against a throwaway PostgreSQL server that tests/postgres.py starts from the machine's binaries.
# (python -m puts the repository on the path, where the plugin is found).
test-postgres: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist loadfile -p tests.postgres

# The inner loop: everything but the browser tests, without the type check, each property with a fifth of its
# examples (tests/properties.py).
test-fast: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(PYTEST) -m "not browser" --hypothesis-profile=fast

format: $(STAMP)
	$(BIN)/ruff format src tests bench scripts
	$(BIN)/ruff check --fix src tests bench scripts

bench: $(STAMP)
	@for script in bench/[!_]*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
