# Sourced by every integration script that may have to skip.
# skip REASON: the test cannot run here. It prints "skip: REASON" and exits 77, which
# scripts/run-integration counts apart from passes; under CI (CI=true), where
# scripts/install-deps has installed everything, any skip fails the run.
skip() { echo "skip: $*"; exit 77; }
