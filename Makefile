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

.PHONY: help setup demo lab-up lab-down artifacts test lint sanity unit app integration molecule ee bench clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

setup: ## Create/update .venv with the pinned tools (fast when nothing changed)
	@scripts/setup

demo: setup lab-up artifacts ## Set up, start the lab, build the app releases, deploy RELEASE (1.1.0) on the lab
	ansible-playbook -i $(INVENTORY) playbooks/deploy.yml -e aura_release=$(RELEASE)
	@python3 -c 'import json, ssl, urllib.request as u; \
	  v = json.load(u.urlopen("https://127.0.0.1:8443/health", context=ssl._create_unverified_context(), timeout=10))["version"]; \
	  print("demo: Aura Flow %s serves on https://127.0.0.1:8443 (self-signed; http://127.0.0.1:8080 redirects); reports under reports/" % v)'

lab-up: ## Start the local lab (five systemd containers)
	@scripts/lab up

lab-down: ## Remove the lab's containers and network (keeps the image)
	@scripts/lab down

artifacts: ## Build the reference app's release artifacts (tests/app/dist)
	tests/app/build.sh all
	cd tests/app/dist && sha256sum -c --quiet *.sha256

test: lint sanity unit app integration molecule ## Everything CI runs: lint, sanity, unit, app, integration, molecule

lint: setup ## yamllint + ansible-lint (production profile, offline)
	yamllint --strict .
	ansible-lint

sanity: setup ## ansible-test sanity on the controller Python
	scripts/sanity

unit: setup ## Unit tests of the pure logic (module_utils, filters)
	scripts/pytest tests/unit

app: ## The reference app's tests against a throwaway PostgreSQL and Redis
	tests/app/run-tests.sh

integration: setup artifacts ## Tests against real services and the lab (deploys the reference app's artifacts)
	scripts/pytest --durations=25 tests/integration

molecule: setup artifacts ## Every molecule scenario under molecule/ on the lab image
	@scripts/lab image >/dev/null
	@set -e; for s in $(SCENARIOS); do echo "== molecule test -s $$s"; molecule test -s $$s; done

ee: setup ## Build the AWX execution environment (scripts/ee build; tests/integration/test_ee.py runs playbooks in it)
	scripts/ee build

bench: setup ## Performance comparisons under bench/ (not part of test)
	@set -e; found=0; for b in bench/*; do [ -f "$$b" ] && [ -x "$$b" ] || continue; \
	found=1; echo "== $$b"; "$$b"; done; [ $$found = 1 ] || echo "bench: no benchmarks yet"

clean: ## Remove build artefacts and reports (keeps .venv, the lab and its image)
	rm -rf reports dist tests/output tests/app/dist .pytest_cache auraflow-ops-*.tar.gz
	find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +
