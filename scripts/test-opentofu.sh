#!/usr/bin/env bash
# make test-opentofu: the provider under OpenTofu. Builds OpenTofu $TOFU_VERSION from the Go module proxy once
# (scripts/opentofu-build.sh caches it), then with tofu as the CLI:
#   1. every example of the docs (TestAccExamples: the set the Terraform run applies): apply, plan again, which
#      must be empty, destroy, and check that nothing is left;
#   2. the restore drill (scripts/drill.sh, `tofu test`);
#   3. the demo (scripts/demo.sh, `tofu init` from a filesystem mirror, apply, checks, destroy).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -f "$TF_CLI_CONFIG_FILE" ]; then unset TF_CLI_CONFIG_FILE; fi
export CHECKPOINT_DISABLE=1
began=$(date +%s)
step() { echo "== $1 ($(( $(date +%s) - began ))s)"; }

step "OpenTofu"
tofu=$(bash scripts/opentofu-build.sh)
# sed reads to the end: head would close the pipe early, and tofu's SIGPIPE would fail the script under pipefail.
"$tofu" version | sed -n 1p

step "the docs' examples with tofu: apply, empty plan, destroy"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# terraform-plugin-testing names the in-process provider registry.terraform.io/hashicorp/aura; OpenTofu resolves
# an unqualified provider on its own registry, so the reattached provider must carry that host.
status=0
TF_ACC=1 TF_ACC_TERRAFORM_PATH="$tofu" TF_ACC_PROVIDER_HOST=registry.opentofu.org TF_ACC_PROVIDER_NAMESPACE=hashicorp \
  go test -count=1 -v -timeout 20m -run '^TestAccExamples$' ./internal/provider > "$out" 2>&1 || status=$?
grep -E -- '^\s*--- (PASS|FAIL|SKIP)' "$out" | sed 's/^ */   /'
if [ $status -ne 0 ] || grep -q -- '--- SKIP' "$out"; then
  grep -E -- '--- FAIL|--- SKIP|^\s+[A-Za-z0-9_]+\.go:[0-9]+:|^panic:|^FAIL' "$out" | head -60
  echo "the examples failed or were skipped under OpenTofu" >&2
  exit 1
fi
passed=$(grep -c -- '^\s*--- PASS: TestAccExamples/' "$out")
echo "   $passed examples applied, planned empty and destroyed with OpenTofu"

step "the restore drill with tofu test"
TERRAFORM="$tofu" bash scripts/drill.sh

step "the demo with tofu"
TERRAFORM="$tofu" bash scripts/demo.sh

step "OpenTofu passed"
