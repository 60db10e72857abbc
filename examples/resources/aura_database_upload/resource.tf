resource "aura_instance" "source" {
  name           = "inventory"
  type           = "professional-db"
  cloud_provider = "gcp"
  region         = "europe-west1"
  memory         = "2GB"
}

resource "aura_snapshot" "source" {
  instance_id = aura_instance.source.id
}

resource "aura_snapshot_export" "source" {
  instance_id = aura_instance.source.id
  snapshot_id = aura_snapshot.source.snapshot_id
  path        = "${path.module}/inventory.backup"
}

resource "aura_instance" "replica" {
  name           = "inventory-replica"
  type           = "professional-db"
  cloud_provider = "gcp"
  region         = "europe-west1"
  memory         = "2GB"
}

# Loads the exported file into another instance (AuraDB 5 takes .backup, AuraDB 4 .dump, AuraDS .tar), once,
# after a snapshot of the replica (the undo). A different file uploads nothing by itself: the trigger ties a new
# upload to a new export on purpose.
resource "aura_database_upload" "replica" {
  instance_id       = aura_instance.replica.id
  source_path       = aura_snapshot_export.source.path
  confirm_overwrite = true
  triggers = {
    export = aura_snapshot_export.source.sha256
  }
}
