# Private connectivity for enterprise-db instances in aws us-east-1, with public traffic shut off.
# Extension: the public Aura API v1 does not expose this; there it is set on the console's Network Access page.
resource "aura_network_access_configuration" "private_only" {
  cloud_provider         = "aws"
  region                 = "us-east-1"
  type                   = "enterprise-db"
  private_connectivity   = true
  public_traffic_enabled = false
  allowed_principals     = ["123456789012"]
}

output "endpoint_service" {
  value = aura_network_access_configuration.private_only.endpoint_service
}
