# One-command entry points. Everything installs into ./.venv on first use (uv from PyPI keeps it fast).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-dev

.PHONY: venv test demo bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	@test -x $(PY) || $(PYTHON) -m uv venv --quiet --python $(PYTHON) $(VENV)
	$(PYTHON) -m uv pip install --quiet --python $(PY) -e '.[dev]'
	@touch $(STAMP)

test: venv
	$(PY) -m pytest $(PYTEST_ARGS)

demo: venv
	$(PY) scripts/demo.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
