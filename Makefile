# Two commands for a fresh machine: `make run` and `make test`.
# Both create .venv when missing and install what they need from pyproject.toml;
# `make test` also installs the Debian packages the browser tests need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PORT ?= 8501

.PHONY: run test lint format bench system-deps clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

# Chromium and a CJK font for the Playwright tests and screenshots that show Chinese; PostgreSQL,
# whose server the store tests start themselves in a temporary folder; LibreOffice (Writer, Impress)
# and poppler, with which the export tests convert report.docx / report.pptx to PDF and read it back.
DEB_PACKAGES := chromium fonts-noto-cjk postgresql libreoffice-writer libreoffice-impress poppler-utils
system-deps:
	@if [ ! -x /usr/bin/chromium ] || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1 || \
	    ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
	    ! dpkg -s libreoffice-writer libreoffice-impress >/dev/null 2>&1 || [ ! -x /usr/bin/pdftotext ]; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  echo "installing Debian packages: $(DEB_PACKAGES)"; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(DEB_PACKAGES) >/dev/null; \
	fi

run: $(STAMP)
	$(VENV)/bin/streamlit run app.py --server.port $(PORT)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: $(STAMP) system-deps lint
	$(VENV)/bin/pytest

bench: $(STAMP)
	$(PY) bench/ingest.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
