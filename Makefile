# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test lint typecheck unit bench clean messages

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt package-lock.json
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@# axe-core for the accessibility audit; without npm those browser tests say why they skip.
	if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error; fi
	touch $@

run: $(VENV)/.runtime
	$(PY) -m campaigns db upgrade
	@# The rendering worker runs beside the app and stops with it.
	$(PY) -m campaigns worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) -m streamlit run campaign_app.py --server.port $(PORT) --server.headless true

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.dev
	$(VENV)/bin/mypy

test: lint typecheck
	$(PY) -m pytest

# Extract every message (t, N_, msg in Python; _ in report templates) and bring the French
# catalogue up to date; then translate its empty entries (tests/unit/test_translations.py lists them).
messages: $(VENV)/.runtime
	mkdir -p locales
	$(VENV)/bin/pybabel extract -F babel.cfg -k t -k N_ -k msg --no-location --sort-output \
		--project Spotlight -o locales/spotlight.pot .
	@if [ -f locales/fr/LC_MESSAGES/spotlight.po ]; then \
		$(VENV)/bin/pybabel update -i locales/spotlight.pot -d locales -D spotlight -l fr \
			--no-fuzzy-matching --ignore-obsolete; \
	else \
		$(VENV)/bin/pybabel init -i locales/spotlight.pot -d locales -D spotlight -l fr; \
	fi
	$(PY) locales/merge_fragments.py

bench: $(VENV)/.dev
	@for script in bench/*.py; do echo "== $$script"; PYTHONPATH=. $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-artifacts
