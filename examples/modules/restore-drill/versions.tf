terraform {
  required_version = ">= 1.6" # terraform test; OpenTofu 1.6 and later too
  required_providers {
    aura = { source = "aura-terraform/aura" }
  }
}
