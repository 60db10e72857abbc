resource "aura_instance" "billing" {
  name                = "billing"
  type                = "professional-db"
  cloud_provider      = "gcp"
  region              = "europe-west1"
  memory              = "2GB"
  deletion_protection = false
}

# A snapshot before every schema migration: bump the trigger with the migration version. Once Aura lets it
# expire, its record stays in state (on_expiry = "keep"): it is never retaken long after the migration.
resource "aura_snapshot" "before_migration" {
  instance_id = aura_instance.billing.id
  triggers = {
    migration = "2026-11-25-add-invoice-index"
  }
}

# A rolling snapshot: once it expires, the next apply takes a new one.
resource "aura_snapshot" "rolling" {
  instance_id = aura_instance.billing.id
  on_expiry   = "retake"
}

output "restorable_until" {
  value = aura_snapshot.before_migration.restorable_until
}
