# CampusBrain — every install step lives here (a fresh machine needs only `make demo` / `make test`).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .stamps
VENDOR := build/assets/vendor
export CAMPUSBRAIN_HOME ?= $(CURDIR)/var
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install assets system-deps demo test test-postgres messages lint format bench clean

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

## system-deps: Debian's chromium (browser tests), the CJK font (without it Chinese renders as boxes),
##   gettext (msgfmt, for `make messages`)
system-deps: $(STAMPS)/system-deps
$(STAMPS)/system-deps:
	@mkdir -p $(STAMPS)
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || ! command -v msgfmt >/dev/null; then \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk fontconfig gettext >/dev/null; \
	fi
	@touch $@

## demo: generate the demo college (if absent) and serve it on http://127.0.0.1:8000
demo: install assets
	$(BIN)/campusbrain demo

## test: install everything, then run the whole suite (SQLite), then the web tests on PostgreSQL
test: install assets system-deps
	$(BIN)/python -m pytest -q
	@$(MAKE) --no-print-directory test-postgres

## test-postgres: the web and accounts tests again on PostgreSQL (trust auth on 127.0.0.1:5432).
##   Skipped with a reason when the server is unreachable, unless CAMPUSBRAIN_REQUIRE_SERVICES=1.
TEST_PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
test-postgres: install
	@if $(BIN)/python -c "import psycopg; psycopg.connect('$(TEST_PG_URL)'.rsplit('/', 1)[0] + '/postgres', connect_timeout=3).close()" 2>/dev/null; then \
	  echo "PostgreSQL lane: $(TEST_PG_URL)"; \
	  CAMPUSBRAIN_DATABASE_URL='$(TEST_PG_URL)' $(BIN)/python -m pytest -q -m 'not browser' tests/web tests/accounts; \
	elif [ "$${CAMPUSBRAIN_REQUIRE_SERVICES:-0}" = 1 ]; then \
	  echo "PostgreSQL lane FAILED: cannot connect to $(TEST_PG_URL) and CAMPUSBRAIN_REQUIRE_SERVICES=1" >&2; exit 1; \
	else \
	  echo "PostgreSQL lane SKIPPED: cannot connect to $(TEST_PG_URL) (start PostgreSQL with trust auth for user postgres)"; \
	fi

## messages: re-extract UI strings into the Chinese catalogues and compile them (needs gettext's msgfmt).
##   msgids are English. The shell's strings live in web/locale; each app with its own locale/ folder
##   (cockpit, governance, ...) keeps its own catalogue, so apps never overwrite each other's translations.
APP_LOCALES = $(patsubst %/locale,%,$(wildcard src/campusbrain/*/locale))
messages: install
	cd src/campusbrain && DJANGO_SETTINGS_MODULE=campusbrain.web.settings ../../$(BIN)/django-admin makemessages \
	  -l zh_Hans --no-location --ignore 'hub/*' --ignore 'demo/*' --ignore 'static/*' \
	  $(foreach app,$(filter-out web,$(notdir $(APP_LOCALES))),--ignore '$(app)/*')
	cd src/campusbrain/web && DJANGO_SETTINGS_MODULE=campusbrain.web.settings ../../../$(BIN)/django-admin compilemessages -l zh_Hans
	@for app in $(filter-out src/campusbrain/web,$(APP_LOCALES)); do \
	  (cd $$app && DJANGO_SETTINGS_MODULE=campusbrain.web.settings $(CURDIR)/$(BIN)/django-admin makemessages -l zh_Hans --no-location --ignore 'static/*' \
	   && DJANGO_SETTINGS_MODULE=campusbrain.web.settings $(CURDIR)/$(BIN)/django-admin compilemessages -l zh_Hans) || exit 1; \
	done

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
