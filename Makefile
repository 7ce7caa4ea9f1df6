# The two commands of the README. Both set everything up themselves on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test setup

$(BIN)/qorgan: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/qorgan

setup: $(BIN)/qorgan

demo: setup
	$(BIN)/qorgan demo

test: setup
	$(BIN)/python -m pytest
