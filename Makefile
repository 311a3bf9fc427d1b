# CampusBrain — every install step lives here (a fresh machine needs only `make demo` / `make test`).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .stamps
VENDOR := src/campusbrain/web/static/vendor
export CAMPUSBRAIN_HOME ?= $(CURDIR)/var
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install assets system-deps demo test test-fast lint format bench clean

## install: the Python virtual environment with the project and its dev tools
install: $(STAMPS)/venv
$(STAMPS)/venv: pyproject.toml
	@mkdir -p $(STAMPS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

## assets: ECharts and HTMX from the npm registry, copied into static files
assets: $(STAMPS)/assets
$(STAMPS)/assets: package.json
	@mkdir -p $(STAMPS) $(VENDOR)
	npm install --no-audit --no-fund --loglevel=error
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts.min.js
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	@touch $@

## system-deps: Debian's chromium (browser tests) and the CJK font (without it Chinese renders as boxes)
system-deps: $(STAMPS)/system-deps
$(STAMPS)/system-deps:
	@mkdir -p $(STAMPS)
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk fontconfig >/dev/null; \
	fi
	@touch $@

## demo: generate the demo college (if absent) and serve it on http://127.0.0.1:8000
demo: install assets
	$(BIN)/campusbrain demo

## test: install everything, then run the whole suite
test: install assets system-deps
	$(BIN)/python -m pytest -q

## lint: formatting, lint and type checks
lint: install
	$(BIN)/ruff format --check src tests
	$(BIN)/ruff check src tests
	$(BIN)/mypy src/campusbrain/hub

format: install
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

## bench: benchmark figures (JSON) at a chosen scale
bench: install
	$(BIN)/campusbrain bench

clean:
	rm -rf $(VENV) $(STAMPS) node_modules $(VENDOR)
