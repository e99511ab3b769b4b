# Stack Up. `make help` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

.PHONY: help run test setup lint format messages check

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

run: ## Set up, load the demo and serve on http://127.0.0.1:8000 (SQLite)
	@scripts/run.sh

test: ## Set up, run the checks and the whole suite on SQLite and PostgreSQL
	@scripts/test.sh $(ARGS)

setup: ## Install everything `make run` needs, without serving
	@scripts/setup.sh

lint: ## Check formatting and lint rules
	@.venv/bin/ruff format --check . && .venv/bin/ruff check .

format: ## Reformat the code and fix what the linter can
	@.venv/bin/ruff format . && .venv/bin/ruff check --fix .

messages: ## Update the translation catalogues from the code and templates
	@scripts/messages.sh
