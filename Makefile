# Fireside: `make run` serves the demo, `make test` runs every test.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FIRESIDE_DATA_DIR ?= $(CURDIR)/var
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/fireside
PYTEST_WORKERS ?= 2

.PHONY: install run serve test lint typecheck test-sqlite test-postgres test-browser bench train lock clean

$(VENV)/.installed: requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/fireside migrate --static
	$(BIN)/fireside demo
	$(BIN)/fireside serve --host 127.0.0.1 --port 8000

serve: install
	$(BIN)/fireside serve

test: install lint typecheck test-sqlite test-postgres test-browser

lint: install
	$(BIN)/ruff check fireside bench scripts conftest.py
	$(BIN)/python manage.py makemigrations --check --dry-run >/dev/null || (echo "Missing migrations: run manage.py makemigrations" && exit 1)

typecheck: install
	$(BIN)/mypy fireside

test-sqlite: install
	env -u DATABASE_URL $(BIN)/pytest -m "not browser and not postgres" -n $(PYTEST_WORKERS) -q

test-postgres: install
	@if $(BIN)/python scripts/service_up.py postgres "$(POSTGRES_URL)"; then \
		DATABASE_URL="$(POSTGRES_URL)" $(BIN)/pytest -m "not browser" -n $(PYTEST_WORKERS) -q; \
	elif [ -n "$$FIRESIDE_REQUIRE_POSTGRES" ]; then \
		echo "PostgreSQL is required here (FIRESIDE_REQUIRE_POSTGRES) but is not reachable" >&2; exit 1; \
	else \
		echo "!!! SKIPPED: the PostgreSQL tests (no server at $(POSTGRES_URL)) !!!" >&2; \
	fi

test-browser: install
	@if [ -x /usr/lib/chromium/chromium ]; then \
		env -u DATABASE_URL $(BIN)/pytest -m browser -q -p no:xdist; \
	elif [ -n "$$FIRESIDE_REQUIRE_BROWSER" ]; then \
		echo "Chromium is required here (FIRESIDE_REQUIRE_BROWSER) but /usr/lib/chromium/chromium is missing" >&2; exit 1; \
	else \
		echo "!!! SKIPPED: the browser tests (install Debian's chromium) !!!" >&2; \
	fi

bench: install
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

train: install
	$(BIN)/python scripts/train_signals.py

lock:
	$(BIN)/pip-compile -q --extra dev --generate-hashes --allow-unsafe --strip-extras -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) var
