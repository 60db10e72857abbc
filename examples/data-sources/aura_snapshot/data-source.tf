resource "aura_instance" "events" {
  name                = "events"
  type                = "professional-db"
  cloud_provider      = "gcp"
  region              = "europe-west1"
  memory              = "2GB"
  deletion_protection = false
}

resource "aura_snapshot" "now" {
  instance_id = aura_instance.events.id
}

# The newest completed snapshot: fine for reports and clones, never for aura_instance_restore.
data "aura_snapshot" "latest" {
  instance_id = aura_instance.events.id
  most_recent = true
  status      = "Completed"
  depends_on  = [aura_snapshot.now]
}

output "latest_snapshot" {
  value = data.aura_snapshot.latest.timestamp
}
