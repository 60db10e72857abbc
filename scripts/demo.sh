#!/usr/bin/env bash
# make demo: build the provider and the emulator, start the emulator on a free loopback port, install the
# provider for Terraform through a filesystem mirror (terraform init works offline with the real source),
# tell the backup story of examples/demo with the data checked after each step, destroy, stop.
# Clean-up runs even when a step fails. TERRAFORM names the CLI (default terraform; OpenTofu's tofu works too).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work="$root/.demo"
rm -rf "$work"; mkdir -p "$work/tf"
if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -f "$TF_CLI_CONFIG_FILE" ]; then unset TF_CLI_CONFIG_FILE; fi
export CHECKPOINT_DISABLE=1
began=$(date +%s)
tf_cli="${TERRAFORM:-terraform}"
tf_name=$(basename "$tf_cli")

emu_pid=""
applied=0
cleanup() {
  status=$?
  if [ "$applied" = 1 ]; then
    echo "== destroying what is left after a failure"
    (cd "$work/tf" && "$tf_cli" destroy -auto-approve -no-color -input=false -var stage=5 >/dev/null 2>&1) || true
  fi
  if [ -n "$emu_pid" ]; then kill "$emu_pid" 2>/dev/null || true; wait "$emu_pid" 2>/dev/null || true; fi
  if [ $status -eq 0 ]; then echo "== demo finished in $(( $(date +%s) - began ))s; emulator stopped"
  else echo "== demo FAILED (exit $status); emulator stopped; logs in .demo/" >&2; fi
  exit $status
}
trap cleanup EXIT

version=0.1.0
echo "== building the provider and aura-emulator"
# The mirror serves the provider under both registries' names: Terraform resolves aura-terraform/aura to
# registry.terraform.io, OpenTofu to registry.opentofu.org.
mirror="$work/mirror/registry.terraform.io/aura-terraform/aura/$version/linux_amd64"
mkdir -p "$mirror" "$work/mirror/registry.opentofu.org/aura-terraform/aura/$version"
go build -o "$mirror/terraform-provider-aura_v$version" .
cp -r "$mirror" "$work/mirror/registry.opentofu.org/aura-terraform/aura/$version/"
go build -o "$work/aura-emulator" ./cmd/aura-emulator

# The story, not Aura's 125 requests a minute, is the point here: the emulator's limit is off and the provider's
# raised, or the twelve terraform runs would spend most of the minute waiting (make bench measures the limit).
"$work/aura-emulator" --listen 127.0.0.1:0 --rate-limit 0 --transition "${DEMO_TRANSITION:-1s}" > "$work/emulator.json" 2> "$work/emulator.log" &
emu_pid=$!
for _ in $(seq 1 100); do [ -s "$work/emulator.json" ] && break; sleep 0.1; done
base=$(jq -r .base_url "$work/emulator.json")
echo "== aura-emulator listening on $base"
export AURA_BASE_URL="$base"
AURA_CLIENT_ID=$(jq -r .client_id "$work/emulator.json"); export AURA_CLIENT_ID
AURA_CLIENT_SECRET=$(jq -r .client_secret "$work/emulator.json"); export AURA_CLIENT_SECRET
AURA_TENANT_ID=$(jq -r .tenant_id "$work/emulator.json"); export AURA_TENANT_ID
AURA_CONSOLE_URL=$(jq -r .console_url "$work/emulator.json"); export AURA_CONSOLE_URL
export AURA_POLL_INTERVAL=200ms AURA_REQUESTS_PER_MINUTE=1200

cat > "$work/terraformrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$work/mirror"
    include = ["registry.terraform.io/aura-terraform/aura", "registry.opentofu.org/aura-terraform/aura"]
  }
  direct {
    exclude = ["registry.terraform.io/aura-terraform/aura", "registry.opentofu.org/aura-terraform/aura"]
  }
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc"
cp examples/demo/main.tf "$work/tf/"
cd "$work/tf"

