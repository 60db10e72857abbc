resource "aura_instance" "prod" {
  name                = "catalog-prod"
  type                = "professional-db"
  cloud_provider      = "gcp"
  region              = "europe-west1"
  memory              = "2GB"
  deletion_protection = false
}

resource "aura_snapshot" "release" {
  instance_id = aura_instance.prod.id
}

# A staging copy of production as of the release snapshot. Without source_snapshot_id, Aura takes a fresh
# snapshot of the source.
resource "aura_instance_from_snapshot" "staging" {
  name                = "catalog-staging"
  type                = "professional-db"
  cloud_provider      = "gcp"
  region              = "europe-west1"
  memory              = "2GB"
  source_instance_id  = aura_instance.prod.id
  source_snapshot_id  = aura_snapshot.release.snapshot_id
  deletion_protection = false
}
