terraform {
  required_providers {
    aura = {
      source = "aura-terraform/aura"
    }
  }
}

# Credentials come from AURA_CLIENT_ID and AURA_CLIENT_SECRET; never write the secret in a .tf file.
provider "aura" {
  tenant_id = "6c0a8e2a-4b8f-4f4e-9a61-0f3d2c1b5e77"

  # Defaults: https://api.neo4j.io, 120 requests per minute, 5 retries.
  # base_url          = "http://127.0.0.1:8787" # an aura-emulator on loopback
  # requests_per_minute = 120
}
