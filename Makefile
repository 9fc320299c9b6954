# The two commands of the README:
#   make run    build and serve Tremplin with demo data on SQLite, at http://127.0.0.1:3000
#   make test   every check and test: fmt, clippy, Rust tests on SQLite and PostgreSQL, Playwright
# Both install what is missing first: the Rust tools (.ci/tools.sh); make test the system
# packages too (.ci/system.sh: Chromium, PostgreSQL, Node.js).

SHELL := /bin/bash
export CARGO_TARGET_DIR ?= $(HOME)/.cache/tremplin-target
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(HOME)/.cache/tremplin-venv/bin:$(PATH)
BIN := $(CARGO_TARGET_DIR)/release/tremplin

.PHONY: run test tools system build

tools:
	@bash .ci/tools.sh

system:
	@bash .ci/system.sh

# Precompressed: the server sends the .br/.gz files beside each build file as they are.
build: tools
	cargo leptos build --release --precompress

run: build
	@mkdir -p data
	$(BIN) migrate
	$(BIN) demo-data
	@echo "Tremplin: http://127.0.0.1:3000"
	TREMPLIN_SITE_ROOT=target/site $(BIN) serve

test: system tools
	@bash .ci/test.sh
