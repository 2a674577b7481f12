# Two commands for a newcomer: `make run` and `make test`. Everything else is here for them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test bench lint messages clean python-version

python-version:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "KLA Tracker needs Python 3.11 or newer (set PYTHON=python3.11).")'

$(PY): | python-version
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamp files: reinstall only when the requirement files change.
$(VENV)/.runtime-installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

run: $(VENV)/.runtime-installed node_modules/.package-lock.json
	DEBUG=1 $(PY) manage.py migrate --verbosity 0
	DEBUG=1 $(PY) manage.py load_reference_data
	DEBUG=1 $(PY) manage.py load_planner_defaults
	DEBUG=1 $(PY) manage.py load_office_defaults
	@# Loads the demo into an empty database only; any other database is left as it is, with one line saying so.
	DEBUG=1 $(PY) manage.py load_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C stops)"
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

# Production-style serving: gunicorn, DEBUG off, static files hashed and compressed by WhiteNoise.
# Needs SECRET_KEY and ALLOWED_HOSTS in the environment (see .env.example and the README).
# Threaded workers: a long download (the ministry's evidence ZIP at the client's pace) neither blocks a whole
# worker nor outlives a sync worker's --timeout, which killed it halfway (tests/browser/test_serve.py).
WORKERS ?= 2
THREADS ?= 4
TIMEOUT ?= 30
serve: $(VENV)/.runtime-installed node_modules/.package-lock.json
	$(PY) manage.py check --deploy
	$(PY) manage.py migrate --verbosity 0
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/gunicorn kla_tracker.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) \
		--worker-class gthread --threads $(THREADS) --timeout $(TIMEOUT) --access-logfile -

test: $(VENV)/.dev-installed node_modules/.package-lock.json
	$(PY) -m ruff check .
	$(PY) -m pytest

# Page speed, query counts and page weight on a large data set (not part of `make test`).
bench: $(VENV)/.dev-installed node_modules/.package-lock.json
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(PY) -m bench.run

lint: $(VENV)/.dev-installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# After changing UI text: `make messages`, translate the new entries in each django.po, `make messages` again.
# Each app keeps its own catalogue (<app>/locale for core, clusters, dashboard, kelurahan, planner); locale/ has the shared templates.
MESSAGE_DIRS := core clusters dashboard dekela evidence kelurahan offices planner
messages: $(VENV)/.dev-installed
	DEBUG=1 $(PY) manage.py makemessages --locale id --no-obsolete --ignore ".venv/*" --ignore "node_modules/*" \
		--ignore "tests/*" $(foreach dir,$(MESSAGE_DIRS),--ignore "$(dir)/*")
	for dir in $(MESSAGE_DIRS); do (cd $$dir && DEBUG=1 PYTHONPATH=.. ../$(PY) ../manage.py makemessages --locale id --no-obsolete) || exit 1; done
	DEBUG=1 $(PY) manage.py compilemessages --ignore ".venv/*" --ignore "node_modules/*"

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
