# dutyboard — two commands for a fresh machine:
#   make run    set up a virtualenv, build the demo database, open the dashboard
#   make test   set up everything the tests need, then lint, type-check and test
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DEMO_DB ?= .demo/demo.db

.PHONY: run test venv system-deps lint demo bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

venv: $(BIN)/.installed

# System packages some tests drive for real: tmux for end-to-end terminal checks, OpenSSH
# for the leader-over-SSH tests, the system Python and useradd for a second, read-only
# account, zsh and fish for the completion scripts' syntax checks, the PostgreSQL 15
# server the tests start (tests/pgserver.py), Chromium and its driver for the web view's
# test (tests/web) (package:program pairs).
# Installed only when missing and when we are root (CI, fresh machines).
SYSTEM_PACKAGES := tmux:tmux openssh-server:/usr/sbin/sshd openssh-client:ssh \
	python3:/usr/bin/python3 passwd:/usr/sbin/useradd zsh:zsh fish:fish \
	postgresql-15:/usr/lib/postgresql/15/bin/initdb \
	chromium:/usr/bin/chromium chromium-driver:/usr/bin/chromedriver
system-deps:
	@missing=""; for spec in $(SYSTEM_PACKAGES); do pkg=$${spec%%:*}; cmd=$${spec#*:}; \
	  command -v $$cmd >/dev/null 2>&1 || [ -x "$$cmd" ] || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "missing system packages:$$missing (install them, or run as root)"; exit 1; fi; \
	fi

# A fresh demo every time: its times are relative to now, so an old one looks stale.
run: venv
	@mkdir -p $(dir $(DEMO_DB))
	$(BIN)/dutyboard demo --db $(DEMO_DB) --force
	$(BIN)/dutyboard --db $(DEMO_DB)

demo: venv
	@mkdir -p $(dir $(DEMO_DB))
	$(BIN)/dutyboard demo --db $(DEMO_DB) --force

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# Every speed figure, with its baseline, into docs/benchmarks.md (1M requests; ~10 min on
# 2 cores; generated databases are cached in bench/out/).
bench: venv system-deps
	$(BIN)/python bench/run.py

test: venv system-deps lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV) .demo .pytest_cache .mypy_cache .ruff_cache
