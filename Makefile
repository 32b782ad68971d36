# planparse: every target sets itself up; nothing is installed by hand.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lint golden clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	$(BIN)/python -m compileall -q src/planparse  # bytecode, as a wheel install has: PYTHONDONTWRITEBYTECODE may be set
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/planparse summary samples
	$(BIN)/planparse batch samples -o out

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/bench_batch.py

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/python bench/check_max_lines.py

golden: $(STAMP)
	$(BIN)/python -c 'from planparse.tables import write_template; write_template()'
	PLANPARSE_REGEN_GOLDEN=1 $(BIN)/python -m pytest tests/test_golden.py -q

clean:
	rm -rf $(VENV) out .pytest_cache
