#!/usr/bin/env bash
# make test-secrets: runs the provider's acceptance suite against the emulator with TF_LOG=TRACE captured,
# then proves that no client secret, access token or instance password the emulator issued appears in the
# Terraform and provider logs or in the test output (error messages included).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -f "$TF_CLI_CONFIG_FILE" ]; then unset TF_CLI_CONFIG_FILE; fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export TF_ACC=1 TF_LOG=TRACE TF_ACC_LOG_PATH="$dir/terraform.log" AURA_AUDIT_SECRETS="$dir/secrets.txt"
export TF_ACC_TERRAFORM_PATH="${TF_ACC_TERRAFORM_PATH:-$(command -v terraform)}"
status=0
go test -count=1 -v -timeout 30m ./internal/provider -run "${AUDIT_RUN:-TestAcc}" -skip 'TestAccFaultMatrix' > "$dir/output.txt" 2>&1 || status=$?
tail -1 "$dir/output.txt"
[ $status -eq 0 ] || { grep -E -- '--- FAIL' "$dir/output.txt" | head; echo "the suite failed" >&2; exit 1; }
secrets=$(grep -c . "$dir/secrets.txt")
logged=$(cat "$dir"/terraform.log* 2>/dev/null | wc -c)
[ "$logged" -gt 1000000 ] || { echo "only $logged bytes of TRACE logs were captured: the audit would prove nothing" >&2; exit 1; }
# The provider's own request log must be in what is searched, or the audit would miss the riskiest lines.
requests=$(cat "$dir"/terraform.log* | grep -c 'Aura API request' || true)
[ "$requests" -gt 0 ] || { echo "the provider's request log lines were not captured" >&2; exit 1; }
leaks=$(cat "$dir"/terraform.log* "$dir/output.txt" | grep -F -c -f "$dir/secrets.txt" || true)
echo "secrets audit: $secrets secrets issued (client secret, access tokens, passwords), $logged bytes of TRACE logs ($requests provider request lines) and $(wc -c < "$dir/output.txt") bytes of test output searched, $leaks lines leak one"
[ "$leaks" -eq 0 ] || { cat "$dir"/terraform.log* "$dir/output.txt" | grep -F -f "$dir/secrets.txt" | cut -c1-200 | head -5; exit 1; }
