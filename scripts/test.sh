#!/usr/bin/env bash
# make test: every test of the repository, once. The provider's acceptance tests run against the in-process
# emulator with TF_LOG=TRACE captured, and when all pass, the Terraform and provider logs and the test output are
# searched for every client secret, access token and instance password the emulator issued: CI pays for one run
# of the acceptance suite, not one to test and another to audit. TEST_RUN narrows the run (go test -run).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -f "$TF_CLI_CONFIG_FILE" ]; then unset TF_CLI_CONFIG_FILE; fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export TF_ACC=1 TF_LOG=TRACE TF_ACC_LOG_PATH="$dir/terraform.log" AURA_AUDIT_SECRETS="$dir/secrets.txt"
export TF_ACC_TERRAFORM_PATH="${TF_ACC_TERRAFORM_PATH:-$(command -v terraform)}"
status=0
# -v: the log lines of passing tests are searched too, not only those of failures. The parallel tests mostly wait
# on Terraform and the emulator's transitions, so more of them than cores run at once (TEST_PARALLEL).
go test -race -count=1 -v -parallel "${TEST_PARALLEL:-4}" -timeout 30m ${TEST_RUN:+-run "$TEST_RUN"} ./... > "$dir/output.txt" 2>&1 || status=$?
grep -E '^(ok|FAIL|\?) ' "$dir/output.txt" || true
if [ $status -ne 0 ]; then
  grep -E -- '--- FAIL|^\s+[A-Za-z0-9_]+\.go:[0-9]+:|^panic:|DATA RACE|^FAIL' "$dir/output.txt" | head -80
  echo "the tests failed" >&2
  exit 1
fi
secrets=$(grep -c . "$dir/secrets.txt")
logged=$(cat "$dir"/terraform.log* 2>/dev/null | wc -c)
[ "$logged" -gt 1000000 ] || { echo "only $logged bytes of TRACE logs were captured: the audit would prove nothing" >&2; exit 1; }
# The provider's own request log must be in what is searched, or the audit would miss the riskiest lines.
requests=$(cat "$dir"/terraform.log* | grep -c 'Aura API request' || true)
[ "$requests" -gt 0 ] || { echo "the provider's request log lines were not captured" >&2; exit 1; }
leaks=$(cat "$dir"/terraform.log* "$dir/output.txt" | grep -F -c -f "$dir/secrets.txt" || true)
echo "secrets audit: $secrets secrets issued (client secret, access tokens, passwords), $logged bytes of TRACE logs ($requests provider request lines) and $(wc -c < "$dir/output.txt") bytes of test output searched, $leaks lines leak one"
[ "$leaks" -eq 0 ] || { cat "$dir"/terraform.log* "$dir/output.txt" | grep -F -f "$dir/secrets.txt" | cut -c1-200 | head -5; exit 1; }
