# Two entry points do all the set-up on a fresh machine (see README):
#   make demo   - install, ingest the bundled sample into SQLite, list what was found
#   make test   - install with test extras (and Chromium for the browser tests), run every test
PY ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
DB ?= sqlite:///pactwatch-demo.db

.PHONY: install install-test demo test bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e .

install-test: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || echo "chromium not installed: browser tests will be skipped"

demo: install
	$(BIN)/pactwatch ingest src/pactwatch/sample --db $(DB)
	$(BIN)/pactwatch agreements --db $(DB)

test: install-test
	$(BIN)/python -m pytest -q tests

clean:
	rm -rf $(VENV) pactwatch-demo.db
