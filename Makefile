# Every target bootstraps ./venv with the pinned requirements on first use.
STACK ?= aws-staging
PY := venv/bin/python

.PHONY: bootstrap test lint typecheck check plan plan-all docs bench release clean

bootstrap:
	@scripts/bootstrap.sh

## Run the whole test suite (what CI runs, after lint and typecheck).
test: bootstrap
	$(PY) -m pytest

lint: bootstrap
	$(PY) -m ruff check .

typecheck: bootstrap
	$(PY) -m pyright

## Everything CI checks.
check: lint typecheck test

## Show what a stack would deploy, offline (no cloud credentials, no Pulumi CLI).
plan: bootstrap
	$(PY) -m ops.plan $(STACK)

plan-all: bootstrap
	$(PY) -m ops.plan --all

## Regenerate the configuration reference in README.md.
docs: bootstrap
	$(PY) -m scripts.gen_config_reference --write
	$(PY) -m scripts.gen_facts --write

bench: bootstrap
	$(PY) -m benchmarks.bench_stacks

clean:
	rm -rf venv .pytest_cache .ruff_cache

## Pin every stack to a release Braintrust published (registered in components/facts/braintrust.py).
## make release VERSION=v2.12.0 DATE=2026-08-21 [CHART=6.11.0] [STACKS='gcp-*']
release: bootstrap
	@test -n "$(VERSION)" -a -n "$(DATE)" || { echo "usage: make release VERSION=vX.Y.Z DATE=YYYY-MM-DD [CHART=x.y.z] [STACKS=glob]" >&2; exit 2; }
	$(PY) -m scripts.release --version $(VERSION) --date $(DATE) $(if $(CHART),--chart $(CHART)) $(if $(STACKS),--stacks '$(STACKS)')
