#!/usr/bin/env bash
# make test-drill (part of make test): the restore drill of examples/modules/restore-drill, run by `terraform test`
# against aura-emulator. The provider is built and installed through dev_overrides, so neither `terraform init` nor
# a registry is needed. The script seeds what a real account already has: a running instance with a dataset and a
# newest exportable (on-demand) snapshot of it; then it changes the instance's data, so the clone can only hold the
# snapshot's dataset if it really came from that snapshot. The drill checks that dataset with its verify_command.
# TERRAFORM names the CLI (default terraform; tofu works too).
set -euo pipefail
cd "$(dirname "$0")/.."
tf_cli="${TERRAFORM:-terraform}"
tf_name=$(basename "$tf_cli")
work=$(mktemp -d)
emu_pid=""
cleanup() {
  status=$?
  if [ -n "$emu_pid" ]; then kill "$emu_pid" 2>/dev/null || true; wait "$emu_pid" 2>/dev/null || true; fi
  if [ $status -ne 0 ]; then echo "== restore drill FAILED (exit $status); emulator log:" >&2; tail -20 "$work/emulator.log" >&2 || true; fi
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT
began=$(date +%s)

mkdir -p "$work/bin"
go build -o "$work/bin/terraform-provider-aura" .
go build -o "$work/aura-emulator" ./cmd/aura-emulator
"$work/aura-emulator" --listen 127.0.0.1:0 --rate-limit 0 --transition 1s > "$work/emulator.json" 2> "$work/emulator.log" &
emu_pid=$!
for _ in $(seq 1 100); do [ -s "$work/emulator.json" ] && break; sleep 0.1; done
base=$(jq -r .base_url "$work/emulator.json")
AURA_CLIENT_ID=$(jq -r .client_id "$work/emulator.json")
AURA_CLIENT_SECRET=$(jq -r .client_secret "$work/emulator.json")
AURA_TENANT_ID=$(jq -r .tenant_id "$work/emulator.json")
export AURA_BASE_URL="$base" AURA_CLIENT_ID AURA_CLIENT_SECRET AURA_TENANT_ID
# As in the demo: the emulator's transitions last 1 s, so the provider polls every 200 ms instead of every 6 s.
export AURA_POLL_INTERVAL=200ms

# The seed, through the public API as any client would do it.
token=$(curl -fsS -u "$AURA_CLIENT_ID:$AURA_CLIENT_SECRET" -d grant_type=client_credentials "$base/oauth/token" | jq -r .access_token)
api() { curl -fsS -H "Authorization: Bearer $token" "$@"; }
await() { # await <url> <jq filter that is true when done>
  for _ in $(seq 1 150); do api "$1" | jq -e "$2" > /dev/null && return 0; sleep 0.2; done
  echo "timed out waiting for $1 to match $2" >&2; return 1
}
source_id=$(api -X POST "$base/v1/instances" -d '{"name":"drill-source","tenant_id":"'"$AURA_TENANT_ID"'","type":"professional-db",
  "version":"5","region":"europe-west1","cloud_provider":"gcp","memory":"2GB"}' | jq -r .data.id)
await "$base/v1/instances/$source_id" '.data.status == "running"'
good=$(curl -fsS -X PUT "$base/_emulator/instances/$source_id/data" -d '{"customers": ["ada", "grace"], "orders": 2}' | jq -r .sha256)
snapshot_id=$(api -X POST "$base/v1/instances/$source_id/snapshots" | jq -r .data.snapshot_id)
await "$base/v1/instances/$source_id/snapshots/$snapshot_id" '.data.status == "Completed" and .data.exportable'
curl -fsS -X PUT "$base/_emulator/instances/$source_id/data" -d '{"customers": [], "orders": 0}' > /dev/null
echo "== seeded instance $source_id with snapshot $snapshot_id of dataset ${good:0:12}; its live data changed since"

cat > "$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "aura-terraform/aura" = "$work/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_DATA_DIR="$work/tf-data" CHECKPOINT_DISABLE=1
export TF_VAR_instance_id="$source_id"
# The drill must pick the seeded snapshot (the newest exportable one), and the clone hold its dataset, not the
# instance's live one.
export TF_VAR_verify_command="test \"\$SNAPSHOT_ID\" = $snapshot_id && curl -fsS $base/_emulator/instances/\$CLONE_ID/data | jq -e '.sha256 == \"$good\"' > /dev/null"
# No init: the only provider is the dev override and terraform_data is built in.
echo "== $tf_name test in examples/modules/restore-drill (tests/restore_drill.tftest.hcl)"
status=0
(cd examples/modules/restore-drill && "$tf_cli" test -no-color) > "$work/test.log" 2>&1 || status=$?
cat "$work/test.log"
[ $status -eq 0 ] || exit $status
# Neither the client secret nor its access token may reach the output.
if grep -F -q -e "$AURA_CLIENT_SECRET" -e "$token" "$work/test.log"; then echo "the drill's output shows a secret" >&2; exit 1; fi
left=$(api "$base/v1/instances" | jq '[.data[] | select(.id != "'"$source_id"'")] | length')
[ "$left" = 0 ] || { echo "the drill left $left instances behind" >&2; exit 1; }

# The age check reads Aura's clock: with the emulator's clock moved past max_snapshot_age (and before the next
# daily scheduled snapshot), the same drill must fail, naming the age check.
curl -fsS -X POST "$base/_emulator/clock/advance" -d '{"duration": "2h"}' > /dev/null
echo "== $tf_name test again, the emulator's clock 2h on and max_snapshot_age = 1h: it must fail"
status=0
(cd examples/modules/restore-drill && TF_VAR_max_snapshot_age=1h "$tf_cli" test -no-color) > "$work/stale.log" 2>&1 || status=$?
if [ $status -eq 0 ] || ! grep -q "more than 1h before" "$work/stale.log"; then
  cat "$work/stale.log"; echo "the drill passed (exit $status) with a snapshot older than max_snapshot_age on Aura's clock" >&2; exit 1
fi
grep -m1 "more than 1h before" "$work/stale.log" | sed 's/^ */   /'
left=$(api "$base/v1/instances" | jq '[.data[] | select(.id != "'"$source_id"'")] | length')
[ "$left" = 0 ] || { echo "the failed drill left $left instances behind" >&2; exit 1; }
echo "== restore drill passed in $(( $(date +%s) - began ))s with $tf_name; the clone is destroyed"
