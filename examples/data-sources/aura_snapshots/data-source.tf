resource "aura_instance" "ledger" {
  name           = "ledger"
  type           = "professional-db"
  cloud_provider = "gcp"
  region         = "europe-west1"
  memory         = "2GB"
}

resource "aura_snapshot" "now" {
  instance_id = aura_instance.ledger.id
}

# Every snapshot that can still be exported, cloned from or used for an overwrite.
data "aura_snapshots" "exportable" {
  instance_id      = aura_instance.ledger.id
  instance_version = aura_instance.ledger.version
  exportable_only  = true
  depends_on       = [aura_snapshot.now]
}

output "exportable_snapshot_ids" {
  value = [for s in data.aura_snapshots.exportable.snapshots : s.snapshot_id]
}
