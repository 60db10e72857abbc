#!/usr/bin/env bash
# make demo: build the provider and the emulator, start the emulator on a free loopback port, install the
# provider through a filesystem mirror, apply examples/demo, print what happened, destroy, stop.
# Everything is cleaned up even when a step fails.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work="$root/.demo"
rm -rf "$work"; mkdir -p "$work"

if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -f "$TF_CLI_CONFIG_FILE" ]; then unset TF_CLI_CONFIG_FILE; fi
export CHECKPOINT_DISABLE=1

emu_pid=""
cleanup() {
  status=$?
  if [ -n "$emu_pid" ]; then
    if [ -f "$work/tf/terraform.tfstate" ] && [ "${destroyed:-0}" = 0 ]; then
      echo "== destroying after a failure"
      (cd "$work/tf" && terraform destroy -auto-approve -no-color >/dev/null 2>&1) || true
    fi
    kill "$emu_pid" 2>/dev/null || true
    wait "$emu_pid" 2>/dev/null || true
  fi
  [ $status -eq 0 ] && echo "== demo finished; emulator stopped" || echo "== demo FAILED (exit $status); emulator stopped" >&2
  exit $status
}
trap cleanup EXIT

version=0.1.0
echo "== building provider and emulator"
mirror="$work/mirror/registry.terraform.io/aura-terraform/aura/$version/linux_amd64"
mkdir -p "$mirror"
go build -o "$mirror/terraform-provider-aura_v$version" .
go build -o "$work/aura-emulator" ./cmd/aura-emulator

echo "== starting aura-emulator"
"$work/aura-emulator" --listen 127.0.0.1:0 --transition "${DEMO_TRANSITION:-1s}" > "$work/emulator.json" 2> "$work/emulator.log" &
emu_pid=$!
for _ in $(seq 1 100); do [ -s "$work/emulator.json" ] && break; sleep 0.1; done
base=$(jq -r .base_url "$work/emulator.json")
echo "   listening on $base"

export AURA_BASE_URL="$base"
export AURA_CLIENT_ID=$(jq -r .client_id "$work/emulator.json")
export AURA_CLIENT_SECRET=$(jq -r .client_secret "$work/emulator.json")
export AURA_TENANT_ID=$(jq -r .tenant_id "$work/emulator.json")

cat > "$work/terraformrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$work/mirror"
    include = ["registry.terraform.io/aura-terraform/aura"]
  }
  direct {
    exclude = ["registry.terraform.io/aura-terraform/aura"]
  }
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc"

mkdir -p "$work/tf"
cp -r examples/demo/. "$work/tf/"
cd "$work/tf"
echo "== terraform init (offline, from the filesystem mirror)"
terraform init -no-color -input=false >/dev/null
echo "== terraform apply"
terraform apply -auto-approve -no-color -input=false -var "emulator_url=$base" | grep -E '^(aura_|Apply complete)' || true
echo "== outputs"
terraform output -no-color
bash "$root/scripts/demo-story.sh" "$base"
echo "== terraform destroy"
terraform destroy -auto-approve -no-color -input=false -var "emulator_url=$base" | grep -E 'Destroy complete' || true
destroyed=1
echo "== API calls the emulator served"
curl -s "$base/_emulator/stats" | jq -r '.requests[] | "   \(.count)\t\(.method) \(.route) -> \(.status)"'
