# Two entry points do all the set-up on a fresh machine (see README):
#   make demo   - install, ingest the bundled sample into SQLite, list what was found
#   make test   - install with test extras (and Chromium for the browser tests), run every test
PY ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
DB ?= sqlite:///pactwatch-demo.db
# Extra pytest arguments, e.g. `make test PYTEST_ARGS="-k clean -x"`.
PYTEST_ARGS ?=

.PHONY: install install-test demo test eval clean

# The venv is made once; python3.11 when present, else the machine's python3.
$(BIN)/python:
	$(PY) -m venv $(VENV) 2>/dev/null || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e .

install-test: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || echo "chromium not installed: browser tests will be skipped"

demo: install
	$(BIN)/pactwatch ingest src/pactwatch/sample --db $(DB)
	$(BIN)/pactwatch agreements --db $(DB)

# pytest exits 5 when it collected no test: that is a failure here, never a silent pass.
test: install-test
	$(BIN)/python -m pytest -q tests $(PYTEST_ARGS)

# Score the extractor on the annotated dev corpus (shared/corpus/dev beside the repo).
eval: install
	$(BIN)/pactwatch eval $${PACTWATCH_DEV_CORPUS:-../shared/corpus/dev}

clean:
	rm -rf $(VENV) pactwatch-demo.db
