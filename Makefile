# One-command entry points. Everything installs into ./.venv on first use (uv from PyPI keeps it fast).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-dev

.PHONY: venv test lint demo bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	@test -x $(PY) || $(PYTHON) -m uv venv --quiet --python $(PYTHON) $(VENV)
	$(PYTHON) -m uv pip install --quiet --python $(PY) -e '.[dev]'
	@touch $(STAMP)

test: venv
	$(PY) -m pytest $(PYTEST_ARGS)

# ruff over the whole tree; mypy --strict over the whole package (settings in pyproject.toml).
lint: venv
	$(PY) -m ruff check .
	$(PY) -m mypy airflow_provider_vercel

demo: venv
	$(PY) scripts/demo.py

# Performance table (benchmarks/README.md); BENCH_ARGS="--only parse,calls" or "--quick" to narrow it.
bench: venv
	$(PYTHON) -m uv pip install --quiet --python $(PY) -e '.[dev,bench]'
	$(PY) benchmarks/run.py $(BENCH_ARGS)

# Airflow's own components as separate processes (api-server, scheduler, dag-processor, triggerer)
# running the per-pull-request DAG with a deferred sensor against the emulator and a real PostgreSQL.
test-multiprocess: venv
	VERCEL_MULTIPROCESS=1 $(PY) -m pytest -q -p no:cacheprovider -rs tests/integration/test_airflow_multiprocess_check.py

# The contract checks against the real Vercel API: needs VERCEL_TOKEN (and VERCEL_TEAM_ID or VERCEL_TEAM_SLUG);
# VERCEL_LIVE_WRITES=1 also creates and deletes one free store. Without a token every test skips, saying why.
test-live: venv
	VERCEL_LIVE=1 $(PY) -m pytest -q -p no:cacheprovider -rs tests/live $(PYTEST_ARGS)

# A throwaway distributed deployment on loopback: PostgreSQL metadata DB, Redis broker, CeleryExecutor with
# two workers; 20 mapped creates through a pool, workers SIGKILLed mid-create, the triggerer restarted
# (259 s in .ci/run on the 2-core machine; 12 min when it was shared at load 7-10).
test-distributed: venv
	$(PYTHON) -m uv pip install --quiet --python $(PY) -e '.[dev,distributed]'
	VERCEL_DISTRIBUTED=1 $(PY) -m pytest -q -p no:cacheprovider -rs -s tests/integration/test_distributed.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

.PHONY: test-compat test-ui test-multiprocess test-live test-distributed
COMPAT_VERSIONS ?= 2.11 3.1

# Smoke suite on older Airflow lines, each in its own uv venv (.venv-airflow-<line>), then a matrix.
test-compat:
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(PYTHON) scripts/compat.py --versions $(COMPAT_VERSIONS) $(COMPAT_ARGS)

# The vercel connection form in Airflow's UI, in headless Chromium (installed with apt-get if missing),
# plus `airflow connections test`. Screenshots: artifacts/ui/.
test-ui: venv
	$(PY) tests/integration/ui_connection_form.py --install-chromium
	VERCEL_UI_REQUIRED=1 $(PY) -m pytest -q -p no:cacheprovider -rs -s tests/ui
