resource "aura_instance" "orders" {
  name                = "orders"
  type                = "professional-db"
  cloud_provider      = "gcp"
  region              = "europe-west1"
  memory              = "2GB"
  deletion_protection = false
}

resource "aura_snapshot" "weekly" {
  instance_id = aura_instance.orders.id
}

# Keeps a local copy of the snapshot. In Terraform Cloud the file lives only for the run: copy it elsewhere
# in the same run if you need to keep it.
resource "aura_snapshot_export" "weekly" {
  instance_id = aura_instance.orders.id
  snapshot_id = aura_snapshot.weekly.snapshot_id
  path        = "${path.module}/orders-weekly.backup"
}

output "export_sha256" {
  value = aura_snapshot_export.weekly.sha256
}
