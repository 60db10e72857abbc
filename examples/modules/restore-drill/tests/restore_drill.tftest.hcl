# Restore drill: clone the newest exportable snapshot of an instance into a temporary instance, check it, and let
# `terraform test` destroy it. Run in the module's folder: `TF_VAR_instance_id=<id> terraform test`;
# TF_VAR_verify_command adds a check of the clone's data, TF_VAR_max_snapshot_age allows an older recovery point.
# `make test` runs it against aura-emulator (scripts/drill.sh); the guide "Prove your backups restore" runs it on a
# schedule against a real account.

# The module's check "recovery_point_is_recent" fails the run too: terraform test treats a failed check as an error.
run "clone_newest_exportable_snapshot" {
  assert {
    condition     = data.aura_snapshot.newest_exportable.exportable && data.aura_snapshot.newest_exportable.snapshot_status == "Completed"
    error_message = "The snapshot picked is not a completed, exportable one."
  }

  assert {
    condition     = aura_instance_from_snapshot.drill.source_instance_id == var.instance_id && aura_instance_from_snapshot.drill.source_snapshot_id == data.aura_snapshot.newest_exportable.snapshot_id
    error_message = "The clone was not made from snapshot ${data.aura_snapshot.newest_exportable.snapshot_id} of instance ${var.instance_id}."
  }

  assert {
    condition     = aura_instance_from_snapshot.drill.status == "running" && aura_instance_from_snapshot.drill.connection_url != ""
    error_message = "The clone is ${aura_instance_from_snapshot.drill.status}, not running with a connection URL."
  }
}
