# Two commands on a fresh machine: `make book` (HTML book) and `make test` (the whole test suite).
# Both create .venv, install the pinned requirements and the Debian packages they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: book test clean distclean venv system-book system-test run html

book: venv system-book            ## run every chapter (cached) and build the HTML book into _build/html
	$(BIN)/growthpath run
	$(BIN)/growthpath build

test: venv system-test            ## the whole test suite, including a strict book build
	$(BIN)/python -m pytest

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

system-book:                      ## fonts for Chinese text in chart images
	scripts/system-deps.sh fonts-noto-cjk

system-test:                      ## + a headless browser for the offline rendering test
	scripts/system-deps.sh fonts-noto-cjk chromium

clean:                            ## executed chapters and build outputs (never data or sources)
	rm -rf _build book/chapters/*.ipynb book/chapters/.manifest.json book/chapters/_failed

distclean: clean
	rm -rf $(VENV)
