data "aura_tenants" "all" {}

output "tenant_names" {
  value = [for t in data.aura_tenants.all.tenants : t.name]
}
