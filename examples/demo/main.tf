# The backup story that `make demo` tells against aura-emulator, one stage at a time:
#   1: a production instance
#   2: an on-demand snapshot, the exportable snapshots listed, a staging clone from that snapshot
#   3: a restore of production from the pinned snapshot, after a bad write
#   4: an export of that snapshot to a local .backup file
#   5: an upload of that file into production, after another bad write
# Then a week passes: the snapshot expires, and the plan is still empty: nothing is restored or uploaded again.
terraform {
  required_providers {
    aura = {
      source = "aura-terraform/aura"
    }
  }
}

# Credentials, URL and tenant come from AURA_CLIENT_ID, AURA_CLIENT_SECRET, AURA_BASE_URL and AURA_TENANT_ID.
provider "aura" {}

variable "stage" {
  type    = number
  default = 1
}

resource "aura_instance" "prod" {
  name                = "demo-prod"
  type                = "professional-db"
  cloud_provider      = "gcp"
  region              = "europe-west1"
  memory              = "2GB"
  deletion_protection = false
}

resource "aura_snapshot" "before_release" {
  count       = var.stage >= 2 ? 1 : 0
  instance_id = aura_instance.prod.id
  triggers    = { release = "v1" }
}

# Listed once, at stage 2: every later restore and upload adds its undo snapshot to the list.
data "aura_snapshots" "exportable" {
  count           = var.stage == 2 ? 1 : 0
  instance_id     = aura_instance.prod.id
  exportable_only = true
  depends_on      = [aura_snapshot.before_release]
}

resource "aura_instance_from_snapshot" "staging" {
  count               = var.stage >= 2 ? 1 : 0
  name                = "demo-staging"
  type                = "professional-db"
  cloud_provider      = "gcp"
  region              = "europe-west1"
  memory              = "2GB"
  source_instance_id  = aura_instance.prod.id
  source_snapshot_id  = aura_snapshot.before_release[0].snapshot_id
  deletion_protection = false
}

resource "aura_instance_restore" "rollback" {
  count             = var.stage >= 3 ? 1 : 0
  instance_id       = aura_instance.prod.id
  snapshot_id       = aura_snapshot.before_release[0].snapshot_id
  confirm_overwrite = true
  triggers          = { incident = "INC-1" } # change it to restore again; nothing else does
}

resource "aura_snapshot_export" "offsite" {
  count       = var.stage >= 4 ? 1 : 0
  instance_id = aura_instance.prod.id
  snapshot_id = aura_snapshot.before_release[0].snapshot_id
  path        = "${path.module}/demo-prod.backup"
}

resource "aura_database_upload" "from_file" {
  count             = var.stage >= 5 ? 1 : 0
  instance_id       = aura_instance.prod.id
  source_path       = aura_snapshot_export.offsite[0].path
  confirm_overwrite = true
  password_wo       = aura_instance.prod.password
  depends_on        = [aura_instance_restore.rollback]
}

output "prod_id" {
  value = aura_instance.prod.id
}

output "prod_connection_url" {
  value = aura_instance.prod.connection_url
}

output "staging_id" {
  value = one(aura_instance_from_snapshot.staging[*].id)
}

output "staging_connection_url" {
  value = one(aura_instance_from_snapshot.staging[*].connection_url)
}

output "snapshot_id" {
  value = one(aura_snapshot.before_release[*].snapshot_id)
}

# Null, and so not shown, outside stage 2: the list is read only then (a 0 later would say it found none).
output "exportable_snapshots" {
  value = length(data.aura_snapshots.exportable) > 0 ? length(data.aura_snapshots.exportable[0].snapshots) : null
}

output "restore_method" {
  value = one(aura_instance_restore.rollback[*].method)
}

output "restore_undo_snapshot_id" {
  value = one(aura_instance_restore.rollback[*].backup_snapshot_id)
}

output "export_file" {
  value = one(aura_snapshot_export.offsite[*].path)
}

output "export_sha256" {
  value = one(aura_snapshot_export.offsite[*].sha256)
}
