# The provider tenant's network access configurations that keep public traffic off.
data "aura_network_access_configurations" "all" {}

output "private_only" {
  value = [for c in data.aura_network_access_configurations.all.configurations : "${c.cloud_provider}/${c.region}/${c.type}" if !c.public_traffic_enabled]
}
