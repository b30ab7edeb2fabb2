# auraflow.ops — one entry point for people, CI and AWX image builds.
# Quick start on a fresh Debian 12 machine:  make demo  then  make test
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
export PATH := $(BIN):$(PATH)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
INVENTORY ?= inventories/lab
RELEASE ?= 1.1.0
SCENARIOS ?= $(notdir $(patsubst %/molecule.yml,%,$(wildcard molecule/*/molecule.yml)))

# Stage times: every stage of check/test appends to STAGE_LOG; `make test` prints the table at the end.
# STAGE_FRESH=0 keeps stages recorded before (.ci/run records setup first).
STAGE_LOG ?= $(CURDIR)/dist/stage-times.tsv
STAGE_FRESH ?= 1
export STAGE_LOG
STAGE := $(CURDIR)/scripts/stage
# Local integration tests run two at a time; the timing-sensitive ones share one worker (xdist_group).
LOCAL_WORKERS ?= 2

.PHONY: help setup demo lab-up lab-down lab-fresh artifacts app-deps check test lint changelog docs sanity unit app \
	integration integration-local integration-lab integration-exhaustive molecule ee bench clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

setup: ## Create/update .venv with the pinned tools (fast when nothing changed)
	@scripts/setup

demo: setup lab-up artifacts ## Set up, start the lab, build the app releases, deploy RELEASE (1.1.0) and the monitoring on the lab
	ansible-playbook -i $(INVENTORY) playbooks/deploy.yml -e aura_release=$(RELEASE)
	ansible-playbook -i $(INVENTORY) playbooks/monitoring.yml
	@python3 -c 'import json, ssl, urllib.request as u; \
	  v = json.load(u.urlopen("https://127.0.0.1:8443/health", context=ssl._create_unverified_context(), timeout=10))["version"]; \
	  print("demo: Aura Flow %s serves on https://127.0.0.1:8443 (self-signed; http://127.0.0.1:8080 redirects); reports under reports/" % v); \
	  print("demo: Prometheus on http://127.0.0.1:9090, Alertmanager on http://127.0.0.1:9093 (alerts go to the lab sink on aura-mon1)")'

lab-up: ## Start the local lab (six systemd containers)
	@scripts/lab up

lab-down: ## Remove the lab's containers and network (keeps the image)
	@scripts/lab down

artifacts: ## Build the reference app's release artifacts (tests/app/dist)
	tests/app/build.sh all
	cd tests/app/dist && sha256sum -c --quiet *.sha256

app-deps: ## The reference app's node_modules (npm ci from its lockfile, only when missing or stale)
	@scripts/app-deps

check: ## Fast tier, no Docker: lint, sanity, unit, app, local integration (day-to-day work)
	@[ "$(STAGE_FRESH)" = 0 ] || rm -f $(STAGE_LOG)
	@$(MAKE) --no-print-directory lint sanity unit app integration-local; rc=$$?; $(STAGE) --table $(STAGE_LOG); exit $$rc

test: ## Everything CI runs, in two lanes: a fresh lab + lab tests | lint, sanity, unit, app, local tests, molecule (LANES=1: serial)
	@[ "$(STAGE_FRESH)" = 0 ] || rm -f $(STAGE_LOG)
	@scripts/test-all

lint: setup ## yamllint + ansible-lint (production profile, offline) + the collection's shape (bench/shape.py) + the changelog
	@$(STAGE) lint bash -c 'yamllint --strict . && ansible-lint && python bench/shape.py && scripts/changelog --check && python scripts/role-docs --check && scripts/docs --lint'

changelog: setup ## CHANGELOG.md and changelogs/changelog.yaml from the fragments in changelogs/fragments/ (antsibull-changelog)
	@scripts/changelog

sanity: setup ## ansible-test sanity: the controller Python, the hosts' Pythons (3.11, 3.13), the lowest ansible-core claimed
	@$(STAGE) sanity scripts/sanity --matrix

docs: setup ## The docsite by antsibull-docs into dist/docsite/build/html (warnings fail the build)
	@$(STAGE) docs scripts/docs

unit: setup ## Unit tests of the pure logic (module_utils, filters)
	@$(STAGE) unit scripts/pytest tests/unit

app: app-deps ## The reference app's tests against a throwaway PostgreSQL and Redis
	@$(STAGE) app tests/app/run-tests.sh

integration: integration-local integration-lab ## Both integration tiers

integration-local: setup artifacts app-deps ## Integration tests that need only local services (no Docker), two at a time
	@$(STAGE) "local integration" scripts/pytest -m 'not lab' -n $(LOCAL_WORKERS) --dist loadgroup --durations=15 tests/integration

lab-fresh: setup ## Recreate the lab from its cached image (the lab tier starts from nothing deployed)
	@$(STAGE) lab bash -c 'scripts/lab down && scripts/lab up'

integration-lab: setup artifacts ## Lab integration tests, one at a time in conftest.LAB_ORDER (on a fresh lab: make lab-fresh first)
	@$(STAGE) "lab integration" scripts/pytest -m 'lab and not exhaustive' --durations=30 tests/integration

integration-exhaustive: setup artifacts ## The lab cases beyond CI's budget (every phase of a killed deploy); on a deployed lab
	@$(STAGE) "lab exhaustive" scripts/pytest -m 'lab and exhaustive' --durations=30 tests/integration

molecule: setup artifacts ## Every molecule scenario under molecule/ on the lab image
	@scripts/lab image >/dev/null
	@$(STAGE) molecule bash -c 'set -e; for s in $(SCENARIOS); do echo "== molecule test -s $$s"; \
	  start=$$(date +%s); COLUMNS=200 molecule test -s $$s; echo "== molecule $$s: $$(( $$(date +%s) - start ))s"; done'

ee: setup ## Build the AWX execution environment (scripts/ee build; tests/integration/test_ee.py runs playbooks in it)
	@$(STAGE) "ee build" scripts/ee build

bench: setup artifacts app-deps ## Performance comparisons under bench/ (not part of test)
	@set -e; found=0; for b in bench/*; do [ -f "$$b" ] && [ -x "$$b" ] || continue; \
	found=1; echo "== $$b"; "$$b"; done; [ $$found = 1 ] || echo "bench: no benchmarks yet"

clean: ## Remove build artefacts and reports (keeps .venv, the lab and its image)
	rm -rf reports dist tests/output tests/app/dist .pytest_cache auraflow-ops-*.tar.gz
	find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +
