# The provider's tenant, and the regions where it may create professional-db instances.
data "aura_tenant" "current" {}

output "professional_regions" {
  value = distinct([for c in data.aura_tenant.current.instance_configurations : c.region if c.type == "professional-db"])
}
