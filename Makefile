# PoIES toolkit. `make run` and `make test` work on a fresh Debian machine with Swift installed:
# each first installs whichever of the system libraries below is missing (apt-get, as root or
# through sudo), then builds.
APT_PACKAGES := libgmp-dev libmpfr-dev libssl-dev libopenblas-dev pkg-config
SWIFT ?= swift
# Tests run optimised: the statistical and property tests draw millions of hashes.
TEST_FLAGS ?= -c release -Xswiftc -enable-testing
SIMCTL := .build/release/simctl

.PHONY: run test deps build golden bench clean

run: deps build
	$(SIMCTL) run Scenarios/baseline.toml

test: deps
	$(SWIFT) build $(TEST_FLAGS) --build-tests
	$(SWIFT) build -c release --product simctl
	SIMCTL_BIN=$(CURDIR)/$(SIMCTL) $(SWIFT) test $(TEST_FLAGS) --skip-build

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
