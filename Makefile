# The two commands of the quick start are `make run` and `make test`; the rest serve them.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
RSVP := $(BIN)/rsvp
export RSVP_INSTANCE_PATH ?= $(CURDIR)/instance
MAIL_PORT ?= 8025
MAIL_WEB_PORT ?= 8026
PORT ?= 5000

.PHONY: install run test lint format translations wheel-check bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

## Start the app on http://127.0.0.1:$(PORT) with the demo event and a local mail catcher.
run: install
	$(RSVP) db upgrade
	RSVP_BASE_URL=http://127.0.0.1:$(PORT) $(RSVP) demo
	@RSVP_MAIL_PORT=$(MAIL_PORT) $(RSVP) mailcatcher --port $(MAIL_PORT) \
	  --web-port $(MAIL_WEB_PORT) --directory mailcatcher & \
	catcher=$$!; trap 'kill $$catcher 2>/dev/null' EXIT INT TERM; sleep 1; \
	RSVP_MAIL_PORT=$(MAIL_PORT) RSVP_BASE_URL=http://127.0.0.1:$(PORT) \
	  $(RSVP) send bundeskonferenz-gwa --kind invitation || true; \
	RSVP_MAIL_PORT=$(MAIL_PORT) RSVP_BASE_URL=http://127.0.0.1:$(PORT) \
	  $(RSVP) run --host 127.0.0.1 --port $(PORT) --debug

## Lint (ruff, then the layer contract), then the whole test suite.
test: install
	$(BIN)/ruff check rsvp tests bench
	$(BIN)/lint-imports
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check rsvp tests bench
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix rsvp tests bench

## Recompile the interface translations after editing rsvp/translations/*/LC_MESSAGES/*.po.
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o rsvp/translations/messages.pot --no-location .
	$(BIN)/pybabel update -i rsvp/translations/messages.pot -d rsvp/translations --no-fuzzy-matching
	$(BIN)/pybabel compile -d rsvp/translations

## Build the wheel, install it into a fresh venv, and migrate from another directory.
wheel-check: install
	rm -rf dist /tmp/rsvp-wheel-venv /tmp/rsvp-wheel-instance
	$(BIN)/pip wheel --quiet --no-deps -w dist .
	$(PYTHON) -m venv /tmp/rsvp-wheel-venv
	/tmp/rsvp-wheel-venv/bin/pip install --quiet dist/*.whl
	cd /tmp && RSVP_INSTANCE_PATH=/tmp/rsvp-wheel-instance /tmp/rsvp-wheel-venv/bin/rsvp db upgrade
	cd /tmp && RSVP_INSTANCE_PATH=/tmp/rsvp-wheel-instance /tmp/rsvp-wheel-venv/bin/rsvp demo

## Benchmarks (bench/README.md); PostgreSQL figures with RSVP_BENCH_POSTGRES_URL, the rate with Redis.
export RSVP_BENCH_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
bench: install
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m bench.bench_send --database sqlite
	$(BIN)/python -m bench.bench_send --database postgresql --count 5000
	$(BIN)/python -m bench.bench_import
	$(BIN)/python -m bench.bench_dashboard
	$(BIN)/python -m bench.bench_checkin
	$(BIN)/python -m bench.bench_badges
	$(BIN)/python -m bench.bench_pages
	$(BIN)/python -m bench.bench_rate
	$(BIN)/python -m bench.bench_token_timing
	$(BIN)/python -m bench.bench_cli

clean:
	rm -rf $(VENV) dist build instance mailcatcher .pytest_cache .ruff_cache
