#!/usr/bin/env bash
# The test runners never count a skip as a pass (issue 17): scripts/run-integration and
# scripts/run-swift-tests, run on a scratch tree of fake tests, print "skip" and count it
# apart, and fail the run under CI=true. No root, no build needed.
set -euo pipefail
cd "$(dirname "$0")/../.."
TOP=$(pwd)
unset ONLY   # the runner under test must run all of its own fake scripts
w=$(mktemp -d /tmp/hi-runners.XXXXXX); trap 'rm -rf "$w"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

mkdir -p "$w/scripts" "$w/tests/integration/lib"
cp scripts/run-integration scripts/run-swift-tests "$w/scripts/"
cp tests/integration/lib/skip.sh "$w/tests/integration/lib/"
printf 'cd "$(dirname "$0")/../.."\n. tests/integration/lib/skip.sh\nskip "frobnicator is not installed"\n' > "$w/tests/integration/10-skips.sh"
echo 'exit 0' > "$w/tests/integration/20-passes.sh"

out=$(CI= bash "$w/scripts/run-integration") || fail "a skip outside CI failed the run: $out"
grep -qx 'skip tests/integration/10-skips.sh (0 s): frobnicator is not installed' <<<"$out" || fail "no skip line: $out"
grep -qx 'integration: 1 passed, 0 failed, 1 skipped' <<<"$out" || fail "wrong closing line: $out"
if out=$(CI=true bash "$w/scripts/run-integration"); then fail "a skip under CI passed the run: $out"; fi
grep -q '^CI: 1 integration script(s) skipped' <<<"$out" || fail "CI did not say why it failed: $out"
echo 'exit 3' > "$w/tests/integration/30-fails.sh"
if out=$(CI= bash "$w/scripts/run-integration"); then fail "a failing script passed the run"; fi
grep -qx 'integration: 1 passed, 1 failed, 1 skipped' <<<"$out" || fail "wrong closing line with a failure: $out"
echo "ok   run-integration: skip counted apart, fails under CI"

# run-swift-tests with a stand-in for `swift` that reports a suite skipping itself.
cat > "$w/fake-swift" <<'FAKE'
#!/usr/bin/env bash
echo "◇ Test run started."
echo "➜ Suite NeedsGanesha skipped: \"needs nfs-ganesha\""
echo "✔ Test run with 3 tests in 2 suites passed after 0.1 seconds."
FAKE
chmod +x "$w/fake-swift"
out=$(CI= SWIFT="$w/fake-swift" bash "$w/scripts/run-swift-tests") || fail "a skipped Swift suite outside CI failed the run: $out"
grep -q '^swift test: 1 suite(s) or test(s) skipped' <<<"$out" || fail "the Swift skip was not counted: $out"
if out=$(CI=true SWIFT="$w/fake-swift" bash "$w/scripts/run-swift-tests"); then fail "a skipped Swift suite under CI passed: $out"; fi
echo "ok   run-swift-tests: skip counted apart, fails under CI"