tf() { "$tf_cli" "$@" -no-color -input=false; }
apply() {
  echo "== $tf_name apply (stage $1: $2)"
  applied=1
  tf apply -auto-approve -var "stage=$1" > "apply-$1.log" || { cat "apply-$1.log"; exit 1; }
  grep -E 'Creation complete|Apply complete' "apply-$1.log" | sed -E 's/^/   /; s/ \[id=.*//'
}
out() { "$tf_cli" output -raw "$1"; }
data() { curl -fsS "$base/_emulator/instances/$1/data"; }
write() { curl -fsS -X PUT "$base/_emulator/instances/$1/data" -d "$2" | jq -r .sha256; }
check() { # check <label> <instance> <expected sha>
  local got; got=$(data "$2" | jq -r .sha256)
  if [ "$got" = "$3" ]; then echo "   data check: $1: OK ($(data "$2" | jq -c .data))"
  else echo "   data check: $1: FAILED (sha $got, want $3)"; exit 1; fi
}

echo "== $tf_name init (offline, from the filesystem mirror)"
tf init > init.log || { cat init.log; exit 1; }
grep -E 'Installed aura-terraform/aura' init.log | sed 's/^ *- /   /'

apply 1 "a production instance"
prod=$(out prod_id)
good=$(write "$prod" '{"customers": ["ada", "grace"], "orders": 2}')
echo "   wrote the good dataset into $prod"

apply 2 "on-demand snapshot, exportable snapshots, staging clone"
echo "   snapshot $(out snapshot_id); exportable snapshots listed: $(out exportable_snapshots)"
check "staging clone $(out staging_id) holds the snapshot's data" "$(out staging_id)" "$good"

bad=$(write "$prod" '{"customers": [], "orders": 0, "oops": "DELETE ALL"}')
echo "   a bad write wiped production (sha ${bad:0:12})"
apply 3 "restore production from the snapshot"
check "production after the $(out restore_method)" "$prod" "$good"
echo "   the snapshot taken just before the restore, the undo: $(out restore_undo_snapshot_id)"

apply 4 "export the snapshot to a local file"
echo "   $(out export_file): $(stat -c %s "$(out export_file)") bytes, sha256 $(out export_sha256 | cut -c1-12)..."
write "$prod" '{"customers": ["mallory"], "orders": -1}' > /dev/null
echo "   another bad write into production"
apply 5 "upload the exported file into production"
check "production after the upload" "$prod" "$good"

echo "== outputs"
"$tf_cli" output -no-color | sed 's/^/   /'
echo "== $tf_name plan after the story: $(tf plan -detailed-exitcode -var stage=5 >/dev/null 2>&1 && echo 'no changes' || echo 'CHANGES PENDING')"
curl -fsS -X POST "$base/_emulator/clock/advance" -d '{"duration": "192h"}' > /dev/null
restores=$(curl -fsS "$base/_emulator/stats" | jq '[.requests[] | select(.method == "POST" and (.route | test("/restore$|/upload-complete$")))] | map(.count) | add')
if tf plan -detailed-exitcode -var stage=5 > week-later.log 2>&1 && tf apply -auto-approve -var stage=5 >> week-later.log 2>&1; then
  after=$(curl -fsS "$base/_emulator/stats" | jq '[.requests[] | select(.method == "POST" and (.route | test("/restore$|/upload-complete$")))] | map(.count) | add')
  echo "== a week later (emulator clock +8 days), the snapshot has expired: plan has no changes, apply sent $((after - restores)) restores or uploads"
  [ "$after" = "$restores" ] || { echo "   a restore or upload ran again" >&2; exit 1; }
  check "production a week later" "$prod" "$good"
else
  cat week-later.log; echo "== a week later the plan is not empty" >&2; exit 1
fi
echo "== $tf_name destroy"
tf destroy -auto-approve -var stage=5 | grep -E 'Destroy complete|Warning: Snapshot' | sed 's/^/   /'
applied=0
echo "== API calls the emulator served"
curl -fsS "$base/_emulator/stats" | jq -r '.requests[] | "   \(.count)\t\(.method) \(.route) -> \(.status)"'
