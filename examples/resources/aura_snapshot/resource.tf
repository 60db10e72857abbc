resource "aura_instance" "billing" {
  name           = "billing"
  type           = "professional-db"
  cloud_provider = "gcp"
  region         = "europe-west1"
  memory         = "2GB"
}

# A snapshot before every schema migration: bump the trigger with the migration version.
resource "aura_snapshot" "before_migration" {
  instance_id = aura_instance.billing.id
  triggers = {
    migration = "2026-11-25-add-invoice-index"
  }
}

output "restorable_until" {
  value = aura_snapshot.before_migration.restorable_until
}
