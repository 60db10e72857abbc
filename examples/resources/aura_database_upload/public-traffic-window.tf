# Private connectivity only: public traffic is off for every instance in aws eu-west-1, so Aura refuses uploads
# into them.
resource "aura_network_access_configuration" "private_only" {
  cloud_provider         = "aws"
  region                 = "eu-west-1"
  type                   = "professional-db"
  private_connectivity   = true
  public_traffic_enabled = false
}

resource "aura_instance" "orders" {
  name                = "orders"
  type                = "professional-db"
  cloud_provider      = "gcp"
  region              = "europe-west1"
  memory              = "2GB"
  deletion_protection = false
}

resource "aura_snapshot" "orders" {
  instance_id = aura_instance.orders.id
}

resource "aura_snapshot_export" "orders" {
  instance_id = aura_instance.orders.id
  snapshot_id = aura_snapshot.orders.snapshot_id
  path        = "${path.module}/orders.backup"
}

resource "aura_instance" "private" {
  name                = "orders-private"
  type                = "professional-db"
  cloud_provider      = "aws"
  region              = "eu-west-1"
  memory              = "2GB"
  deletion_protection = false
}

# Aura's documented workflow, done for you: public traffic is turned on in the configuration, the upload runs
# once the configuration is ready, and public traffic is turned off again, also when the upload fails. The
# configuration ends as configured above, so its next plan is empty. Other uploads of the same apply into
# aws eu-west-1 share the opening.
resource "aura_database_upload" "private" {
  instance_id         = aura_instance.private.id
  source_path         = aura_snapshot_export.orders.path
  confirm_overwrite   = true
  password_wo         = aura_instance.private.password
  open_public_traffic = true
  triggers = {
    release = "2026-11-26"
  }
  # Created, or changed, before the upload runs, which then finds it.
  depends_on = [aura_network_access_configuration.private_only]
}
