# Two commands on a fresh machine: `make book` (HTML book) and `make test` (the whole test suite).
# Both create .venv, install the pinned requirements and the Debian packages they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

PDF_DEBS := texlive-xetex latexmk texlive-lang-chinese texlive-fonts-recommended fonts-noto-cjk poppler-utils dvisvgm

.PHONY: book pdf html test clean distclean venv system-book system-test

book: venv system-book            ## run every chapter under every scenario (cached), build the PDF and the HTML book (which links the PDF)
	$(BIN)/growthpath run --all-scenarios
	$(BIN)/growthpath build --pdf

html: venv                        ## HTML only
	$(BIN)/growthpath run --all-scenarios
	$(BIN)/growthpath build

pdf: venv system-book             ## PDF only: _build/latex/book.pdf
	$(BIN)/growthpath run --all-scenarios
	$(BIN)/growthpath build --pdf --no-html

test: venv system-test            ## the whole test suite, including a strict book build, on every core (pytest-xdist)
	$(BIN)/python -m pytest -n auto

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

system-book:                      ## xelatex + Chinese support for the PDF, Noto CJK fonts for charts
	scripts/system-deps.sh $(PDF_DEBS)

system-test:                      ## + a headless browser (offline rendering test) and Java (the Spark test)
	scripts/system-deps.sh $(PDF_DEBS) chromium openjdk-17-jre-headless

clean:                            ## executed chapters and build outputs (never data, sources or tracked files): `growthpath clean`
	@if [ -x $(BIN)/growthpath ]; then $(BIN)/growthpath clean; \
	else $(PYTHON) -c 'from growthpath import paths; paths.clean(paths.root())'; fi   # no venv yet: the same function (growthpath.paths.clean), standard library only

distclean: clean
	rm -rf $(VENV)
