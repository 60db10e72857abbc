# All instances of the provider's tenant named "orders-prod".
data "aura_instances" "orders" {
  name = "orders-prod"
}

output "order_instance_ids" {
  value = [for i in data.aura_instances.orders.instances : i.id]
}
