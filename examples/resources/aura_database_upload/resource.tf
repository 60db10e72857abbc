resource "aura_instance" "source" {
  name                = "inventory"
  type                = "professional-db"
  cloud_provider      = "gcp"
  region              = "europe-west1"
  memory              = "2GB"
  deletion_protection = false
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
  name                = "inventory-replica"
  type                = "professional-db"
  cloud_provider      = "gcp"
  region              = "europe-west1"
  memory              = "2GB"
  deletion_protection = false
}

# Loads the exported file into another instance (AuraDB 5 takes .backup, AuraDB 4 .dump, AuraDS .tar), once,
# after a snapshot of the replica (the undo). A different file uploads nothing by itself: change the trigger to
# upload again. Keep triggers to values you set: one computed elsewhere (say, the export's sha256, unknown again
# whenever the file is downloaded anew on another machine) would upload again without anyone asking.
# The file goes through the Aura console host (as `neo4j-admin database upload` sends it), authenticated as the
# database's own user: password_wo is write-only, never stored in state or plan.
resource "aura_database_upload" "replica" {
  instance_id       = aura_instance.replica.id
  source_path       = aura_snapshot_export.source.path
  confirm_overwrite = true
  password_wo       = aura_instance.replica.password
  triggers = {
    release = "2026-11-26"
  }
}
