# host-installer: `make demo` and `make test` do all set-up on a fresh Debian 12 machine.
SHELL := /bin/bash
export PATH := /opt/swift/usr/bin:$(PATH)
SWIFT_BUILD := swift build
BIN := .build/debug/host-installer

.PHONY: all deps build demo test quick unit replays bench soak clean iso pxe

all: build

deps:
	@scripts/install-deps

build: deps
	@set -o pipefail; $(SWIFT_BUILD) 2>&1 | awk '!/^\[[0-9]+\/[0-9]+\]|^Building for|^Compiling|^Write|^Planning/' 

demo: build
	@STATE=$${HOST_INSTALLER_STATE:-.demo}; mkdir -p "$$STATE/media"; \
	  HOST_INSTALLER=$(BIN) scripts/build-sample-product --allow-synthetic "$$STATE/media" >/dev/null || exit 1; \
	  HOST_INSTALLER_STATE="$$STATE" $(BIN)

unit: build
	@scripts/run-swift-tests

# For iterating: the unit tests and the golden-screen replays (a few minutes), no integration scripts.
quick: unit replays

replays: build
	@$(BIN) replay Tests/Replays/*.replay

test: build
	@scripts/run-swift-tests
	@$(BIN) replay Tests/Replays/*.replay
	@set -o pipefail; $(SWIFT_BUILD) -c release --static-swift-stdlib 2>&1 | tail -n 1   # for the installer CD tests
	@scripts/run-integration

# Longer runs of the randomised and fault-injection tests than `make test` has time for.
soak: build
	@UPGRADE_KILL_POINTS=all bash tests/integration/60-upgrade-crash.sh
	@RANDOM_KEYS=10000 bash tests/integration/25-random-keys.sh
	@set -o pipefail; FUZZ_ANSWERFILES=10000 swift test --filter AnswerfileFuzzTests 2>&1 | grep -E '✔|✘|Test run|fuzz'


bench: deps
	@swift build -c release --static-swift-stdlib 2>&1 | tail -n 1   # static: the same binary goes on the installer CD
	@BIN=.build/release/host-installer scripts/bench

ISO ?= installer.iso

# The installer CD (scripts/build-iso): kernel, initrd with the installer, the sample product.
# EXTRA_CA=FILE.pem: a site's certificate authority added to the CD's CA bundle.
iso: deps
	@set -o pipefail; $(SWIFT_BUILD) -c release --static-swift-stdlib 2>&1 | tail -n 1
	@ISO_EXTRA_CA=$(EXTRA_CA) scripts/build-iso $(ISO)

# Network boot files (scripts/pxe-export): PXE (BIOS), GRUB (UEFI) and iPXE entries, the kernel
# and initrd, and the repositories to serve over HTTP. E.g.
#   make pxe PXE_DIR=/srv/xcp PXE_SERVER=http://192.0.2.10/xcp PXE_ANSWERFILE='http://192.0.2.10/answers/${mac}.xml'
PXE_DIR ?= pxe
PXE_SERVER ?= http://SERVER-NOT-SET
pxe: iso
	@scripts/pxe-export --server '$(PXE_SERVER)' $(if $(PXE_ANSWERFILE),--answerfile '$(value PXE_ANSWERFILE)') $(if $(PXE_REPORT),--report '$(value PXE_REPORT)') $(ISO) $(PXE_DIR)

clean:
	rm -rf .build .demo
