# Restore drill: clone the newest exportable snapshot of an instance into a temporary instance, check it, and let
# `terraform test` destroy it. Run in the module's folder: `TF_VAR_instance_id=<id> terraform test` (with
# TF_VAR_verify_command to check the clone's data too). `make test` runs it against aura-emulator
# (scripts/drill.sh); the guide "Prove your backups restore" runs it on a schedule against a real account.

variables {
  # The recovery point must be younger than this, or the drill fails even if the clone works.
  max_snapshot_age = "26h"
}

run "clone_newest_exportable_snapshot" {
  assert {
    condition     = data.aura_snapshot.newest_exportable.exportable && data.aura_snapshot.newest_exportable.snapshot_status == "Completed"
    error_message = "The snapshot picked is not a completed, exportable one."
  }

  assert {
    condition     = timecmp(timeadd(data.aura_snapshot.newest_exportable.timestamp, var.max_snapshot_age), plantimestamp()) > 0
    error_message = "The newest exportable snapshot was taken at ${data.aura_snapshot.newest_exportable.timestamp}, more than ${var.max_snapshot_age} ago."
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
