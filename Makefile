# PoIES toolkit. `make run` and `make test` work on a fresh Debian machine with Swift installed:
# each first installs whichever of the system libraries below is missing (apt-get, as root or
# through sudo), then builds. slurm-wlm and munge are for the Slurm test (a one-node cluster runs
# the array job of docs/SWEEPS.md); chromium renders the HTML reports headless in a test.
APT_PACKAGES := libgmp-dev libmpfr-dev libssl-dev libopenblas-dev pkg-config prometheus slurm-wlm munge chromium
SWIFT ?= swift
# Tests run optimised: the statistical and property tests draw millions of hashes.
TEST_FLAGS ?= -c release -Xswiftc -enable-testing
SIMCTL := .build/release/simctl

.PHONY: run test deps build golden bench clean notebook-check notebook-run notebooks-export fuzz fuzz-build fuzz-run

run: deps build
	$(SIMCTL) run Scenarios/baseline.toml

# `--build-tests` also builds simctl (same flags, same folder), so the suite, the end-to-end CLI
# tests and the notebook check share one optimised build instead of compiling everything twice.
test: deps
	$(SWIFT) build $(TEST_FLAGS) --build-tests
	SIMCTL_BIN=$(CURDIR)/$(SIMCTL) $(SWIFT) test $(TEST_FLAGS) --skip-build
	$(MAKE) --no-print-directory notebook-check NB_BUILD=
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(TEST_FUZZ_SECONDS)

build: deps
	$(SWIFT) build -c release --product simctl

bench: build
	$(SIMCTL) bench hash

deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing missing system packages:$$missing"; \
	  if [ "$$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# Regenerate the caps-regression golden summaries after an intentional change.
golden: deps
	POIES_UPDATE_GOLDEN=1 $(SWIFT) test $(TEST_FLAGS) --filter CapsRegressionTests

clean:
	rm -rf .build

# --- Notebook check: `simctl export notebook` must produce a notebook that runs. -----------------
# Executes one exported notebook headless with nbclient in a project-local virtualenv (.venv,
# pinned versions from scripts/notebook-requirements.txt; rebuilt only when that file changes, so
# repeated runs cost a few seconds). The run folder comes from `simctl run Scenarios/baseline.toml`
# when the simulator and that scenario exist, else from the checked-in fixture Tests/Fixtures/run-small.
# Then the same for a sweep folder: a small two-parameter sweep of Scenarios/retarget-compare.toml
# (2 rules × 2 greedy counts × 3 replications of 2000 blocks, a few seconds) with compare.csv.
PYTHON ?= python3
VENV := .venv
NB_REQUIREMENTS := scripts/notebook-requirements.txt
NB_DIR := .build/notebook-check
NB_FIXTURE := Tests/Fixtures/run-small

# NB_BUILD is empty when `make test` has just built simctl.
NB_BUILD ?= build
notebook-check: $(NB_BUILD)
	@if ! $(PYTHON) -c 'import venv, ensurepip' >/dev/null 2>&1; then \
	  echo "notebook-check: SKIPPED: '$(PYTHON) -m venv' is unavailable here (apt-get install python3-venv to enable the check)"; \
	else \
	  $(MAKE) --no-print-directory notebook-run; \
	fi

