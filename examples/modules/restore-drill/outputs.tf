output "snapshot_id" {
  description = "The snapshot the drill cloned."
  value       = data.aura_snapshot.newest_exportable.snapshot_id
}

output "snapshot_timestamp" {
  description = "When that snapshot was taken (RFC 3339, UTC): the recovery point the drill proved."
  value       = data.aura_snapshot.newest_exportable.timestamp
}

output "clone_id" {
  description = "Id of the temporary instance."
  value       = aura_instance_from_snapshot.drill.id
}

output "clone_status" {
  description = "Status of the temporary instance as Aura reported it after the clone."
  value       = aura_instance_from_snapshot.drill.status
}

output "clone_connection_url" {
  description = "Bolt URL of the temporary instance."
  value       = aura_instance_from_snapshot.drill.connection_url
}
