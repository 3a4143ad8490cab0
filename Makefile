# CreditDesk: `make demo` to try it, `make test` to prove it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
BENCH ?=

.PHONY: demo install system-packages messages test test-browser lint bench serve clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: system-packages $(STAMP) messages

system-packages:
	@bash scripts/system-packages.sh

messages: $(STAMP)
	$(BIN)/creditdesk compilemessages --ignore '.venv' >/dev/null

demo: install
	$(BIN)/creditdesk migrate --no-input
	$(BIN)/creditdesk demo-data --customers 500 --seed 1 --if-empty
	$(BIN)/creditdesk daily-jobs
	$(BIN)/creditdesk collectstatic --no-input >/dev/null
	@echo "CreditDesk on http://127.0.0.1:$(PORT)  (users: see README, password: creditdesk)"
	$(BIN)/creditdesk audit seal --follow 30 >/dev/null & sealer=$$!; \
		$(BIN)/creditdesk db_worker --no-reload >/dev/null & worker=$$!; trap "kill $$sealer $$worker" EXIT; \
		$(BIN)/gunicorn creditdesk.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --access-logfile -

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

test-browser: install
	$(BIN)/pytest -m browser $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests bench conftest.py
	$(BIN)/mypy src

bench: install
	@bash scripts/bench.sh $(BENCH)

clean:
	rm -rf $(VENV) var