notebook-run: $(VENV)/.installed
	rm -rf $(NB_DIR) && mkdir -p $(NB_DIR)
	@if [ -f Scenarios/baseline.toml ] && $(SIMCTL) run --help >/dev/null 2>&1; then \
	  echo "notebook-check: simctl run Scenarios/baseline.toml --out $(NB_DIR)"; \
	  $(SIMCTL) run Scenarios/baseline.toml --out $(NB_DIR) >/dev/null; \
	else \
	  echo "notebook-check: using the fixture $(NB_FIXTURE)"; \
	  cp $(NB_FIXTURE)/* $(NB_DIR)/; \
	fi
	$(SIMCTL) report $(NB_DIR)
	$(SIMCTL) export notebook $(NB_DIR)
	$(VENV)/bin/python scripts/check_notebook.py $(NB_DIR)/analysis.ipynb
	@echo "notebook-check: simctl sweep Scenarios/retarget-compare.toml --out $(NB_DIR)/sweep"
	$(SIMCTL) sweep Scenarios/retarget-compare.toml --set chain.retarget.rule=ema,asert \
	  --set miners.greedy.count=1,3 --set scenario.blocks=2000 --replications 3 --jobs 2 \
	  --baseline 0 --quiet --out $(NB_DIR)/sweep >/dev/null
	$(SIMCTL) report $(NB_DIR)/sweep
	$(SIMCTL) export notebook $(NB_DIR)/sweep
	$(VENV)/bin/python scripts/check_notebook.py $(NB_DIR)/sweep/analysis.ipynb

# Runs every shipped scenario into notebooks-export/<name>/ with its report.html and analysis.ipynb.
notebooks-export: build
	@for s in Scenarios/*.toml Scenarios/*/*.toml; do \
	  [ -f "$$s" ] && grep -q '^\[scenario\]' "$$s" || continue; \
	  d=notebooks-export/$$(echo "$${s#Scenarios/}" | sed 's/\.toml$$//'); \
	  echo "notebooks-export: $$s -> $$d"; \
	  mkdir -p "$$d" && $(SIMCTL) run "$$s" --out "$$d" --quiet >/dev/null && \
	  $(SIMCTL) report "$$d" >/dev/null && $(SIMCTL) export notebook "$$d" >/dev/null || exit 1; \
	done

$(VENV)/.installed: $(NB_REQUIREMENTS)
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r $(NB_REQUIREMENTS)
	touch $@

# --- Fuzzing (docs/FUZZING.md): libFuzzer targets in one executable, PoIESFuzz. -----------------
# Its own scratch folder, so the instrumented build never invalidates the release one; debug
# (-Onone), which builds much faster than release and still runs thousands of inputs a second.
# `make fuzz` replays each target's corpus (every file once), then fuzzes it for FUZZ_SECONDS;
# `make test` does the same with TEST_FUZZ_SECONDS. A crash or hang fails the run and leaves the
# input in .build/fuzz/crashes/<target>/; new interesting inputs go to .build/fuzz/work/<target>/.
FUZZ_SECONDS ?= 300
TEST_FUZZ_SECONDS ?= 20
FUZZ_TARGETS ?= json policy chain scenario stratum envelope
FUZZ_SCRATCH := .build/fuzz
FUZZ_BIN := $(FUZZ_SCRATCH)/debug/PoIESFuzz
FUZZ_CORPUS := Tests/Fuzz/Corpus
# libFuzzer must see the crash signal (Swift's backtracer would otherwise take it first).
FUZZ_ENV := SWIFT_BACKTRACE=enable=no

fuzz: fuzz-build
	@$(MAKE) --no-print-directory fuzz-run

fuzz-build: deps
	$(SWIFT) build --scratch-path $(FUZZ_SCRATCH) --product PoIESFuzz -Xswiftc -sanitize=fuzzer -Xswiftc -use-ld=lld -Xcxx -DNDEBUG

fuzz-run:
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_SCRATCH)/work/$$t $(FUZZ_SCRATCH)/crashes/$$t; \
	  echo "fuzz: $$t: replaying $$(ls $(FUZZ_CORPUS)/$$t | wc -l) corpus inputs"; \
	  $(FUZZ_ENV) $(FUZZ_BIN) $$t -timeout=10 -artifact_prefix=$(FUZZ_SCRATCH)/crashes/$$t/ $(FUZZ_CORPUS)/$$t/* \
	    > $(FUZZ_SCRATCH)/replay-$$t.log 2>&1 || { tail -40 $(FUZZ_SCRATCH)/replay-$$t.log; exit 1; }; \
	  echo "fuzz: $$t: fuzzing $(FUZZ_SECONDS) s"; \
	  $(FUZZ_ENV) $(FUZZ_BIN) $$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_SCRATCH)/crashes/$$t/ $(FUZZ_SCRATCH)/work/$$t $(FUZZ_CORPUS)/$$t \
	    > $(FUZZ_SCRATCH)/fuzz-$$t.log 2>&1 || { tail -60 $(FUZZ_SCRATCH)/fuzz-$$t.log; exit 1; }; \
	  grep -E "^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)" $(FUZZ_SCRATCH)/fuzz-$$t.log | tr '\n' ' '; echo; \
	done
