resource "aura_instance" "crm" {
  name           = "crm"
  type           = "professional-db"
  cloud_provider = "gcp"
  region         = "europe-west1"
  memory         = "2GB"
}

resource "aura_snapshot" "known_good" {
  instance_id = aura_instance.crm.id
}

# Restores crm in place from a pinned snapshot. Change the trigger to restore again on purpose.
# Never point snapshot_id at a "most recent snapshot" data source: each new snapshot would restore again.
resource "aura_instance_restore" "rollback" {
  instance_id       = aura_instance.crm.id
  snapshot_id       = aura_snapshot.known_good.snapshot_id
  confirm_overwrite = true
  triggers = {
    ticket = "INC-1042"
  }
}
