resource "aura_instance" "orders" {
  name           = "orders-prod"
  type           = "professional-db"
  version        = "5"
  cloud_provider = "gcp"
  region         = "europe-west1"
  memory         = "4GB"

  # Pause outside office hours by flipping this in CI; Terraform resumes it when set back to false.
  paused = false

  # true by default: a plan that would destroy or replace this instance (and with it all its snapshots) fails.
  # Set false and apply before destroying it.
  deletion_protection = false

  timeouts = {
    create = "30m"
  }
}

output "orders_connection_url" {
  value = aura_instance.orders.connection_url
}

output "orders_password" {
  value     = aura_instance.orders.password
  sensitive = true
}
