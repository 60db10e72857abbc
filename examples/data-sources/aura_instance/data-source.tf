resource "aura_instance" "example" {
  name                = "lookup-example"
  type                = "professional-db"
  cloud_provider      = "gcp"
  region              = "europe-west1"
  memory              = "2GB"
  deletion_protection = false
}

data "aura_instance" "example" {
  id = aura_instance.example.id
}

output "status" {
  value = data.aura_instance.example.status
}
