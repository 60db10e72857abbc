resource "aura_instance" "ledger" {
  name                = "ledger"
  type                = "professional-db"
  cloud_provider      = "gcp"
  region              = "europe-west1"
  memory              = "2GB"
  deletion_protection = false
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

variable "incident_at" {
  description = "When the incident began (RFC 3339), for example -var incident_at=2026-11-26T10:42:00Z."
  type        = string
  default     = "2026-11-26T10:42:00Z"
}

# The last good snapshot before the incident: nothing taken after it is listed, and no day after it is asked for.
data "aura_snapshots" "before_incident" {
  instance_id      = aura_instance.ledger.id
  instance_version = aura_instance.ledger.version
  exportable_only  = true
  before           = var.incident_at
}

output "last_good_snapshot_id" {
  value = try(data.aura_snapshots.before_incident.most_recent.snapshot_id, null)
}
