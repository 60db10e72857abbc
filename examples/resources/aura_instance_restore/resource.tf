resource "aura_instance" "crm" {
  name                = "crm"
  type                = "professional-db"
  cloud_provider      = "gcp"
  region              = "europe-west1"
  memory              = "2GB"
  deletion_protection = false
}

resource "aura_snapshot" "known_good" {
  instance_id = aura_instance.crm.id
}

# Restores crm in place from the known-good snapshot, once. A snapshot of crm is taken first: its id is in
# backup_snapshot_id, the undo. Change the trigger to restore again; a retaken or expired snapshot restores nothing.
resource "aura_instance_restore" "rollback" {
  instance_id       = aura_instance.crm.id
  snapshot_id       = aura_snapshot.known_good.snapshot_id
  confirm_overwrite = true
  triggers = {
    ticket = "INC-1042"
  }
}

output "undo_snapshot_id" {
  value = aura_instance_restore.rollback.backup_snapshot_id
}
